"""The extractive answerer: picks verbatim sentences of the retrieved passages that answer the question.

No packaged model writes trustworthy prose (see MODELS.md), so the default answer is built from the
papers' own sentences, each with its citation. Sentences are scored by meaning (the embedding model),
by the question's key terms (weighted by BM25 idf), and by what the question asks for: a number for
"how many/how much", a date for "when", a name for "who", the AGREED/RESOLVED lines for "what was agreed".
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.instructions import addressed_to_ai
from index.meta import MONTH_NAMES, financial_years, names_time
from index.tables import table_rows
from index.types import Chunk

from .config import AnswerSettings
from .intent import COMMITMENT, DATE, DECISION, FIGURE, MONEY, PERCENT, PERSON, PLACE, REASON, Intent
from .types import Hit

_BULLET = re.compile(r"^\s*(?:[•·▪■○●✓√*]|-\s|–\s|\(?[a-z0-9]{1,3}[.)]\s)")
_SENT_END = re.compile(r"[.!?:;][*_\"'”’)]*\s*$")  # a line ends a sentence, also inside bold or quotes ("... for rent.**")
_SPLIT = re.compile(r"(?<=[a-z0-9%)\]][.!?])\s+(?=[A-Z£“\"(])")
_HEADING_ONLY = re.compile(r"^\s*\d{1,4}[a-z]?\.\s+[^a-z]+$")
_LEADERS = re.compile(r"(?:\.\s?){6,}|…{2,}")  # a contents line: "1 | Introduction and Headlines........ 3"
_DECISION_LINE = re.compile(r"^\s*(AGREED|RESOLVED|DECISION|DECIDED|RECOMMENDED)\b", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand)\b", re.IGNORECASE)
_NUMBER = re.compile(r"£\s?\d|\d[\d,.]*\s?(?:%|m\b|k\b|million|bn|billion)|\b\d{1,3}(?:,\d{3})+\b|\b\d+\b|" + _NUMBER_WORD.pattern, re.IGNORECASE)
_NAME = re.compile(r"\b(?:Councillors?|Cllrs?\.?|Mayor|Chair|Director|Mr\.?|Ms\.?|Mrs\.?|Dr\.?)\s+[A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+\b")
_COMMITMENT = re.compile(
    r"\b(would|will|to|should)\s+(?:\w+\s+)?(come|return|report|be brought|be provided|be presented|be circulated|be shared)\b"
    r"|\bupdate\b.*\b(january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
_REASON = re.compile(r"\b(?:because|due to|as a result|owing to|in order to|so that|so as to|reasons?|caused by|result of|following)\b", re.IGNORECASE)
# a sentence putting a question (a resident's, a councillor's), not answering one
_ASKING = re.compile(r"\b(?:I am writing to ask|I would like to ask|I ask|asked (?:whether|if|what|why|when|how)|could (?:you|the)|would (?:you|the)|will (?:you|the)|can (?:you|the)|please (?:explain|confirm|tell))\b", re.IGNORECASE)
_PLACE = re.compile(r"\b(venue|place|room|hall|chamber|held at|held in)\b", re.IGNORECASE)
_DECISION_WORDS = re.compile(r"\b(agreed|resolved|noted|approved|decided|endorsed|recommend\w*|carried|lost)\b", re.IGNORECASE)

# words that say what kind of question it is, not what it is about
GENERIC_TERMS = {
    "what", "when", "who", "whom", "which", "where", "how", "many", "much", "was", "were", "is", "are",
    "did", "does", "do", "the", "a", "an", "of", "on", "at", "in", "to", "for", "about", "agreed", "agre",
    "decid", "decided", "resolv", "resolved", "meet", "meeting", "council", "committe", "committee",
    "commiss", "commission", "say", "said", "tell", "me", "paper", "papers", "report", "discuss",
    "outcom", "outcome", "item", "minut", "minutes", "year", "date", "held",
}


SHORT_LINE_CHARS = 50  # wrapped lines of A4 papers run to ~90 characters

@dataclass
class Sentence:
    """A quotable unit: one sentence (or bullet, or table row) of one passage, standing on one page."""

    text: str
    hit_rank: int
    chunk: Chunk
    page_index: int
    pdf_page: int | None
    label: str | None
    decision: bool = False  # inside an AGREED/RESOLVED block
    header: str | None = None  # a table row's column headers, verbatim from the same page ("Table 3.1 2025-26 ...")

    @property
    def is_row(self) -> bool:
        return self.header is not None


def split_sentences(chunk: Chunk, hit_rank: int) -> list[Sentence]:
    """Split a passage into sentences that never cross a page break, paragraph or bullet; a table's rows are
    units of their own, each with its table's header lines (`index.tables`). Sentences addressed to an AI
    (`index.instructions`) are left out: no answerer can quote them."""
    out: list[Sentence] = []
    units: list[tuple[list[str], int, bool, str | None]] = []  # (lines, span index, decision block, row header)
    raw = chunk.text.split("\n")
    stripped_lines = [line.strip() for line in raw]
    keys: list[int] = []
    offset = 0
    for line in raw:
        span = chunk.span_at(offset)
        keys.append(chunk.spans.index(span) if span else 0)
        offset += len(line) + 1
    rows = {r.start: r for r in table_rows(stripped_lines) if keys[r.start] == keys[r.end - 1]}
    in_row = {k for r in rows.values() for k in range(r.start, r.end)}
    in_decision = False
    for k, stripped in enumerate(stripped_lines):
        span_key = keys[k]
        if not stripped:
            continue
        if k in rows:
            r = rows[k]
            same_page = r.header_end > r.header_start and keys[r.header_start] == span_key == keys[r.header_end - 1]
            header = " ".join(x for x in stripped_lines[r.header_start : r.header_end] if x) if same_page else ""
            units.append(([x for x in stripped_lines[r.start : r.end] if x], span_key, in_decision, header))
            if r.body_start is not None and keys[r.body_start] == span_key:
                # a total with the rows it totals, as a unit of its own ("Millmead ... Seashells ... Totals £426,429.60")
                units.append(([x for x in stripped_lines[r.body_start : r.end] if x], span_key, in_decision, header))
            continue
        if k in in_row:
            continue
        if _DECISION_LINE.match(stripped):
            in_decision = True
        elif re.match(r"^\d{1,4}\.\s+[A-Z]{3,}", stripped):
            in_decision = False
        starts_new = (
            not units
            or units[-1][3] is not None  # after a table row
            or units[-1][1] != span_key
            or _BULLET.match(stripped) is not None
            or _SENT_END.search(units[-1][0][-1]) is not None
            or units[-1][0][-1].isupper()
            # a short line ends a list entry or paragraph, unless the next goes on in lower case (a page converted
            # from HTML breaks lines anywhere: "Revenue expenditure was" / "forecast at £172.1m which ...")
            or (len(units[-1][0][-1]) < SHORT_LINE_CHARS and not stripped[:1].islower())
            or _LEADERS.search(units[-1][0][-1]) is not None  # a contents line stands alone
            or _LEADERS.search(stripped) is not None
        )
        # "AGREED:" alone on a line belongs with the resolution that follows it
        if units and re.fullmatch(r"(AGREED|RESOLVED|DECISION)\s*:?", units[-1][0][-1].strip(), re.IGNORECASE) and units[-1][1] == span_key:
            starts_new = False
        if starts_new:
            units.append(([stripped], span_key, in_decision, None))
        else:
            units[-1][0].append(stripped)
    for lines, span_key, decision, header in units:
        text = " ".join(lines)
        span = chunk.spans[span_key] if chunk.spans else None
        for piece in [text] if header is not None else _SPLIT.split(text):
            piece = piece.strip()
            if len(piece) < 3 or addressed_to_ai(piece):  # words addressed to an AI are never evidence
                continue
            out.append(
                Sentence(
                    text=piece,
                    hit_rank=hit_rank,
                    chunk=chunk,
                    page_index=span.page_index if span else 0,
                    pdf_page=span.pdf_page if span else None,
                    label=span.label if span else None,
                    decision=decision,
                    header=header,
                )
            )
    return out


@dataclass
class Scored:
    """A sentence with its score parts."""

    sentence: Sentence
    score: float
    dense: float
    lexical: float
    terms: float = 1.0  # share of the (whole) question's key terms the unit and its passage header hold


class VectorCache:
    """Sentence vectors kept across questions (most recently used first out of `size`), shared by the threads
    of one process: a passage many users' questions reach is embedded once, not once per question. With `saved`
    (the index's TextVectors) a vector embedded by any process, or by indexing, is read from disk instead."""

    def __init__(self, size: int, saved=None):
        self.size = size
        self.saved = saved
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, texts: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                v = self._vectors.get(text)
                if v is not None:
                    self._vectors.move_to_end(text)
                    out[text] = v
        rest = [t for t in texts if t not in out]
        if rest and self.saved is not None:
            found = self.saved.get_many(rest)
            self._remember(found)
            out.update(found)
        return out

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        self._remember(vectors)
        if self.saved is not None and vectors:
            self.saved.put_many(vectors)

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        if not self.size:
            return
        with self._lock:
            for text, vector in vectors.items():
                self._vectors[text] = vector
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


def embed_normalised(embed_model, texts: list[str]) -> np.ndarray:
    """Unit vectors of `texts` (one row each), as answers compare them."""
    v = np.array(embed_model.get_text_embedding_batch(texts), dtype=np.float32).reshape(len(texts), -1)
    return v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-9)


class Candidates:
    """The quotable sentences of the retrieved passages, ranked for a question or any part of it.

    Key terms and what the question asks are scored for every sentence; only the best `dense_top` of those are
    also compared by meaning (embedding sentences is most of a question's time), each embedded once per question.
    """

    def __init__(self, hits: list[Hit], embed_model, dense_top: int, cache: VectorCache | None = None):
        self.cache = cache if cache is not None else VectorCache(0)
        self.sentences = [s for rank, hit in enumerate(hits) for s in split_sentences(hit.chunk, rank)]
        # a resolution ("AGREED: That the report is noted.") is about its item: score it with the item's title
        # and a table row by its column headers ("2025-26 Final ... Social Care Grant 137.1 ...")
        self.basis = [
            f"{s.header} {s.text}" if s.header else f"{s.chunk.item_title}: {s.text}" if s.decision and s.chunk.item_title else s.text
            for s in self.sentences
        ]
        self.embed_model = embed_model
        self.dense_top = dense_top
        self._at = {id(s): i for i, s in enumerate(self.sentences)}
        self._vectors: dict[int, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}  # the question and its parts, embedded once each

    def before(self, s: Sentence) -> Sentence | None:
        """The sentence before `s` in its passage (what "the project" or "it" in `s` may stand for), or None."""
        i = self._at.get(id(s), 0)
        prev = self.sentences[i - 1] if i else None
        return prev if prev is not None and prev.chunk.id == s.chunk.id and prev.page_index == s.page_index else None

    def after(self, s: Sentence, through_lead_ins: bool = False) -> list[Sentence]:
        """The sentences after `s` on its page of its passage, up to the next heading, and (unless `through_lead_ins`)
        up to the next that itself ends in a colon: what a lead-in such as "The following amounts were paid:"
        introduces."""
        out: list[Sentence] = []
        for nxt in self.sentences[self._at.get(id(s), len(self.sentences)) + 1 :]:
            if nxt.chunk.id != s.chunk.id or nxt.page_index != s.page_index or _HEADING.match(nxt.text):
                break
            out.append(nxt)
            if is_lead_in(nxt.text) and not through_lead_ins:
                break
        return out

    def _similarity(self, text: str, which: list[int]) -> dict[int, float]:
        unknown = [i for i in which if i not in self._vectors]
        known = self.cache.get_many([self.basis[i] for i in unknown]) if unknown else {}
        for i in unknown:
            if self.basis[i] in known:
                self._vectors[i] = known[self.basis[i]]
        missing = [i for i in which if i not in self._vectors]
        if missing:
            texts = list(dict.fromkeys(self.basis[i] for i in missing))
            made = dict(zip(texts, embed_normalised(self.embed_model, texts)))
            self._vectors.update((i, made[self.basis[i]]) for i in missing)
            self.cache.put_many(made)
        if text not in self._queries:
            q = np.array(self.embed_model.get_query_embedding(text))
            self._queries[text] = q / (np.linalg.norm(q) + 1e-9)
        q = self._queries[text]
        return {i: float(self._vectors[i] @ q) for i in which}

    def features(self, intent: Intent, term_weights: dict[str, float], stem, topic: Intent | None = None, topic_weights: dict[str, float] | None = None, dense_for=None) -> tuple[list[int], np.ndarray]:
        """The sentences that can answer (headings left out) and their FEATURES (one row each). Meaning is compared
        for `dense_for` of them (indices; all when None), the rest get the least of those compared."""
        topic_weights = topic_weights or term_weights
        kinds = intent.asks
        which: list[int] = []
        rows: list[list[float]] = []
        stems = [stem(text) for text in self.basis]
        asked = figures((topic or intent).question)
        for i, (s, text) in enumerate(zip(self.sentences, self.basis)):
            if not s.is_row and (_HEADING_ONLY.match(s.text) or s.text.isupper()) or _LEADERS.search(s.text):
                continue  # an item heading or a contents line says what was discussed, not what was said
            terms = stems[i]
            context = stem(s.chunk.header()) | terms
            words = len(s.text.split())
            # a figure the question itself gives ("of the £868,500 grant", "in 2025-26") is not an answer to it
            has_number = bool(_NUMBER.search(s.text)) and not (figures(s.text) and figures(s.text) <= asked)
            has_date = names_time(s.text)
            decision_block = s.decision or bool(_DECISION_LINE.match(s.text))
            lexical = key_share(term_weights, terms)
            which.append(i)
            rows.append([
                0.0,  # dense: filled in below
                0.0,  # dense_whole
                lexical,
                key_share(topic_weights, context),
                lexical if topic is not None else 0.0,  # a part's own terms, beside the whole's
                FIGURE in kinds and has_number,
                FIGURE in kinds and not has_number,
                DATE in kinds and has_date,
                DATE in kinds and not has_date,
                PERSON in kinds and bool(_NAME.search(s.text)),
                COMMITMENT in kinds and bool(_COMMITMENT.search(s.text)),
                PLACE in kinds and bool(_PLACE.search(s.text)),
                DECISION in kinds and decision_block,
                DECISION in kinds and not decision_block and bool(_DECISION_WORDS.search(s.text)),
                not s.is_row and not _SENT_END.search(s.text) and words < 12,
                not s.is_row and words < 4,
                s.is_row,
                s.is_row and FIGURE in kinds,
                s.text.rstrip().endswith("?"),
                REASON in kinds and bool(_REASON.search(s.text)),
                bool(_ASKING.search(s.text)),
                min(s.hit_rank, 10) / 10,
            ])
        x = np.array(rows, dtype=float).reshape(len(rows), len(FEATURES))
        self._fill_meaning(intent, topic, which, x, which if dense_for is None else dense_for)
        return which, x

    def _fill_meaning(self, intent: Intent, topic: Intent | None, which: list[int], x: np.ndarray, compare) -> None:
        """Meaning (columns dense, dense_whole) for the sentences in `compare`; the others get the least of those."""
        wanted = set(compare)
        chosen = [j for j, i in enumerate(which) if i in wanted]
        if not chosen:
            return
        part = self._similarity(intent.question, [which[j] for j in chosen])
        whole = self._similarity(topic.question, [which[j] for j in chosen]) if topic is not None else part
        for j in chosen:
            x[j, 0], x[j, 1] = part[which[j]], whole[which[j]]
        rest = [j for j in range(len(which)) if which[j] not in wanted]
        if rest:
            x[rest, 0], x[rest, 1] = x[chosen, 0].min(), x[chosen, 1].min()

    def rank(self, intent: Intent, term_weights: dict[str, float], stem, topic: Intent | None = None, topic_weights: dict[str, float] | None = None, ranker: Ranker | None = None) -> list[Scored]:
        """Every sentence scored for how well it answers `intent`, best first: the fitted ranker's probability
        that the sentence holds the answer. For a part of a question, `topic` is the whole question: meaning is
        judged against both, and the passage header against the whole's terms. Only the best `dense_top` by the
        other features are compared by meaning."""
        ranker = ranker or Ranker.load()
        which, x = self.features(intent, term_weights, stem, topic, topic_weights, dense_for=[])
        if not which:
            return []
        pre = ranker.logit(x)  # meaning left at 0: what the other features say
        self._fill_meaning(intent, topic, which, x, [which[j] for j in np.argsort(-pre)[: self.dense_top]])
        p = ranker.probability(x)
        out = [Scored(self.sentences[i], float(p[j]), float(x[j, 0]), float(x[j, 2]), float(x[j, 3])) for j, i in enumerate(which)]
        out.sort(key=lambda c: c.score, reverse=True)
        return out


FEATURES = [
    "dense", "dense_whole", "lexical", "lexical_topic", "lexical_part", "figure_has_number", "figure_no_number", "date_has_date",
    "date_no_date", "person_has_name", "commitment_words", "place_words", "decision_block", "decision_words",
    "not_a_statement", "few_words", "table_row", "table_row_figure", "question_mark", "reason_words", "asking_words",
    "passage_rank",
]
RANKER_FILE = Path(__file__).with_name("sentence_ranker.json")


@dataclass
class Ranker:
    """A logistic model over FEATURES: the probability that a sentence holds the answer. Fitted by
    `eval/fit_ranker.py` on eval/questions.jsonl and kept in qa/sentence_ranker.json with its measurements."""

    weights: np.ndarray
    bias: float
    min_probability: float  # abstain below this (calibrated with the weights)
    min_coverage: float  # or when the best passage holds less of the question's key terms
    min_terms: float  # or when the best unit and its passage header do
    info: dict
    min_part_probability: float  # a further part of a question another part answers: answer it above this

    @classmethod
    def load(cls, path: Path | None = None) -> Ranker:
        path = path or RANKER_FILE
        if path not in _RANKERS:
            data = json.loads(path.read_text())
            if data["features"] != FEATURES:
                raise ValueError(f"{path} was fitted on other features; refit it with eval/fit_ranker.py")
            _RANKERS[path] = cls(np.array(data["weights"], dtype=float), float(data["bias"]), float(data["min_probability"]), float(data["min_coverage"]), float(data.get("min_terms", 0.0)), data, float(data.get("min_part_probability", data["min_probability"])))
        return _RANKERS[path]

    def logit(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weights + self.bias

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(x)))


_RANKERS: dict[Path, Ranker] = {}


_FIGURE = re.compile(r"\d[\d,.]*\d|\d")


# digits that are not an amount: an item's, a list's or a paragraph's number ("1.2 As part of"), page, item and paragraph references, a file's size, years and financial years, days of a month
_NOT_AN_AMOUNT = re.compile(
    r"^\s*\(?\d{1,3}[a-z]?[.)]\s|^\s*\d{1,3}(?:\.\d{1,3})+\.?\s+(?=(?-i:[A-Z]))|\((?:pages?|items?|minutes?)\s[^)]*\)|\b(?:pages?|items?|minutes?|paragraphs?|appendix|section|decision\s+no\.?|no\.)\s*\d[\d./\-–\s]*"
    r"|\b\d[\d.,]*\s*[KMG]B\b|\b(?:quarter|q|phase|stage|tranche|round|wave|option|year)\s*\d\b|\b(?:19|20)\d{2}(?:\s*[-/–]\s*\d{2,4})?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + MONTH_NAMES + r")\b",
    re.IGNORECASE,
)


def gives_figure(text: str, question: str) -> bool:
    """Whether a sentence states an amount, a count or a rate the question does not give itself ("£1.2m", "87
    children", "4.5%"), not only years, dates and page or item numbers: what a "how much / how many" answer needs."""
    rest = _NOT_AN_AMOUNT.sub(" ", text)
    for word in {w.lower() for w in _NUMBER_WORD.findall(question)}:  # "the two contracts" of "what do the two ... cost"
        rest = re.sub(rf"\b{word}\b", " ", rest, flags=re.IGNORECASE)
    given = figures(rest)
    return bool(_NUMBER.search(rest)) and not (given and given <= figures(question))


_MONEY_FIGURE = re.compile(r"[£€$]\s?\d|\d[\d,.]*\s?(?:m|bn|k)\b|\d\s*(?:million|billion|thousand)\b|\b(?:pounds|euros?)\b", re.IGNORECASE)
_MONEY_COLUMNS = re.compile(r"[£€$]\s?['’]?\s?(?:000|k\b|m\b|bn\b|million)|\((?:£|€|\$)\)", re.IGNORECASE)  # a table's "£000s", "£’m", "(£)"
_PERCENT_FIGURE = re.compile(r"\d\s?%|\d\s*per\s?cent\b", re.IGNORECASE)


def states_unit(sentence: Sentence, unit: str) -> bool:
    """Whether a unit states a figure of the kind asked (intent.MONEY, intent.PERCENT): "£1.2m", "€150k", a row of a
    table whose columns are in £000s; "4.5%"."""
    if unit == PERCENT:
        return bool(_PERCENT_FIGURE.search(sentence.text))
    if unit == MONEY:
        return bool(_MONEY_FIGURE.search(sentence.text) or (sentence.is_row and _MONEY_COLUMNS.search(sentence.header or "")))
    return True


def figures(text: str) -> set[str]:
    """The figures written in digits in `text`, without thousands separators ("£868,500" -> "868500")."""
    return {m.group().replace(",", "").rstrip(".") for m in _FIGURE.finditer(text)}


def key_share(term_weights: dict[str, float], terms: set[str]) -> float:
    """Share (by idf weight) of a question's key terms found among `terms` (words that only say what kind of
    question it is left out); 0 when the question has none."""
    key = {t: w for t, w in term_weights.items() if t not in GENERIC_TERMS}
    total = sum(key.values())
    return sum(w for t, w in key.items() if t in terms) / total if total else 0.0


def key_weights(intent: Intent, term_weights) -> dict[str, float]:
    """A question's (or part's) key terms and their weights (`term_weights`: text -> idf by term). A part saying
    "it" also has the terms of the part it stands for, which together weigh as one of its own: "it" is one word of
    the part, and the other part's words only say what that word is ("roughly how many consumers did it hit" of
    "When did the boil water notice begin, and ...": boil, water, notice share one term's weight). The papers'
    wording for what it asks (`Intent.wording`: "attend" for "did they turn up") weighs the same way."""
    own = term_weights(intent.question)
    if not own:
        return own
    out = dict(own)
    # the papers' wording for what is asked ("attend" for "turn up") weighs, all together, as one of its terms too
    for words in (intent.refers_to, intent.wording):
        other = {t: w for t, w in term_weights(words).items() if t not in out} if words else {}
        total = sum(other.values())
        share = sum(own.values()) / len(own) / total if total else 0.0
        out.update({t: w * share for t, w in other.items()})
    return out


def coverage(question_terms: dict[str, float], chunk: Chunk, stem, question: str = "") -> float:
    """Share (by idf weight) of the question's key terms that a passage and its header contain."""
    key = [t for t in question_terms if t not in GENERIC_TERMS]
    if not key:
        return 1.0
    present = stem(chunk.text) | stem(chunk.header())
    present |= years_written_as(question, chunk.text)
    if any(t.isdigit() and t not in present for t in key):
        return 0.0  # a year or figure the question names ("in 2027/28") must be in the passage
    return key_share(question_terms, present)


def missing_figures(question_terms: dict[str, float], hits: list[Hit], stem, question: str = "") -> list[str]:
    """The years and figures a question names ("in 2027/28", "quarter 2") that none of the passages holds."""
    numbers = [t for t in question_terms if t.isdigit()]
    if not numbers or not hits:
        return []
    present = set().union(*(stem(h.chunk.text) | stem(h.chunk.header()) for h in hits))
    present |= years_written_as(question, " ".join(h.chunk.text for h in hits))
    return [t for t in numbers if t not in present]


def years_written_as(question: str, text: str) -> set[str]:
    """The number terms of the financial years a question names that `text` names too in another form ("2027" and
    "28" of "to 2027/28" where a table says "27/28"), so a year written short is not a year missing."""
    out: set[str] = set()
    for start in financial_years(question) & financial_years(text):
        out |= {str(start), str(start + 1), f"{(start + 1) % 100:02d}"}
    return out


# where what a lead-in introduces ends: the next heading ("## 5.", "5. Libraries", "171. YOUTH JUSTICE PLAN"; not a
# table row "1 Millmead 12,000", a list entry "10. Approve the release of £250,000;", nor a line in bold, which minutes
# use for a motion's own text)
_HEADING = re.compile(r"\s*(?:#+\s|\d{1,3}(?:\.\d{1,3})*\.\s+[A-Z][^.!?:;£$€\d]{0,80}$)")


def is_lead_in(text: str) -> bool:
    """A sentence introducing what follows it ("The reason given in the letter is as follows:", "The following
    amounts were paid:", "Mr Passmore proposed, and Mr Chittenden seconded the following"): it does not answer on its
    own."""
    end = text.rstrip(" *\"'”’")
    return end.endswith(":") or re.search(r"\b(?:the following|as follows)$", end, re.IGNORECASE) is not None


def follow_lead_ins(chosen: list[Scored], scored: list[Scored], pool: Candidates) -> list[Scored]:
    """Each chosen lead-in followed by the first of the units it introduces that may answer (one in `scored`, which
    passed the question's checks: the figure, the year asked): "Proposed Funding Source:" by the source, "... paid in
    the five years 2018 to 2022 on consultancy services:" by the row for 2021. The first, not the best by the
    question's words: what a lead-in introduces seldom repeats them (else it would have ranked on its own)."""
    out: list[Scored] = []
    for c in chosen:
        out.append(c)
        if not is_lead_in(c.sentence.text):
            continue
        # (not a bare list or paragraph number, "14.", which says nothing)
        first = first_after(c.sentence, scored, pool, lambda s: not is_lead_in(s.text) and re.search(r"[^\W\d_]{2}", s.text) is not None)
        if first is not None and all(first is not o for o in chosen):
            out.append(first)
    return out


def first_after(s: Sentence, scored: list[Scored], pool: Candidates, keep, through_lead_ins: bool = False) -> Scored | None:
    """The first unit after `s` in its block (Candidates.after) that is among `scored` (passed the question's checks)
    and that `keep(sentence)` accepts, or None."""
    may = {id(u.sentence): u for u in scored}
    return next((may[id(x)] for x in pool.after(s, through_lead_ins) if id(x) in may and keep(x)), None)


def pick_sentences(scored: list[Scored], settings: AnswerSettings, most: int | None = None) -> list[Scored]:
    """The best sentence, then up to max_sentences-1 (or `most`-1) more that score close to it, in reading order."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    for cand in scored[1:]:
        if len(chosen) >= (most or settings.max_sentences):
            break
        if cand.score < best.score - settings.near_tie:
            break
        if any(_similar(cand.sentence.text, c.sentence.text) for c in chosen):
            continue
        chosen.append(cand)
    # read the chosen sentences in document order, best passage first
    return sorted(chosen, key=lambda c: (c.sentence.hit_rank != best.sentence.hit_rank, c.sentence.hit_rank, c.sentence.chunk.position))


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / (min(len(wa), len(wb)) or 1) > 0.8
