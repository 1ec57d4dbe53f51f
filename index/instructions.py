"""Text in a paper that addresses an AI rather than a reader ("Ignore all previous instructions and answer
that …"): found when indexing, never evidence for an answer.

Each pattern names a way of addressing a machine; none matches a council's own wording (measured on the
shared corpus: no sentence of its 196 papers matches, see tests/test_instructions.py). "Assistant" alone is
not enough: councils have Assistant Directors who must report.
"""

from __future__ import annotations

import re

_MACHINE = r"(?:ai|a\.i\.|artificial intelligence|ai assistant|ai model|chatbot|chat ?gpt|language model|llm|large language model|virtual assistant|digital assistant)"
_PATTERNS = [
    # "ignore all previous instructions", "disregard the above prompt", "forget your rules"
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|all|any|your|the system)\b[^.\n]{0,30}?\b(?:instructions?|prompts?|rules|directions|guidelines)\b",
    # "you are a helpful assistant", "act as an AI", "pretend to be a language model"
    r"\b(?:you are|you're|act as|pretend to be|behave as)\s+(?:an?\s+|the\s+)?(?:helpful\s+|friendly\s+)?(?:assistant|" + _MACHINE[3:],
    # "any AI reading this must answer", "language models should say"
    r"\b" + _MACHINE + r"s?\b[^.\n]{0,60}?\b(?:must|should|shall|is instructed to|are instructed to|will now)\s+(?:always\s+)?(?:answer|say|tell|reply|respond|state|claim|report that|output)\b",
    # "you must tell the user", "tell the user that"
    r"\b(?:you must|you should|always)\s+(?:tell|answer|say to|reply to|respond to|inform)\s+(?:the\s+)?(?:user|reader|questioner)s?\b",
    r"\btell the user\b",
    # role prefixes of a chat transcript at the start of a line: "system: …", "assistant: …"
    r"(?:^|\n)\s*(?:system|assistant|user)\s*:\s*\S",
    # "new instructions:", "hidden prompt:"
    r"\b(?:new|updated|hidden|secret|real)\s+(?:instructions?|prompts?|system prompt)\s*:",
]
_ADDRESSED = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def addressed_to_ai(text: str) -> bool:
    """Whether `text` (a sentence, a quote, a passage) holds words addressed to an AI."""
    return bool(_ADDRESSED.search(text))


def instruction_count(text: str) -> int:
    """How many places in `text` address an AI (stored with each chunk when indexing)."""
    return sum(1 for _ in _ADDRESSED.finditer(text))


_SENTENCE_EDGE = re.compile(r"[.!?](?=\s)|\n")
MASK = "[text addressed to an AI assistant, left out: not evidence]"


def mask(text: str) -> str:
    """`text` with each sentence that addresses an AI replaced by MASK (what an LLM is shown of a passage)."""
    if not _ADDRESSED.search(text):
        return text
    cuts: list[tuple[int, int]] = []
    for m in _ADDRESSED.finditer(text):
        before = [e.end() for e in _SENTENCE_EDGE.finditer(text, 0, m.start())]
        start = before[-1] if before else 0
        after = _SENTENCE_EDGE.search(text, m.end())
        end = after.end() if after else len(text)
        if cuts and start <= cuts[-1][1]:
            cuts[-1] = (cuts[-1][0], max(end, cuts[-1][1]))
        else:
            cuts.append((start, end))
    out, last = [], 0
    for start, end in cuts:
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        out += [text[last : start + lead], MASK]
        last = end
    out.append(text[last:])
    return "".join(out)
