"""Generative answers: prompt an LLM with numbered passages, verify each sentence as it completes, cite real pages.

Sentences are released only after the verifier passes them, so a streamed answer never shows a
figure the cited passages don't hold. Each [n] becomes a citation of the sentence in passage n that
best supports the generated sentence (a verbatim quote, checked on its page like any citation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.instructions import mask
from index.store import IndexStore
from index.text import squash

from .answer import split_sentences
from .cite import instruction_notice, page_number, quote_on_page, sentence_citation
from .llm import stream_text
from .prompts import load_prompt
from .types import ABSTAIN_TEXT, Answer, Citation, Hit
from .verify import MARKER, SENTENCE_END, Checked, check_sentence, split_generated

_WORD = re.compile(r"\w+")


@dataclass
class Released:
    """A verified sentence ready to show (markers already renumbered to citation numbers)."""

    text: str


def build_prompt(question: str, hits: list[Hit]) -> str:
    """The answer prompt with the passages numbered 1..k."""
    passage = load_prompt("passage")
    blocks = []
    for n, h in enumerate(hits, 1):
        c = h.chunk
        span = c.spans[0] if c.spans else None
        blocks.append(
            passage.format(
                n=str(n),
                council=c.council or "unknown council",
                committee=c.committee or "unknown committee",
                meeting_date=c.meeting_date.isoformat() if c.meeting_date else "undated",
                item=f"item {c.item} {c.item_title}".strip() if c.item else (c.item_title or "no item"),
                page=(span.label or str(span.pdf_page)) if span and (span.label or span.pdf_page) else "n/a",
                text=mask(c.text),  # words addressed to an AI are replaced by a marker the prompt explains
            )
        )
    return load_prompt("answer").format(passages="\n".join(blocks), question=question, abstain_text=ABSTAIN_TEXT)


def supporting_quote(sentence: str, hit: Hit):
    """The sentence of a passage that shares the most words with a generated sentence."""
    words = {w.lower() for w in _WORD.findall(MARKER.sub(" ", sentence)) if len(w) > 2}
    best, best_overlap = None, -1
    for s in split_sentences(hit.chunk, 0):
        overlap = len(words & {w.lower() for w in _WORD.findall(s.text)})
        if overlap > best_overlap:
            best, best_overlap = s, overlap
    return best


class GeneratedAnswer:
    """Runs one generation: stream() yields Released sentences; answer() builds the final Answer."""

    def __init__(self, question: str, hits: list[Hit], llm, store: IndexStore, deadline_s: float):
        self.question = question
        self.hits = hits
        self.llm = llm
        self.store = store
        self.deadline_s = deadline_s
        self.passages = {n: f"{h.chunk.header()}\n{mask(h.chunk.text)}" for n, h in enumerate(hits, 1)}  # as the LLM saw them
        self.kept: list[Checked] = []
        self.removed: list[Checked] = []
        self.citations: list[Citation] = []
        self._number: dict[int, int] = {}  # passage n -> citation number
        self.abstained = False
        self.raw = ""

    def stream(self) -> Iterator[Released]:
        """Verified sentences as the LLM completes them (raises LLMUnavailable on failure)."""
        buffer = ""
        for delta in stream_text(self.llm, build_prompt(self.question, self.hits), self.deadline_s):
            self.raw += delta
            buffer += delta
            ends = list(SENTENCE_END.finditer(buffer))
            if not ends:
                continue
            # everything before the last sentence break is complete sentences; the rest is still arriving
            for sentence in split_generated(buffer[: ends[-1].start()]):
                released = self._take(sentence)
                if released:
                    yield released
            buffer = buffer[ends[-1].end() :]
        if buffer.strip():
            released = self._take(buffer)
            if released:
                yield released

    def _take(self, sentence: str) -> Released | None:
        if squash(ABSTAIN_TEXT) in squash(sentence):
            self.abstained = True
            return None
        checked = check_sentence(sentence, self.passages)
        if not checked.ok:
            self.removed.append(checked)
            return None
        mapping: dict[int, int] = {}
        for n in dict.fromkeys(checked.cites):
            number = self._cite(n, sentence)
            if number is None:
                checked.ok, checked.reason = False, f"no sentence of passage {n} on its page supports it"
                self.removed.append(checked)
                return None
            mapping[n] = number
        self.kept.append(checked)
        return Released(MARKER.sub(lambda m: f"[{mapping[int(m.group(1))]}]", sentence))

    def _cite(self, n: int, sentence: str) -> int | None:
        if n in self._number:
            return self._number[n]
        hit = self.hits[n - 1]
        quote = supporting_quote(sentence, hit)
        if quote is None or not quote_on_page(self.store, hit.chunk.paper_id, quote.page_index, quote.text):
            return None
        number = page_number(self.citations, hit.chunk.paper_id, quote.page_index)
        citation = sentence_citation(number, quote)
        citation.verified = True
        self.citations.append(citation)
        self._number[n] = number
        return number

    def answer(self, released: list[Released]) -> Answer:
        """The final Answer from the sentences that were released."""
        removed = [{"sentence": r.text, "reason": r.reason} for r in self.removed]
        notice = instruction_notice(self.hits)
        if not released:
            return Answer(self.question, ABSTAIN_TEXT, [], self.hits, abstained=True, mode="generative", removed=removed, notice=notice)
        return Answer(
            self.question,
            " ".join(r.text for r in released),
            self.citations,
            self.hits,
            mode="generative",
            removed=removed,
            notice=notice,
        )
