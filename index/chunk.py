"""[Page] -> [Chunk]: split at appendices, minutes and agenda items first, at paragraph ends second.

A chunk never crosses papers, and records which of its characters stand on which page, so a citation
can name the page that holds the quoted sentence. Sizes are in words, chosen for MiniLM, which reads at
most 256 word-pieces (about 180 English words) and silently drops the rest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from .instructions import instruction_count
from .meta import committee_from_text, first_date
from .parse import _FOOTER
from .types import Chunk, DocType, Page, PaperMeta, Span

# "173. SEND TRANSPORT UPDATE", "7. VERBAL OFSTED UPDATE/ CHILDREN'S SOCIAL Appendix B"
ITEM_HEADING = re.compile(r"^\s*(?:Item\s+)?(\d{1,4}[a-z]?)\.?\s+([A-Z][A-Z0-9 ,'’&()/:\-–.]{3,}?)\s*(?:Appendix [A-Z0-9]+)?\s*$")
MIXED_HEADING = re.compile(r"^\s*(\d{1,4})\.\s+([A-Z].{3,150})$")
ITEM_REF = re.compile(r"^\(Item\s+\d+[a-z]?\)$", re.IGNORECASE)
APPENDIX_HEADING = re.compile(r"^\s*(Appendix|Annex)\s+([A-Z0-9]{1,3})\b\.?\s*(.*)$", re.IGNORECASE)
MINUTES_HEADING = re.compile(
    r"^\s*minutes of (?:the )?(?:proceedings at )?(?:a |an )?(?:special |annual |extraordinary |statutory budget )?meeting\b",
    re.IGNORECASE,
)
_HELD = re.compile(r"\bheld\b|^\s*date\s*:", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[•·▪■○●\-–*]|\(?[a-z0-9]{1,3}[.)])\s")
_SENT_END = re.compile(r"[.:;!?)\"”]$")


@dataclass
class ChunkOptions:
    """Chunk sizes in words (MiniLM reads ~180 words; a header takes ~20 of them)."""

    target_words: int = 130
    max_words: int = 170


@dataclass
class _State:
    section: str = ""
    doc_type: DocType = DocType.OTHER
    meeting_date: date | None = None
    committee: str = ""
    item: str = ""
    item_title: str = ""


@dataclass
class _Draft:
    lines: list[tuple[int, str]] = field(default_factory=list)  # (page index, text)
    words: int = 0


def _is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.85


def chunk_pages(paper_id: str, source: str, meta: PaperMeta, pages: list[Page], options: ChunkOptions | None = None) -> list[Chunk]:
    """Split a paper's pages into chunks that follow the paper's structure."""
    options = options or ChunkOptions()
    base = _State(
        doc_type=meta.doc_type or DocType.OTHER,
        meeting_date=meta.meeting_date,
        committee=meta.committee or "",
    )
    if meta.agenda_item:  # published under an item (a manifest says): its chunks are that item's until the text says otherwise
        number, _, title = meta.agenda_item.partition(". ")
        base.item, base.item_title = number.strip(), title.strip()
    state = _State(**base.__dict__)
    chunks: list[Chunk] = []
    draft = _Draft()

    def flush() -> None:
        nonlocal draft
        if draft.lines and any(t.strip() for _, t in draft.lines):
            chunks.append(_make_chunk(paper_id, source, meta, pages, state, draft, len(chunks)))
        draft = _Draft()

    for page_index, page in enumerate(pages):
        if page.item is not None:  # parser already knows the item (modern.gov HTML)
            flush()
            state.item, state.item_title = page.item, page.item_title or ""
        lines = [line for line in page.text.split("\n")]
        # drop printed page footers ("Page 3") from the chunk text; they stay in the page text
        lines = [line for line in lines if line.strip() and not _FOOTER.match(line)]
        lines = [part for line in lines for part in _split_long(line, options.max_words)]
        for n, line in enumerate(lines):
            text = line.strip()
            appendix = APPENDIX_HEADING.match(text) if n == 0 and page.pdf_page else None
            if appendix and len(text) < 120:
                flush()
                state = _State(**base.__dict__)
                state.section = f"{appendix.group(1).title()} {appendix.group(2).upper()}"
                state.doc_type = DocType.APPENDIX if base.doc_type == DocType.AGENDA else base.doc_type
                rest = appendix.group(3).strip()
                state.item_title = rest[:120] if rest else ""
            if MINUTES_HEADING.match(text):
                if draft.words > 3:  # keep a lone "Appendix A" line with the minutes it introduces
                    flush()
                state.doc_type = DocType.MINUTES
                window = " ".join(lines[n : n + 6])
                held = [k for k in range(n, min(n + 6, len(lines))) if _HELD.search(lines[k])]
                d = first_date(" ".join(lines[held[0] : held[0] + 3])) if held else None
                if d is None and base.doc_type == DocType.MINUTES:
                    d = first_date(window)
                if d:
                    state.meeting_date = d
                committee = committee_from_text("\n".join(lines[n : n + 3]))
                if committee:
                    state.committee = committee
                state.item = state.item_title = ""
            heading = ITEM_HEADING.match(text)
            mixed = MIXED_HEADING.match(text)
            # the "(Item N)" line follows the heading, or its wrapped second line (not another heading's)
            item_ref = n + 1 < len(lines) and ITEM_REF.match(lines[n + 1].strip()) or (
                n + 2 < len(lines) and ITEM_REF.match(lines[n + 2].strip()) and not MIXED_HEADING.match(lines[n + 1].strip())
            )
            if mixed and item_ref:
                # "291. Capital Programme 2025-35 and ..." then "(Item 6)": Kent-style minute headings
                flush()
                state.item = mixed.group(1)
                title = mixed.group(2).strip()
                if n + 1 < len(lines) and not ITEM_REF.match(lines[n + 1].strip()):
                    title = f"{title} {lines[n + 1].strip()}"
                state.item_title = title[:160]
            elif heading and _is_upper_line(heading.group(2)) and len(heading.group(2).split()) >= 1:
                flush()
                state.item = heading.group(1)
                title = heading.group(2).strip()
                # an upper-case heading wrapped onto the next line
                if n + 1 < len(lines) and _is_upper_line(lines[n + 1]) and not ITEM_HEADING.match(lines[n + 1].strip()):
                    nxt = re.sub(r"\s*Appendix [A-Z0-9]+\s*$", "", lines[n + 1].strip())
                    if nxt and len(nxt) < 80 and not APPENDIX_HEADING.match(nxt):
                        title = f"{title} {nxt}"
                state.item_title = title
            words = len(text.split())
            boundary = bool(_BULLET.match(text)) or (draft.lines and _SENT_END.search(draft.lines[-1][1]))
            if draft.words + words > options.max_words or (draft.words >= options.target_words and boundary):
                flush()
            draft.lines.append((page_index, text))
            draft.words += words
    flush()
    return chunks


_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)][.!?])\s+(?=[A-Z£(])")


def _split_long(line: str, max_words: int) -> list[str]:
    """A line longer than a chunk (HTML paragraphs) is split at sentence ends, then at max_words."""
    if len(line.split()) <= max_words:
        return [line]
    out: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        words = sentence.split()
        while len(words) > max_words:
            out.append(" ".join(words[:max_words]))
            words = words[max_words:]
        if words:
            out.append(" ".join(words))
    return out


def _make_chunk(paper_id: str, source: str, meta: PaperMeta, pages: list[Page], state: _State, draft: _Draft, position: int) -> Chunk:
    text_parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for page_index, line in draft.lines:
        if text_parts:
            offset += 1  # the "\n" joining lines
        start = offset
        text_parts.append(line)
        offset += len(line)
        page = pages[page_index]
        if spans and spans[-1].page_index == page_index:
            spans[-1].end = offset
        else:
            if spans:
                spans[-1].end = start - 1 if start > 0 else 0
                spans[-1].end = max(spans[-1].end, spans[-1].start)
            spans.append(Span(start, offset, page_index, page.pdf_page, page.label))
    text = "\n".join(text_parts)
    heading = " > ".join(
        p for p in [state.section, f"{state.item}. {state.item_title}".strip(". ") if state.item or state.item_title else ""] if p
    )
    digest = hashlib.sha1(f"{paper_id}:{position}:{text}".encode()).hexdigest()[:12]
    return Chunk(
        id=f"{paper_id[:16]}-{position:05d}-{digest}",
        paper_id=paper_id,
        source=source,
        text=text,
        spans=spans,
        title=meta.title or source,
        source_url=meta.source_url or "",
        council=meta.council or "",
        committee=state.committee or meta.committee or "",
        meeting_date=state.meeting_date,
        doc_type=state.doc_type,
        item=state.item,
        item_title=state.item_title,
        heading=heading,
        position=position,
        instructions=instruction_count(text),
    )
