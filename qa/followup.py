"""What became of a commitment: did a later meeting's papers take it up, and when is "the next meeting"?

A commitment such as "Looked after children seeking safety would be added to the work programme"
(23 Sep 2025) is followed up when a later meeting of the same council and committee has an agenda item
about it (28 Oct 2025, item 183 "Children Seeking Safety"). This module finds such items among the
indexed papers by the commitment's subject (the words before "would", "to come", ...) and the item
titles of later meetings, and says which it found, with the item's paper and page to cite. It never
says a promise was kept: only that a later paper puts the subject on its agenda, or that none does,
or that the index holds no later papers to tell.

"The next meeting" in a commitment is resolved to the next meeting date of that committee among the
indexed papers.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from index.store import IndexStore, StoredRecord

ON_AGENDA = "on a later agenda"
OPEN = "no later item found"
NO_LATER = "no later papers indexed"


def unknown(council: str, committee: str, when: date | None) -> str:
    """Why a commitment cannot be followed: exactly what its paper lacks ('council not known'), never a guess
    that blames a committee or a date the row shows."""
    missing = [name for name, value in (("council", council), ("committee", committee), ("meeting date", when)) if not value]
    return f"{' and '.join(missing) or 'the body that met'} not known"


# where a commitment's subject ends: "X would be added ...", "Update to come to ...", "X to be notified"
_SUBJECT_END = re.compile(
    r"\b(?:would|will|was to|were to|should|to come|to return|to be|be added|be brought|is due|was due|were due|(?:was|were) deferred)\b", re.IGNORECASE
)
# "deferred to the next appropriate meeting" (not a notice of motion's "I will move at the next Meeting")
_NEXT_MEETING = re.compile(r"(?<!move at the )\bnext (?:appropriate |scheduled |available )?meeting\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-]){2,}")  # letters of any alphabet ("éireann")
# words that say nothing about what a commitment is about, and the words of items every meeting has
_GENERIC = set(
    """the and for with that this from into onto about after before would will should could update updates report reports
    item items meeting meetings commission committee council cabinet members member scrutiny work programme added come
    brought return future next agenda also further details information officers officer regarding progress its their
    was were are has have had been being which who whom there these those other more than then them they all any
    minutes previous apologies absence declarations declaration interest interests urgent business exclusion press public
    questions question announcements chair chairman chairs matters arising notice notices motion motions date held""".split()
)


def _stem(word: str) -> str:
    """A crude stem, enough to match 'children'/'child', 'planning'/'plan', 'services'/'service'."""
    word = word.strip("'’-")
    for suffix in ("ren", "ing", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=100_000)
def content_terms(text: str) -> frozenset[str]:
    """The stemmed content words of a text (the generic words of agendas and commitments left out); kept per text,
    since timelines read every record's words on each call."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _GENERIC)


def subject_terms(text: str) -> frozenset[str]:
    """The content words of a commitment's subject: 'Looked after children seeking safety would be added
    to the work programme' -> {look, after, child, seek, safety} (stemmed)."""
    text = re.sub(r"^\W*(?:\d+[.)]\s*|That\s+)?", "", text)
    m = _SUBJECT_END.search(text)
    return content_terms(text[: m.start()] if m else "")


def _about(subject: set[str], title: set[str]) -> bool:
    """Whether an item title names the commitment's subject: most of the title's words are the subject's
    ('Children Seeking Safety' for 'Looked after children seeking safety ...'), not just a shared word or two
    ('Budget Risks Register' is not 'The Corporate Risk Register')."""
    shared = len(subject & title)
    return shared >= 2 and shared >= 0.75 * len(title) and shared >= 0.5 * len(subject)


def body_key(council: str, committee: str) -> tuple[str, str] | None:
    """Who met, comparable across papers: 'County Council (full council)' and 'county council' are one body;
    a paper whose council or committee is not known belongs to none."""
    def norm(name: str) -> str:
        name = re.sub(r"\([^)]*\)", " ", name.lower())
        return re.sub(r"\s+", " ", re.sub(r"^the\s+", "", name.strip())).strip()

    key = (norm(council), norm(committee))
    return key if all(key) else None


@dataclass
class AgendaItem:
    """An item of a meeting, as the index holds it: where its first passage stands."""

    council: str
    committee: str
    meeting_date: date
    source: str
    paper_id: str
    item: str
    title: str
    pdf_page: int | None
    label: str | None


@dataclass
class FollowUp:
    """What the later papers say of a commitment."""

    status: str  # ON_AGENDA, OPEN, NO_LATER or unknown(...)
    item: AgendaItem | None = None
    next_meeting: date | None = None  # the committee's next meeting after the commitment, if indexed


def word_index(rows: list[tuple[AgendaItem, set[str]]]) -> dict[str, list[int]]:
    """Title word -> positions of the items whose titles have it."""
    index: dict[str, list[int]] = {}
    for n, (_, terms) in enumerate(rows):
        for t in terms:
            index.setdefault(t, []).append(n)
    return index


@dataclass
class _Meetings:
    """Per body: its meeting dates (sorted) and its items (in meeting order) with an index of title words."""

    dates: dict[tuple[str, str], list[date]]
    items: dict[tuple[str, str], list[tuple[AgendaItem, set[str]]]]
    by_word: dict[tuple[str, str], dict[str, list[int]]]


class Agendas:
    """The items and meeting dates of every indexed meeting, rebuilt when the index changes."""

    def __init__(self, store: IndexStore):
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self._data = _Meetings({}, {}, {})

    def _refresh(self) -> _Meetings:
        with self._lock:
            generation = self.store.generation()
            if generation != self._generation:
                self._data = self.store.cached("agendas", self._build)  # saved for other processes
                self._generation = generation
            return self._data

    def _build(self) -> _Meetings:
        dates: dict[tuple[str, str], set[date]] = {}
        items: dict[tuple[str, str], list[tuple[AgendaItem, set[str]]]] = {}
        seen: set[tuple] = set()
        for c in self.store.all_chunks(text=False):
            body = body_key(c.council, c.committee)
            if body is None or not c.meeting_date:
                continue
            dates.setdefault(body, set()).add(c.meeting_date)
            key = (c.paper_id, c.meeting_date, c.item, c.item_title)
            if not c.item_title or key in seen:
                continue
            seen.add(key)
            span = c.spans[0] if c.spans else None
            it = AgendaItem(c.council, c.committee, c.meeting_date, c.source, c.paper_id, c.item, c.item_title,
                            span.pdf_page if span else None, span.label if span else None)
            items.setdefault(body, []).append((it, content_terms(it.title)))
        for rows in items.values():
            rows.sort(key=lambda row: (row[0].meeting_date, row[0].source, row[0].pdf_page or 0))
        return _Meetings({b: sorted(d) for b, d in dates.items()}, items, {b: word_index(rows) for b, rows in items.items()})

    def items(self) -> list[AgendaItem]:
        """Every agenda item of every indexed meeting, in meeting order per body."""
        return [it for rows in self._refresh().items.values() for it, _ in rows]

    def last_meeting(self, council: str, committee: str) -> date | None:
        """The latest indexed meeting of a body, or None (not known, or none indexed)."""
        body = body_key(council, committee)
        dates = self._refresh().dates.get(body, []) if body else []
        return dates[-1] if dates else None

    def _next(self, data: _Meetings, body: tuple[str, str], when: date) -> date | None:
        dates = data.dates.get(body, [])
        k = bisect.bisect_right(dates, when)
        return dates[k] if k < len(dates) else None

    def follow_up(self, r: StoredRecord) -> FollowUp:
        """Whether a later meeting of the same committee has an item on the commitment's subject."""
        data = self._refresh()
        body = body_key(r.council, r.committee)
        when = r.record.meeting_date
        if body is None or when is None:
            return FollowUp(unknown(r.council, r.committee, when))
        nxt = self._next(data, body, when)
        if nxt is None:
            return FollowUp(NO_LATER)
        subject = subject_terms(r.record.text)
        if len(subject) >= 2:
            rows = data.items.get(body, [])
            candidates = sorted({n for t in subject for n in data.by_word.get(body, {}).get(t, [])})
            for n in candidates:
                it, terms = rows[n]
                if it.meeting_date > when and _about(subject, terms):
                    return FollowUp(ON_AGENDA, it, nxt)
        return FollowUp(OPEN, None, nxt)



def due_month(r: StoredRecord, follow_up: FollowUp) -> str | None:
    """The record's due month, or for 'the next meeting' the month of the committee's next indexed meeting
    (which its follow-up has found)."""
    nxt = follow_up.next_meeting
    if r.record.due or not _NEXT_MEETING.search(r.record.text):
        return r.record.due
    return f"{nxt.year:04d}-{nxt.month:02d}" if nxt else None
