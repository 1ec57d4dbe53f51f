"""Text normalisation shared by parsing, chunking and citation checks."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\ufffe": "-",  # pdfium's mark for a hyphen inside a word ("take-up")
    "\u00ad": "",  # soft hyphen
    "\uf0b7": "•",  # Symbol-font bullets
    "\uf0a7": "•",
    "\uf0d8": "•",
    "\u2011": "-",
    "\u202f": " ",
    "\u00a0": " ",
    "\ufffc": "",
}
_LIG_RE = re.compile("|".join(map(re.escape, _LIGATURES)))
# "manage-\nment" -> "management": a lower-case word broken by a hyphen at a line end.
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
_WS = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise extracted text: ligatures, odd bullets, line-end hyphenation, CRLF; keeps line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LIG_RE.sub(lambda m: _LIGATURES[m.group()], text)
    text = _HYPHEN_BREAK.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def squash(text: str) -> str:
    """Whitespace- and ligature-insensitive form used to check that a quote stands on a page."""
    text = _LIG_RE.sub(lambda m: _LIGATURES[m.group()], text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return _WS.sub(" ", text).strip().lower()
