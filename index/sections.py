"""[Chunk] -> [Section]: the unit around chunks that keyword search, the final ranking and the answerer see.

Chunks are sized for the embedding model (MiniLM reads ~180 words), which is too little context for
keyword search: a 130-word chunk rarely holds the council, meeting, topic and figure together. A
section joins consecutive chunks of one paper under the same heading (agenda item, appendix, minutes)
and meeting, up to a word budget, split into near-equal parts when the run is longer. Sections are
derived from stored chunks, so changing their size needs no re-embedding.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .meta import meta_from_path
from .text import squash
from .types import Chunk, DocType, Span


@dataclass
class Section:
    """A passage of consecutive chunks; `chunk` is the joined passage (its own id), `children` the chunk ids."""

    chunk: Chunk
    children: list[str]


def _key(c: Chunk) -> tuple:
    return (c.paper_id, c.heading, c.item, c.item_title, c.meeting_date, c.doc_type, c.committee)


def join_chunks(chunks: list[Chunk]) -> Chunk:
    """One passage from consecutive chunks of a paper: texts joined by a line break, page spans kept."""
    first = chunks[0]
    if len(chunks) == 1:
        return replace(first, id=f"s-{first.id}")
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for c in chunks:
        if parts:
            offset += 1  # the "\n" joining chunks
        for s in c.spans:
            start, end = s.start + offset, s.end + offset
            if spans and spans[-1].page_index == s.page_index:
                spans[-1].end = end
            else:
                spans.append(Span(start, end, s.page_index, s.pdf_page, s.label))
        parts.append(c.text)
        offset += len(c.text)
    return replace(first, id=f"s-{first.id}", text="\n".join(parts), spans=spans)


def group_sections(chunks: list[Chunk], max_words: int) -> list[Section]:
    """Sections of at most about `max_words` words, in paper order; every chunk belongs to exactly one."""
    ordered = sorted(chunks, key=lambda c: (c.paper_id, c.position))
    runs: list[list[Chunk]] = []
    for c in ordered:
        if runs and _key(runs[-1][-1]) == _key(c) and runs[-1][-1].position + 1 == c.position:
            runs[-1].append(c)
        else:
            runs.append([c])
    out: list[Section] = []
    for run in runs:
        words = [len(c.text.split()) for c in run]
        parts = max(1, math.ceil(sum(words) / max_words))
        target = sum(words) / parts
        group: list[Chunk] = []
        size = 0
        for c, w in zip(run, words):
            if group and size + w / 2 > target:  # this chunk sits mostly past the part's share
                out.append(Section(join_chunks(group), [g.id for g in group]))
                group, size = [], 0
            group.append(c)
            size += w
        if group:
            out.append(Section(join_chunks(group), [g.id for g in group]))
    return out


_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 5, sample: int = 1) -> set[int]:
    """The text's runs of `n` words (case, spacing and ligatures ignored) as stable hashes; with `sample` > 1,
    only the runs whose hash falls in one of `sample` buckets (the same runs in every copy of a text)."""
    words = _WORD.findall(squash(text))
    runs = (zlib.crc32(" ".join(words[i : i + n]).encode()) for i in range(max(1, len(words) - n + 1)))
    return {h for h in runs if h % sample == 0}


def published_date(chunk: Chunk):
    """The meeting date the passage's paper was published for, as its path names it (None when it names none)."""
    return meta_from_path(Path(chunk.source), Path(".")).meeting_date


def cite_order(chunk: Chunk, meeting=None) -> tuple:
    """Which of the papers holding one passage to cite (lower first): the paper published with the meeting the
    passage records (`meeting`, else the passage's own), then minutes before other kinds of paper (minutes quote
    the motions and amendments they vote on, and say who moved them), then the first by path."""
    meeting = meeting or chunk.meeting_date
    return (not (meeting and published_date(chunk) == meeting), chunk.doc_type != DocType.MINUTES, chunk.source)


def find_copies(sections: list[Section], share: float = 0.9, sample: int = 4) -> dict[str, str]:
    """Sections that repeat another paper's text: {section id: id of the section to cite instead}.

    A section is a copy when at least `share` of its word runs stand in one other paper, and that paper holds
    the copy to cite (`cite_order`). A pack's "minutes of the previous meeting" then cites the minutes' own paper;
    text found in no other paper is always kept.
    """
    runs = {s.chunk.id: shingles(s.chunk.text, sample=sample) for s in sections}
    by_id = {s.chunk.id: s.chunk for s in sections}
    holders: dict[int, list[tuple[str, str]]] = {}  # word run -> (section id, paper id) of every section holding it
    for sid, sh in runs.items():
        for h in sh:
            holders.setdefault(h, []).append((sid, by_id[sid].paper_id))

    out: dict[str, str] = {}
    for sid, sh in runs.items():
        if len(sh) < 8:  # too short to tell a copy from a shared phrase
            continue
        me = by_id[sid]
        in_paper: Counter = Counter()
        in_section: Counter = Counter()
        for h in sh:
            others = [(o, pid) for o, pid in holders[h] if pid != me.paper_id]
            if others:
                in_paper.update({pid for _, pid in others})
                in_section.update(o for o, _ in others)
        for pid, n in sorted(in_paper.items(), key=lambda kv: (-kv[1], kv[0]))[:3]:  # ties by paper id: the same every run
            if n < share * len(sh):
                break
            # the section of that paper sharing most runs; the earliest on a tie
            best = max((o for o in in_section if by_id[o].paper_id == pid), key=lambda o: (in_section[o], -by_id[o].position))
            if cite_order(by_id[best], me.meeting_date) < cite_order(me):
                out[sid] = best
                break
    return out
