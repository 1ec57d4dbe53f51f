"""Rows of the tables printed in papers, as quotable units that keep their column headers.

PDF text layers print a table one row to a line ("Social Care Grant 137.1 5,924.0 117.0 5,044.0"), a long row
label wrapped over lines of its own above its figures ("Domestic Abuse Safe Accommodation / Grant / 4.0 160.0"),
and the column headers as short lines above the first row ("Table 3.1 2025-26 Final 2024-25 Final / Kent / £'m").
Papers converted from HTML print a two-column table one cell to a line ("Riverfest / 2021 / € 15,754.75 / 2022 /
€321,821.62"). Read as prose, a row's figures lose the words that say what they are, and a long row is run into
the next. Here each row becomes one unit (its label and figures, verbatim lines of one page) with the header
lines of its table (verbatim too), so an answer can quote "Social Care Grant 137.1 ... 117.0" and show which
columns the figures are.

Pure functions over lines; the splitter (`qa.answer.split_sentences`) calls `table_rows` on a passage's lines and
keeps only the rows (and headers) that stand on one page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a figure as tables print it: -£1,234.5m, +6.0%, (3.2), 2024-25, 31/03/2025, € 45,887.03, "-" for nil
_CELL = re.compile(
    r"""^(?:[-+−–]?\(?[£€$]?\s?[-+−–]?\d[\d,]*(?:\.\d+)?(?:%|m|k|bn|p)?\)?"""
    r"""|\d{4}[-/]\d{2,4}|\d{1,2}/\d{1,2}/\d{2,4}|[-–—]|n/?a)$""",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;]$")
LABEL_CHARS = 70  # a wrapped row label or header line is short; A4 prose wraps at ~90 characters
MOST_LABEL_LINES = 3  # a row label wrapped over at most this many lines
MOST_HEADER_CHARS = 240  # header lines kept above a table's first row
# a total row is quoted with the rows it totals when all of them are at most this long: a quote read at a glance
# (the shared corpus's 195 total rows: the rows since the table's header or last total run to a median 102
# characters, 279 at the third quartile, 598 at the ninth decile)
MOST_TOTAL_CHARS = 400
_TOTAL = re.compile(r"^(?:grand |net |sub-?)?totals?\b", re.IGNORECASE)  # "Totals £426,429.60", "Total Debt 950.66 ..."


@dataclass
class Row:
    """One table row: lines [start, end) of the page's lines, and the header lines [header_start, header_end)."""

    start: int
    end: int
    header_start: int
    header_end: int
    body_start: int | None = None  # a total row's: the first line of the rows it totals, quoted with it


def _tokens(line: str) -> list[str]:
    # "€ 45,887.03" and "+ 23.3" are one cell each
    return re.sub(r"(?<=[£€$+−–-])\s+(?=\d)", "", line.replace("**", "")).split()


def cells(line: str) -> int:
    """How many figures end the line ("Social Care Grant 137.1 5,924.0 117.0 5,044.0" -> 4)."""
    n = 0
    for tok in reversed(_tokens(line)):
        if not _CELL.match(tok):
            break
        n += 1
    return n


def _is_figures(line: str) -> bool:
    """A line of figures alone ("40.5 2,695.9 38.8 2,581.3", "€321,821.62")."""
    toks = _tokens(line)
    return bool(toks) and cells(line) == len(toks)


def _is_label(line: str) -> bool:
    """A short line without a sentence end: a wrapped row label, a column header, a table's title."""
    return 0 < len(line) <= LABEL_CHARS and not _SENTENCE_END.search(line.replace("**", "").rstrip())


# words a figure follows in prose ("increased by 7.04%", "is now £35.4m"), never at the end of a row label
_PROSE_BEFORE_FIGURE = {
    "is", "was", "are", "were", "be", "been", "of", "by", "to", "from", "and", "or", "than", "at", "in", "on",
    "with", "for", "per", "about", "around", "approximately", "under", "over", "between", "circa", "c.", "only",
}
MOST_LABEL_WORDS = 12  # a row's own label; a prose line runs to 14-18 words


def _single(line: str) -> bool:
    """One figure alone on a line ("€321,821.62", "2022")."""
    return _is_figures(line) and cells(line) == 1


def _is_row(line: str) -> bool:
    """A table row on one line: figures alone (two or more), or a short label and figures (two or more, or one
    sum of money or percentage: "Totals £426,429.60") that prose would not end on."""
    toks = _tokens(line)
    n = cells(line)
    if n == len(toks):
        return n >= 2
    label = toks[: len(toks) - n]
    last = toks[-1]
    return (
        (n >= 2 or (n == 1 and bool(re.search(r"[£€$%]", last))))
        and len(label) <= MOST_LABEL_WORDS
        and label[-1].lower() not in _PROSE_BEFORE_FIGURE
        and not _SENTENCE_END.search(label[-1])
    )


def table_rows(lines: list[str]) -> list[Row]:
    """The table rows among a page's lines (stripped, blank lines allowed), each with its table's header lines.

    A table is a run of row lines and short label lines holding at least two rows (or one of three figures). The label lines before its
    first row are its header; later label lines are a row's wrapped label when its figures stand alone on the
    next line, or (two or more before a row with its own label, or before a column of single figures) the header
    of a table that follows. A column of single figures ("2021", "€ 15,754.75", ...) is read in pairs.
    """
    rows: list[Row] = []
    i, n = 0, len(lines)
    while i < n:
        if not _is_row(lines[i]) and not _is_label(lines[i]):
            i += 1
            continue
        j = i  # a candidate table: lines[i:j] of rows, labels and blanks
        while j < n and (not lines[j] or _is_row(lines[j]) or _is_label(lines[j])):
            j += 1
        rows.extend(_read_table(lines, i, j))
        i = max(j, i + 1)
    return rows


def _read_table(lines: list[str], start: int, end: int) -> list[Row]:
    idx = [k for k in range(start, end) if lines[k] and not _FOOTER.match(lines[k])]
    out: list[Row] = []
    header: tuple[int, int] | None = None
    pending: list[int] = []  # label lines since the last row
    p = 0
    while p < len(idx):
        k = idx[p]
        line = lines[k]
        if _single(line) and p + 1 < len(idx) and _single(lines[idx[p + 1]]):
            # a column of single figures: the label lines above are its header, the figures go in pairs
            if pending or header is None:
                header = _header(lines, pending)
            while p + 1 < len(idx) and _single(lines[idx[p]]) and _single(lines[idx[p + 1]]):
                out.append(Row(idx[p], idx[p + 1] + 1, *header))
                p += 2
            pending = []
            continue
        if not _is_row(line):
            pending.append(k)
            p += 1
            continue
        figures = _is_figures(line)
        if header is None:
            label = pending[-1:] if figures and len(pending) > 1 else []
            header = _header(lines, pending[: len(pending) - len(label)])
        elif figures:
            label = pending[-MOST_LABEL_LINES:]
        else:
            label = []
            if len(pending) >= 2:
                header = _header(lines, pending)
        out.append(Row(label[0] if label else k, k + 1, *header))
        pending = []
        p += 1
    # one row is a table when it holds three figures or more ("Indicative supply 746 1,039 1,457 5,466 2,113")
    return _totals(lines, out) if len(out) >= 2 or (out and cells(lines[out[0].end - 1]) >= 3) else []


def _totals(lines: list[str], rows: list[Row]) -> list[Row]:
    """Give each total row the rows it totals (those since its table's header or the last total row), when
    they are short enough to quote with it: "Totals £426,429.60" says whose costs only with the rows above."""
    body: list[Row] = []
    for r in rows:
        if body and (body[0].header_start, body[0].header_end) != (r.header_start, r.header_end):
            body = []  # another table's header
        if not _TOTAL.match(lines[r.start]):
            body.append(r)
            continue
        if body and sum(len(lines[k]) + 1 for k in range(body[0].start, r.end)) <= MOST_TOTAL_CHARS:
            r.body_start = body[0].start
        body = []
    return rows


_FOOTER = re.compile(r"^(?:Page \d+(?: of \d+)?|\d{1,3}|-{3,})$", re.IGNORECASE)


def _header(lines: list[str], labels: list[int]) -> tuple[int, int]:
    """The header lines [start, end): the label lines above a table's first row, at most MOST_HEADER_CHARS of
    them counted up from the row ((0, 0) when there are none)."""
    if not labels:
        return 0, 0
    end = labels[-1] + 1
    start = end
    total = 0
    for k in reversed(labels):
        total += len(lines[k]) + 1
        if total > MOST_HEADER_CHARS:
            break
        start = k
    return start, end
