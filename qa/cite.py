"""Where citations are made and checked, and where the answerer decides to abstain.

A citation is shown only if its quoted text stands on the cited page of the cited paper, checked
against the page text stored at index time (after whitespace and ligature normalisation).
"""

from __future__ import annotations

from index.instructions import addressed_to_ai
from index.meta import names_date
from index.store import IndexStore
from index.text import squash
from index.types import item_name

from .answer import Scored
from .types import ABSTAIN_TEXT, Answer, Citation, Hit


def stored_page(store: IndexStore, paper_id: str, page_index: int) -> str | None:
    """The text of page `page_index` of the paper as the index stored it, or None when there is no such page."""
    page = _page(store, paper_id, page_index)
    return page.text if page else None


def _page(store: IndexStore, paper_id: str, page_index: int):
    pages = store.pages(paper_id)
    return pages[page_index] if 0 <= page_index < len(pages) else None


def on_page(page: str | None, quote: str) -> bool:
    """Whether `quote` stands in a page's text (whitespace-, ligature- and quote-mark-insensitive)."""
    needle = squash(quote)
    return page is not None and bool(needle) and needle in squash(page)


def quote_on_page(store: IndexStore, paper_id: str, page_index: int, quote: str) -> bool:
    """Whether `quote` stands on page `page_index` of the paper, as the index stored it."""
    return on_page(stored_page(store, paper_id, page_index), quote)


def page_number(citations: list[Citation], paper_id: str, page_index: int) -> int:
    """The number a new citation of this page takes: that of an earlier citation of the same page (one page,
    one number, however many of its sentences are quoted), else the next."""
    for c in citations:
        if c.paper_id == paper_id and c.page_index == page_index:
            return c.n
    return max((c.n for c in citations), default=0) + 1


def make_citation(n: int, scored: Scored) -> Citation:
    """A citation for one chosen sentence (not yet verified)."""
    return sentence_citation(n, scored.sentence)


def sentence_citation(n: int, s) -> Citation:
    """A citation of a quotable sentence: its passage's meeting metadata, its own page (not yet verified)."""
    c = s.chunk
    return Citation(
        n=n,
        chunk_id=c.id,
        paper_id=c.paper_id,
        source=c.source,
        title=c.title,
        council=c.council,
        committee=c.committee,
        meeting_date=c.meeting_date,
        item=item_name(c.item, c.item_title),
        page=s.label,
        pdf_page=s.pdf_page,
        text=s.text,
        header=s.header or "",
        page_index=s.page_index,
        source_url=c.source_url,
    )


def lead_in(scored: Scored) -> str:
    """Where a quote comes from, for questions about when or what was decided: "23 September 2025, item 173 (...):"."""
    c = scored.sentence.chunk
    bits = []
    if c.meeting_date:
        bits.append(c.meeting_date.strftime("%d %B %Y").lstrip("0"))
    if c.item:
        bits.append(f"item {c.item}" + (f" ({c.item_title})" if c.item_title else ""))
    return (", ".join(bits) + ": ") if bits else ""


def build_answer(question: str, hits: list[Hit], chosen: list[Scored], store: IndexStore, with_context: bool | None = None) -> Answer:
    """Verify each chosen sentence on its page; keep the ones that hold; abstain if none do.

    With `with_context`, each quote is introduced by its meeting date and item, taken from the
    passage's metadata (the quote itself stays verbatim).
    """
    citations: list[Citation] = []
    dropped: list[str] = []
    parts: list[str] = []
    shown_header = ""  # rows of one table name its columns once
    retrieved = {h.chunk.id for h in hits}
    for scored in chosen:
        s = scored.sentence
        stored = _page(store, s.chunk.paper_id, s.page_index) if s.chunk.id in retrieved else None
        page = stored.text if stored else None
        if not on_page(page, s.text) or addressed_to_ai(s.text):  # on its page, and not words addressed to an AI
            dropped.append(s.text)
            continue
        cite = make_citation(page_number(citations, s.chunk.paper_id, s.page_index), scored)
        cite.verified = True
        cite.ocr = stored.ocr  # verified against the OCR text, and said so wherever it is shown
        if cite.header and not on_page(page, cite.header):
            cite.header = ""  # a header is shown only where it stands on the row's page
        citations.append(cite)
        lead = lead_in(scored) if with_context or (with_context is None and not names_date(s.text)) else ""
        if lead and parts and lead == lead_in(chosen[0]) and chosen.index(scored) > 0:
            lead = ""  # same meeting and item as the sentence before
        columns = f" (table columns: {cite.header})" if cite.header and cite.header != shown_header else ""
        shown_header = cite.header or shown_header
        parts.append(f"{lead}{s.text}{columns} [{cite.n}]")
    if not citations:
        return abstain(question, hits, dropped)
    return Answer(question=question, text=" ".join(parts), citations=citations, hits=hits, dropped=dropped, notice=instruction_notice(hits))


def abstain(question: str, hits: list[Hit], dropped: list[str] | None = None) -> Answer:
    """The fixed answer for when the papers don't answer the question."""
    return Answer(
        question=question, text=ABSTAIN_TEXT, citations=[], hits=hits, abstained=True, dropped=dropped or [], notice=instruction_notice(hits)
    )


def instruction_notice(hits: list[Hit]) -> str:
    """For people: which passages found hold text addressed to an AI (never used as evidence), or ""."""
    flagged = [h.chunk for h in hits if h.chunk.instructions or addressed_to_ai(h.chunk.text)]
    if not flagged:
        return ""
    where = "; ".join(dict.fromkeys(f"{c.source}, PDF page {c.first_pdf_page}" if c.first_pdf_page else c.source for c in flagged))
    return f"text addressed to an AI assistant was found in {where}; it was left out and never used as evidence"
