"""`qa doctor`: does the catalog agree with Chroma, paper by paper, and repair what does not.

The catalog is the truth about which papers are indexed and holds their page texts, so a paper's chunks
can be rebuilt from it without the original file: repair re-chunks and re-embeds a paper whose chunks or
record embeddings in Chroma disagree with its catalog row, deletes chunks no catalogued paper owns, and
rebuilds a damaged Chroma directory (kept aside, renamed) from the whole catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .build import IndexOptions, embed_and_store
from .chunk import chunk_pages
from .errors import DamagedIndex
from .store import IndexStore, chroma_damage


@dataclass
class Finding:
    """One paper whose chunks or record embeddings in Chroma disagree with the catalog."""

    paper_id: str
    source: str
    problem: str


@dataclass
class Checkup:
    """What `check` found and, after `repair`, what was done."""

    papers: int = 0
    chunks: int = 0
    damaged: str | None = None  # why the Chroma files cannot be opened
    findings: list[Finding] = field(default_factory=list)
    orphans: dict[str, int] = field(default_factory=dict)  # paper id -> chunks no catalogued paper owns
    repaired: list[str] = field(default_factory=list)
    kept_aside: str | None = None  # where a damaged Chroma directory was moved

    @property
    def ok(self) -> bool:
        """True when catalog and Chroma agree."""
        return not (self.damaged or self.findings or self.orphans)


def check(store: IndexStore) -> Checkup:
    """Compare the catalog with Chroma: chunks and record embeddings per paper, and chunks of unknown papers."""
    papers = store.papers()
    out = Checkup(papers=len(papers), chunks=sum(p.chunks for p in papers))
    out.damaged = None if store.config.chroma_host else chroma_damage(store.config.data_dir / "chroma")
    if not out.damaged:
        try:
            chunks = store.chroma_ids()
            records = store.chroma_ids(records=True)
        except DamagedIndex as exc:
            out.damaged = str(exc)
    if out.damaged:  # every paper is to be re-embedded
        out.findings = [Finding(p.id, p.source, "Chroma damaged") for p in papers]
        return out
    catalog_records = store.record_counts()
    for p in papers:
        problems = []
        if chunks.get(p.id, 0) != p.chunks:
            problems.append(f"{p.chunks} chunks in the catalog, {chunks.get(p.id, 0)} in Chroma")
        if records.get(p.id, 0) != catalog_records.get(p.id, 0):
            problems.append(f"{catalog_records.get(p.id, 0)} records in the catalog, {records.get(p.id, 0)} embedded")
        if problems:
            out.findings.append(Finding(p.id, p.source, "; ".join(problems)))
    live = {p.id for p in papers}
    out.orphans = {pid: n for pid, n in chunks.items() if pid not in live}
    for pid in records.keys() - live:
        out.orphans.setdefault(pid, 0)
    return out


def repair(store: IndexStore, options: IndexOptions | None = None, wait: bool = True, on_wait=None) -> Checkup:
    """Check, then make Chroma agree with the catalog (under the write lock); returns the check made before."""
    options = options or IndexOptions()
    with store.writing("repairing (qa doctor --repair)", wait=wait, on_wait=on_wait):
        found = check(store)
        if found.damaged:
            found.kept_aside = str(store.set_chroma_aside())
        if found.orphans:
            store.delete_paper_chunks(sorted(found.orphans))
        embedder = None
        for f in found.findings:
            paper = store.paper(f.paper_id)
            if paper is None:
                continue
            if embedder is None:
                from .embed import load_embedder  # the model's libraries only when something is re-embedded

                embedder = load_embedder(store.get_info("embed_model") or options.embed_model, options.embed_batch_size, options.embed_dtype)
            store.delete_paper_chunks([paper.id])
            chunks = chunk_pages(paper.id, paper.source, paper.meta, store.pages(paper.id), options.chunk)
            embed_and_store(store, embedder, paper.id, chunks)  # no time budget: a repair finishes what it starts
            found.repaired.append(paper.source)
    return found
