"""Assistant: the one object the CLI and UI hold. It connects the modules and holds no logic of its own."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from index import doctor
from index.build import Progress, build_index
from index.discover import file_hash
from index.doctor import Checkup
from index.errors import CouncilQAError
from index.exempt import EXEMPT, withheld
from index.store import IndexStore, StoredRecord
from index.types import DocType, IndexReport

from . import timeline
from .config import Settings, load_settings
from .generate import GeneratedAnswer
from .intent import Context, Intent, context_after, follow_up, parse
from .llm import LLMUnavailable, make_llm
from .register import RecordFilters, Register
from .timeline import Timeline
from .types import Answer, Filters, Hit

if TYPE_CHECKING:  # imported where first used, so `qa stats` and `qa decisions` load no model or search library
    from .answerers import Answerers
    from .retrieve import HybridRetriever


class Assistant:
    """Index papers, retrieve passages, answer questions with verified citations."""

    def __init__(self, settings: Settings | None = None, create: bool = False):
        self.settings = settings or load_settings()
        self.store = IndexStore(self.settings.store_config(), create=create)
        self._embedder = None
        self._retriever: HybridRetriever | None = None
        self._register: Register | None = None
        self._answerers: Answerers | None = None

    @property
    def embedder(self):
        """The embedding model the index was built with (loaded once)."""
        if self._embedder is None:
            from index.embed import load_question_embedder

            i = self.settings.index
            self._embedder = load_question_embedder(self._model_name(), self.settings.data_dir, i.question_runtime, i.embed_batch_size, i.embed_dtype)
        return self._embedder

    def _model_name(self) -> str:
        """The embedding model the index was built with, else the configured one (an empty index)."""
        return self.store.get_info("embed_model") or self.settings.index.embed_model

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever over this index."""
        if self._retriever is None:
            from .retrieve import HybridRetriever

            self._retriever = HybridRetriever(self.store, self.embedder, self.settings.retrieval)
        return self._retriever

    def index(
        self,
        paths: list[Path],
        manifests: list[Path] | None = None,
        prune: bool = False,
        progress: Progress | None = None,
        wait: bool = True,
    ) -> IndexReport:
        """Index files and folders (see index.build.build_index: one writer at a time, `wait` or IndexBusy); after a
        change, what questions derive from the index is built and saved here, so no reader pays for it."""
        report = build_index(paths, self.store, self.settings.index.to_options(), manifests, prune, progress, wait)
        if report.added or report.updated or report.removed:
            self.prepare(progress)
        return report

    def prepare(self, progress: Progress | None = None) -> None:
        """Build (or load) and save the sections, BM25 and agendas of the index's current generation, and (setting
        answer.prepare_sentences) the vectors of the sentences answers compare with a question."""
        self.retriever.chunk_count()
        self.register.agendas.items()
        if self.settings.answer.prepare_sentences:
            from index.embed import load_embedder

            i = self.settings.index
            model = load_embedder(self._model_name(), i.embed_batch_size, i.embed_dtype)
            report = progress and (lambda done, total: progress("sentences", "", done, total))
            self.answerers.prepare(self.retriever.passages(), model, report)

    def sync(self, site: str, committees: list[str] | None = None, date_from=None, date_to=None, into: Path | None = None,
             council: str = "", progress: Progress | None = None, wait: bool = True):
        """Fetch a modern.gov site's papers into a folder (index.sync), then index that folder (what is unchanged is
        skipped by its hash): (SyncReport, IndexReport)."""
        from index.sync import sync

        folder = Path(into or self.settings.sync.folder or self.settings.data_dir / "papers")
        options = self.settings.sync.to_options(self.settings.index.max_paper_mb)
        fetched = sync(site, folder, committees, date_from, date_to, council, options, progress)
        return fetched, self.index([folder], progress=progress, wait=wait)

    def doctor(self, repair: bool = False, wait: bool = True, on_wait=None) -> Checkup:
        """Compare the catalog with Chroma, and with `repair` make them agree (index.doctor)."""
        if repair:
            return doctor.repair(self.store, self.settings.index.to_options(), wait=wait, on_wait=on_wait)
        return doctor.check(self.store)

    def resolve_filters(self, filters: Filters) -> Filters:
        """Map loosely typed council/committee names ("kent", "cabinet") to the names in the index."""
        papers = self.store.papers()
        out = Filters(**filters.__dict__)
        for attr, names in (
            ("council", {p.meta.council for p in papers if p.meta.council}),
            ("committee", {p.meta.committee for p in papers if p.meta.committee}),
        ):
            wanted = getattr(filters, attr)
            if not wanted:
                continue
            exact = [n for n in names if n.lower() == wanted.lower()]
            partial = [n for n in names if wanted.lower() in n.lower()]
            if exact:
                setattr(out, attr, exact[0])
            elif len(partial) == 1:
                setattr(out, attr, partial[0])
            elif partial:
                raise CouncilQAError(f"'{wanted}' matches several {attr}s: {', '.join(sorted(partial))}; be more specific")
            else:
                raise CouncilQAError(f"no {attr} '{wanted}' in the index; known: {', '.join(sorted(names)) or 'none'}")
        return out

    def retrieve(self, question: Intent | str, filters: Filters | None = None, top_k: int | None = None) -> list[Hit]:
        """The passages that best match a question."""
        intent = question if isinstance(question, Intent) else self.understand(question)
        if not intent.question.strip():
            raise CouncilQAError("the question is empty")
        filters = self.resolve_filters(filters or Filters())
        return self.retriever.retrieve(intent, filters, top_k)

    def understand(self, question: str, context: Context | None = None) -> Intent:
        """The question parsed against the councils and committees in the index, as the next question of a
        conversation in `context` (qa.intent.follow_up) when one is given."""
        r = self.retriever
        return follow_up(parse(question, r.councils(), r.committees()), context)

    def ask(self, question: str, filters: Filters | None = None, top_k: int | None = None, context: Context | None = None) -> Answer:
        """Answer a question from the papers with verified citations, or abstain. With `context` (the last
        answer's `.context`) a follow-up such as "and in January?" inherits the conversation's topic, council,
        committee and meetings; the answer's `.understood` says how it was read."""
        result = None
        for event in self.ask_stream(question, filters, top_k, context):
            if isinstance(event, Answer):
                result = event
        return result

    def ask_stream(self, question: str, filters: Filters | None = None, top_k: int | None = None, context: Context | None = None):
        """Yield verified answer sentences (str) as they are ready, then the final Answer (see `ask` for `context`).

        With a generative backend, each sentence is released only after the verifier passed it; if the
        LLM fails, is too slow, or nothing it wrote survives, the extractive answer is given instead.
        """
        started = time.perf_counter()
        if self.retriever.chunk_count() == 0:
            raise CouncilQAError(f"the index at {self.settings.data_dir} is empty. Build one with: qa index PAPERS_DIR")
        intent = self.understand(question, context)
        hits = self.retrieve(intent, filters, top_k)

        def part_hits(part: Intent) -> list[Hit]:  # a part's own search, for a part the whole question's passages miss
            return self.retrieve(part, filters, top_k)

        result = None
        if self.llm is not None and hits:
            run = GeneratedAnswer(question, hits, self.llm, self.store, self.settings.llm_timeout_s)
            released = []
            try:
                for sentence in run.stream():
                    released.append(sentence)
                    yield sentence.text
                result = run.answer(released)
                if not released and not run.abstained:
                    result = None  # nothing survived verification: fall back
            except LLMUnavailable as exc:
                notice = f"{exc}; showing the extractive answer"
                if released:  # what was already shown stays, verified
                    result = run.answer(released)
                    result.notice = notice
                else:
                    result = self.answerers.answer(intent, hits, part_hits)
                    result.mode, result.notice = "extractive-fallback", notice
            if result is None:
                result = self.answerers.answer(intent, hits, part_hits)
                result.mode = "extractive-fallback"
                result.removed = [{"sentence": r.text, "reason": r.reason} for r in run.removed]
                result.notice = "no generated sentence passed verification; showing the extractive answer"
                for piece in _sentences(result):
                    yield piece
            elif result.mode == "extractive-fallback":
                for piece in _sentences(result):
                    yield piece
        else:
            result = self.answerers.answer(intent, hits, part_hits)
            for piece in _sentences(result):
                yield piece
        first = result.citations[0] if result.citations else None
        result.context = context_after(intent, [first.council] if first else (), [first.committee] if first else ())
        if intent.follows:  # a follow-up: say how it was read, and answer the question as typed
            result.question, result.understood = question, result.context.describe()
        result.latency_s = time.perf_counter() - started
        yield result

    @property
    def llm(self):
        """The configured generative LLM, or None for extractive answers."""
        if not hasattr(self, "_llm"):
            self._llm = make_llm(self.settings)
        return self._llm

    @property
    def register(self) -> Register:
        """The decisions and commitments register of this index."""
        if self._register is None:
            self._register = Register(self.store, lambda: self.embedder, self.settings.retrieval.bm25_weight)
        return self._register

    def decisions(self, topic: str | None = None, filters: RecordFilters | None = None, limit: int = 50) -> list[StoredRecord]:
        """Decisions (agreed, noted, resolved, amendments with votes), by topic or in meeting order."""
        return self.register.list("decision", filters, topic, limit)

    def actions(self, topic: str | None = None, filters: RecordFilters | None = None, limit: int = 50) -> list[StoredRecord]:
        """Commitments and actions (what was promised, by whom, due when)."""
        return self.register.list("commitment", filters, topic, limit)

    def exempt_items(self, topic: str | None = None, filters: RecordFilters | None = None, limit: int = 50) -> list[StoredRecord]:
        """Items taken in private (exempt, Part B): each with its reason and the page that lists it, never its content."""
        return self.register.list(EXEMPT, filters, topic, limit)

    def withheld_pages(self, paper_id: str) -> set[int]:
        """The PDF pages of a paper marked not for publication (index.exempt): never rendered or served."""
        return {p.pdf_page for p in self.store.pages(paper_id) if p.pdf_page and withheld(p.text)}

    def timeline(self, topic: str, council: str | None = None, committee: str | None = None) -> Timeline:
        """Every meeting where `topic` was an agenda item, a decision, a commitment or taken in private, in date order
        (qa.timeline)."""
        register = self.register
        records = [r for kind in ("decision", "commitment", EXEMPT) for r in register.list(kind, limit=10**6)]
        agendas = register.agendas
        return timeline.build(topic, agendas.items(), records, agendas.last_meeting, self.store.papers(), council, committee)

    @property
    def answerers(self) -> Answerers:
        """The answerers over this index (qa.answerers)."""
        if self._answerers is None:
            r = self.retriever
            from .answerers import Answerers

            saved = self.store.text_vectors(self._model_name())
            self._answerers = Answerers(self.store, self.register, self.embedder, r.term_weights, r.stem_terms, self.settings.answer, saved)
        return self._answerers

    def filter_choices(self) -> dict:
        """Councils, committees, document types and the meeting date range in the index, for filter menus."""
        papers = self.store.papers()
        dates = [p.meta.meeting_date for p in papers if p.meta.meeting_date]
        return {
            "councils": sorted({p.meta.council for p in papers if p.meta.council}),
            "committees": sorted({p.meta.committee for p in papers if p.meta.committee}),
            "doc_types": [d.value for d in DocType],
            "first": min(dates) if dates else None,
            "last": max(dates) if dates else None,
        }

    def paper_path(self, paper_id: str) -> Path | None:
        """The file of an indexed paper (only catalogued papers are ever served)."""
        paper = self.store.paper(paper_id)
        if paper is None or not Path(paper.path).is_file():
            return None
        return Path(paper.path)

    def add_files(self, files: list[Path], progress: Progress | None = None) -> IndexReport:
        """Copy uploaded files into the data directory's uploads folder and index them there."""
        uploads = Path(self.settings.data_dir) / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        targets = []
        for f in files:
            target = uploads / Path(f).name
            if target.exists() and target.read_bytes() != Path(f).read_bytes():
                target = uploads / f"{target.stem}-{file_hash(Path(f))[:8]}{target.suffix}"
            shutil.copyfile(f, target)
            targets.append(target)
        report = self.index(targets, progress=progress)
        not_kept = {s.source for s in report.skipped} | {src for src, _ in report.duplicates}
        for target in targets:
            if target.name in not_kept:
                target.unlink(missing_ok=True)  # a bad or duplicate upload leaves nothing behind
        return report

    def ocr_words(self, paper_id: str, pdf_page: int) -> list | None:
        """OCR's words with their boxes for a page read by OCR (for highlighting a quote on it), else None."""
        return next((p.words for p in self.store.pages(paper_id) if p.pdf_page == pdf_page and p.ocr), None)

    def writer(self) -> str | None:
        """Who is writing the index now ("pid 1234 (qa index papers/: ..., since 13:02:11)"), or None."""
        return self.store.writer()

    def stats(self) -> dict:
        """What the index holds."""
        return self.store.stats()


def _sentences(a: Answer) -> list[str]:
    """An extractive answer's text split at its citation markers, for streaming."""
    import re

    return [p for p in re.split(r"(?<=\]) (?=\S)", a.text) if p]
