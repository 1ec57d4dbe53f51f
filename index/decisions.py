"""Decisions and commitments read from minutes as records (run at index time, stored with the paper).

Council minutes state decisions in recognisable forms ("AGREED:", "RESOLVED that …", "It was agreed
that …", "Mr X proposed, and Ms Y seconded the following amendment: … For (12) … Amendment lost.")
and commitments as promises about later meetings ("would come to the January meeting", "an update
would come to the Commission in March 2026"). Each record keeps its verbatim text and the page it
stands on, so it can be cited like any passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .meta import MONTHS
from .types import Chunk, DocType

DECISION_KINDS = (
    "agreed", "noted", "resolved", "amendment carried", "amendment lost",
    "recommendation carried", "recommendation lost", "deferred", "referred",
)

# "AGREED:", "RESOLVED that ...", "Resolved:" (not "agreed by County Council ..." inside a sentence)
_BLOCK_START = re.compile(r"^\s*(?:\(\d+\)\s*|\d{1,2}[.)]\s*)?(AGREED|RESOLVED|DECISION|DECIDED|Agreed|Resolved)\s*(?::|\bthat\b|-|$)\s*(.*)$")
_IT_WAS_AGREED = re.compile(r"\b(?:it was (?:agreed|resolved)|the (?:commission|committee|cabinet|council|panel|board|members?) (?:agreed|noted|resolved|approved|endorsed|deferred|referred))\b", re.IGNORECASE)
_PROPOSAL = re.compile(
    r"^\s*(?:\(\d+\)\s*)?(?P<mover>(?:Mr|Mrs|Ms|Miss|Dr|Sir|Cllr\.?|Councillor)\s+[A-Z][\w'’-]+)\s+(?:\([^)]*\)\s+)?proposed,?\s+and\s+"
    r"(?P<seconder>(?:Mr|Mrs|Ms|Miss|Dr|Sir|Cllr\.?|Councillor)\s+[A-Z][\w'’-]+)\s+(?:\([^)]*\)\s+)?seconded\s+the\s+following\s+(?P<what>amendment|motion)",
    re.IGNORECASE,
)
_VOTE = re.compile(r"^\s*(For|Against|Abstain(?:ed|ing|ions?)?)\s*\((\d+)\)", re.IGNORECASE)
_OUTCOME = re.compile(r"^\s*(?:The\s+)?(?:Substantive\s+)?(Amendment|Motion|Recommendation)s?\s+(carried|lost|agreed|defeated|fell)\b", re.IGNORECASE)
_ITEM_LINE = re.compile(r"^\s*\d{1,4}\.\s+[A-Z]")
_PARA = re.compile(r"^\s*\(?\d+\)\s")
_SENT_END = re.compile(r"[.;]\s*$")

_COMMITMENT = re.compile(
    # something coming back to a meeting ("would come to the January meeting", "an update would come to the
    # Scrutiny Commission in March 2026"), added to the work programme, or promised to members by officers
    r"\b(?:would|will|to|should)\s+(?:\w+\s+){0,2}?(?:come|return|be brought|be presented|be reported|report back)\s+(?:back\s+)?(?:to|at|in|before)\b"
    r"|\b(?:would|will|to) be added to the work programme\b"
    r"|\bmembers? (?:would|will|to) be (?:notified|updated|informed|sent|provided)\b"
    r"|\b(?:would|will|to) be (?:circulated|shared|provided|sent) to (?:members|the commission|the committee)\b"
    r"|\bofficers? (?:agreed|undertook|committed) to\b"
    # things scheduled or set in train: "would ensue", "was due to be", "was scheduled to", "would be published
    # in the summer", "will form part of the January update", "targeted for March 2026", "be invited to scrutiny"
    r"|\bwould (?:ensue|take place|follow)\b|\bwas to take place\b"
    r"|\b(?:was|were|is|are) (?:scheduled|planned) to\b|\bdue to (?:be|launch|start|begin|open|host|meet)\b"
    r"|\b(?:would|will) (?:continue to )?be (?:published|heard|taken|hosted|reconsidered|addressed|enhanced|monitored|asked)\b"
    r"|\b(?:would|will) be (?:making|giving|hosting|holding|preparing|bringing)\b"
    r"|\bform part of the (?:\w+ ){0,2}(?:update|meeting|report)\b|\btargeted for\b|\bbe invited to\b|\bto be asked for\b"
    r"|\b(?:delegates|asks|requests|instructs)(?: authority)? to the [A-Z][\w ]+? to\b",
    re.IGNORECASE,
)
_MONTH_NAMES = "january|february|march|april|may|june|july|august|september|october|november|december"
_DUE_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\s+(\d{{4}})\b", re.IGNORECASE)
_DUE_MONTH = re.compile(rf"\b(?:in|at|to|for|by|the|until)\s+(?:the\s+)?({_MONTH_NAMES})\b", re.IGNORECASE)
_WHO = re.compile(r"\b((?:the\s+)?(?:Strategic\s+)?(?:Director|Officers?|Head of [A-Z][\w ]+?|Chair|Cabinet Member|Monitoring Officer|Lead Member)[\w ,’']*?)\s+(?:would|will|agreed|undertook|to)\b")


@dataclass
class Record:
    """A decision or a commitment, with where it stands."""

    type: str  # "decision" | "commitment"
    text: str  # verbatim from the page
    kind: str = ""  # decisions: one of DECISION_KINDS
    chunk_id: str = ""
    item: str = ""
    item_title: str = ""
    meeting_date: date | None = None
    page_index: int = 0
    pdf_page: int | None = None
    label: str | None = None
    mover: str | None = None
    seconder: str | None = None
    votes: dict = field(default_factory=dict)
    due: str | None = None  # "YYYY-MM" or None
    who: str | None = None

    def search_text(self) -> str:
        """What topic search matches: the item's title and the record's text."""
        return f"{self.item_title}: {self.text}" if self.item_title else self.text


@dataclass
class _Line:
    text: str
    chunk: Chunk
    page_index: int
    pdf_page: int | None
    label: str | None


_WORK_PROGRAMME = re.compile(r"work programme\s+\d{4}", re.IGNORECASE)


def _lines(chunks: list[Chunk], work_programmes: bool = False) -> list[_Line]:
    """The lines of a paper's minutes (and, for commitments, of its work programme tables), in order."""
    out = []
    in_programme, section = False, None
    for c in chunks:
        if work_programmes:
            if _WORK_PROGRAMME.search(c.text):
                in_programme, section = True, c.heading
            elif in_programme and c.heading != section:
                in_programme = False
        if c.doc_type not in (DocType.MINUTES, DocType.DECISION) and not in_programme:
            continue
        offset = 0
        for line in c.text.split("\n"):
            span = c.span_at(offset)
            offset += len(line) + 1
            if line.strip():
                out.append(_Line(line.strip(), c, span.page_index if span else 0, span.pdf_page if span else None, span.label if span else None))
    return out


def _record(kind_type: str, lines: list[_Line], **kw) -> Record:
    """A record from consecutive lines, kept to the page of the first line (so the quote is on one page)."""
    first = lines[0]
    same_page = [ln for ln in lines if ln.page_index == first.page_index]
    c = first.chunk
    return Record(
        type=kind_type,
        text=" ".join(ln.text for ln in same_page),
        chunk_id=c.id,
        item=c.item,
        item_title=c.item_title,
        meeting_date=c.meeting_date,
        page_index=first.page_index,
        pdf_page=first.pdf_page,
        label=first.label,
        **kw,
    )


def _kind_of(text: str, default: str = "agreed") -> str:
    t = text.lower()
    for word, kind in (("deferred", "deferred"), ("referred", "referred"), ("noted", "noted"), ("note ", "noted"), ("resolved", "resolved")):
        if word in t:
            return kind
    return default


_SPLIT = re.compile(r"(?<=[a-z0-9%)][.!?])\s+(?=[A-Z£(“\"])")


def _sentences(lines: list[_Line]) -> list[tuple[str, list[_Line]]]:
    """Sentences with the lines they stand on: lines are grouped until a sentence end or bullet, then split."""
    units: list[list[_Line]] = []
    for ln in lines:
        if units and not _SENT_END.search(units[-1][-1].text) and not re.match(r"^\s*(?:[•·▪]|\(?[a-z0-9]{1,3}\)\s)", ln.text) and ln.chunk is units[-1][-1].chunk:
            units[-1].append(ln)
        else:
            units.append([ln])
    out = []
    for unit in units:
        same_page = [u for u in unit if u.page_index == unit[0].page_index]
        for sentence in _SPLIT.split(" ".join(u.text for u in same_page)):
            if sentence.strip():
                out.append((sentence.strip(), same_page))
    return out


def extract_decisions(chunks: list[Chunk]) -> list[Record]:
    """Decision records from a paper's minutes chunks, in document order."""
    lines = _lines(chunks)
    records: list[Record] = []
    i = 0
    proposal: dict | None = None
    para_start: list[_Line] | None = None
    while i < len(lines):
        ln = lines[i]
        text = ln.text
        if _PARA.match(text):
            para_start = [ln]
        m = _PROPOSAL.match(text)
        wrapped = m is None and i + 1 < len(lines) and _PROPOSAL.match(f"{text} {lines[i + 1].text}")
        if m or wrapped:  # "... seconded the following" may wrap before "amendment:"
            m = m or wrapped
            head = [ln, lines[i + 1]] if wrapped else [ln]
            # the proposal and the first lines of what was proposed ("Proposed Purpose:" skipped)
            start = i + len(head)
            body = [b for b in lines[start : start + 4] if not re.match(r"^\s*Proposed (Purpose|Amount|Funding Source)\s*:", b.text)][:2]
            proposal = {"mover": m.group("mover"), "seconder": m.group("seconder"), "what": m.group("what").lower(), "lines": [*head, *body], "votes": {}}
            i = start
            continue
        v = _VOTE.match(text)
        if v:
            key = {"f": "for", "a": "against"}.get(v.group(1)[0].lower(), "abstain")
            if v.group(1).lower().startswith("abstain"):
                key = "abstain"
            target = proposal if proposal is not None else {"lines": para_start or [ln], "votes": {}, "mover": None, "seconder": None, "what": "motion"}
            target["votes"][key] = int(v.group(2))
            proposal = target
            i += 1
            continue
        o = _OUTCOME.match(text)
        if o:
            what = o.group(1).lower()
            carried = o.group(2).lower() in {"carried", "agreed"}
            kind = f"amendment {'carried' if carried else 'lost'}" if what == "amendment" else f"recommendation {'carried' if carried else 'lost'}"
            base = proposal["lines"] if proposal else (para_start or [ln])
            records.append(
                _record(
                    "decision",
                    base,
                    kind=kind,
                    mover=proposal["mover"] if proposal else None,
                    seconder=proposal["seconder"] if proposal else None,
                    votes=dict(proposal["votes"]) if proposal else {},
                )
            )
            proposal = None
            i += 1
            continue
        b = _BLOCK_START.match(text)
        if b and (b.group(2) or text.rstrip().endswith(":") or re.fullmatch(r"\s*(?:\(\d+\)\s*)?(AGREED|RESOLVED)\s*", text, re.I)):
            rest = b.group(2).strip()
            j = i + 1
            first_entry = _list_start(lines, i) if rest else None
            if first_entry is not None:
                # "RESOLVED that County Council:" then (a), (b), ... or (1), (2), ...: one record per entry
                entries, end = _entries(lines, first_entry, ln.chunk.item)
                if entries:
                    for entry in entries:
                        records.append(_record("decision", entry, kind=_kind_of(" ".join(e.text for e in entry), "resolved")))
                    i = end
                    continue
            if rest:  # "RESOLVED that ..." runs to the end of its sentence
                unit = [ln]
                while not _SENT_END.search(unit[-1].text) and j < len(lines) and lines[j].chunk.item == ln.chunk.item and not _PARA.match(lines[j].text):
                    unit.append(lines[j])
                    j += 1
                records.append(_record("decision", unit, kind=_kind_of(text, "resolved" if "resolv" in text.lower() else "agreed")))
            else:  # "AGREED:" then one entry per bullet or numbered line
                entries: list[list[_Line]] = []
                while j < len(lines) and lines[j].chunk.item == ln.chunk.item:
                    nxt = lines[j].text
                    if _ITEM_LINE.match(nxt) and not re.match(r"^\s*\d{1,2}\.\s+That\b", nxt) or _PARA.match(nxt) or _BLOCK_START.match(nxt):
                        break
                    starts = re.match(r"^\s*(?:[•·▪-]|\(?[0-9a-z]{1,2}[.)])\s", nxt) or re.match(r"^\s*That\b", nxt)
                    if starts or not entries:
                        if entries and not starts:
                            break
                        entries.append([lines[j]])
                    elif not _SENT_END.search(entries[-1][-1].text):
                        entries[-1].append(lines[j])
                    else:
                        break
                    j += 1
                for n, entry in enumerate(entries):
                    kind = _kind_of(" ".join(e.text for e in entry), "agreed")
                    # the first resolution is quoted with its "AGREED:" line, as the minutes print it
                    quoted = [ln, *entry] if n == 0 and entry[0] is lines[i + 1] and entry[0].page_index == ln.page_index else entry
                    records.append(_record("decision", quoted, kind=kind))
            i = j
            continue
        i += 1
    # "It was agreed that ..." and "The Commission noted ..." sentences outside blocks
    seen = {r.text for r in records}
    for sentence, unit in _sentences(lines):
        if _IT_WAS_AGREED.search(sentence) and not any(sentence in s or s in sentence for s in seen):
            rec = _record("decision", unit, kind=_kind_of(sentence, "agreed"))
            rec.text = sentence
            records.append(rec)
    records.sort(key=lambda r: (r.page_index, lines_index(lines, r)))
    return records


_ENTRY_START = re.compile(r"^\s*(?:[•·▪-]\s*)?(?:\(?(?:[a-zA-Z]|[ivx]{1,4}|\d{1,2})\)|(?:[a-z]|\d{1,2})\.)\s+\S")
_NOT_AN_ENTRY = re.compile(r"^\s*\(\d+\)\s+(?:The Chairman|The Leader|Mr |Mrs |Ms |Miss |Dr |Following|Members|In response)")


def _list_start(lines: list[_Line], i: int) -> int | None:
    """Where the entries of a resolution starting at line i begin, if its opening words end in a colon
    (within four lines) followed by a lettered or numbered entry (perhaps after a subheading)."""
    for k in range(i, min(i + 5, len(lines))):
        if lines[k].text.rstrip().endswith(":"):
            for n in (k + 1, k + 2):
                if n < len(lines) and _ENTRY_START.match(lines[n].text):
                    return n
                if n < len(lines) and not _is_subheading(lines[n].text):
                    break
        elif _SENT_END.search(lines[k].text):
            return None
    return None


def _is_subheading(text: str) -> bool:
    """A short title line inside a resolution list (no sentence end, no entry marker)."""
    return len(text) < 60 and not _SENT_END.search(text) and not _ENTRY_START.match(text)


def _entries(lines: list[_Line], start: int, item: str) -> tuple[list[list[_Line]], int]:
    """The lettered or numbered entries of a resolution list starting at `start` (wrapped lines joined),
    and the index of the line after them."""
    entries: list[list[_Line]] = []
    j = start
    while j < len(lines) and lines[j].chunk.item == item:
        text = lines[j].text
        if _NOT_AN_ENTRY.match(text) or _OUTCOME.match(text) or _VOTE.match(text) or _PROPOSAL.match(text) or _BLOCK_START.match(text):
            break
        if _ENTRY_START.match(text):
            entries.append([lines[j]])
        elif _is_subheading(text) and j + 1 < len(lines) and _ENTRY_START.match(lines[j + 1].text):
            pass  # "2025-26 Council Tax" between lettered entries
        elif entries and not _SENT_END.search(entries[-1][-1].text):
            entries[-1].append(lines[j])
        elif not entries:
            break
        else:
            break
        j += 1
    return entries, j


def lines_index(lines: list[_Line], r: Record) -> int:
    """Position of a record's first line (for ordering)."""
    for n, ln in enumerate(lines):
        if r.text.startswith(ln.text):
            return n
    return 0


def resolve_due(text: str, meeting: date | None) -> str | None:
    """'the January meeting' after 28 Oct 2025 -> '2026-01'; 'March 2026' -> '2026-03'."""
    m = _DUE_MONTH_YEAR.search(text)
    if m:
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}"
    m = _DUE_MONTH.search(text)
    if m and meeting:
        month = MONTHS[m.group(1).lower()]
        year = meeting.year + (1 if month <= meeting.month else 0)
        return f"{year:04d}-{month:02d}"
    return None


def extract_commitments(chunks: list[Chunk]) -> list[Record]:
    """Commitment records: what was promised for later, by whom (if stated), due when (if stated)."""
    out = []
    for sentence, unit in _sentences(_lines(chunks, work_programmes=True)):
        if not _COMMITMENT.search(sentence):
            continue
        rec = _record("commitment", unit)
        rec.text = sentence
        rec.due = resolve_due(rec.text, rec.meeting_date)
        who = _WHO.search(rec.text)
        rec.who = who.group(1).strip() if who else None
        out.append(rec)
    return out


def extract_records(chunks: list[Chunk]) -> list[Record]:
    """Decisions then commitments of one paper."""
    return extract_decisions(chunks) + extract_commitments(chunks)
