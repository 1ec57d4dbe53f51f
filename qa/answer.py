"""The extractive answerer: picks verbatim sentences of the retrieved passages that answer the question.

No packaged model writes trustworthy prose (see MODELS.md), so the default answer is built from the
papers' own sentences, each with its citation. Sentences are scored by meaning (the embedding model),
by the question's key terms (weighted by BM25 idf), and by what the question asks for: a number for
"how many/how much", a date for "when", a name for "who", the AGREED/RESOLVED lines for "what was agreed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.types import Chunk

from .config import AnswerSettings
from .intent import COMMITMENT, DATE, DECISION, FIGURE, PERSON, PLACE, Intent
from .types import Hit

_BULLET = re.compile(r"^\s*(?:[•·▪■○●✓√*]|-\s|–\s|\(?[a-z0-9]{1,3}[.)]\s)")
_SENT_END = re.compile(r"[.!?:;]\s*$")
_SPLIT = re.compile(r"(?<=[a-z0-9%)\]][.!?])\s+(?=[A-Z£“\"(])")
_HEADING_ONLY = re.compile(r"^\s*\d{1,4}[a-z]?\.\s+[^a-z]+$")
_DECISION_LINE = re.compile(r"^\s*(AGREED|RESOLVED|DECISION|DECIDED|RECOMMENDED)\b", re.IGNORECASE)
_NUMBER = re.compile(r"£\s?\d|\d[\d,.]*\s?(?:%|m\b|k\b|million|bn|billion)|\b\d{1,3}(?:,\d{3})+\b|\b\d+\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand)\b", re.IGNORECASE)
_DATE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b(?:january|february|march|april|june|july|august|september|october|november|december)\s+\d{4}\b", re.IGNORECASE)
_NAME = re.compile(r"\b(?:Councillors?|Cllrs?\.?|Mayor|Chair|Director|Mr\.?|Ms\.?|Mrs\.?|Dr\.?)\s+[A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+\b")
_COMMITMENT = re.compile(
    r"\b(would|will|to|should)\s+(?:\w+\s+)?(come|return|report|be brought|be provided|be presented|be circulated|be shared)\b"
    r"|\bupdate\b.*\b(january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
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
    """A quotable unit: one sentence (or bullet) of one passage, standing on one page."""

    text: str
    hit_rank: int
    chunk: Chunk
    page_index: int
    pdf_page: int | None
    label: str | None
    decision: bool = False  # inside an AGREED/RESOLVED block


def split_sentences(chunk: Chunk, hit_rank: int) -> list[Sentence]:
    """Split a passage into sentences that never cross a page break, paragraph or bullet."""
    out: list[Sentence] = []
    units: list[tuple[list[str], int, bool]] = []  # (lines, span index, decision block)
    offset = 0
    in_decision = False
    for line in chunk.text.split("\n"):
        span = chunk.span_at(offset)
        span_key = chunk.spans.index(span) if span else 0
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if _DECISION_LINE.match(stripped):
            in_decision = True
        elif re.match(r"^\d{1,4}\.\s+[A-Z]{3,}", stripped):
            in_decision = False
        starts_new = (
            not units
            or units[-1][1] != span_key
            or _BULLET.match(stripped) is not None
            or _SENT_END.search(units[-1][0][-1]) is not None
            or units[-1][0][-1].isupper()
            or len(units[-1][0][-1]) < SHORT_LINE_CHARS  # a short line ends a list entry or paragraph
        )
        # "AGREED:" alone on a line belongs with the resolution that follows it
        if units and re.fullmatch(r"(AGREED|RESOLVED|DECISION)\s*:?", units[-1][0][-1].strip(), re.IGNORECASE) and units[-1][1] == span_key:
            starts_new = False
        if starts_new:
            units.append(([stripped], span_key, in_decision))
        else:
            units[-1][0].append(stripped)
    for lines, span_key, decision in units:
        text = " ".join(lines)
        span = chunk.spans[span_key] if chunk.spans else None
        for piece in _SPLIT.split(text):
            piece = piece.strip()
            if len(piece) < 3:
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


class Candidates:
    """The quotable sentences of the retrieved passages, ranked for a question or any part of it.

    Key terms and what the question asks are scored for every sentence; only the best `dense_top` of those are
    also compared by meaning (embedding sentences is most of a question's time), each embedded once per question.
    """

    def __init__(self, hits: list[Hit], embed_model, dense_top: int):
        self.sentences = [s for rank, hit in enumerate(hits) for s in split_sentences(hit.chunk, rank)]
        # a resolution ("AGREED: That the report is noted.") is about its item: score it with the item's title
        self.basis = [f"{s.chunk.item_title}: {s.text}" if s.decision and s.chunk.item_title else s.text for s in self.sentences]
        self.embed_model = embed_model
        self.dense_top = dense_top
        self._vectors: dict[int, np.ndarray] = {}

    def _similarity(self, text: str, which: list[int]) -> dict[int, float]:
        missing = [i for i in which if i not in self._vectors]
        if missing:
            v = np.array(self.embed_model.get_text_embedding_batch([self.basis[i] for i in missing]))
            v = v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-9)
            self._vectors.update(zip(missing, v))
        q = np.array(self.embed_model.get_query_embedding(text))
        q = q / (np.linalg.norm(q) + 1e-9)
        return {i: float(self._vectors[i] @ q) for i in which}

    def rank(self, intent: Intent, term_weights: dict[str, float], stem, topic: Intent | None = None, topic_weights: dict[str, float] | None = None) -> list[Scored]:
        """Every sentence scored for how well it answers `intent`, best first. For a part of a question, `topic` is
        the whole question: meaning is judged against both, and the passage header against the whole's terms."""
        key = {t: w for t, w in term_weights.items() if t not in GENERIC_TERMS}
        total = sum(key.values()) or 1.0
        ctx_key = {t: w for t, w in (topic_weights or term_weights).items() if t not in GENERIC_TERMS}
        ctx_total = sum(ctx_key.values()) or 1.0
        kinds = intent.asks
        base: dict[int, tuple[float, float]] = {}  # sentence -> (score without meaning, key-term share)
        for i, (s, text) in enumerate(zip(self.sentences, self.basis)):
            if _HEADING_ONLY.match(s.text) or s.text.isupper():
                continue  # an item heading says what was discussed, not what was said
            terms = stem(text)
            context = stem(s.chunk.header()) | terms
            lexical = sum(w for t, w in key.items() if t in terms) / total
            lexical_ctx = sum(w for t, w in ctx_key.items() if t in context) / ctx_total
            score = 0.35 * lexical + 0.15 * lexical_ctx
            if FIGURE in kinds:
                score += 0.08 if _NUMBER.search(s.text) else -0.1
            if DATE in kinds:
                score += 0.08 if _DATE.search(s.text) else -0.05
            if PERSON in kinds:
                score += 0.06 if _NAME.search(s.text) else -0.05
            if COMMITMENT in kinds and _COMMITMENT.search(s.text):
                score += 0.12
            if not _SENT_END.search(s.text) and len(s.text.split()) < 12:
                score -= 0.08  # a heading or table cell, not a statement
            if PLACE in kinds:
                score += 0.1 if _PLACE.search(s.text) else -0.05
            if DECISION in kinds:
                if s.decision or _DECISION_LINE.match(s.text):
                    score += 0.2
                elif _DECISION_WORDS.search(s.text):
                    score += 0.04
            score -= 0.02 * s.hit_rank
            if len(s.text.split()) < 4:
                score -= 0.1
            base[i] = (score, lexical)
        if not base:
            return []
        best = sorted(base, key=lambda i: base[i][0], reverse=True)[: self.dense_top]
        dense = self._similarity(intent.question, best)
        if topic is not None:
            whole = self._similarity(topic.question, best)
            dense = {i: 0.5 * d + 0.5 * whole[i] for i, d in dense.items()}
        out = [Scored(self.sentences[i], score + 0.45 * dense.get(i, 0.0), dense.get(i, 0.0), lexical) for i, (score, lexical) in base.items()]
        out.sort(key=lambda x: x.score, reverse=True)
        return out


def coverage(question_terms: dict[str, float], chunk: Chunk, stem) -> float:
    """Share (by idf weight) of the question's key terms that a passage and its header contain."""
    key = {t: w for t, w in question_terms.items() if t not in GENERIC_TERMS}
    if not key:
        return 1.0
    present = stem(chunk.text) | stem(chunk.header())
    if any(t.isdigit() and t not in present for t in key):
        return 0.0  # a year or figure the question names ("in 2027/28") must be in the passage
    return sum(w for t, w in key.items() if t in present) / sum(key.values())


def pick_sentences(scored: list[Scored], settings: AnswerSettings, most: int | None = None) -> list[Scored]:
    """The best sentence, then up to max_sentences-1 (or `most`-1) more that score close to it, in reading order."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    for cand in scored[1:]:
        if len(chosen) >= (most or settings.max_sentences):
            break
        if cand.score < best.score - 0.08:
            break
        if any(_similar(cand.sentence.text, c.sentence.text) for c in chosen):
            continue
        chosen.append(cand)
    # read the chosen sentences in document order, best passage first
    return sorted(chosen, key=lambda c: (c.sentence.hit_rank != best.sentence.hit_rank, c.sentence.hit_rank, c.sentence.chunk.position))


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / (min(len(wa), len(wb)) or 1) > 0.8
