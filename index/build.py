"""build_index: discover -> parse -> chunk -> embed -> store, one paper at a time, one bad paper never stops a batch."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .chunk import ChunkOptions, chunk_pages
from .decisions import extract_records
from .discover import Found, discover, file_hash, find_manifests
from .errors import CouncilQAError, ParseError, TooLarge
from .exempt import withhold
from .meta import (
    committee_from_text,
    council_from_text,
    council_heading,
    folder_consensus,
    meeting_date_from_text,
    merge,
    meta_from_path,
    unify_names,
)
from .ocr import available as ocr_available
from .parse import MIN_TEXT_CHARS, parse_paper
from .store import IndexStore
from .text import squash
from .types import DocType, IndexReport, Page, Paper, PaperMeta, Skipped

log = logging.getLogger(__name__)

PARSER_VERSION = "1"


@dataclass
class IndexOptions:
    """How papers are chunked and embedded."""

    embed_model: str = "all-MiniLM-L6-v2"
    embed_batch_size: int = 32
    embed_dtype: str = "auto"  # index.embed.resolve_dtype
    chunk: ChunkOptions = field(default_factory=ChunkOptions)
    max_paper_mb: float = 200.0  # a bigger file is refused before it is read
    max_paper_chunks: int = 5000  # a paper that chunks into more is refused before anything is embedded
    paper_budget_s: float = 900.0  # a paper still embedding after this long is given up, and nothing of it kept
    ocr: bool = True  # read pages without a text layer with Tesseract, where it is installed


# progress(event, source, done, total): event is "start", "indexed", "unchanged", "failed", "removed";
# "embedding" within a paper (done and total count its chunks); "sentences" after the papers (done and total count
# the sentences embedded for answers, qa.assistant.prepare); or "waiting" (source: who else is writing the index)
# before this run may start
Progress = Callable[[str, str, int, int], None]


def _from_text(pages: list[Page]) -> PaperMeta:
    """What a paper says about itself in its first pages."""
    head = "\n".join(p.text for p in pages[:3])
    return PaperMeta(council=council_from_text(head), committee=committee_from_text(head), meeting_date=meeting_date_from_text(head))


def stated_meta(found: Found, pages: list[Page]) -> PaperMeta:
    """What a paper says about itself (its first pages), then what its file and folder names say."""
    return merge(_from_text(pages), meta_from_path(found.path, found.root))


def paper_meta(found: Found, pages: list[Page], manifest: PaperMeta | None, around: PaperMeta | None = None) -> PaperMeta:
    """Metadata for a paper: the manifest first, then what the papers around it agree on (council, committee),
    then what the paper says, then its folder and file names."""
    from_text = _from_text(pages)
    meta = merge(manifest or PaperMeta(), around or PaperMeta(), from_text, meta_from_path(found.path, found.root))
    head = "\n".join(p.text for p in pages[:3])
    if meta.doc_type == DocType.MINUTES and from_text.meeting_date:
        # minutes carried in a later meeting's papers: the minutes' own date, not the adopting meeting's
        meta.meeting_date = from_text.meeting_date
    if found.path.suffix.lower() in {".html", ".htm"} and pages and pages[0].text:
        meta.title = pages[0].text.split("\n")[0][:160]
        if meta.doc_type is None:
            meta.doc_type = DocType.MINUTES if "minutes" in head.lower()[:400] else DocType.AGENDA
    elif meta.doc_type is None and found.path.suffix.lower() in {".md", ".txt"} and _MINUTES_HEADING.search(head[:400]):
        meta.doc_type = DocType.MINUTES  # a text paper headed "Minutes of the Cabinet held on …" (no manifest, no name)
    return meta


_MINUTES_HEADING = re.compile(r"^\W*minutes of (?:the |a )?(?:meeting|proceedings|\w)", re.IGNORECASE | re.MULTILINE)


def agreed_meta(found: list[Found], hashes: dict[Path, str], store: IndexStore, manifest: dict[Path, PaperMeta]) -> dict[Path, PaperMeta]:
    """Council and committee as the papers of each folder agree on them (index.meta.folder_consensus).

    A paper without a manifest often names other councils (a district in a county report, a city in a
    combined authority's) or none; the folder it was published in decides. Indexed papers vote with their
    stored metadata; new ones are read (parsing is cheap beside embedding).
    """
    stated: dict[Path, PaperMeta] = {}
    headed: dict[Path, tuple[str, str]] = {}  # papers that name their council in a line of its own: (council, text)
    for item in found:
        previous = store.paper_by_path(str(item.path))
        listed = manifest.get(item.path)
        if previous and previous.id == hashes.get(item.path):
            stated[item.path] = previous.meta
            continue
        if listed and listed.council and listed.committee:
            stated[item.path] = listed
            continue
        if item.path not in hashes:
            continue  # unreadable or over the size limit: refused later, with its reason; not read to vote
        try:
            pages = parse_paper(item.path)
        except (ParseError, OSError):
            continue
        stated[item.path] = stated_meta(item, pages)
        heading = council_heading(pages[0].text) if pages else None
        if heading:
            headed[item.path] = (heading, squash("\n".join(p.text for p in pages[:3])))
    councils = folder_consensus({p: m.council for p, m in stated.items()})
    for path, (heading, text) in headed.items():
        # another council's paper in a folder of one council's papers: headed by its own name, never naming theirs
        if path not in councils or squash(councils[path]) not in text:
            councils[path] = heading
    committees = folder_consensus({p: m.committee for p, m in stated.items()})
    spelling = unify_names([*committees.values(), *(m.committee for m in stated.values())])
    out = {}
    for item in found:
        committee = committees.get(item.path) or stated.get(item.path, PaperMeta()).committee
        out[item.path] = PaperMeta(council=councils.get(item.path), committee=spelling.get(committee) if committee else None)
    return out


EMBED_SLICE = 256  # chunks embedded and stored between two progress reports and budget checks


def embed_and_store(
    store: IndexStore, embedder, paper_id: str, chunks: list, budget: tuple[float, float] | None = None, progress=None
) -> list:
    """Embed a paper's chunks and its decision/commitment records and add them to Chroma; returns the records
    (the catalog row that makes them live is the caller's to commit).

    Works in slices, calling `progress(done, total)` after each; `budget` is (started, seconds) on
    time.monotonic(): past it, TooLarge is raised, and what was stored is left for the caller to delete.
    """
    from llama_index.core.schema import MetadataMode  # here, not at import: `qa --help` and `qa stats` load no llama-index

    texts = [c.to_node().get_content(metadata_mode=MetadataMode.EMBED) for c in chunks]
    for start in range(0, len(chunks), EMBED_SLICE):
        if budget is not None and time.monotonic() > budget[0] + budget[1]:
            raise TooLarge(
                f"not indexed: still embedding after {start:,} of {len(chunks):,} chunks when its time ran out "
                f"({budget[1]:,.0f} s, index.paper_budget_s); split the file, or raise the budget"
            )
        part = slice(start, start + EMBED_SLICE)
        store.add_chunks(chunks[part], embedder.get_text_embedding_batch(texts[part]))
        if progress:
            progress(min(start + EMBED_SLICE, len(chunks)), len(chunks))
    records = extract_records(chunks)
    if records:
        store.add_record_embeddings(paper_id, records, embedder.get_text_embedding_batch([r.search_text() for r in records]))
    return records


def build_index(
    paths: list[Path],
    store: IndexStore,
    options: IndexOptions | None = None,
    manifests: list[Path] | None = None,
    prune: bool = False,
    progress: Progress | None = None,
    wait: bool = True,
) -> IndexReport:
    """Index files and folders into `store`; unchanged papers cost a hash, changed ones are replaced.

    The whole run holds the index's write lock: another writer makes it wait (`progress("waiting", ...)`),
    or with `wait=False` raise IndexBusy.
    """
    progress = progress or (lambda *a: None)
    doing = f"indexing {paths[0]}" + (f" and {len(paths) - 1} more" if len(paths) > 1 else "") if paths else "indexing"
    with store.writing(doing, wait=wait, on_wait=lambda other: progress("waiting", other.describe(), 0, 0)):
        return _build(paths, store, options or IndexOptions(), manifests, prune, progress)


def _build(paths: list[Path], store: IndexStore, options: IndexOptions, manifests: list[Path] | None, prune: bool, progress: Progress) -> IndexReport:
    report = IndexReport()
    started = time.perf_counter()
    built_with = store.get_info("embed_model")
    if built_with and built_with != options.embed_model:
        raise CouncilQAError(
            f"the index at {store.config.data_dir} was built with embedding model {built_with}, not "
            f"{options.embed_model}; use a new data directory or delete this one"
        )
    orphans = store.orphan_paper_ids()  # no other writer is live (we hold the lock): these are a dead run's
    if orphans:
        log.info("removing chunks of %d interrupted or replaced papers", len(orphans))
        store.delete_paper_chunks(sorted(orphans))

    found = discover(paths)
    manifest = find_manifests(paths, manifests)
    embedder = None
    seen_ids: dict[str, str] = {}
    known = {p.id: p for p in store.papers()}
    total = len(found)
    hashes: dict[Path, str] = {}
    unreadable: dict[Path, OSError] = {}
    oversized: dict[Path, float] = {}  # refused before they are read: not even hashed
    for item in found:
        try:
            size_mb = item.path.stat().st_size / 1e6
            if size_mb > options.max_paper_mb:
                oversized[item.path] = size_mb
                continue
            hashes[item.path] = file_hash(item.path)
        except OSError as exc:
            unreadable[item.path] = exc
    around = agreed_meta(found, hashes, store, manifest)
    for n, item in enumerate(found, start=1):
        source = item.source
        progress("start", source, n - 1, total)
        if item.path in unreadable:
            exc = unreadable[item.path]
            report.skipped.append(Skipped(source, f"cannot read file: {exc.strerror or exc}"))
            progress("failed", source, n, total)
            continue
        if item.path in oversized:
            reason = f"too large to index: {oversized[item.path]:,.0f} MB, over the limit of {options.max_paper_mb:,.0f} MB (index.max_paper_mb)"
            report.skipped.append(Skipped(source, reason))
            progress("failed", source, n, total)
            continue
        paper_id = hashes[item.path]
        previous = store.paper_by_path(str(item.path))
        if previous and previous.id == paper_id:
            report.unchanged.append(source)
            seen_ids[paper_id] = source
            progress("unchanged", source, n, total)
            continue
        duplicate_of = seen_ids.get(paper_id) or (known[paper_id].source if paper_id in known else None)
        if duplicate_of:
            report.unchanged.append(source)
            report.duplicates.append((source, duplicate_of))
            progress("unchanged", source, n, total)
            continue
        paper_started = time.monotonic()
        try:
            pages, cut = withhold(parse_paper(item.path, ocr=options.ocr))
            read = [p.label or str(p.pdf_page) for p in pages if p.ocr]
            if read:
                report.ocr_read.append((source, read))
            textless = [p.label or str(p.pdf_page) for p in pages if p.pdf_page and not p.ocr and len(p.text.strip()) < MIN_TEXT_CHARS]
            if textless and options.ocr and not ocr_available():
                report.needs_ocr.append((source, textless))
            if cut:
                report.withheld.append((source, [pages[n].label or str(n + 1) for n in cut]))
            meta = paper_meta(item, pages, manifest.get(item.path), around.get(item.path))
            paper = Paper(id=paper_id, path=item.path, source=source, meta=meta)
            chunks = chunk_pages(paper.id, source, meta, pages, options.chunk)
            if not chunks:
                raise ParseError("no text to index after parsing")
            if len(chunks) > options.max_paper_chunks:
                raise TooLarge(
                    f"too long to index: {len(chunks):,} chunks, over the limit of {options.max_paper_chunks:,} "
                    "(index.max_paper_chunks); split the file, or raise the limit"
                )
            if embedder is None:
                from .embed import load_embedder  # the model's libraries load only when a paper is to be embedded

                embedder = load_embedder(options.embed_model, options.embed_batch_size, options.embed_dtype)
                store.set_info("embed_model", options.embed_model)
            records = embed_and_store(
                store, embedder, paper.id, chunks, budget=(paper_started, options.paper_budget_s),
                progress=lambda done, of, source=source: progress("embedding", source, done, of),
            )
            store.commit_paper(paper, pages, len(chunks), replaces=previous.id if previous else None, records=records)
            if previous:
                store.delete_paper_chunks([previous.id])
                report.updated.append(source)
            else:
                report.added.append(source)
            report.chunks_embedded += len(chunks)
            seen_ids[paper_id] = source
            progress("indexed", source, n, total)
        except TooLarge as exc:
            if store.paper(paper_id) is None:
                store.delete_paper_chunks([paper_id])  # what was stored of it before its time ran out
            report.skipped.append(Skipped(source, str(exc)))
            progress("failed", source, n, total)
        except ParseError as exc:
            report.skipped.append(Skipped(source, str(exc)))
            progress("failed", source, n, total)
        except OSError as exc:
            report.skipped.append(Skipped(source, f"cannot read file: {exc.strerror or exc}"))
            progress("failed", source, n, total)

    if prune:
        present = {str(f.path) for f in found}
        roots = [p.resolve() for p in paths if p.is_dir()]
        gone = [
            p
            for p in store.papers()
            if p.path not in present and any(Path(p.path).is_relative_to(r) for r in roots) and not Path(p.path).exists()
        ]
        if gone:
            store.remove_papers([p.id for p in gone])
            report.removed.extend(p.source for p in gone)
            for p in gone:
                progress("removed", p.source, total, total)
    model = store.get_info("embed_model")
    if model:
        from .embed import export_onnx

        export_onnx(model, store.config.data_dir)  # once per index (a no-op after): questions then load no torch
    report.seconds = time.perf_counter() - started
    return report
