"""Typed objects passed along parse -> chunk -> store; the only code that knows Chroma metadata keys."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path


class DocType(str, Enum):
    """What kind of council paper a document (or a section of a pack) is."""

    AGENDA = "agenda"
    MINUTES = "minutes"
    REPORT = "report"
    APPENDIX = "appendix"
    DECISION = "decision"
    OTHER = "other"


@dataclass
class PaperMeta:
    """Meeting metadata for a paper: from a manifest, the paper's own text, or its folder names."""

    council: str | None = None
    committee: str | None = None
    meeting_date: date | None = None
    doc_type: DocType | None = None
    title: str | None = None
    source_url: str | None = None  # where the council publishes it (a manifest's source_url or original_url)
    agenda_item: str | None = None  # the agenda item it was published under, where a manifest says


@dataclass
class Paper:
    """One file to index; `id` is the sha256 of its bytes, so an unchanged file is recognised."""

    id: str
    path: Path
    source: str  # path relative to the indexed root, as shown in citations
    meta: PaperMeta = field(default_factory=PaperMeta)


@dataclass
class Page:
    """The text of one page (PDF, or a page of a text file) or one agenda item of an HTML minutes page."""

    text: str
    pdf_page: int | None = None  # 1-based page in the PDF; None for HTML/text
    label: str | None = None  # printed page label ("2" for a "Page 2" footer)
    item: str | None = None  # preset by parsers that see the item structure (HTML minutes)
    item_title: str | None = None
    ocr: bool = False  # its text was read by OCR from an image of the page (index.ocr), not from a text layer
    words: list | None = None  # OCR's words with their boxes, [text, left, top, right, bottom] in PDF points from the top-left


@dataclass
class Span:
    """The part of a chunk's text [start, end) that stands on one page."""

    start: int
    end: int
    page_index: int  # index into the paper's page list
    pdf_page: int | None
    label: str | None


def item_name(item: str, title: str) -> str:
    """An agenda item as people name it: '173. SEND TRANSPORT UPDATE', or the title alone when unnumbered."""
    return f"{item}. {title}".strip(". ") if item else title


@dataclass
class Chunk:
    """A retrievable passage: never crosses papers, knows which of its text is on which page."""

    id: str
    paper_id: str
    source: str
    text: str
    spans: list[Span]
    title: str = ""
    source_url: str = ""  # the paper on the council's site, where known (a manifest, `qa sync`)
    council: str = ""
    committee: str = ""
    meeting_date: date | None = None
    doc_type: DocType = DocType.OTHER
    item: str = ""  # agenda item / minute number, e.g. "173"
    item_title: str = ""
    heading: str = ""  # heading path, e.g. "Appendix A > 173. SEND TRANSPORT UPDATE"
    position: int = 0
    instructions: int = 0  # places in the text addressed to an AI (index.instructions), never evidence

    @property
    def first_pdf_page(self) -> int | None:
        """The PDF page where the chunk starts."""
        return self.spans[0].pdf_page if self.spans else None

    def header(self) -> str:
        """A one-line context header (council, committee, date, item) prepended for keyword and dense search."""
        parts = [self.council, self.committee]
        if self.meeting_date:
            parts.append(self.meeting_date.strftime("%d %B %Y").lstrip("0"))
        parts.append(self.doc_type.value)
        if self.item:
            parts.append(f"{self.item}. {self.item_title}".strip())
        elif self.item_title:
            parts.append(self.item_title)
        return " | ".join(p for p in parts if p)

    def span_at(self, offset: int) -> Span | None:
        """The page span holding character `offset` of the chunk's text."""
        for span in self.spans:
            if span.start <= offset < span.end:
                return span
        return self.spans[-1] if self.spans and offset >= self.spans[-1].end else None

    def to_metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for Chroma (str/int/float/bool only)."""
        return {
            "paper_id": self.paper_id,
            "source": self.source,
            "title": self.title,
            "source_url": self.source_url,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else "",
            "date_num": int(self.meeting_date.strftime("%Y%m%d")) if self.meeting_date else 0,
            "doc_type": self.doc_type.value,
            "item": self.item,
            "item_title": self.item_title,
            "heading": self.heading,
            "position": self.position,
            "header": self.header(),
            "spans": json.dumps([[s.start, s.end, s.page_index, s.pdf_page, s.label] for s in self.spans]),
            "instructions": self.instructions,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        """Rebuild a chunk from Chroma (or llama-index node) metadata."""
        spans = [Span(a, b, i, p, lab) for a, b, i, p, lab in json.loads(meta.get("spans") or "[]")]
        iso = meta.get("meeting_date") or ""
        return cls(
            id=chunk_id,
            paper_id=str(meta.get("paper_id", "")),
            source=str(meta.get("source", "")),
            text=text,
            spans=spans,
            title=str(meta.get("title", "")),
            source_url=str(meta.get("source_url", "") or ""),
            council=str(meta.get("council", "")),
            committee=str(meta.get("committee", "")),
            meeting_date=date.fromisoformat(iso) if iso else None,
            doc_type=DocType(meta.get("doc_type") or "other"),
            item=str(meta.get("item", "")),
            item_title=str(meta.get("item_title", "")),
            heading=str(meta.get("heading", "")),
            position=int(meta.get("position", 0)),
            instructions=int(meta.get("instructions", 0)),
        )

    def to_node(self):
        """A llama-index TextNode; ids and page bookkeeping stay out of the embedded text."""
        from llama_index.core.schema import TextNode

        meta = self.to_metadata()
        hidden = [k for k in meta if k != "header"]
        return TextNode(
            id_=self.id,
            text=self.text,
            metadata=meta,
            excluded_embed_metadata_keys=hidden,
            excluded_llm_metadata_keys=hidden,
            metadata_template="{value}",
            text_template="{metadata_str}\n{content}",
        )

    @classmethod
    def from_node(cls, node) -> Chunk:
        """Back from a llama-index node to a Chunk."""
        return cls.from_metadata(node.node_id, node.get_content(), node.metadata)


@dataclass
class Skipped:
    """A paper that could not be indexed, with a one-line reason."""

    source: str
    reason: str


@dataclass
class IndexReport:
    """What `build_index` did: counts, and each failure with its reason."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, already indexed as)
    withheld: list[tuple[str, list[str]]] = field(default_factory=list)  # (source, pages marked not for publication)
    ocr_read: list[tuple[str, list[str]]] = field(default_factory=list)  # (source, pages whose text OCR read)
    needs_ocr: list[tuple[str, list[str]]] = field(default_factory=list)  # (source, pages without text, no OCR installed)
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no paper failed."""
        return not self.skipped
