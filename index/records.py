"""Minutes read as lines and sentences, and the Record that decisions and commitments are kept as.

Each line knows its chunk and the page it stands on, so a record quoting consecutive lines of one page
can be cited like any passage (its text is that page's text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .types import Chunk, DocType

DECISION_KINDS = (
    "agreed", "noted", "resolved", "amendment carried", "amendment lost",
    "recommendation carried", "recommendation lost", "deferred", "referred",
)

SENT_END = re.compile(r"[.;][”\"’']?\s*$")


@dataclass
class Record:
    """A decision or a commitment, with where it stands."""

    type: str  # "decision" | "commitment"
    text: str  # verbatim from the page
    kind: str = ""  # decisions: one of DECISION_KINDS
    chunk_id: str = ""
    item: str = ""
    item_title: str = ""
    meeting_date: date | None = None
    page_index: int = 0
    pdf_page: int | None = None
    label: str | None = None
    mover: str | None = None
    seconder: str | None = None
    votes: dict = field(default_factory=dict)
    due: str | None = None  # "YYYY-MM" or None
    who: str | None = None

    def search_text(self) -> str:
        """What topic search matches: the item's title and the record's text."""
        return f"{self.item_title}: {self.text}" if self.item_title else self.text


@dataclass
class Line:
    text: str
    chunk: Chunk
    page_index: int
    pdf_page: int | None
    label: str | None
    at: int = 0  # where the line starts in its chunk's text

    @property
    def key(self) -> tuple[str, int]:
        return (self.chunk.id, self.at)


_WORK_PROGRAMME = re.compile(r"work programme\s+\d{4}", re.IGNORECASE)


def read_lines(chunks: list[Chunk], work_programmes: bool = False, every_type: bool = False) -> list[Line]:
    """The lines of a paper's minutes (and, for commitments, of its work programme tables; with `every_type`, of
    all its parts), in order."""
    out = []
    in_programme, section = False, None
    for c in chunks:
        if work_programmes:
            if _WORK_PROGRAMME.search(c.text):
                in_programme, section = True, c.heading
            elif in_programme and c.heading != section:
                in_programme = False
        if c.doc_type not in (DocType.MINUTES, DocType.DECISION) and not in_programme and not every_type:
            continue
        offset, here = 0, []
        for line in c.text.split("\n"):
            span = c.span_at(offset)
            if line.strip():
                here.append(Line(line.strip(), c, span.page_index if span else 0, span.pdf_page if span else None, span.label if span else None, offset))
            offset += len(line) + 1
        for n, ln in enumerate(here):
            # a bare number at the top or foot of a page is its page number, not part of the text
            edge = n == 0 or n == len(here) - 1 or here[n - 1].page_index != ln.page_index or here[n + 1].page_index != ln.page_index
            if not (ln.text.isdigit() and edge):
                out.append(ln)
    return out


def record_from(kind_type: str, lines: list[Line], **kw) -> Record:
    """A record from consecutive lines, kept to the page of the first line (so the quote is on one page)."""
    first = lines[0]
    same_page = [ln for ln in lines if ln.page_index == first.page_index]
    c = first.chunk
    return Record(
        type=kind_type,
        text=" ".join(ln.text for ln in same_page),
        chunk_id=c.id,
        item=c.item,
        item_title=c.item_title,
        meeting_date=c.meeting_date,
        page_index=first.page_index,
        pdf_page=first.pdf_page,
        label=first.label,
        **kw,
    )


def kind_of(text: str, default: str = "agreed") -> str:
    t = text.lower()
    for word, kind in (("deferred", "deferred"), ("referred", "referred"), ("noted", "noted"), ("note ", "noted"), ("taken as read", "noted"), ("resolve", "resolved")):
        if word in t:
            return kind
    return default


_SPLIT = re.compile(r"(?<=[a-z0-9%)][.!?])\s+(?=[A-Z£(“\"])")


@dataclass
class Sentence:
    text: str  # the whole sentence (what patterns are matched against)
    quote: str  # the part of it on one page (what a record quotes): the page holding most of it
    lines: list[Line]  # the lines of that part


def sentences(lines: list[Line]) -> list[Sentence]:
    """Sentences with the lines they stand on: lines are grouped until a sentence end or bullet, then split.
    A sentence that runs over a page break is quoted from the page that holds most of it."""
    units: list[list[Line]] = []
    for ln in lines:
        prev = units[-1][-1] if units else None
        if prev and not SENT_END.search(prev.text) and not re.match(r"^\s*(?:[•·▪]|\(?[a-z0-9]{1,3}\)\s)", ln.text) and ln.chunk.item == prev.chunk.item:
            units[-1].append(ln)
        else:
            units.append([ln])
    out = []
    for unit in units:
        text = " ".join(u.text for u in unit)
        spans, pos = [], 0
        for u in unit:
            spans.append((pos, pos + len(u.text), u))
            pos += len(u.text) + 1
        bounds = [0, *(m.end() for m in _SPLIT.finditer(text)), len(text)]
        for start, end in zip(bounds, bounds[1:]):
            sentence = text[start:end].strip()
            if not sentence:
                continue
            by_page: dict[int, list[tuple[int, int, Line]]] = {}
            for a, b, u in spans:
                if a < end and b > start:
                    by_page.setdefault(u.page_index, []).append((max(a, start), min(b, end), u))
            part = max(by_page.values(), key=lambda ps: sum(b - a for a, b, _ in ps))
            quote = text[part[0][0] : part[-1][1]].strip()
            out.append(Sentence(sentence, quote or sentence, [u for _, _, u in part]))
    return out
