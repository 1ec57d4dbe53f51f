"""Text for PDF pages without a text layer (scans, signed minutes, old packs): the page rendered with pypdfium2
and read by Tesseract (Debian `tesseract-ocr`, `tesseract-ocr-eng`), its words kept with their boxes.

Tesseract is a program, not a Python package: `scripts/install.sh` installs it when it runs as root; where it
is missing, indexing says which pages need it and how to install it, and indexes the rest.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

DPI = 300  # Tesseract reads body text best at 300 dpi (its documentation's advice); 7-10 s a page on 2 busy cores
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-eng"
MIN_CONFIDENCE = 0  # Tesseract marks non-words with -1


@dataclass
class Word:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom in PDF points from the page's top-left


@dataclass
class OcrPage:
    text: str
    words: list[Word] = field(default_factory=list)


def available() -> bool:
    """Whether Tesseract is installed (on PATH)."""
    return shutil.which("tesseract") is not None


def read_page(pdf: Path, page_number: int, timeout_s: float = 120.0, language: str = "eng") -> OcrPage:
    """Page `page_number` (1-based) of `pdf`, rendered at DPI and read by Tesseract: its lines as text, and its
    words with their boxes in PDF points (so a quote can be highlighted on the rendered page)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[page_number - 1]
        image = page.render(scale=DPI / 72).to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", language, "--dpi", str(DPI), "tsv"],
        input=buf.getvalue(), capture_output=True, timeout=timeout_s, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.decode(errors='replace').strip()[:200]}")
    return from_tsv(done.stdout.decode("utf-8", errors="replace"), 72 / DPI)


def from_tsv(tsv: str, scale: float) -> OcrPage:
    """Tesseract's TSV (one row per word, numbered by block, paragraph and line) as lines of text and boxed words;
    `scale` turns its pixels into PDF points."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    words: list[Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text or float(row.get("conf") or -1) < MIN_CONFIDENCE:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(text)
        left, top, width, height = (float(row[k]) * scale for k in ("left", "top", "width", "height"))
        words.append(Word(text, (left, top, left + width, top + height)))
    return OcrPage("\n".join(" ".join(ws) for _, ws in sorted(lines.items())), words)
