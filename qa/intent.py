"""question -> Intent: what a question asks, read once, for retrieval and every answerer.

What is asked (a figure, a date, a person, a place, a decision, a vote, a commitment), the meetings it names,
the kind of paper it points at, the outcome it wants ("which amendments were lost"), and the words council
papers use for it (keyword search reads those; the dense side embeds the question as asked).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from index.meta import DAY_MONTH_YEAR, MONTH_YEAR, MONTHS, financial_years, find_dates, quarters_named, years_named
from index.types import DocType

FIGURE, DATE, PERSON, PLACE, DECISION, VOTE, COMMITMENT, REASON = "figure", "date", "person", "place", "decision", "vote", "commitment", "reason"
OUTCOME = "outcome"  # what became of a motion, a proposal, a scheme: "what happened to the motion on ..."

_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({'|'.join(MONTHS)})\b(?!\s*,?\s*\d{{4}})", re.IGNORECASE)
_BEFORE_MONTH = re.compile(r"\b(?:in|of|on|since|from|until|by|during|early|late|mid|end|start|beginning)\s+$", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b({'|'.join(m for m in MONTHS if len(m) > 3 or m == 'may')})\b(?!\s*,?\s*\d)", re.IGNORECASE)


@dataclass(frozen=True)
class DateHint:
    """The meeting a question names: a full date, a month, or a day of a month."""

    day: int | None = None
    month: int | None = None
    year: int | None = None

    def score(self, d: date | None) -> str | None:
        """'day' when `d` is the named meeting, 'month' when only its month matches, else None."""
        if d is None or not self.month:
            return None
        if self.year and d.year != self.year:
            return None
        if d.month != self.month:
            return None
        if self.day is None:
            return "day"  # "the September 2025 meeting" names a meeting by its month
        return "day" if d.day == self.day else "month"


def date_hints(question: str) -> list[DateHint]:
    """The meeting dates a question names ("at the September 2025 meeting", "on 28 October")."""
    hints = [DateHint(d.day, d.month, d.year) for d in find_dates(question)]
    rest = DAY_MONTH_YEAR.sub(" ", question)
    for m in MONTH_YEAR.finditer(rest):
        hints.append(DateHint(None, MONTHS[m.group(1).lower()], int(m.group(2))))
    rest = MONTH_YEAR.sub(" ", rest)
    for m in _DAY_MONTH.finditer(rest):
        hints.append(DateHint(int(m.group(1)), MONTHS[m.group(2).lower()], None))
    rest = _DAY_MONTH.sub(" ", rest)
    for m in _MONTH_ONLY.finditer(rest):
        # "may" is usually the verb; "at the end of May", "in May" name the month
        if m.group(1).lower() != "may" or (m.group(1) == "May" and _BEFORE_MONTH.search(rest[: m.start()])):
            hints.append(DateHint(None, MONTHS[m.group(1).lower()], None))
    return hints


# What a question asks for, by how questions are worded.
_ASKS: list[tuple[str, re.Pattern]] = [
    (FIGURE, re.compile(r"\bhow (many|much|far)\b|\bwhat (?:would|will|did|does|do)\b.*\b(?:fall|rise|drop|increase|decrease|grow|come|amount|stand)\s+(?:to|at)\b|\bwhat (?:do|does|did|will|would)\b.*\bcost\b|\bwhat(?:['’]s)?(?:\s+[\w'’-]+){0,5}?\s+(amount|number|percentage|figure|total|saving|cost|budget|sum|rate|pay|salary|range|price|fee|charge|grant|allocation|spend|spending|income|value|supply|capacity|funding|forecast|overspend|underspend|deficit|surplus|reserve|headroom|tax|levy|precept)(?:s|ing)?\b", re.I)),
    # "when" asks a date where a question (or a part) starts with it, not in "what happened when they voted"
    (DATE, re.compile(r"^\W*(?:from |since |until |by )?when\b|(?:[,;?]|\band)\s+(?:from |since |until |by )?when\b|\bwhat date\b|\bon what (day|date)\b|\bdeadlines?\b|\bby when\b|\btimetable\b|\btimescales?\b", re.I)),
    (PERSON, re.compile(r"\bwho\b|\bwhich (councillor|member|officer)\b", re.I)),
    (DECISION, _DECISION := re.compile(r"\b(agreed|decide|decided|resolve|resolved|decision|outcome|approved|resolution)\b", re.I)),
    # the council's own votes: motions, amendments, who moved them, how they fared ("voted in the youth
    # elections" is not one, "what was the result when the council voted on ..." is)
    (VOTE, re.compile(
        r"\b(amendments?|motions?|seconded|seconder|proposed by|moved by|carried|defeated)\b|\bvot(?:e|ed|ing) (?:on|for|against)\b"
        r"|\bwhat was the vote\b|\bvot(?:e|ed|ing)\b.*\b(result|outcome)\b|\b(result|outcome)\b.*\bvot(?:e|ed|ing)\b"
        r"|\bhow many votes\b|\bhow did\b.*\bvote\b|\bvotes (?:did|were|was|cast)\b", re.I)),
    (COMMITMENT, re.compile(r"\bpromis\w*|\bcommit(?:s|ted|ting|ment|ments)?\b|\bcome back\b|\breport back\b|\bupdate\b|\bdue\b|\bnext meeting\b", re.I)),
    # "where was the money to come from" asks for a source of funds, not a place
    (PLACE, re.compile(r"\bwhere\b(?!.*\b(?:money|funds?|funding|budget|savings?|cost)\b)|\bvenue\b", re.I)),
    (REASON, re.compile(r"\bwhy\b|\bwhat (?:was|were|is|are) the reasons?\b|\bwhat caused\b|\bfor what reason\b", re.I)),
    (OUTCOME, re.compile(r"\bwhat happened (?:to|with)\b|\bwhat became of\b|\bwhat was the fate of\b", re.IGNORECASE)),
]

# a clause saying when, not what is asked: "once the June proposals were approved", "after the plan was agreed"
_CONDITION = re.compile(r"\b(?:once|after|if|when|until|before|following|subject to)\b[^,?;]*", re.IGNORECASE)

# asks who moved, proposed or seconded a motion or amendment
_MOVER = re.compile(r"\bwho\b.*\b(moved|move|proposed|propose|put forward|tabled|brought forward|seconded)\b", re.IGNORECASE)

# How council papers word what some questions ask ("where was it held" -> "Venue:"; "who moved the motion" ->
# "Mr X proposed and Mrs Y seconded"; "what was the result" of a vote -> "Motion carried", "Amendment lost").
_WORDING: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\bwhere\b.*\b(held|meet|meeting|take place)\b", re.I), "venue place room"),
    (re.compile(r"\b(chairs?|chaired|chairman|chairperson)\b", re.I), "chair councillor"),
    (re.compile(r"\bapologies|absent|absence\b", re.I), "apologies absence"),
    (_MOVER, "proposed seconded"),
    # "did X turn up?" -> "X was unable to attend"; "where was the money to come from?" -> "funded from the reserve"
    (re.compile(r"\b(?:turn(?:ed|s)?|show(?:ed|s)?)\s+up\b|\battend(?:ed|s|ance)?\b|\bwas\b.*\bpresent\b", re.IGNORECASE), "attend attendance apologies"),
    (re.compile(r"\bwhere\b.*\b(?:money|funds?|funding|savings?)\b.*\b(?:come|coming|go|going)\b|\bhow\b.*\b(?:funded|paid for|financed)\b", re.IGNORECASE), "funded funding reserve contribution"),
]
_VOTE_RESULT = re.compile(r"\b(vote|voted|voting|result|outcome|how many)\b", re.I)
_VOTE_COUNT = re.compile(r"\bhow many\b.*\bvot|\bvoted for and against\b|\bwhat was the vote\b", re.I)

# How questions name a kind of paper: "in the budget report", "the minutes", "the decision notice".
_DOC_TYPE_WORDS: list[tuple[re.Pattern, frozenset[DocType]]] = [
    (re.compile(r"\bminutes\b", re.I), frozenset({DocType.MINUTES})),
    (re.compile(r"\b(decision (notice|record|report)|record of (the )?decision)\b", re.I), frozenset({DocType.DECISION})),
    (re.compile(r"\b(appendix|annex)\b", re.I), frozenset({DocType.APPENDIX, DocType.REPORT})),
    (re.compile(r"\b(report|statement|strategy|plan)\b", re.I), frozenset({DocType.REPORT, DocType.APPENDIX})),
]


def doc_types_named(question: str) -> frozenset[DocType]:
    """The kinds of paper a question points at ("in the report" -> reports and their appendices)."""
    for rx, kinds in _DOC_TYPE_WORDS:
        if rx.search(question):
            return kinds
    return frozenset()


_COUNCIL_SUFFIX = re.compile(
    r"\s+(?:City and County Council|City Council|County Council|Borough Council|District Council|Council|Combined Authority)$"
)


@lru_cache(maxsize=8)
def council_patterns(councils: frozenset[str]) -> dict[str, re.Pattern]:
    """How questions name each council: "Kent", "Kent's", "KCC", "West of England", "WECA"."""
    out = {}
    for name in councils:
        short = _COUNCIL_SUFFIX.sub("", name).strip()
        acronym = "".join(w[0] for w in name.split() if w[:1].isupper())
        alternatives = [rf"(?i:\b{re.escape(short)}\b)"] if short and short != name else []
        alternatives.append(rf"(?i:\b{re.escape(name)}\b)")
        if len(acronym) >= 3:
            alternatives.append(rf"\b{acronym}\b")
        out[name] = re.compile("|".join(alternatives))
    return out


_COMMITTEE_SUFFIX = re.compile(r"\s+(?:Strategic Policy Committee|Scrutiny Commission|Scrutiny Committee|Committee|Commission|Board|Panel)$")


@lru_cache(maxsize=8)
def committee_patterns(committees: frozenset[str]) -> dict[str, re.Pattern]:
    """How questions name each committee: "the Cabinet", "full council", "Overview and Scrutiny", "CYPE Scrutiny
    Commission" (its name, its name less "Committee" when several words remain, or its acronym)."""
    out = {}
    for name in committees:
        short = _COMMITTEE_SUFFIX.sub("", name).strip(" ,")
        suffix = name[len(short):].strip(" ,")
        acronym = "".join(w[0] for w in re.findall(r"[^\W\d_]+", short) if w[:1].isupper())
        alternatives = [rf"(?i:\b{re.escape(name)}\b)"]
        if short != name and len(short.split()) >= 2:
            alternatives.append(rf"(?i:\b{re.escape(short)}\b)")
        if len(acronym) >= 3:
            alternatives.append(rf"\b{acronym}\b(?i:\s+{re.escape(suffix)}\b)?" if suffix else rf"\b{acronym}\b")
        out[name] = re.compile("|".join(alternatives))
    return out


def _named(patterns: dict[str, re.Pattern], question: str) -> tuple[str, ...]:
    return tuple(sorted(name for name, rx in patterns.items() if rx.search(question)))


@dataclass(frozen=True)
class Intent:
    """A question, parsed once."""

    question: str
    asks: frozenset[str] = frozenset()
    dates: tuple[DateHint, ...] = ()
    years: frozenset[int] = frozenset()  # the years asked about, beyond meeting dates ("spend in 2023", "for 2025-26")
    financial_years: frozenset[int] = frozenset()  # the financial years asked about, by their first year ("2025-26": 2025)
    quarters: frozenset[int] = frozenset()  # the financial quarters asked about ("at the end of quarter 2")
    doc_types: frozenset[DocType] = frozenset()
    councils: tuple[str, ...] = ()  # the known councils it names ("Kent's", "WECA")
    committees: tuple[str, ...] = ()  # the known committees it names ("the Cabinet", "full council")
    topic: str = ""  # what it is about, in its own words: "SEND transport" of "What was agreed on SEND transport?"
    outcome: str | None = None  # "carried" or "lost": the votes a question wants ("which amendments were lost")
    about: str | None = None  # "amendment" or "motion": the kind of vote it is about
    listing: bool = False  # asks for every vote of a kind ("which amendments were lost on 13 February")
    vote_result: bool = False  # asks how a vote went ("what was the result", "how did they vote")
    vote_count: bool = False  # asks for the numbers ("how many voted for", "what was the vote")
    mover: bool = False  # asks who moved, proposed or seconded a motion or amendment
    unit: str | None = None  # the kind of figure asked: MONEY ("how much did it cost") or PERCENT ("what percentage rise")
    keywords: str = field(default="")  # the question plus the papers' wording, for keyword search
    wording: str = ""  # the papers' words for what it asks ("turn up" -> "attend"), which an answer may hold instead
    parts: tuple[Intent, ...] = ()  # a question asking two things: each part, as asked ("..., and who seconded?")
    refers_to: str = ""  # a part saying "it" or "that cohort": the other parts' words, which say what it is about
    follows: str = ""  # a follow-up in a conversation: the topic it inherited (its `question` then ends with it)

    def at(self, d: date | None) -> bool:
        """Whether `d` is a meeting the question names (any date when it names none)."""
        return not self.dates or any(h.score(d) == "day" for h in self.dates)


# "..., and who seconded it?", "... and where did its money go?": a second question joined to the first
# (an adverb or a preposition may come first: "..., and roughly how many did it affect?", "..., and by what date ...")
_PART_JOIN = re.compile(r",?\s+and\s+(?=(?:(?:\w+ly|also|then)\s+)?(?:(?:by|from|to|in|on|at|for|until|since|with)\s+)?(?:who|whom|what|when|where|which|why|how|did|does|do|is|was|were|are)\b)|;\s+|\?\s+(?=\S)", re.I)


# a word standing for something another part names: "what would it fall to", "how many are in that cohort", "is
# that"; not "that" joining a clause ("say that the council ...", "the motion that was carried")
_REFERS_BACK = re.compile(
    r"\b(?:it|its|they|them|their|these|those)\b|\b(?:that|this)\b(?!\s+(?:the|a|an|is|was|were|are|has|had|have|will|would"
    r"|should|could|can|may|might|must|did|does|do|he|she|it|they|we|i|you|there)\b)",
    re.IGNORECASE,
)


MONEY, PERCENT = "money", "percent"
# "what percentage rise", "how many per cent"; not a rate the question states ("the 2.99% rise")
_PERCENT = re.compile(r"\bpercentages?\b|\b(?:what|how many)\s+per\s?cent\b", re.IGNORECASE)
# what is paid, spent or held: "how much did it cost", "what is the net budget", "how much grant"
_MONEY = re.compile(
    r"\b(?:costs?|costing|spend|spent|spending|budget(?:ed|s)?|prices?|fees?|charges?|paid|pay|funding|grants?|savings?|"
    r"save|income|revenue|overspend|underspend|deficit|surplus|reserves?|worth|precept|levy|tax)\b|[£€$]", re.IGNORECASE)
# a count ("how many children will be allocated") or a change, which papers give as an amount or a rate ("what council
# tax increase", "by how much did rates increase")
_NOT_MONEY = re.compile(r"\bhow many\b|\b(?:increase[sd]?|rise|rose|risen|change[sd]?|reduction|cut|fall|fell|drop(?:ped)?|grow|grew)\b", re.IGNORECASE)


# "how much" of a measure that is not money ("how much land", "how much waste")
_HOW_MUCH_MEASURE = re.compile(
    r"\bhow much (?:of (?:the )?)?(?:land|time|space|floorspace|area|waste|water|energy|electricity|carbon|co2|emissions|"
    r"rain|rainfall|traffic|data|housing|capacity)\b", re.IGNORECASE)


def figure_unit(question: str) -> str | None:
    """The kind of figure a "how much" question asks for: PERCENT, MONEY, or None (a count, a change, or unsaid). In
    council papers "how much" asks for money ("how much was pencilled in for rail") unless it names another measure."""
    if _PERCENT.search(question):
        return PERCENT
    if _NOT_MONEY.search(question):
        return None
    if _MONEY.search(question) or re.search(r"\bhow much\b", question, re.IGNORECASE) and not _HOW_MUCH_MEASURE.search(question):
        return MONEY
    return None


def question_parts(question: str) -> list[str]:
    """The questions a question asks, in order ("What did X propose, and who seconded it?" -> two)."""
    pieces = [p.strip(" ,?") for p in _PART_JOIN.split(question)]
    return [p for p in pieces if len(p.split()) >= 2]


def parse(question: str, councils: Iterable[str] = (), committees: Iterable[str] = ()) -> Intent:
    """Read what a question asks, which meetings, councils and committees (of `councils` and `committees`, the known
    ones) and kind of paper it names, what it is about, and how papers word it."""
    asks = frozenset(kind for kind, rx in _ASKS if rx.search(question))
    if REASON in asks and not re.search(r"\bhow (many|much)\b", question, re.IGNORECASE):
        asks -= {FIGURE}  # "what were the reasons for the overspend" asks why, not how much
    if DECISION in asks and not _DECISION.search(_CONDITION.sub(" ", question)):
        asks -= {DECISION}  # "what would it fall to once the proposals were approved" asks a figure, not a decision
    q = question.lower()
    vote_result = VOTE in asks and bool(_VOTE_RESULT.search(q))
    wording = [words for rx, words in _WORDING if rx.search(question)]
    if vote_result:
        wording.append("carried lost abstain")
    dates = tuple(date_hints(question))
    years = frozenset(years_named(question, periods_only=True))
    periods = frozenset(financial_years(question))
    kinds = doc_types_named(question)
    councils, committees = frozenset(councils), frozenset(committees)
    named = _named(council_patterns(councils), question)
    bodies = _named(committee_patterns(committees), question)
    pieces = question_parts(question)
    parts: tuple[Intent, ...] = ()
    if len(pieces) > 1:
        # a part is about the meeting, council and kind of paper the whole question names, unless it names its own
        subs = [parse(p, councils, committees) for p in pieces]
        parts = tuple(
            # (a part naming its own date, "as of January 2024", is not about the years another part names, nor one
            # naming its own year about another part's meeting)
            replace(i, dates=i.dates or (dates if not i.years else ()), years=i.years or (years if not i.dates else frozenset()),
                    financial_years=i.financial_years or (periods if not i.dates else frozenset()), quarters=i.quarters or quarters_named(question), councils=i.councils or named, committees=i.committees or bodies, doc_types=i.doc_types or kinds)
            for i in subs
        )
        # a part saying "it" is about what the other parts name: searched and matched with their words too
        others = [" ".join(x for j, x in enumerate(pieces) if j != k) for k in range(len(pieces))]
        parts = tuple(replace(i, refers_to=o, keywords=f"{i.keywords} {o}") if _REFERS_BACK.search(i.question) else i for i, o in zip(parts, others))
    return Intent(
        question=question,
        parts=parts,
        asks=asks,
        dates=dates,
        years=years,
        financial_years=periods,
        quarters=quarters_named(question),
        doc_types=kinds,
        councils=named,
        committees=bodies,
        topic=topic_words(question, councils, committees),
        outcome="lost" if re.search(r"\b(lost|defeated|rejected|fell|failed)\b", q) else "carried" if re.search(r"\b(carried|passed)\b", q) else None,
        about="amendment" if re.search(r"\bamendments?\b", q) else "motion" if re.search(r"\bmotions?\b", q) else None,
        listing=bool(re.search(r"\b(which|what) (amendments|motions)\b|\bamendments (were|was)\b|\ball (the )?(amendments|motions)\b", q)),
        vote_result=vote_result,
        vote_count=VOTE in asks and bool(_VOTE_COUNT.search(q)),
        mover=bool(_MOVER.search(q)),
        unit=figure_unit(question) if FIGURE in asks else None,
        keywords=" ".join([question, *wording]),
        wording=" ".join(wording),
    )


# words saying what a question asks, or how, rather than what it is about ("what was agreed on", "who presented
# it", "and at the next meeting?"); with the months, numbers and the councils and committees it names, they are
# not its topic
_NOT_TOPIC = frozenset(
    """a about after again against all also an and any anyone anything are as at be been before being both but by can could
    did do does doing done during each else ever for from had has have he her here him his how i if in into is it its just
    me more most my no not now of on once only or other our out over own same she should so some such than that the their
    them then there these they this those through to too under until up upon us very was we were what whatever when where
    which while who whom whose why will with would you your
    agree agreed agreement decide decided decision decisions resolve resolved resolution approve approved outcome outcomes
    result results say said says tell told happen happened happening discuss discussed discussion consider considered
    present presented presenting gave give given introduce introduced report reported move moved proposed propose seconded
    vote voted votes voting many much anybody somebody someone people person name names named
    item items meeting meetings papers paper minutes agenda next last latest previous later earlier first
    year years month months day days date dates time week weeks today yesterday tomorrow""".split()  # noqa: SIM905 (200 words read better as text)
)
_TOPIC_WORD = re.compile(r"[^\W\d_][\w'’&-]*")  # a letter of any alphabet first ("Éireann", not "ireann")


def topic_words(question: str, councils: Iterable[str] = (), committees: Iterable[str] = ()) -> str:
    """What a question is about, in its own words and order: "What was agreed on SEND transport?" -> "SEND
    transport"; "" for "and in January?" or "who presented it?", which say only what they ask."""
    rest = question
    for rx in (*council_patterns(frozenset(councils)).values(), *committee_patterns(frozenset(committees)).values()):
        rest = rx.sub(" ", rest)
    words = []
    for m in _TOPIC_WORD.finditer(rest):
        word = re.sub(r"['’]s?$", "", m.group())
        low = word.lower()
        if low in _NOT_TOPIC or low in MONTHS or len(low) < 2:
            continue
        words.append(word)
    return " ".join(words)


def describe_dates(hints: Iterable[DateHint]) -> str:
    """Meeting dates as a person reads them: "28 October 2025", "January", "January 2026"."""
    names: dict[int, str] = {}
    for month, n in MONTHS.items():  # each month's first name is its full one
        names.setdefault(n, month.capitalize())
    return ", ".join(" ".join(str(x) for x in (h.day, names.get(h.month, ""), h.year) if x) for h in hints if h.month)


@dataclass(frozen=True)
class Context:
    """What a conversation is about so far: the topic the questions named, and the council, committee and meetings
    they named or the last answer came from. A follow-up that leaves them out inherits them (`follow_up`)."""

    topic: str = ""
    councils: tuple[str, ...] = ()
    committees: tuple[str, ...] = ()
    dates: tuple[DateHint, ...] = ()
    day_named: bool = False  # whether those dates name one meeting by its day ("on 28 October"), not only a month

    def describe(self) -> str:
        """How a follow-up is understood, for people: "SEND transport · Leicester City Council · ... · January"."""
        return " · ".join(x for x in (self.topic, *self.councils, *self.committees, describe_dates(self.dates)) if x)

    def to_dict(self) -> dict:
        """A plain dict (JSON), read back by `Context.from_dict`."""
        return {
            "topic": self.topic,
            "councils": list(self.councils),
            "committees": list(self.committees),
            "dates": [[h.day, h.month, h.year] for h in self.dates],
            "day_named": self.day_named,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Context:
        return cls(
            topic=d.get("topic", ""),
            councils=tuple(d.get("councils", ())),
            committees=tuple(d.get("committees", ())),
            dates=tuple(DateHint(*h) for h in d.get("dates", ())),
            day_named=bool(d.get("day_named", False)),
        )


# a question that goes on from the last one: "and in January?", "what about the cabinet?", "also, who ..."
_GOES_ON = re.compile(r"^\W*(?:and|but|also|so|then|what about|how about|and what about)\b", re.IGNORECASE)


def follow_up(intent: Intent, context: Context | None) -> Intent:
    """`intent` as the next question of a conversation in `context`.

    A question is a follow-up when it goes on from the last one ("and in January?"), names no topic of its own ("who
    presented it?"), or says "it" or "that" with at most two words of topic. It is then about the context's topic,
    asked as if typed with it ("who presented it? (SEND transport)": searched, embedded and matched with the topic's
    words as the question's own, since they are what the user would have typed), and about the council,
    committee and meetings the conversation was about unless it names its own. Meetings carry over to a question
    going on from the last one, or to one saying "it" when the conversation named a meeting by its day: "it" is the
    thing discussed, and "in January" was where the last question looked for it, not what it is. Any other question
    starts a new topic and is returned as it is.
    """
    if context is None or not context.topic:
        return intent
    goes_on = bool(_GOES_ON.match(intent.question))
    own = intent.topic.split()
    if not (goes_on or not own or (_REFERS_BACK.search(intent.question) and len(own) <= 2)):
        return intent
    dates = intent.dates or (context.dates if goes_on or context.day_named else ())
    return replace(
        intent,
        question=f"{intent.question.rstrip()} ({context.topic})",
        topic=" ".join(dict.fromkeys([*context.topic.split(), *own])),
        follows=context.topic,
        keywords=f"{intent.keywords} {context.topic}",
        councils=intent.councils or context.councils,
        committees=intent.committees or context.committees,
        dates=dates,
    )


def context_after(intent: Intent, councils: Iterable[str] = (), committees: Iterable[str] = ()) -> Context:
    """The conversation's context once `intent` was asked and answered from papers of `councils` and `committees`
    (the first cited passage's): what it was about, and where, for the next question. A follow-up keeps the topic it
    inherited ("and what did it cost?" is still about SEND transport)."""
    return Context(
        topic=intent.follows or intent.topic,
        councils=intent.councils or tuple(c for c in councils if c),
        committees=intent.committees or tuple(c for c in committees if c),
        dates=intent.dates,
        day_named=any(h.day is not None for h in intent.dates),
    )
