"""Paper -> [Page]: PDF packs (with printed page labels), modern.gov HTML pages, Markdown and text.

PDF text comes from pypdfium2 (Apache-2.0/BSD): on the shared corpus it extracts ~850 pages/s against
pypdf's ~38, with the same text for our purposes, and unlike PyMuPDF it is not AGPL. It also gives
character boxes, which the UI needs to highlight a quote on a rendered page.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import subprocess
from pathlib import Path

from .errors import ParseError, UnsupportedFile
from .text import clean_text
from .types import Page

log = logging.getLogger(__name__)

PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES

_FOOTER = re.compile(r"^\s*Page\s+(\d{1,4})\s*$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
MIN_TEXT_CHARS = 20  # a PDF with fewer extractable characters than this on every page is a scan


def parse_paper(path: Path, ocr: bool = False) -> list[Page]:
    """Read one paper into pages; raises ParseError with a one-line reason when it can't. With `ocr`, a PDF's
    pages without a text layer are read by Tesseract where it is installed (index.ocr)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFile(f"unsupported file type '{suffix or path.name}' (councilqa reads PDF, HTML, Markdown and text)")
    if path.stat().st_size == 0:
        raise ParseError("empty file")
    if suffix in PDF_SUFFIXES:
        pages = parse_pdf(path, ocr)
    elif suffix in HTML_SUFFIXES:
        pages = parse_html(read_text_file(path))
    else:
        pages = parse_text(read_text_file(path))
    if not any(p.text.strip() for p in pages):
        raise ParseError("no text found in the file")
    return pages


def read_text_file(path: Path) -> str:
    """Decode a text/HTML file as UTF-8 (with or without BOM); other encodings are refused, not guessed."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); re-save the file as UTF-8"
        ) from exc


def printed_label(text: str) -> str | None:
    """The printed page number from a "Page N" footer (or header) line, if the page has one."""
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines[-3:][::-1] + lines[:2]:
        m = _FOOTER.match(line)
        if m:
            return m.group(1)
    return None


def assign_labels(raw_labels: list[str | None], pdf_labels: list[str | None]) -> list[str]:
    """Printed labels for every page: footers first, filled between footers, else the PDF's labels or number.

    Pages between two numbered pages (a landscape table without a footer) get the number that fits;
    pages before the first footer (a pack's unnumbered agenda) fall back to the PDF's own label or number.
    """
    labels: list[str | None] = list(raw_labels)
    known = [(i, int(lab)) for i, lab in enumerate(labels) if lab is not None]
    for (i, a), (j, b) in zip(known, known[1:]):
        if b - a == j - i:
            for k in range(i + 1, j):
                labels[k] = str(a + (k - i))
    if known:
        last_i, last_n = known[-1]
        for k in range(last_i + 1, len(labels)):
            labels[k] = str(last_n + (k - last_i))
    return [lab if lab is not None else (pdf_labels[i] or str(i + 1)) for i, lab in enumerate(labels)]


def parse_pdf(path: Path, ocr: bool = False) -> list[Page]:
    """Text per page of a PDF with both its 1-based PDF page number and its printed label; with `ocr`, the pages
    without a text layer read by Tesseract (marked `ocr`), when it is installed."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower() or "security" in msg.lower():
            raise ParseError("encrypted PDF (password protected); save an unprotected copy") from exc
        raise ParseError(f"corrupt or unreadable PDF ({msg.strip() or 'pdfium could not open it'})") from exc
    try:
        texts: list[str] = []
        pdf_labels: list[str | None] = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(clean_text(textpage.get_text_range()))
            textpage.close()
            page.close()
            try:
                pdf_labels.append(doc.get_page_label(i) or None)
            except Exception:  # pdfium raises for documents without a label tree on some builds
                pdf_labels.append(None)
    finally:
        doc.close()
    if not texts:
        raise ParseError("PDF has no pages")
    blank = [i for i, t in enumerate(texts) if len(t.strip()) < MIN_TEXT_CHARS]
    read: dict[int, list] = {}
    if blank and ocr:
        from . import ocr as tesseract

        if tesseract.available():
            for i in blank:
                try:
                    found = tesseract.read_page(path, i + 1)
                except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                    raise ParseError(f"page {i + 1} has no text layer and OCR failed ({exc})") from exc
                texts[i] = clean_text(found.text)
                read[i] = [[w.text, *(round(v, 2) for v in w.box)] for w in found.words]
    if max(len(t.strip()) for t in texts) < MIN_TEXT_CHARS:
        from .ocr import INSTALL

        how = "OCR read no text on them either" if read else f"install Tesseract to read it ({INSTALL}; scripts/install.sh does as root)"
        raise ParseError(f"no text layer on any of its {len(texts)} pages (a scanned PDF?); {how}")
    labels = assign_labels([printed_label(t) for t in texts], pdf_labels)
    return [Page(text=t, pdf_page=i + 1, label=labels[i], ocr=i in read, words=read.get(i)) for i, t in enumerate(texts)]


# ---------------------------------------------------------------- HTML (modern.gov)

_ITEM_NO = re.compile(r"^\s*(\d{1,4}[a-z]?)\.?\s*$", re.IGNORECASE)


def _html_text(node) -> str:
    """Visible text of a BeautifulSoup node with paragraph breaks kept (never rendered as HTML)."""
    for br in node.find_all("br"):
        br.replace_with("\n")
    blocks = node.find_all(["p", "li", "h1", "h2", "h3", "h4", "div", "tr"])
    if not blocks:
        return node.get_text(" ", strip=True)
    for block in blocks:
        block.insert_after("\n")
    text = node.get_text(" ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{2,}", "\n", text).strip()


def parse_html(source: str) -> list[Page]:
    """A modern.gov meeting/minutes page: a heading page, then one page per agenda item."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(source, "html.parser")
    for bad in soup(["script", "style", "noscript", "nav", "header", "footer", "form"]):
        bad.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    meta_date = soup.find("meta", attrs={"name": "DC.date"})
    head_bits = [title]
    if meta_date and meta_date.get("content"):
        head_bits.append(f"Date: {meta_date['content']}")
    pages: list[Page] = []

    rows = []
    for table in soup.select("table.mgItemTable"):
        rows.extend(table.find_all("tr"))
    item_rows = []
    for row in rows:
        cells = row.find_all("td", recursive=False)
        if len(cells) < 2:
            continue
        m = _ITEM_NO.match(cells[0].get_text(" ", strip=True))
        if not m:
            continue
        item_rows.append((m.group(1), cells[1]))
    if item_rows:
        # text before the table: heading, venue, contact
        main = soup.find(id="mgMainContent") or soup.body or soup
        intro = []
        for el in main.find_all(["h1", "h2", "p"]):
            if el.find_parent("table"):
                break
            intro.append(el.get_text(" ", strip=True))
        pages.append(Page(text=clean_text("\n".join([*head_bits, *intro]))))
        for number, cell in item_rows:
            # modern.gov runs bullet lists inline ("... noted that: · one · two"): one bullet a line
            text = clean_text(re.sub(r"\s+·\s+", "\n· ", _html_text(cell)))
            first = text.split("\n")[0]
            # modern.gov: "Title Description... Minutes: ..." -> the title is what precedes the first sentence
            item_title = re.split(r"\s+(?:Minutes:|To |The |Members |Any |[A-Z][a-z]+ (?:will|is|are) )", first)[0]
            pages.append(Page(text=f"{number}. {text}", item=number, item_title=item_title[:120].strip()))
        for table in soup.select("table.mgItemTable"):
            table.decompose()
    if not item_rows:
        for menu in soup.select("[class*=menu], [class*=breadcrumb], [class*=sr-only], [id*=menu]"):
            menu.decompose()
        body = soup.find(id="mgMainContent") or soup.body or soup
        rest = clean_text(_html_text(body))
        if rest:
            pages.append(Page(text=clean_text("\n".join(head_bits)) + "\n" + rest))
    return pages


# ---------------------------------------------------------------- Markdown / text

# Text extracted from PDFs marks page breaks as "---" then the page number on its own line.
_MD_PAGE_BREAK = re.compile(r"\n-{3,}\s*\n(?:\s*\n)*\s*(\d{1,4})\s*\n")


def parse_text(source: str) -> list[Page]:
    """Markdown or plain text; page breaks ("---" + page number, or form feeds) become pages."""
    source = source.replace("\r\n", "\n")
    if "\f" in source:
        parts = source.split("\f")
        return [Page(text=clean_text(p), label=str(i + 1)) for i, p in enumerate(parts) if p.strip()]
    pages: list[Page] = []
    pos = 0
    label = "1"
    for m in _MD_PAGE_BREAK.finditer(source):
        chunk = source[pos : m.start()]
        if chunk.strip():
            pages.append(Page(text=clean_text(_unwrap_md(chunk)), label=label))
        label = m.group(1)
        pos = m.end()
    tail = source[pos:]
    if tail.strip():
        pages.append(Page(text=clean_text(_unwrap_md(tail)), label=label if pages else None))
    if len(pages) == 1:
        pages[0].label = None
    return pages


def _unwrap_md(text: str) -> str:
    """Drop Markdown link-only lines and the blank lines text extractors put between wrapped lines."""
    text = re.sub(r"^\[Original file\]\(.*?\)\s*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"^-{3,}\s*$", "", text, flags=re.MULTILINE)
    text = html_lib.unescape(text)
    return re.sub(r"\n\s*\n", "\n", text).strip()
