"""A topic's history across meetings: where it was on the agenda, what was decided and promised, in date order.

SEND transport was item 173 on 23 September 2025 ("noted"), came up again on 28 October 2025 ("Members to be
notified … once white papers are released") and is due back in January 2026. Each question sees one meeting;
the timeline puts them side by side. It is built from what the index already holds: agenda items and reports
whose title is about the topic (`followup.Agendas`, the catalog), and the register's decisions and commitments
whose item title or text names every word of it, and the items taken in private (exempt: shown with their reason). A commitment with a due month adds a "due" entry at that month, with its status:
on a later agenda (a later item takes it up), overdue (the committee met after the month and no item did), or
due (no papers after the month are indexed, so nobody can tell yet). The latest decision is marked as the one in
force. Nothing here judges whether a promise was kept; every entry cites the page it stands on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from index.exempt import EXEMPT
from index.store import CatalogPaper, StoredRecord
from index.types import DocType, item_name

from .followup import ON_AGENDA, OPEN, AgendaItem, content_terms

AGENDA, REPORTED, DECIDED, PROMISED, DUE = "on the agenda", "reported", "decided", "promised", "due"
PRIVATE = "taken in private"  # an exempt item: it exists, with its reason; its content is not in the papers
KIND_OF = {"decision": DECIDED, "commitment": PROMISED, EXEMPT: PRIVATE}


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: what happened (kind), where it stands (paper and page), and, for commitments, status."""

    kind: str  # AGENDA, REPORTED, DECIDED, PROMISED, DUE or PRIVATE
    text: str  # the item's or report's title (PRIVATE: the item), or the record's text verbatim
    meeting_date: date | None  # the meeting it was said at (for DUE: the meeting that promised it)
    council: str
    committee: str
    item: str
    paper_id: str
    source: str
    pdf_page: int | None
    page: str | None  # printed page label
    status: str = ""  # a commitment's: "on a later agenda: 2025-10-28 item 183. …", "overdue", "due", …; PRIVATE: why
    due: str = ""  # "2026-01"
    in_force: bool = False  # the latest decision on the topic

    def where(self) -> str:
        """'13 Mar 2025, County Council, item 300, page 9': the meeting, item and page, for a sentence."""
        page = f"page {self.page}" if self.page else (f"PDF page {self.pdf_page}" if self.pdf_page else "")
        when = self.meeting_date.strftime("%d %b %Y").lstrip("0") if self.meeting_date else ""
        return ", ".join(x for x in (when, self.committee, f"item {self.item}" if self.item else "", page) if x)


@dataclass
class Timeline:
    topic: str
    entries: list[Entry] = field(default_factory=list)

    def when(self, e: Entry) -> date:
        """Where an entry sorts: its meeting, or for a due entry the first day of the month it is due."""
        if e.kind == DUE:
            return due_date(e.due) or date.max
        return e.meeting_date or date.min


def due_date(due: str | None) -> date | None:
    """'2026-01' or '2026-01-15' -> the date (the 1st for a month); None if not a date."""
    try:
        return date.fromisoformat(due if due and len(due) > 7 else f"{due}-01")
    except (TypeError, ValueError):
        return None


def about(topic: set[str], *texts: str) -> bool:
    """Whether the texts together name every word of the topic (stemmed, generic words left out)."""
    if not topic:
        return False
    words: set[str] = set()
    for t in texts:
        words |= content_terms(t or "")
    return topic <= words


def titled(topic: set[str], title: str) -> bool:
    """Whether an agenda item's title is about the topic: it names every word of it, and those are at least half
    its words ('SEND TRANSPORT UPDATE' for "SEND transport", not 'Home to school transport and SEND strategy
    review 2025-2030 consultation outcomes')."""
    words = content_terms(title)
    return bool(topic) and topic <= words and 2 * len(topic) >= len(words)


def commitment_status(r: StoredRecord, last_meeting: date | None) -> str:
    """A commitment's status for its due entry: taken up, overdue, or still due (as far as the papers tell)."""
    fu = r.follow_up
    if fu is not None and fu.status == ON_AGENDA and fu.item is not None:
        it = fu.item
        return f"{ON_AGENDA}: {it.meeting_date.isoformat()} {item_name(it.item, it.title)}".strip()
    due = due_date(r.record.due)
    if due and last_meeting and fu is not None and fu.status == OPEN and last_meeting > _next_month(due):
        return "overdue: the committee met after it was due and no item took it up"
    return "due" + (f"; {fu.status}" if fu is not None and fu.status != ON_AGENDA else "")


def _next_month(d: date) -> date:
    """The first day of the month after `d`'s."""
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _of(name: str, part: str | None) -> bool:
    return not part or part.lower() in (name or "").lower()


def build(topic: str, items: list[AgendaItem], records: list[StoredRecord], last_meeting, papers: list[CatalogPaper] = (),
          council: str | None = None, committee: str | None = None, match: bool = True) -> Timeline:
    """The timeline of `topic` from agenda items, register records and reports (papers that are not minutes or
    agendas), of the council and committee named (any part of a name) if any; `last_meeting(council, committee)`
    gives the latest indexed meeting of a body, or None. `match=False`: the records are already the topic's."""
    words = content_terms(topic)
    items = [it for it in items if _of(it.council, council) and _of(it.committee, committee)]
    records = [r for r in records if _of(r.council, council) and _of(r.committee, committee)]
    out: list[Entry] = []
    for p in papers:
        m = p.meta
        if m.doc_type in (DocType.MINUTES, DocType.AGENDA) or not (_of(m.council, council) and _of(m.committee, committee)):
            continue
        if m.title and titled(words, m.title):
            out.append(Entry(REPORTED, m.title, m.meeting_date, m.council or "", m.committee or "", "", p.id, p.source, 1, None))
    for it in items:
        if titled(words, it.title):
            out.append(Entry(AGENDA, item_name(it.item, it.title), it.meeting_date, it.council, it.committee,
                             item_name(it.item, it.title), it.paper_id, it.source, it.pdf_page, it.label))
    private: set[tuple] = set()
    for r in records:
        rec = r.record
        kind = KIND_OF.get(rec.type)
        if kind == PRIVATE:
            key = (r.council, r.committee, rec.meeting_date, rec.item_title.lower())
            if key not in private and (not match or about(words, rec.item_title)):  # listed on the agenda and again in the minutes: once
                private.add(key)
                named = item_name(rec.item, rec.item_title)
                out.append(Entry(PRIVATE, named, rec.meeting_date, r.council, r.committee, named, r.paper_id, r.source,
                                 rec.pdf_page, rec.label, status=rec.kind))
            continue
        if kind is None or match and not about(words, rec.item_title, rec.text):
            continue
        entry = Entry(kind, rec.text, rec.meeting_date, r.council, r.committee, item_name(rec.item, rec.item_title),
                      r.paper_id, r.source, rec.pdf_page, rec.label, status=rec.kind if kind == DECIDED else "", due=rec.due or "")
        out.append(entry)
        if kind == PROMISED and due_date(rec.due):
            status = commitment_status(r, last_meeting(r.council, r.committee))
            out.append(Entry(DUE, rec.text, rec.meeting_date, r.council, r.committee, entry.item, r.paper_id, r.source,
                             rec.pdf_page, rec.label, status=status, due=rec.due))
    timeline = Timeline(topic)
    order = {AGENDA: 0, PRIVATE: 1, REPORTED: 2, DECIDED: 3, PROMISED: 4, DUE: 5}
    out.sort(key=lambda e: (timeline.when(e), e.council, e.committee, order[e.kind], e.pdf_page or 0))
    decisions = [n for n, e in enumerate(out) if e.kind == DECIDED]
    if decisions:
        last = decisions[-1]
        out[last] = replace(out[last], in_force=True)
    timeline.entries = out
    return timeline
