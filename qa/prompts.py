"""Prompt templates from prompts/*.txt, loaded by name; a missing or unknown placeholder fails at load time."""

from __future__ import annotations

import string
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.errors import CouncilQAError

def prompts_dir() -> Path:
    """prompts/ of the source tree (a clone, an editable install), else the copy a wheel installs under
    <prefix>/share/councilqa/prompts."""
    here = Path(__file__).resolve().parent.parent / "prompts"
    return here if here.is_dir() else Path(sys.prefix) / "share" / "councilqa" / "prompts"


PROMPTS_DIR = prompts_dir()

# every template and the placeholders it must use
EXPECTED = {
    "answer": {"passages", "question", "abstain_text"},
    "passage": {"n", "council", "committee", "meeting_date", "item", "page", "text"},
}


class PromptError(CouncilQAError):
    """A prompt file is missing or its placeholders are wrong."""


@dataclass(frozen=True)
class Prompt:
    """A named text template with `{placeholders}`."""

    name: str
    text: str

    def fields(self) -> set[str]:
        """The placeholders the template uses."""
        return {f for _, f, _, _ in string.Formatter().parse(self.text) if f}

    def format(self, **values: str) -> str:
        """Fill every placeholder; a missing value is an error naming it."""
        missing = self.fields() - set(values)
        if missing:
            raise PromptError(f"prompt '{self.name}' needs values for: {', '.join(sorted(missing))}")
        return self.text.format(**values)


@lru_cache(maxsize=None)
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    """Load prompts/NAME.txt and check its placeholders against what the code fills in."""
    path = folder / f"{name}.txt"
    if not path.is_file():
        raise PromptError(f"no prompt file {path}")
    prompt = Prompt(name, path.read_text(encoding="utf-8"))
    expected = EXPECTED.get(name)
    if expected is not None and prompt.fields() != expected:
        raise PromptError(
            f"prompt {path} uses {sorted(prompt.fields())}, expected {sorted(expected)}"
        )
    return prompt
