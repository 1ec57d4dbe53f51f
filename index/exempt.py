"""Exempt business ("Part B", "not for publication"): known to exist, with its reason; its content never indexed.

English councils take some items in private under Section 100A of the Local Government Act 1972, when they
would disclose "exempt information" of a paragraph of Part 1 of Schedule 12A (an individual's affairs, a
contract's terms, legal advice...). The public papers still say that the item exists and why it is exempt:
the agenda lists it under "EXEMPT ITEMS" (or "Part B", "Private session"), often with "(Exempt - paragraph 3)";
the minutes record the motion "that the public be excluded ... paragraph 3 of Part 1 of Schedule 12A" before
it; a modern.gov pack puts a page "Document is Restricted" where the exempt report would be.

This module finds those, as register records of type "exempt" (the item, its title, the reason, and the
line that says so, verbatim, so the record is cited like any other), and withholds the text of a page that
is itself marked "NOT FOR PUBLICATION" at its head: only the marking is indexed, so no answer can quote it.

Not exempt: "EXEMPT ITEMS (At the time of preparing the agenda there were no exempt items ...)", a decision
form's "For publication [Do not include information which is exempt ...]", "Is this a private report? No".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .meta import MONTH_YEAR
from .parse import _FOOTER
from .records import Line, Record, read_lines
from .types import Chunk, DocType, Page

EXEMPT = "exempt"  # the records' type

# Part 1 of Schedule 12A to the Local Government Act 1972 (as amended in 2006), in short
SCHEDULE_12A = {
    "1": "information relating to any individual",
    "2": "information likely to reveal the identity of an individual",
    "3": "information relating to the financial or business affairs of any particular person (including the council)",
    "4": "information relating to consultations or negotiations on a labour relations matter",
    "5": "information subject to legal professional privilege",
    "6": "information revealing that the council proposes to give a notice or make an order or direction",
    "7": "information relating to the prevention, investigation or prosecution of crime",
}

_PARAGRAPHS = re.compile(r"\bparagraphs?\s+(\d(?:\s*(?:,|and|&|or)\s*\d)*)(?![.\d])", re.IGNORECASE)
_MENTIONS_12A = re.compile(r"schedule\s*12\s*a|section\s+100\s*a|exempt|not for publication|part b", re.IGNORECASE)

# a heading that opens the private part of an agenda or minutes
_PRIVATE_HEADING = re.compile(
    r"^(?:exempt\s+(?:items?|business|reports?)|private\s+(?:session|business|items?|reports?)|restricted\s+items?|confidential\s+items?|"
    r"(?:items?|matters?|business)\s+(?:likely\s+to\s+be\s+|to\s+be\s+)?(?:considered|taken)\s+in\s+(?:private|the\s+absence\s+of\s+the\s+(?:press|public)).*|"
    r"items?\s+not\s+for\s+publication.*|part\s+(?:b|2|ii)(?:\s+items?|\s*[-–:(].*)?)\s*$",
    re.IGNORECASE,
)
_PART = re.compile(r"^part\s+(?:b|2|ii)\b", re.IGNORECASE)
_PRIVATE_WORDS = re.compile(r"exempt|private|confidential|not\s+for\s+publication|excluded|absence\s+of\s+the\s+(?:press|public)|schedule\s*12\s*a", re.IGNORECASE)
# ...and one that opens the public part again
_PUBLIC_HEADING = re.compile(
    r"^(?:unrestricted\s+items?|open\s+items?|part\s+(?:a|1|i)(?:\s+items?|\s*[-–:(].*)?|public\s+(?:session|business|items?))\s*$|"
    r"\b(?:returned\s+to|resumed\s+in)\s+(?:public|open)\s+session|\b(?:press\s+and\s+)?public\s+(?:were|was)\s+re-?admitted",
    re.IGNORECASE,
)
_NONE = re.compile(r"\bno\s+(?:exempt|private|restricted|confidential|part\s+b)\s+(?:items?|business|reports?)\b|\bthere\s+(?:are|were)\s+no\b", re.IGNORECASE)
# the motion before exempt items in agendas and minutes
_EXCLUSION = re.compile(
    r"\b(?:exclu(?:de|sion)\s+of\s+the\s+(?:press|public)|(?:press\s+and\s+)?public\s+(?:be|were|are)\s+excluded|exclude\s+the\s+(?:press|public))",
    re.IGNORECASE,
)
# a numbered item line: "12. Disposal of land at Hythe (Pages 101 - 120)", "Item 12 Disposal ..."
_ITEM_LINE = re.compile(r"^(?:item\s+)?(\d{1,3}[a-z]?)[.)]?\s+(?!-)([A-Z0-9£“\"'(].*)$", re.IGNORECASE)
_PAGES = re.compile(r"\s*\((?:pages?|item)\s+[\d\s\-–,]+\)\s*$", re.IGNORECASE)
_INLINE = re.compile(r"\((?:[^()]*\b(?:exempt|not\s+for\s+publication|part\s+b|confidential|private)\b[^()]*)\)", re.IGNORECASE)
# the head of a page that is itself exempt, or that stands in for an exempt document
_WITHHELD = re.compile(
    r"^(?:document\s+is\s+(?:restricted|confidential)|not\s+for\s+publication\b.*|(?:strictly\s+)?confidential\s*[-–:]\s*not\s+for\s+publication.*|"
    r"exempt\s+information\b.*|exempt\s+(?:report|appendix)\b.*|appendix\s+\w+\s*[-–:(]?\s*(?:exempt|not\s+for\s+publication|confidential)\b.*)$",
    re.IGNORECASE,
)
_AGENDA_MARK = re.compile(r"^\s*(?:agenda\s+item\s+\w+|appendix\s+\w+|item\s+\w+)\s*$", re.IGNORECASE)
_MEETING_PAPERS = (DocType.AGENDA, DocType.MINUTES, DocType.DECISION)  # where a motion to exclude the public is one, not a mention
HEAD_LINES = 4  # how far down a page its marking may stand (below "Agenda Item 9" and the like)
TITLE_WORDS = 25  # an item line longer than this is a paragraph, not an item (so is one ending as a sentence does)


@dataclass(frozen=True)
class Reason:
    """Why an item is exempt: the Schedule 12A paragraphs named, and the words for people."""

    paragraphs: tuple[str, ...] = ()

    def __str__(self) -> str:
        if not self.paragraphs:
            return "exempt; the papers give no paragraph"
        said = "; ".join(f"{p}: {SCHEDULE_12A[p]}" if p in SCHEDULE_12A else p for p in self.paragraphs)
        return f"exempt under Schedule 12A, paragraph {said}"


def reason_in(text: str) -> Reason | None:
    """The Schedule 12A paragraphs a text names as the reason ("paragraph 3 of Part 1 of Schedule 12A",
    "(Exempt - paragraphs 1 and 2)"), or None if it names none."""
    if not _MENTIONS_12A.search(text):
        return None
    found: list[str] = []
    for m in _PARAGRAPHS.finditer(text):
        found += [p for p in re.findall(r"\d", m.group(1)) if p not in found]
    return Reason(tuple(found)) if found else None


def _head(text: str) -> list[str]:
    """The first lines of a page, below a bare page number or "Agenda Item 9"."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not _FOOTER.match(ln) and not ln.strip().isdigit()]
    while lines and _AGENDA_MARK.match(lines[0]):
        lines = lines[1:]
    return lines[:HEAD_LINES]


def withheld(text: str) -> str | None:
    """The marking at the head of a page that is exempt ("NOT FOR PUBLICATION by virtue of paragraph 3 ...") or that
    stands in for an exempt document ("Document is Restricted"), or None for a page that may be shown."""
    for line in _head(text):
        if _WITHHELD.match(line):
            return line
    return None


def withhold(pages: list[Page]) -> tuple[list[Page], list[int]]:
    """The pages with the text of every exempt page cut to its head, down to its marking (so the page, its number
    and why it is withheld stay; its content is never indexed), and the indexes of the pages cut."""
    out, cut = [], []
    for n, page in enumerate(pages):
        mark = withheld(page.text)
        if mark is None:
            out.append(page)
            continue
        lines = page.text.split("\n")
        end = next(k for k, ln in enumerate(lines) if ln.strip() == mark) + 1
        # the marking's sentence may run on ("NOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of / Schedule 12A")
        while end < len(lines) and not re.search(r"[.)]\s*$", lines[end - 1].strip()) and reason_in(" ".join(lines[:end])) is None:
            end += 1
        footer = [ln for ln in lines[end:] if _FOOTER.match(ln)]
        out.append(replace(page, text="\n".join(lines[:end] + footer)))
        cut.append(n)
    return out, cut


def _title(text: str) -> tuple[str, str] | None:
    """(item number, title) of a numbered item line, or None for a paragraph or anything else."""
    m = _ITEM_LINE.match(text)
    if not m:
        return None
    title = _PAGES.sub("", _INLINE.sub("", m.group(2))).strip(" -–")
    if MONTH_YEAR.match(title):
        return None  # "24 February 2025" under the agenda's signature
    if not title or len(title.split()) > TITLE_WORDS or title.endswith((".", ";", ":")) and len(title.split()) > 3:
        return None
    return m.group(1), title


def _record(line: Line, item: str, title: str, reason: Reason | None) -> Record:
    return Record(
        type=EXEMPT, text=line.text, kind=str(reason or Reason()), chunk_id=line.chunk.id, item=item, item_title=title,
        meeting_date=line.chunk.meeting_date, page_index=line.page_index, pdf_page=line.pdf_page, label=line.label,
    )


def _is_exclusion(title: str) -> bool:
    return bool(_EXCLUSION.search(title)) or "public interest test" in title.lower()


def _private_block(lines: list[Line], i: int) -> bool:
    """Whether the heading at `i` opens items (not "there were no exempt items")."""
    text = " ".join(ln.text for ln in lines[i:i + 3])[:300]
    if _PART.match(lines[i].text) and not _PRIVATE_WORDS.search(text):
        return False  # "Part 2" of a plan or a report, not of the agenda
    return not _NONE.search(text)


def exempt_items(chunks: list[Chunk]) -> list[Record]:
    """The exempt items a paper names: those listed under a private heading (or after the motion to exclude the
    public), each with its reason (its own "(Exempt - paragraph 3)", else the motion's, else none given), and any
    item whose document page is withheld. Procedural items (the motion itself) are not exempt items."""
    lines = read_lines(chunks, every_type=True)
    out: list[Record] = []
    seen: set[tuple[str, str]] = set()

    def add(line: Line, item: str, title: str, reason: Reason | None) -> None:
        key = (item, title.lower())
        if key not in seen:
            seen.add(key)
            out.append(_record(line, item, title, reason))

    def motion(i: int) -> Reason | None:
        """The reason a motion to exclude the public gives: its lines up to the next item."""
        end = next((k for k in range(i + 1, min(i + 8, len(lines))) if _title(lines[k].text) or _PRIVATE_HEADING.match(lines[k].text)), min(i + 8, len(lines)))
        return reason_in(" ".join(x.text for x in lines[i:end]))

    in_private, block_reason, block_page = False, None, None
    for i, ln in enumerate(lines):
        text = ln.text
        if _PUBLIC_HEADING.search(text):
            in_private = False
            continue
        if _PRIVATE_HEADING.match(text) and _private_block(lines, i):
            in_private, block_reason, block_page = True, reason_in(" ".join(x.text for x in lines[i:i + 3])), ln.page_index
            continue
        if _EXCLUSION.search(text) and not _NONE.search(text) and (ln.chunk.doc_type in _MEETING_PAPERS or _title(text)):
            # the motion: its reason (it may run over several lines) covers the items that follow
            block_reason = motion(i) or block_reason
            if not in_private:
                in_private, block_page = True, ln.page_index
            continue
        if not in_private:
            continue
        minutes = ln.chunk.doc_type in (DocType.MINUTES, DocType.DECISION)
        if not minutes and ln.page_index != block_page:
            in_private = False  # an agenda's private part is a list on one page; the pack's reports follow
            continue
        found = _title(text)
        if found is None:
            continue
        item, title = found
        if minutes and ln.chunk.item and ln.chunk.item_title:
            if not text.startswith(ln.chunk.item) and ln.chunk.item_title.lower() not in text.lower():
                continue  # a numbered paragraph inside a minute, not the minute's heading
            item, title = ln.chunk.item, ln.chunk.item_title
        if _is_exclusion(title):
            block_reason = motion(i) or block_reason
            continue
        follows = lines[i + 1].text if i + 1 < len(lines) and not _title(lines[i + 1].text) else ""
        add(ln, item, title, reason_in(text) or reason_in(follows) or block_reason)
    for ln in lines:
        if withheld(ln.text) == ln.text and ln.chunk.item:
            add(ln, ln.chunk.item, ln.chunk.item_title or ln.text, reason_in(ln.text))
    return out
