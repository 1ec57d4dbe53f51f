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

import re
import threading
from dataclasses import dataclass
from datetime import date

from index.store import IndexStore, StoredRecord

ON_AGENDA = "on a later agenda"
OPEN = "no later item found"
NO_LATER = "no later papers indexed"

# where a commitment's subject ends: "X would be added ...", "Update to come to ...", "X to be notified"
_SUBJECT_END = re.compile(
    r"\b(?:would|will|was to|were to|should|to come|to return|to be|be added|be brought|is due|was due|were due|(?:was|were) deferred)\b", re.IGNORECASE
)
# "deferred to the next appropriate meeting" (not a notice of motion's "I will move at the next Meeting")
_NEXT_MEETING = re.compile(r"(?<!move at the )\bnext (?:appropriate |scheduled |available )?meeting\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
# words that say nothing about what a commitment is about
_GENERIC = set(
    """the and for with that this from into onto about after before would will should could update updates report reports
    item items meeting meetings commission committee council cabinet members member scrutiny work programme added come
    brought return future next agenda also further details information officers officer regarding progress its their
    was were are has have had been being which who whom there these those other more than then them they all any""".split()
)


def _stem(word: str) -> str:
    """A crude stem, enough to match 'children'/'child', 'planning'/'plan', 'services'/'service'."""
    word = word.strip("'’-")
    for suffix in ("ren", "ing", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _terms(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _GENERIC}


def subject_terms(text: str) -> set[str]:
    """The content words of a commitment's subject: 'Looked after children seeking safety would be added
    to the work programme' -> {look, after, child, seek, safety} (stemmed)."""
    text = re.sub(r"^\W*(?:\d+[.)]\s*|That\s+)?", "", text)
    m = _SUBJECT_END.search(text)
    return _terms(text[: m.start()] if m else "")


def _about(subject: set[str], title: set[str]) -> bool:
    """Whether an item title names the commitment's subject: most of the title's words are the subject's
    ('Children Seeking Safety' for 'Looked after children seeking safety ...'), not just a shared word or two
    ('Budget Risks Register' is not 'The Corporate Risk Register')."""
    shared = len(subject & title)
    return shared >= 2 and shared >= 0.75 * len(title) and shared >= 0.5 * len(subject)


def _same_body(a: str, b: str) -> bool:
    """Whether two council or committee names are the same body ('County Council' vs 'County Council (full council)')."""
    a, b = a.lower().strip(), b.lower().strip()
    return not a or not b or a in b or b in a


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

    status: str  # ON_AGENDA, OPEN or NO_LATER
    item: AgendaItem | None = None
    next_meeting: date | None = None  # the committee's next meeting after the commitment, if indexed


class Agendas:
    """The items and meeting dates of every indexed meeting, rebuilt when the index changes."""

    def __init__(self, store: IndexStore):
        self.store = store
        self._lock = threading.Lock()
        self._generation = -1
        self.items: list[AgendaItem] = []
        self._terms: list[set[str]] = []
        self._meetings: dict[tuple[str, str], set[date]] = {}

    def _refresh(self) -> None:
        with self._lock:
            generation = self.store.generation()
            if generation == self._generation:
                return
            seen: set[tuple] = set()
            items = []
            meetings: dict[tuple[str, str], set[date]] = {}
            for c in self.store.all_chunks():
                if c.meeting_date:
                    meetings.setdefault((c.council, c.committee), set()).add(c.meeting_date)
                if not c.meeting_date or not c.item_title:
                    continue
                key = (c.paper_id, c.meeting_date, c.item, c.item_title)
                if key in seen:
                    continue
                seen.add(key)
                span = c.spans[0] if c.spans else None
                items.append(
                    AgendaItem(c.council, c.committee, c.meeting_date, c.source, c.paper_id, c.item, c.item_title,
                               span.pdf_page if span else None, span.label if span else None)
                )
            items.sort(key=lambda it: (it.meeting_date, it.source, it.pdf_page or 0))
            self.items = items
            self._terms = [_terms(it.title) for it in items]
            self._meetings = meetings
            self._generation = generation

    def meetings(self, council: str, committee: str) -> list[date]:
        """The meeting dates of a committee held in the index, in order."""
        self._refresh()
        return sorted({d for (c, m), dates in self._meetings.items() if _same_body(c, council) and _same_body(m, committee) for d in dates})

    def follow_up(self, r: StoredRecord) -> FollowUp:
        """Whether a later meeting of the same committee has an item on the commitment's subject."""
        self._refresh()
        when = r.record.meeting_date
        if when is None:
            return FollowUp(OPEN)
        later = [d for d in self.meetings(r.council, r.committee) if d > when]
        if not later:
            return FollowUp(NO_LATER)
        subject = subject_terms(r.record.text)
        if len(subject) >= 2:
            for it, terms in zip(self.items, self._terms):
                if it.meeting_date > when and _same_body(it.council, r.council) and _same_body(it.committee, r.committee) and _about(subject, terms):
                    return FollowUp(ON_AGENDA, it, later[0])
        return FollowUp(OPEN, None, later[0])

    def due(self, r: StoredRecord) -> str | None:
        """The record's due month, or for 'the next meeting' the month of the committee's next indexed meeting."""
        if r.record.due or not r.record.meeting_date or not _NEXT_MEETING.search(r.record.text):
            return r.record.due
        later = [d for d in self.meetings(r.council, r.committee) if d > r.record.meeting_date]
        return f"{later[0].year:04d}-{later[0].month:02d}" if later else None
