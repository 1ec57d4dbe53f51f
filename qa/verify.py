"""The verifier for generated answers: every sentence cited, every citation real, every fact in the cited passages.

A sentence passes when it carries at least one [n], every n is a passage the LLM was shown, and
every number, date, money amount and proper name in it appears in the passages it cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.text import squash

MARKER = re.compile(r"\[(\d{1,3})\]")
SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z£\"“(])")
_MONEY = re.compile(r"£\s?\d[\d,.]*\s?(?:m|bn|k|million|billion)?", re.IGNORECASE)
_NUMBER = re.compile(r"\b\d[\d,.]*%?")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})(?:\s+\d{{4}})?\b|\b(?:{_MONTHS})\s+\d{{4}}\b", re.IGNORECASE)
_CAPITAL = re.compile(r"\b[A-Z][a-zA-Z'’-]{2,}\b")
# capitalised words that are not names of anything
_NOT_NAMES = {
    "The", "This", "That", "These", "Those", "There", "They", "Their", "It", "Its", "In", "On", "At", "As", "An",
    "And", "But", "For", "With", "From", "By", "Of", "To", "A", "Members", "Member", "Officers", "Officer", "Council",
    "Councillor", "Councillors", "Committee", "Commission", "Cabinet", "Chair", "Mayor", "Report", "Minutes",
    "Agreed", "Resolved", "Noted", "Item", "Page", "Appendix", "Also", "However", "While", "When", "Which", "Who",
    "What", "Where", "Following", "Under", "After", "Before", "During", "All", "Some", "No", "Yes", "He", "She",
    "We", "Our", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}


_FILLER = {"passage", "passages", "this", "that", "there", "their", "which", "with", "from", "were", "have", "been", "also", "would", "will", "about", "into", "more", "than", "said", "says", "according"}


@dataclass
class Checked:
    """One generated sentence and what the verifier found."""

    text: str
    cites: list[int]
    ok: bool
    reason: str = ""
    facts: list[str] = field(default_factory=list)


def split_generated(text: str) -> list[str]:
    """Sentences of a generated answer (a citation marker stays with the sentence before it)."""
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


def facts_in(sentence: str) -> list[str]:
    """The checkable facts of a sentence: money, numbers, dates and proper names."""
    body = MARKER.sub(" ", sentence)
    facts = [m.group().strip().rstrip(".,") for m in _MONEY.finditer(body)]
    facts += [m.group() for m in _DATE.finditer(body)]
    facts += [m.group().rstrip(".,") for m in _NUMBER.finditer(body)]
    # capitalised words, but not the sentence's first word (capitalised as a first word, not as a name)
    first = re.match(r"\W*[\w'’-]+", body)
    rest = body[first.end():] if first else body
    words = [re.sub(r"['’]s$", "", w) for w in _CAPITAL.findall(rest)]
    facts += [w for w in words if w not in _NOT_NAMES]
    seen, out = set(), []
    for f in facts:
        if f and f not in seen:
            seen.add(f)
            out.append(f)
    return out


def check_sentence(sentence: str, passages: dict[int, str]) -> Checked:
    """Verify one generated sentence against the passages it cites."""
    cites = [int(n) for n in MARKER.findall(sentence)]
    if not cites:
        return Checked(sentence, cites, False, "no citation")
    unknown = [n for n in cites if n not in passages]
    if unknown:
        return Checked(sentence, cites, False, f"cites passage {unknown[0]}, which it was not given")
    cited = squash(" ".join(passages[n] for n in cites))
    facts = facts_in(sentence)
    missing = [f for f in facts if squash(f) not in cited]
    if missing:
        return Checked(sentence, cites, False, f"not in the cited passages: {', '.join(missing)}", facts)
    words = {w for w in re.findall(r"[a-z]{4,}", squash(MARKER.sub(" ", sentence))) if w not in _FILLER}
    if not words or len([w for w in words if w in cited]) < min(2, len(words)):
        return Checked(sentence, cites, False, "says nothing the cited passage says", facts)
    return Checked(sentence, cites, True, "", facts)
