"""Decisions read from minutes: resolutions, and motions and amendments with their mover, seconder, vote
and outcome.

Council minutes state decisions in recognisable forms ("AGREED:", "RESOLVED that …", "It was agreed
that …", "(7) Mr X proposed, and Ms Y seconded the following amendment: … For (12) … Amendment lost.",
Limerick's "Proposed by Councillor X; Seconded by Councillor Y; And Resolved: “That, …”"). The reader
goes through the lines in order, keeping motions by paragraph number so that "the Chairman put the
amendment set out in paragraph 17 to the vote" finds what was voted on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .records import SENT_END, Line, Record, kind_of, read_lines, record_from, sentences
from .types import Chunk

_BLOCK_START = re.compile(r"^\s*(?:\(\d+\)\s*|\d{1,2}[.)]\s*)?(?:And\s+)?(AGREED|RESOLVED|DECISION|DECIDED|Agreed|Resolved)\s*(?::|\bthat\b|[-–—]|$)\s*(.*)$")
_IT_WAS_AGREED = re.compile(
    r"\b(?:it was (?:agreed|resolved)|(?:the )?members (?:also )?(?:agreed|resolved)"
    r"|the (?:commission|committee|cabinet|council|panel|board) (?:agreed|noted|resolved|approved|endorsed|deferred|referred)"
    # "The Reports were noted by the Council.", "The Correspondence ... was taken as read.", appointments
    r"|(?:was|were) noted by the (?:council|committee|commission|cabinet|board|members)|was taken as read"
    r"|declared\b.{0,60}\b(?:appointed|elected)|(?:was|were) (?:duly )?(?:appointed|elected|nominated) (?:to|as) the)\b",
    re.IGNORECASE,
)
# a motion's mover and seconder: "Mr Derek Murphy proposed, and Mr Rob Thomas seconded the motion that",
# "15) Mr Hood proposed and Mr Baldock seconded the following amendment to", "The Chairman proposed and the
# Vice-Chairman seconded that, under s14.48 ...", "Mr Brady proposed and Ms Meade seconded that the motion be put"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Cllr\.?|Councillor)"
_NAME = (
    rf"(?:[Tt]he\s+(?:Vice[- ])?Chair(?:man)?|{_TITLE}\s+(?:[A-Z]\.?\s+)?[A-Z][\w'’-]+(?:\s+(?![Pp]roposed|[Ss]econded)[A-Z][\w'’-]+)?(?:\s+\([A-Z]\))?"
    r"|[A-Z][a-z]+\s+[A-Z][\w'’-]+)"  # "Councillor Sheahan (J)", "Jenni Hawkins"
)
_PROPOSAL = re.compile(
    rf"^\s*(?:\(?\d{{1,3}}[.)]\s*)?(?:(?:Following|After)\b[^,]{{0,60}},\s*)?(?P<mover>{_NAME})\s+(?:\([^)]*\)\s+)?(?:[Mm]oved|[Pp]roposed)"
    rf"(?:,?\s+and\s+(?P<seconder>{_NAME})\s+(?:\([^)]*\)\s+)?[Ss]econded)?,?\s*(?P<rest>(?:that|the)\b.*|:?\s*)$"
)
# "Proposed by Councillor Collins (M);" then "Seconded by Councillor Sheahan (J);" then "And Resolved:"
_PROPOSED_BY = re.compile(rf"^\s*Proposed by (?P<mover>{_NAME})\s*[;,.]?\s*(?:[Ss]econded by (?P<seconder>{_NAME})\s*[;,.]?)?\s*$")
_SECONDED_BY = re.compile(rf"^\s*Seconded by (?P<seconder>{_NAME})\s*[;,.]?\s*$")
# "The Motion was proposed by Councillor Leddin, seconded by Councillor Sheehan (C), and adopted.", "On the
# proposal of Councillor Ryan (M), seconded by Councillor Collins (M), the Recommendation was agreed."
_PASSIVE = re.compile(
    rf"\b(?:The (?P<what>Motion|Recommendation|Amendment|Report)s? was proposed by|On the proposal of) (?P<mover>{_NAME}),?\s+seconded by (?P<seconder>{_NAME}),?"
    r"\s+(?:and\s+|it was\s+|the Council\s+|the (?P<what2>Motion|Recommendation|Amendment|Report)s? was\s+)?(?P<result>adopted|agreed|carried|approved|noted|lost|defeated|rejected)\b"
)
_FOLLOWING = re.compile(r"^the\s+following\s+(?P<what>amendment|motion)\b", re.IGNORECASE)
_FORMAL = re.compile(r"^the\s+(?P<what>motion|amendment)\b\s*(?:that\b|:)?\s*(?P<body>.*)$", re.IGNORECASE)
_INLINE = re.compile(r"^that\b,?\s*(?P<body>.*)$", re.IGNORECASE)
_ADOPTED = re.compile(r"\bproposer and seconder of the (?:original |substantive )?motion agreed to (?:accept )?the amendment", re.IGNORECASE)
# "the Chairman put the amendment set out in paragraph 17 to the vote", "put to the vote the amendment set out
# in", "put part 4 of the substantive motion at paragraph 2", "put the substantive motion (as amended)"
_PUT = re.compile(
    r"\bput\s+(?:to\s+the\s+vote\s+)?(?:part\s+(?P<part>\d+)\s+of\s+)?the\s+(?P<sub>substantive\s+)?(?P<what>motion|amendment|recommendations?)"
    r"(?:\s*\(as amended\))?(?:\s+(?:as\s+)?set\s+out)?(?:\s+(?:in|at)\s+paragraph\s+(?P<para>\d+))?",
    re.IGNORECASE,
)
_PUT_AGREED = re.compile(r"\b(?:it was|and was) (?:agreed|carried)\b|\bagreed unanimously\b", re.IGNORECASE)
_VOTE = re.compile(r"^\s*(For|Against|Abstain(?:ed|ing|ions?)?)\s*\((\d+)\)", re.IGNORECASE)
_OUTCOME = re.compile(
    r"^\s*(?:(?:The\s+)?(?:Substantive\s+)?(?P<what>Amendment|Motion|Recommendation)s?(?:\s*\(as amended\))?\s+(?P<result>carried|lost|agreed|defeated|fell)\b"
    r"|(?P<bare>Agreed|Carried|Lost)(?:\s+unanimously)?\s*\.?\s*$)",
    re.IGNORECASE,
)
_ITEM_LINE = re.compile(r"^\s*\d{1,4}\.\s+[A-Z]")
_PARA = re.compile(r"^\s*\(?\d+\)\s")
_PARA_NO = re.compile(r"^\s*(\()?(\d{1,3})\)\s")
_DEFERRED = re.compile(
    r"\b(?:was|were|had been|has been) (?:deferred|postponed)\b|\b(?:item|motion|report)\b[^.]{0,40}\b(?:was|were|had been) withdrawn\b|\b(?:defer|postpone) the (?:motion|item|report|matter)\b|\b(?:would|will) (?:also |now )?be (?:heard|considered|taken) at a later date\b"
    r"|\border of the (?:work programme|agenda) had been (?:adjusted|changed|amended)\b",
    re.IGNORECASE,
)


# "Mr Rayner proposed and Mr Meade seconded that the substantive motion (as amended) in paragraph 3 be put to the
# vote", "that the question be now put": a motion to close the debate, not a motion on the matter
_CLOSURE = re.compile(r"\bthat the (?:substantive |original )?(?:motion|amendment|question)\b[^.]{0,60}?\bbe (?:now )?put\b", re.IGNORECASE)


def is_closure(text: str) -> bool:
    """A motion that the vote be taken now ("... seconded that the motion be put to the vote")."""
    return _CLOSURE.search(text) is not None


def vote_count(text: str) -> tuple[str, int] | None:
    """A recorded vote's line: 'For (41)' -> ('for', 41), 'Abstentions (3)' -> ('abstain', 3); else None."""
    v = _VOTE.match(text)
    if v is None:
        return None
    word = v.group(1).lower()
    return ("abstain" if word.startswith("abstain") else word, int(v.group(2)))


# "the Mayor directed that a vote be taken ... and the result of the voting was as follows:", "the voting was as
# follows:", "put the amendment to the vote": what opens a recorded vote in the minutes
_VOTE_CALL = re.compile(r"\bvote (?:be|was) taken\b|\bvoting was as follows\b|\bresult of the vot(?:e|ing)\b|\bto the vote and the voting\b", re.IGNORECASE)
# a tally as Irish minutes print it: a heading ("For Deferral", "Against the Motion", "Abstentions") above the names,
# and the count at the end of the names ("... Teefy (21)", "**(19)**")
_TALLY_HEAD = re.compile(r"^\W*(?:For|Against|Abstain\w*|Abstention\w*)\b", re.IGNORECASE)
_TALLY_END = re.compile(r"\((\d+)\)\W*$")
# the chair's declaration closing a vote ("The Mayor declared the proposal ... carried", "declared ... appointed")
_DECLARED = re.compile(r"\bdeclared\b", re.IGNORECASE)


def is_vote_call(text: str) -> bool:
    """The sentence opening a recorded vote ("... the result of the voting was as follows:")."""
    return _VOTE_CALL.search(text) is not None


def vote_block(units: list[str], most: int = 16) -> list[int]:
    """Which of the units after a vote call record that vote: its tallies ("For (41)", or a heading "For Deferral"
    and the names ending "(21)"), the stated absence of some ("There were no abstentions."), and the outcome or the
    chair's declaration, which ends it. Indices into `units` (the units that follow the call, in reading order)."""
    out: list[int] = []
    for k, text in enumerate(units[:most]):
        if vote_count(text) or _TALLY_HEAD.match(text) or _TALLY_END.search(text) or re.search(r"\bthere (?:were|was) no\b", text, re.IGNORECASE):
            out.append(k)
        elif is_outcome(text) or _DECLARED.search(text):
            out.append(k)
            return out
        elif is_vote_call(text):
            break  # the next vote
    return out


# what became of a motion, an item or a proposal, said of it: "this Motion was withdrawn", "the Members agreed based
# on legal advice to revoke the Motion", "Not adopt the Tourism Support Scheme"; not "the minutes were approved as a
# correct record", "the letter was passed to Highways", "it should be approved in March", "could this be deferred?"
_BECAME = re.compile(
    r"\b(?:motion|amendment|item|proposals?|scheme|recommendations?|it|this|which)\b[^.?;]{0,40}?\b(?:was|were|has been|had been)\s+"
    r"(?:not\s+)?(?:carried|lost|adopted|approved|rejected|refused|defeated|withdrawn|deferred|postponed|revoked|rescinded|passed)\b"
    r"|\b(?:agreed|decided|resolved)\b[^.?]{0,60}\b(?:to|not to)\s+(?:revoke|rescind|adopt|defer|withdraw|approve|reject|refuse)\b"
    r"|^\W*not (?:to )?adopt\b",
    re.IGNORECASE,
)


def states_outcome(text: str) -> bool:
    """Whether a sentence says what became of a motion, item or proposal (carried, withdrawn, deferred, revoked...)."""
    if text.rstrip(" *\"'”’").endswith("?"):
        return False
    return is_outcome(text) or bool(_DEFERRED.search(text) or _BECAME.search(text))


def is_outcome(text: str) -> bool:
    """A vote's outcome line: 'Amendment lost.', 'Substantive Motion carried.', 'Agreed unanimously.'."""
    return _OUTCOME.match(text) is not None


@dataclass
class _Motion:
    """A motion or amendment as proposed, waiting for its vote and outcome."""

    what: str  # "motion" (formal), "amendment", "procedural" ("... seconded that the motion be put"), "part"
    lines: list[Line]
    mover: str | None = None
    seconder: str | None = None
    votes: dict = field(default_factory=dict)
    record: Record | None = None
    merged: bool = False
    head: int = 0  # how many of `lines` are the "X proposed and Y seconded ..." head

    def quoted_lines(self) -> list[Line]:
        """The lines a record quotes: the head and the words proposed, or, when the head stands alone at the
        foot of a page, the words proposed on the next page (a quote is kept to one page)."""
        if self.head and all(ln.page_index == self.lines[0].page_index for ln in self.lines[: self.head]):
            rest = self.lines[self.head :]
            here = [ln for ln in rest if ln.page_index == self.lines[0].page_index]
            later = [ln for ln in rest if ln.page_index != self.lines[0].page_index]
            # only a heading such as "Proposed Purpose:" under the head on this page: quote the next page
            if later and sum(len(ln.text) for ln in here) < 40:
                return later
        return self.lines

    def kind(self, carried: bool) -> str:
        if self.what == "amendment":
            return f"amendment {'carried' if carried else 'lost'}"
        if self.what in ("procedural", "part") and carried:
            return kind_of(" ".join(ln.text for ln in self.lines), "agreed")
        return f"recommendation {'carried' if carried else 'lost'}"


def _stops(text: str) -> bool:
    """A line that starts something else: a numbered paragraph, an item, a resolution, a proposal, a vote."""
    return bool(
        _PARA.match(text) or _ITEM_LINE.match(text) or _BLOCK_START.match(text) or _PROPOSAL.match(text) or _PROPOSED_BY.match(text)
        or _SECONDED_BY.match(text) or _VOTE.match(text) or _OUTCOME.match(text)
    )


def _like_resolution(text: str, first: str) -> bool:
    """Whether a paragraph after 'RESOLVED that:' continues the resolution: it opens like the first one
    ('Members note ...', 'Members continue ...') or as resolutions do ('That ...', 'To ...', 'Agrees ...')."""
    word = text.split()[0] if text.split() else ""
    return word == (first.split() or [""])[0] or bool(re.match(r"(?:That|To|And)\b|[A-Z][a-z]+(?:s|es)\b(?<!Members)", text))


def _sentence_lines(lines: list[Line], i: int, limit: int = 6) -> list[Line]:
    """Lines i.. up to the end of the sentence (or a closing colon) that starts on line i, within its item."""
    out = [lines[i]]
    j = i + 1
    while j < len(lines) and len(out) < limit and lines[j].chunk.item == lines[i].chunk.item:
        if SENT_END.search(out[-1].text) or out[-1].text.rstrip().endswith(":") or _PARA.match(lines[j].text) or _VOTE.match(lines[j].text):
            break
        out.append(lines[j])
        j += 1
    return out


class MinutesReader:
    """Reads minutes lines in order and writes decision records: resolutions, and motions and amendments with
    their mover, seconder, recorded vote and outcome, linked by paragraph number ("the amendment set out in
    paragraph 17"). A carried motion restated by the RESOLVED that follows it is one decision: the resolution,
    carrying the motion's mover, seconder and vote."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.records: list[Record] = []
        self.commitments: list[Record] = []
        self.used: set[tuple[str, int]] = set()  # keys of lines already quoted by a decision record
        self._index = {ln.key: n for n, ln in enumerate(lines)}  # line key -> position, to keep records in page order
        self._at: dict[int, int] = {}  # id(record) -> position of its first line
        self.quoted: set[tuple[str, int]] = set()  # keys of lines quoting a motion or amendment as proposed
        self._reset(None)

    def _reset(self, item: str | None) -> None:
        self.item = item
        self.para_style: str | None = None  # "(" for "(3) ...", ")" for "3) ..."
        self.para_no: int | None = None
        self.para_lines: list[Line] | None = None
        self.motions: dict[int, _Motion] = {}
        self.last: dict[str, _Motion] = {}
        self.original: _Motion | None = None  # the item's first motion: its movers move the substantive motion
        self.pending: _Motion | None = None

    def _is_para(self, text: str) -> bool:
        m = _PARA_NO.match(text)
        return bool(m) and ("(" if m.group(1) else ")") == self.para_style

    def _end_of_body(self, j: int, item: str) -> int:
        """Where the quoted text of a motion or amendment ends: the next paragraph, vote, outcome or proposal
        (at most 60 lines on)."""
        limit = j + 60
        while j < len(self.lines) and j < limit and self.lines[j].chunk.item == item:
            text = self.lines[j].text
            if self._is_para(text) or _VOTE.match(text) or _OUTCOME.match(text) or _PROPOSAL.match(text) or _BLOCK_START.match(text) or _PUT.search(text):
                break
            j += 1
        return j

    def _proposal(self, i: int) -> tuple[re.Match, int] | None:
        """A proposal starting on line i (perhaps wrapped over three lines) and how many lines its head takes."""
        joined = ""
        for k in range(3):
            if i + k >= len(self.lines) or (k and (self._is_para(self.lines[i + k].text) or self.lines[i + k].chunk.item != self.item)):
                return None
            joined = f"{joined} {self.lines[i + k].text}".strip()
            m = _PROPOSAL.match(joined)
            if m and not re.search(r"\b(?:the|following)\s*$", m.group("rest")):  # "... seconded the following" / "amendment:"
                return m, k + 1
            if "proposed" not in joined and "moved" not in joined:
                return None
        return None

    def _add(self, lines: list[Line], quote: str | None = None, **kw) -> Record:
        """A decision record quoting `lines` (kept to the first line's page), or `quote`, a sentence within
        them; whole lines quoted are not read again for "It was agreed ..." sentences."""
        rec = record_from("decision", lines, **kw)
        self._at[id(rec)] = self._index[lines[0].key]
        if quote is None:
            self.used.update(ln.key for ln in lines)
        else:  # a line may hold more than one such sentence
            rec.text = quote
        self.records.append(rec)
        return rec

    def _vote_record(self, motion: _Motion, carried: bool, lines: list[Line] | None = None) -> None:
        if motion.record is not None or motion.merged:
            return
        motion.record = self._add(lines or motion.quoted_lines(), kind=motion.kind(carried), mover=motion.mover, seconder=motion.seconder, votes=dict(motion.votes))

    def read(self) -> list[Record]:
        lines = self.lines
        i = 0
        while i < len(lines):
            ln = lines[i]
            text = ln.text
            if ln.chunk.item != self.item:
                self._reset(ln.chunk.item)
            pm = _PARA_NO.match(text)
            if pm and self.para_style is None:
                self.para_style = "(" if pm.group(1) else ")"
            if self._is_para(text):
                self.para_no, self.para_lines = int(pm.group(2)), [ln]
            by = _PROPOSED_BY.match(text)
            if by:  # "Proposed by Councillor Collins (M);" "Seconded by Councillor Sheahan (J);"
                seconder, used = by.group("seconder"), 1
                if seconder is None and i + 1 < len(lines) and _SECONDED_BY.match(lines[i + 1].text):
                    seconder, used = _SECONDED_BY.match(lines[i + 1].text).group("seconder"), 2
                self.pending = _Motion("motion", lines[i : i + used], by.group("mover"), seconder)
                i += used
                continue
            found = self._proposal(i)
            if found:
                i = self._read_proposal(i, *found)
                continue
            if _ADOPTED.search(" ".join(x.text for x in _sentence_lines(lines, i, 3))):
                i = self._read_adopted(i)
                continue
            sentence = _sentence_lines(lines, i, 4) if (self._is_para(text) or "put" in text) else [ln]
            put = _PUT.search(" ".join(x.text for x in sentence))
            if put:
                i = self._read_put(i, sentence, put)
                continue
            count = vote_count(text)
            if count:
                target = self.pending or _Motion("motion", self.para_lines or [ln])
                target.votes[count[0]] = count[1]
                self.pending = target
                i += 1
                continue
            o = _OUTCOME.match(text)
            if o:
                result = (o.group("result") or o.group("bare")).lower()
                target = self.pending
                if target is None and o.group("what"):
                    target = _Motion(o.group("what").lower() if o.group("what").lower() == "amendment" else "motion", self.para_lines or [ln])
                if target is not None:
                    self._vote_record(target, result in {"carried", "agreed"})
                i += 1
                continue
            b = _BLOCK_START.match(text)
            if b and (b.group(2) or text.rstrip().endswith(":") or re.fullmatch(r"\s*(?:\(\d+\)\s*)?(AGREED|RESOLVED)\s*", text, re.IGNORECASE)):
                before = len(self.records)
                i = self._read_block(i, b.group(2).strip().lstrip(":").strip())
                self._merge_motion(self.records[before:])
                continue
            i += 1
        self._sentences_agreed()
        self.records.sort(key=lambda r: (r.page_index, self._at.get(id(r), 0)))
        return self.records

    def _read_proposal(self, i: int, m: re.Match, head_len: int) -> int:
        lines = self.lines
        rest = m.group("rest").strip()
        following, formal, inline = _FOLLOWING.match(rest), _FORMAL.match(rest), _INLINE.match(rest)
        after = lines[i + head_len].text if i + head_len < len(lines) else ""
        # the words proposed follow as a block: quoted, or opening a list ("This Council believes that:")
        block = after.lstrip().startswith(("“", '"')) or after.rstrip().endswith(":") or lines[i + head_len - 1].text.rstrip().endswith(":")
        if following or (formal and not formal.group("body") and block):
            what = (following or formal).group("what").lower()
            end = self._end_of_body(i + head_len, lines[i].chunk.item)
            motion_lines, nxt = lines[i:end], end
        elif formal:
            what = formal.group("what").lower()
            if formal.group("body").lstrip().startswith(("“", '"')):  # "the motion that “Council is asked to ...”"
                end = self._end_of_body(i + head_len, lines[i].chunk.item)
            else:  # "moved the motion that the Council supports a ban on vapes." - one sentence
                end = i + max(len(_sentence_lines(lines, i, 8)), head_len)
            motion_lines, nxt = lines[i:end], end
        else:
            what = "procedural" if inline or rest else "motion"
            sentence = _sentence_lines(lines, i, 8)
            motion_lines, nxt = sentence, i + max(len(sentence), head_len)
        motion = _Motion(what, motion_lines, mover=m.group("mover"), seconder=m.group("seconder"), head=head_len)
        if what == "procedural" and _PUT_AGREED.search(" ".join(x.text for x in motion_lines)):
            self._vote_record(motion, True)  # "The Chairman proposed that ... and it was agreed unanimously."
        self.quoted.update(x.key for x in lines[i:nxt])
        self.motions[self.para_no if self.para_no is not None and self.para_lines and self.para_lines[0] is lines[i] else -len(self.motions) - 1] = motion
        self.last[what] = motion
        if what == "motion" and self.original is None:
            self.original = motion
        self.pending = motion
        return nxt

    def _read_adopted(self, i: int) -> int:
        """'The proposer and seconder of the original motion agreed to the amendment, which became the
        substantive motion': the amendment is carried and is now the motion."""
        sentence = _sentence_lines(self.lines, i, 3)
        amendment = self.last.get("amendment")
        if amendment is not None:
            self._vote_record(amendment, True, sentence)
        end = self._end_of_body(i + len(sentence), self.lines[i].chunk.item)
        self.quoted.update(x.key for x in self.lines[i:end])
        movers = self.original or amendment
        substantive = _Motion("motion", self.lines[i:end], movers.mover if movers else None, movers.seconder if movers else None)
        if self.para_no is not None:
            self.motions[self.para_no] = substantive
        self.last["motion"] = substantive
        self.pending = None
        return end

    def _read_put(self, i: int, sentence: list[Line], put: re.Match) -> int:
        what = "amendment" if put.group("what").lower() == "amendment" else "motion"
        if put.group("part"):  # "put part 4 of the substantive motion at paragraph 2 - '...' - to the vote"
            target = _Motion("part", sentence)
        elif put.group("para"):
            target = self.motions.get(int(put.group("para"))) or _Motion(what, sentence)
        else:
            target = (self.last.get(what) if put.group("sub") or what == "amendment" else self.pending or self.last.get(what)) or _Motion(what, sentence)
        if (target.record is not None or target.merged) and (put.group("sub") or not put.group("para")):
            # the substantive motion, once its amendment was carried: a new vote, cited where it was taken, moved
            # by the original motion's movers
            movers = self.original or target
            target = _Motion("motion", sentence, movers.mover, movers.seconder)
        elif put.group("sub") and target.lines[0].page_index != sentence[0].page_index:
            target.lines = sentence
        self.pending = target
        if _PUT_AGREED.search(" ".join(x.text for x in sentence)):
            self._vote_record(target, True)
        return i + len(sentence)

    def _merge_motion(self, resolutions: list[Record]) -> None:
        """A RESOLVED that follows the motion just put: a one-sentence resolution restates the motion and becomes
        its record (with mover, seconder and vote); a resolution in parts keeps the vote as its own record and
        each part names the mover and seconder."""
        motion = self.pending
        if not resolutions or motion is None or motion.what not in ("motion", "procedural") or motion.merged:
            return
        if not (motion.seconder or motion.votes or motion.record is not None):
            return  # "Councillor Smith proposed that officers look again ..." (never seconded) is not this resolution
        if motion.record is not None and motion.record.kind.endswith("lost"):
            return
        if len(resolutions) == 1 or not motion.votes:
            # the vote record is kept beside a resolution in parts only when it holds the recorded vote
            if motion.record is not None and motion.record in self.records:
                self.records.remove(motion.record)
            for r in resolutions:
                r.votes = dict(motion.votes)
        for r in resolutions:
            r.mover, r.seconder = motion.mover, motion.seconder
        motion.merged, self.pending = True, None

    def _read_block(self, i: int, rest: str) -> int:
        """An "AGREED:" or "RESOLVED that ..." block: one record per resolution (list entry, bullet or sentence)."""
        lines = self.lines
        ln = lines[i]
        text = ln.text
        j = i + 1
        first_entry = _list_start(lines, i) if rest or "resolv" in text.lower() else None
        if first_entry is not None:
            # "RESOLVED that County Council:" then (a), (b), ... or (1), (2), ...: one record per entry
            entries, end = _entries(lines, first_entry, ln.chunk.item)
            if entries:
                for intro, entry in entries:
                    entry_text = " ".join(e.text for e in entry)
                    self._add(entry, kind=kind_of(entry_text, "resolved"))
                    if intro and _CALL_ON.search(intro[-300:]):
                        self.commitments.append(record_from("commitment", entry, who=_addressee(intro)))
                return end
        if rest:  # "RESOLVED that ..." runs to the end of its sentence, or "RESOLVED that:" then paragraphs
            unit = [ln]
            while not SENT_END.search(unit[-1].text) and j < len(lines) and len(unit) < 8 and lines[j].chunk.item == ln.chunk.item and not _stops(lines[j].text):
                unit.append(lines[j])
                j += 1
            if len(unit) == 1 and text.rstrip().endswith(":"):
                return self._read_paragraphs(i, j)
            self._add(unit, kind=kind_of(text, "resolved" if "resolv" in text.lower() else "agreed"))
            return j
        if text.rstrip().endswith(":") and not re.fullmatch(r"\s*(?:\(\d+\)\s*|\d{1,2}[.)]\s*)?(AGREED|Agreed|DECISION|DECIDED)\s*:\s*", text):
            return self._read_paragraphs(i, j)
        # "AGREED:" then one entry per bullet or numbered line
        entries: list[list[Line]] = []
        while j < len(lines) and lines[j].chunk.item == ln.chunk.item:
            nxt = lines[j].text
            if _ITEM_LINE.match(nxt) and not re.match(r"^\s*\d{1,2}\.\s+That\b", nxt) or _PARA.match(nxt) or _BLOCK_START.match(nxt):
                break
            starts = re.match(r"^\s*(?:[•·▪-]|\(?[0-9a-z]{1,2}[.)])\s", nxt) or re.match(r"^\s*That\b", nxt)
            if starts or not entries:
                if entries and not starts:
                    break
                entries.append([lines[j]])
            elif not SENT_END.search(entries[-1][-1].text):
                entries[-1].append(lines[j])
            else:
                break
            j += 1
        for n, entry in enumerate(entries):
            kind = kind_of(" ".join(e.text for e in entry), "agreed")
            # the first resolution is quoted with its "AGREED:" line, as the minutes print it
            quoted = [ln, *entry] if n == 0 and entry[0] is lines[i + 1] and entry[0].page_index == ln.page_index else entry
            self._add(quoted, kind=kind)
        return j

    def _read_paragraphs(self, i: int, j: int) -> int:
        """'RESOLVED that:' / 'And Resolved:' followed by the resolution: one quoted paragraph (“That, ...”), or
        unnumbered paragraphs, one resolution each, while they read as resolutions (up to four)."""
        lines, item = self.lines, self.lines[i].chunk.item
        if j < len(lines) and lines[j].chunk.item == item and lines[j].text.lstrip().startswith(("“", '"')):
            # to the closing quote; without one, to the first sentence end
            end, first_stop = j, None
            while True:
                if re.search(r"[”\"]", " ".join(x.text for x in lines[j : end + 1]).lstrip()[1:]):
                    break
                if first_stop is None and SENT_END.search(lines[end].text):
                    first_stop = end
                nxt = end + 1
                if nxt >= len(lines) or nxt - j >= 30 or lines[nxt].chunk.item != item or _stops(lines[nxt].text):
                    end = first_stop if first_stop is not None else end
                    break
                end = nxt
            self._add(lines[j : end + 1], kind=kind_of(" ".join(x.text for x in lines[j : end + 1]), "resolved"))
            return end + 1
        paragraphs: list[list[Line]] = []
        while j < len(lines) and lines[j].chunk.item == item and len(paragraphs) < 4:
            text = lines[j].text
            if _stops(text) or _ENTRY_START.match(text) or len(text) < 40 and not SENT_END.search(text):
                break
            if paragraphs and not SENT_END.search(paragraphs[-1][-1].text):
                paragraphs[-1].append(lines[j])
            elif paragraphs and not _like_resolution(text, paragraphs[0][0].text):
                break  # "The Chairman thanked the officers." after the resolution is not another resolution
            else:
                paragraphs.append([lines[j]])
            j += 1
        for para in paragraphs:
            self._add(para, kind=kind_of(" ".join(p.text for p in para), "resolved"))
        return j

    def _sentences_agreed(self) -> None:
        """'It was agreed that ...', 'The Commission noted ...' and deferrals, in sentences outside blocks."""
        for sent in sentences(self.lines):
            sentence, unit = sent.text, sent.lines
            deferred = _DEFERRED.search(sentence)
            passive = _PASSIVE.search(sentence)
            if not (_IT_WAS_AGREED.search(sentence) or deferred or passive) or _PUT.search(sentence) or any(ln.key in self.used for ln in unit):
                continue
            if passive:  # "The Motion was proposed by Councillor Leddin, seconded by ..., and adopted."
                what = (passive.group("what") or passive.group("what2") or "motion").lower()
                carried = passive.group("result") not in {"lost", "defeated", "rejected"}
                kind = _Motion("amendment" if what == "amendment" else "motion" if what == "recommendation" else "part", unit).kind(carried)
                self._add(unit, sent.quote, kind=kind, mover=passive.group("mover"), seconder=passive.group("seconder"))
            else:
                self._add(unit, sent.quote, kind="deferred" if deferred else kind_of(sentence, "agreed"))


_CALL_ON = re.compile(r"\b(?:call(?:s)? on|asks?|requests?|instructs?)\b.*\bto\s*:?\s*$", re.IGNORECASE)


def _addressee(intro: str) -> str | None:
    """'This Council agrees to call on the Cabinet Member for Adult Social Care ... to:' -> 'the Cabinet Member ...'."""
    m = re.search(r"\b(?:call(?:s)? on|asks?|requests?|instructs?)\s+(.+?)\s+to\s*:?\s*$", intro[-300:], re.IGNORECASE)
    return m.group(1).strip() if m else None


def extract_decisions(chunks: list[Chunk]) -> list[Record]:
    """Decision records from a paper's minutes chunks, in document order."""
    return MinutesReader(read_lines(chunks)).read()


_ENTRY_START = re.compile(r"^\s*(?:[•·▪-]\s*)?(?:\(?(?P<m>[a-zA-Z]|[ivx]{1,4}|\d{1,2})\.?\)|(?P<n>[a-z]|\d{1,2})\.)\s+\S|^\s*[•·▪]\s+\S")


def _marker(text: str) -> str:
    """The kind of an entry's marker: 'digit', 'alpha' or 'bullet' (a list keeps to one kind)."""
    m = _ENTRY_START.match(text)
    mark = m and (m.group("m") or m.group("n"))
    return "bullet" if not mark else "digit" if mark.isdigit() else "alpha"


_NOT_AN_ENTRY = re.compile(r"^\s*\(\d+\)\s+(?:The Chairman|The Leader|Mr |Mrs |Ms |Miss |Dr |Following|Members|In response)")


def _list_start(lines: list[Line], i: int) -> int | None:
    """Where the entries of a resolution starting at line i begin, if its opening words end in a colon
    (within four lines) followed by a lettered or numbered entry (perhaps after a subheading)."""
    for k in range(i, min(i + 5, len(lines))):
        if lines[k].text.rstrip().endswith(":"):
            for n in (k + 1, k + 2):
                if n < len(lines) and _ENTRY_START.match(lines[n].text):
                    return n
                if n < len(lines) and not _is_subheading(lines[n].text):
                    break
        elif SENT_END.search(lines[k].text):
            return None
    return None


def _is_subheading(text: str) -> bool:
    """A short title line inside a resolution list (no sentence end, no entry marker)."""
    return len(text) < 60 and not SENT_END.search(text) and not _ENTRY_START.match(text)


def _intro_before(lines: list[Line], start: int) -> str:
    """The words that open a list (back to the previous sentence end): 'This Council agrees to call on ... to:'."""
    out: list[str] = []
    k = start - 1
    while k >= 0 and len(out) < 4 and lines[k].chunk.item == lines[start].chunk.item:
        if out and (SENT_END.search(lines[k].text) or lines[k].text.rstrip().endswith(":")):
            break
        out.insert(0, lines[k].text)
        k -= 1
    return " ".join(out)


_CONNECTOR = re.compile(r"^\s*(?:and|or|And|Or|AND)\s*[;:,]?\s*$")


def _entries(lines: list[Line], start: int, item: str) -> tuple[list[tuple[str, list[Line]]], int]:
    """The lettered or numbered entries of a resolution list starting at `start` (wrapped lines joined), each
    with the words that introduce its list, and the index of the line after them. A list may go on after "And;"
    and a new opening ("This Council agrees to call on the Cabinet Member to:") with a second lettered list."""
    entries: list[tuple[str, list[Line]]] = []
    intro = _intro_before(lines, start)
    j = start
    while j < len(lines) and lines[j].chunk.item == item:
        text = lines[j].text
        if _NOT_AN_ENTRY.match(text) or _OUTCOME.match(text) or _VOTE.match(text) or _PROPOSAL.match(text) or _BLOCK_START.match(text):
            break
        if _ENTRY_START.match(text) and (not entries or _marker(text) == _marker(entries[0][1][0].text)):
            entries.append((intro, [lines[j]]))
        elif _ENTRY_START.match(text):
            break  # "(c) Delegate authority ..." then "92. 24/00096 - Commissioning Plan": the next item
        elif entries and _CONNECTOR.match(text) and j + 1 < len(lines) and _ENTRY_START.match(lines[j + 1].text):
            pass  # "• Agrees ...;" "and" "• Delegates ..."
        elif entries and not SENT_END.search(entries[-1][1][-1].text) and not _CONNECTOR.match(text):
            entries[-1][1].append(lines[j])  # a wrapped entry ("... on behalf of Kent" "County Council")
        elif _is_subheading(text) and j + 1 < len(lines) and _ENTRY_START.match(lines[j + 1].text):
            pass  # "2025-26 Council Tax" between lettered entries
        elif entries and (_CONNECTOR.match(text) or not _ENTRY_START.match(text)):
            # "And;" then a new opening ending in a colon, then more entries
            k = j + 1 if _CONNECTOR.match(text) else j
            opening = k
            while k < len(lines) and k - opening < 4 and lines[k].chunk.item == item and not lines[k].text.rstrip().endswith(":"):
                k += 1
            if k < len(lines) and k - opening < 4 and lines[k].text.rstrip().endswith(":") and k + 1 < len(lines) and _ENTRY_START.match(lines[k + 1].text):
                intro = " ".join(x.text for x in lines[opening : k + 1])
                j = k + 1
                continue
            break
        else:
            break
        j += 1
    return entries, j
