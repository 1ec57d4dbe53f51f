"""Question-side objects: Filters in; Hits, Citations and an Answer out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from index.errors import BadFilter
from index.types import Chunk, DocType

from .intent import Context

ABSTAIN_TEXT = "The papers don't answer this."


def check_dates(date_from: date | None, date_to: date | None) -> None:
    """A meeting date range that ends before it starts matches nothing: say so rather than answer from nothing."""
    if date_from and date_to and date_from > date_to:
        raise BadFilter(f"the 'from' date {date_from.isoformat()} is after the 'to' date {date_to.isoformat()}")


@dataclass
class Filters:
    """Restrict retrieval to a council, committee, meeting date range and/or document type."""

    council: str | None = None
    committee: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    doc_type: DocType | None = None

    def __post_init__(self) -> None:
        check_dates(self.date_from, self.date_to)

    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return not any([self.council, self.committee, self.date_from, self.date_to, self.doc_type])

    def matches(self, chunk: Chunk) -> bool:
        """Whether a chunk passes the filters (case-insensitive names)."""
        if self.council and chunk.council.lower() != self.council.lower():
            return False
        if self.committee and chunk.committee.lower() != self.committee.lower():
            return False
        if self.doc_type and chunk.doc_type != self.doc_type:
            return False
        if self.date_from and (chunk.meeting_date is None or chunk.meeting_date < self.date_from):
            return False
        if self.date_to and (chunk.meeting_date is None or chunk.meeting_date > self.date_to):
            return False
        return True


@dataclass
class Hit:
    """A retrieved passage with its fused score."""

    chunk: Chunk
    score: float
    also_in: list[str] = field(default_factory=list)  # other papers holding the same passage (a pack's copy of minutes)


@dataclass
class Citation:
    """A verified pointer from an answer sentence to the page that holds it."""

    n: int
    chunk_id: str
    paper_id: str
    source: str
    title: str
    council: str
    committee: str
    meeting_date: date | None
    item: str
    page: str | None  # printed page label
    pdf_page: int | None
    text: str  # the quoted text, verbatim from the page
    verified: bool = False
    header: str = ""  # for a table row: its table's column headers, verbatim from the same page
    page_index: int = 0  # the page in the paper's page list (the index's own numbering, for checks)
    source_url: str = ""  # the paper on the council's site, where known
    ocr: bool = False  # the page's text was read by OCR (a scan): the quote is verified against that text


@dataclass
class Answer:
    """The answer to a question: text with [n] markers, its citations, and the passages it came from."""

    question: str
    text: str
    citations: list[Citation]
    hits: list[Hit]
    abstained: bool = False
    latency_s: float = 0.0
    dropped: list[str] = field(default_factory=list)  # quotes that failed verification
    mode: str = "extractive"  # "extractive", "generative", or "extractive-fallback" when the LLM failed or nothing survived
    removed: list[dict] = field(default_factory=list)  # generated sentences the verifier removed, with reasons
    notice: str = ""  # for people: why the answer fell back to extractive, why the papers can't answer, or which part they don't
    understood: str = ""  # a follow-up as it was understood ("SEND transport · Leicester City Council · January"); "" otherwise
    context: Context | None = None  # the conversation's context after this answer, for `Assistant.ask(..., context=)`

    @property
    def verified(self) -> bool:
        """Every citation shown passed verification on its page (an abstention shows none)."""
        return all(c.verified for c in self.citations)
