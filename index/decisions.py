"""A paper's decisions, commitments and exempt items (run at index time, stored with the paper).

index.motions reads the decisions, index.commitments the promises; a resolution that gives someone a
task ("calls on the Cabinet Member to: a) write again to the government") is both.
"""

from __future__ import annotations

from dataclasses import replace

from .commitments import TASK, as_commitment, extract_commitments, resolve_due
from .exempt import exempt_items
from .motions import MinutesReader, extract_decisions
from .records import DECISION_KINDS, Record, read_lines
from .text import squash
from .types import Chunk

__all__ = ["DECISION_KINDS", "Record", "extract_commitments", "extract_decisions", "extract_records", "resolve_due"]


def extract_records(chunks: list[Chunk]) -> list[Record]:
    """Decisions, commitments, then the exempt items (index.exempt) of one paper. Resolutions that give someone a task ("asks the Cabinet Member
    to: a) write again to the government") are commitments too."""
    reader = MinutesReader(read_lines(chunks))
    decisions = reader.read()
    commitments = extract_commitments(chunks, reader.quoted)
    tasks = [as_commitment(r, r.who) for r in reader.commitments]  # made for this, not kept elsewhere
    tasks += [as_commitment(replace(r, votes={})) for r in decisions if TASK.match(r.text)]
    known = [squash(c.text) for c in commitments]
    for t in tasks:
        text = squash(t.text)
        if not any(text in k or k in text for k in known):
            commitments.append(t)
            known.append(text)
    return decisions + commitments + exempt_items(chunks)
