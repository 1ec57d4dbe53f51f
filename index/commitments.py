"""Commitments read from minutes and work programmes: what was promised for later, by whom, due when.

"would come to the January meeting", "an update would come to the Commission in March 2026", "Members to
be notified once ...", a work programme's "Recommendations / Actions" column, "officers agreed to
provide ...". A month is resolved against the meeting date ("the January meeting" after 28 Oct 2025 is
due 2026-01).
"""

from __future__ import annotations

import re
from datetime import date

from .meta import MONTHS
from .records import Record, read_lines, record_from, sentences
from .types import Chunk

_COMMITMENT = re.compile(
    # something coming back to a meeting ("would come to the January meeting", "an update would come to the
    # Scrutiny Commission in March 2026"), added to the work programme, or promised to members by officers
    r"\b(?:would|will|to|should)\s+(?:\w+\s+){0,2}?(?:come|return|be brought|be presented|be reported|report back)\s+(?:back\s+)?(?:to|at|in|before)\b"
    r"|\b(?:updates?|reports?|information|details|a response|figures|feedback)\s+(?:would|will)\s+(?:come|follow|be (?:provided|circulated|shared|brought|sent|given))\b"
    r"|\b(?:would|will|to) be added to the work programme\b"
    r"|\bmembers? (?:would|will|to) be (?:notified|updated|informed|sent|provided)\b"
    r"|\b(?:scrutiny|the commission|the committee|members) would be (?:updated|informed|notified|kept informed)\b"
    r"|\b(?:would|will|to) be (?:circulated|shared|provided|sent) to (?:members|the commission|the committee)\b"
    r"|\bofficers? (?:agreed|undertook|committed) to\b"
    # things scheduled or set in train: "would ensue", "was due to be", "was also scheduled to", "would be
    # published in the summer", "would first be reconsidered", "targeted for March 2026", "be invited to scrutiny"
    r"|\bwould (?:ensue|take place)\b|\bwould follow (?:in|at|on|by|later|shortly|next)\b|\bwas to take place\b"
    r"|\bwould be (?:issued|commencing)\b|\bwould commence\b|\b(?:chief executive|director|manager|officers?) agreed to\b"
    r"|\bdeferred to (?:the|a) (?:next|later|future)\b|\bbe reviewed (?:after|within|by)\b"
    r"|\b(?:was|were|is|are)(?: also)? (?:scheduled|planned) to\b|\bdue to (?:be|launch|start|begin|open|host|meet)\b"
    r"|\b(?:would|will)(?: (?:also|now|first|then|still|continue to))? be (?:published|heard|hosted|reconsidered|enhanced|updated|taken (?:to|at|forward|back))\b"
    r"|\b(?:would|will) be (?:giving|hosting|holding|preparing|bringing)\b|\bwould be making (?:representations|a submission|an application|a bid)\b"
    r"|\b(?:would|will) continue to be (?:monitored|reviewed)\b|\bwould be addressed (?:in|through) the\b"
    r"|\bwould (?:support and )?(?:advise|write to|contact|look into|explore|investigate|liaise|follow up|map)\b"
    r"|\b(?:stated|expressed|confirmed) (?:his|her|their|its) intention\b"
    r"|\bupcoming (?:training|sessions?|meetings?|events?|visits?|consultations?)\b"
    r"|\bform part of the (?:\w+ ){0,2}(?:update|meeting|report)\b|\btargeted for\b|\bbe invited to\b|\bto be asked for\b"
    # a resolution giving someone a task: "asks the Monitoring Officer to update the Constitution"
    r"|\b(?:delegates?|asks?|requests?|instructs?)\s+(?:to\s+)?the\s+[^.;]{3,80}?\s+(?:to\s+(?:make|update|write|publish|bring|report|arrange|prepare|amend|circulate|review)|the\s+(?:submission|preparation|drafting|publication))\b",
    re.IGNORECASE,
)
# not promises: suggestions, maybes, an agenda's description of what members will be asked to do
_NOT_COMMITMENT = re.compile(
    r"^\W*it was suggested\b|\bmay need to\b|\bmembers(?: of the [\w ]+?)? (?:will be|are|were) (?:asked|invited) to (?:consider|note|make|comment)\b",
    re.IGNORECASE,
)
# a resolution that gives the executive or officers a task: "That the executive liaises with The Children's Trust"
TASK = re.compile(
    r"^\W*(?:\d{1,2}\.\s*)?(?:To request that|That,?)\s+(?:the\s+)?(?:[A-Z][\w’']*\s+){0,4}?"
    r"(?:executive|officers?|(?:strategic\s+)?director|lead member|cabinet member|chair|leader|council)\b[^.;]{0,60}?\s"
    r"(?:liaises?|writes?|contacts?|invites?|calls? (?:up)?on|engages?|requests?|provides?|reports?|reviews?|brings?)\b"
    r"(?!.*\b(?:is|are|be|was|were) noted\b)",
    re.IGNORECASE,
)
# ... and the same in a motion's words: "That Limerick City and County Council write to the Minister for Health"
_TASK_IN_TEXT = re.compile(r"\bthat,?\s+(?:the\s+)?(?:[A-Z][\w’']*\s+){0,4}?council\s+(?:write|contact|invite|call on|request|ask|engage)s?\b", re.IGNORECASE)
_MONTH_NAMES = "january|february|march|april|may|june|july|august|september|october|november|december"
_DUE_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\s+(\d{{4}})\b", re.IGNORECASE)
_DUE_MONTH = re.compile(rf"\b(?:in|at|to|for|by|the|until)\s+(?:the\s+)?({_MONTH_NAMES})\b", re.IGNORECASE)
_WHO = re.compile(r"\b((?:the\s+)?(?:Strategic\s+)?(?:Director|Officers?|Head of [A-Z][\w ]+?|Chair|Cabinet Member|Monitoring Officer|Lead Member)[\w ’']{0,50}?)\s+(?:would|will|agreed|undertook|to)\b")


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


def as_commitment(rec: Record, who: str | None = None) -> Record:
    """A commitment record from a decision record or sentence: due date resolved, who (if stated) found."""
    rec.type = "commitment"
    rec.kind = ""
    rec.due = resolve_due(rec.text, rec.meeting_date)
    found = _WHO.search(rec.text)
    rec.who = who or (found.group(1).strip() if found else None)
    return rec


def extract_commitments(chunks: list[Chunk], quoted: set[tuple[str, int]] | None = None) -> list[Record]:
    """Commitment records: what was promised for later, by whom (if stated), due when (if stated). Lines in
    `quoted` (the text of motions and amendments as proposed, not yet decided) are not read."""
    quoted = quoted or set()
    out = []
    for sent in sentences(read_lines(chunks, work_programmes=True)):
        promise = _COMMITMENT.search(sent.text) or TASK.match(sent.text) or _TASK_IN_TEXT.search(sent.text)
        if not promise or _NOT_COMMITMENT.search(sent.text) or any(ln.key in quoted for ln in sent.lines):
            continue
        rec = record_from("commitment", sent.lines)
        rec.text = sent.quote
        out.append(as_commitment(rec))
    return out
