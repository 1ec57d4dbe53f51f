"""Rendering a cited PDF page as an image with the quoted passage highlighted (for the UI).

The highlight is drawn from the quote's character boxes on the page, found by matching the quote
against the page's text with the same normalisation citations are verified with.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from index.text import _LIGATURES

HIGHLIGHT = (255, 214, 0, 110)


def _normalise_with_map(raw: str) -> tuple[str, list[int]]:
    """`squash`-style text (ligatures expanded, quotes/dashes folded, whitespace collapsed, lower case)
    with, for every output character, the index of the raw character it came from."""
    out: list[str] = []
    where: list[int] = []
    last_space = True
    for i, ch in enumerate(raw):
        rep = _LIGATURES.get(ch, ch)
        rep = unicodedata.normalize("NFKC", rep)
        rep = rep.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
        for c in rep:
            if c.isspace():
                if last_space:
                    continue
                c = " "
                last_space = True
            else:
                last_space = False
            out.append(c.lower())
            where.append(i)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def find_quote(raw: str, quote: str) -> tuple[int, int] | None:
    """The raw character range [start, end) of `quote` in a page's raw text, or None."""
    norm, where = _normalise_with_map(raw)
    needle, _ = _normalise_with_map(quote)
    pos = norm.find(needle) if needle else -1
    if pos < 0:
        return None
    return where[pos], where[pos + len(needle) - 1] + 1


def render_page(pdf: Path, pdf_page: int, quote: str | list[str] | None = None, scale: float = 1.4, words: list | None = None):
    """A PIL image of one PDF page (1-based), with `quote` (or each of several quotes) highlighted where it stands:
    from the page's character boxes, or for a page read by OCR from OCR's word boxes (`words`, index.ocr)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[pdf_page - 1]
        image = page.render(scale=scale).to_pil().convert("RGBA")
        quotes = [quote] if isinstance(quote, str) else [q for q in quote or [] if q]
        if quotes and words:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for q in quotes:
                for left, top, right, bottom in ocr_boxes(words, q):
                    draw.rectangle([left * scale - 2, top * scale - 2, right * scale + 2, bottom * scale + 2], fill=HIGHLIGHT)
            image = Image.alpha_composite(image, overlay)
        elif quotes:
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            height = page.get_height()
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for q in quotes:
                found = find_quote(raw, q)
                for left, bottom, right, top in _line_boxes(textpage, *found) if found else []:
                    draw.rectangle(
                        [left * scale - 2, (height - top) * scale - 2, right * scale + 2, (height - bottom) * scale + 2],
                        fill=HIGHLIGHT,
                    )
            image = Image.alpha_composite(image, overlay)
            textpage.close()
        page.close()
        return image.convert("RGB")
    finally:
        doc.close()


def ocr_boxes(words: list, quote: str) -> list[tuple[float, float, float, float]]:
    """The boxes (left, top, right, bottom, PDF points from the top-left) of the OCR words `quote` spans, one per line."""
    raw, owner = "", []
    for n, (text, *_box) in enumerate(words):
        raw += text + " "
        owner += [n] * (len(text) + 1)
    found = find_quote(raw, quote)
    if not found:
        return []
    boxes: list[list[float]] = []
    for n in sorted({owner[i] for i in range(found[0], min(found[1], len(owner)))}):
        left, top, right, bottom = words[n][1:]
        if boxes and abs(boxes[-1][1] - top) < (bottom - top) * 0.6 and left >= boxes[-1][0] - 1:
            b = boxes[-1]
            b[0], b[1], b[2], b[3] = min(b[0], left), min(b[1], top), max(b[2], right), max(b[3], bottom)
        else:
            boxes.append([left, top, right, bottom])
    return [tuple(b) for b in boxes]


def blank_pages(pdf: Path, blank: set[int]) -> bytes:
    """The PDF with the given pages (1-based) replaced by empty pages of the same size, so page numbers and links
    still hold: how a paper with pages marked not for publication is served."""
    import io

    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf))
    out = pdfium.PdfDocument.new()
    try:
        for n in range(len(src)):
            if n + 1 in blank:
                w, h = src[n].get_size()
                out.new_page(w, h)
            else:
                out.import_pages(src, [n])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


def _line_boxes(textpage, start: int, end: int) -> list[tuple[float, float, float, float]]:
    """Character boxes of [start, end) merged into one box per text line."""
    boxes: list[list[float]] = []
    for i in range(start, min(end, textpage.count_chars())):
        left, bottom, right, top = textpage.get_charbox(i)
        if right - left <= 0 or top - bottom <= 0:
            continue  # generated characters (line breaks) have no box
        if boxes and abs(boxes[-1][1] - bottom) < (top - bottom) * 0.6 and left >= boxes[-1][0] - 1:
            box = boxes[-1]
            box[0], box[1], box[2], box[3] = min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)
        else:
            boxes.append([left, bottom, right, top])
    return [tuple(b) for b in boxes]
