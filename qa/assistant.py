"""Assistant: the one object the CLI and UI hold. It connects the modules and holds no logic of its own."""

from __future__ import annotations

import re
import shutil
import time
from datetime import date
from pathlib import Path

from index.build import Progress, build_index
from index.discover import file_hash
from index.embed import load_embedder
from index.errors import CouncilQAError
from index.motions import is_outcome, vote_count
from index.store import IndexStore, StoredRecord
from index.types import DocType, IndexReport

from . import answer as answer_mod
from .cite import abstain, build_answer
from .config import Settings, load_settings
from .generate import GeneratedAnswer
from .llm import LLMUnavailable, make_llm
from .register import RecordFilters, Register
from .retrieve import HybridRetriever, date_hints
from .types import Answer, Filters, Hit


def _opening(text: str, most: int = 320) -> str:
    """The start of a long motion's words, cut at a sentence end (or a word) so the quote stays verbatim."""
    if len(text) <= most:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?][”\"’]?(?=\s)", text[: most + 1]) if m.end() >= 80]
    return text[: ends[-1]] if ends else text[:most].rsplit(" ", 1)[0]


class Assistant:
    """Index papers, retrieve passages, answer questions with verified citations."""

    def __init__(self, settings: Settings | None = None, create: bool = False):
        self.settings = settings or load_settings()
        self.store = IndexStore(self.settings.store_config(), create=create)
        self._embedder = None
        self._retriever: HybridRetriever | None = None
        self._register: Register | None = None

    @property
    def embedder(self):
        """The embedding model the index was built with (loaded once)."""
        if self._embedder is None:
            built_with = self.store.get_info("embed_model")
            name = built_with or self.settings.index.embed_model
            self._embedder = load_embedder(name, self.settings.index.embed_batch_size)
        return self._embedder

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever over this index."""
        if self._retriever is None:
            self._retriever = HybridRetriever(self.store, self.embedder, self.settings.retrieval)
        return self._retriever

    def index(self, paths: list[Path], manifests: list[Path] | None = None, prune: bool = False, progress: Progress | None = None) -> IndexReport:
        """Index files and folders (see index.build.build_index)."""
        return build_index(paths, self.store, self.settings.index.to_options(), manifests=manifests, prune=prune, progress=progress)

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

    def retrieve(self, question: str, filters: Filters | None = None, top_k: int | None = None) -> list[Hit]:
        """The passages that best match a question."""
        if not question.strip():
            raise CouncilQAError("the question is empty")
        filters = self.resolve_filters(filters or Filters())
        return self.retriever.retrieve(question, filters, top_k)

    def ask(self, question: str, filters: Filters | None = None, top_k: int | None = None) -> Answer:
        """Answer a question from the papers with verified citations, or abstain."""
        result = None
        for event in self.ask_stream(question, filters, top_k):
            if isinstance(event, Answer):
                result = event
        return result

    def ask_stream(self, question: str, filters: Filters | None = None, top_k: int | None = None):
        """Yield verified answer sentences (str) as they are ready, then the final Answer.

        With a generative backend, each sentence is released only after the verifier passed it; if the
        LLM fails, is too slow, or nothing it wrote survives, the extractive answer is given instead.
        """
        started = time.perf_counter()
        if self.retriever.chunk_count() == 0:
            raise CouncilQAError(f"the index at {self.settings.data_dir} is empty. Build one with: qa index PAPERS_DIR")
        hits = self.retrieve(question, filters, top_k)
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
                    result = self._answer(question, hits)
                    result.mode, result.notice = "extractive-fallback", notice
            if result is None:
                result = self._answer(question, hits)
                result.mode = "extractive-fallback"
                result.removed = [{"sentence": r.text, "reason": r.reason} for r in run.removed]
                result.notice = "no generated sentence passed verification; showing the extractive answer"
                for piece in _sentences(result):
                    yield piece
            elif result.mode == "extractive-fallback":
                for piece in _sentences(result):
                    yield piece
        else:
            result = self._answer(question, hits)
            for piece in _sentences(result):
                yield piece
        result.latency_s = time.perf_counter() - started
        yield result

    @property
    def llm(self):
        """The configured generative LLM, or None for extractive answers."""
        if not hasattr(self, "_llm"):
            self._llm = make_llm(self.settings)
        return self._llm

    def evidence(self, question: str, hits: list[Hit]) -> tuple[float, list[answer_mod.Scored]]:
        """How much of the question the best passage covers, and the scored candidate sentences."""
        if not hits:
            return 0.0, []
        weights = self.retriever.term_weights(question)
        stem = self.retriever.stem_terms
        best_coverage = max(answer_mod.coverage(weights, h.chunk, stem) for h in hits)
        return best_coverage, answer_mod.score_sentences(question, hits, self.embedder, weights, stem)

    @property
    def register(self) -> Register:
        """The decisions and commitments register of this index."""
        if self._register is None:
            self._register = Register(self.store, self.embedder, self.settings.retrieval.bm25_weight)
        return self._register

    def decisions(self, topic: str | None = None, filters: RecordFilters | None = None, limit: int = 50) -> list[StoredRecord]:
        """Decisions (agreed, noted, resolved, amendments with votes), by topic or in meeting order."""
        return self.register.list("decision", filters, topic, limit)

    def actions(self, topic: str | None = None, filters: RecordFilters | None = None, limit: int = 50) -> list[StoredRecord]:
        """Commitments and actions (what was promised, by whom, due when)."""
        return self.register.list("commitment", filters, topic, limit)

    def _register_answer(self, question: str, hits: list[Hit]) -> Answer | None:
        """For "what was agreed/decided" questions: the decisions recorded for the best-matching items."""
        keys: list[tuple[str, str]] = []
        for h in hits[:3]:
            key = (h.chunk.paper_id, h.chunk.item)
            if h.chunk.item and key not in keys:
                keys.append(key)
        for rank, key in enumerate(keys):
            records = self.register.for_items([key])
            if not records:
                continue
            answer = self._answer_from_records(question, hits, records[: self.settings.answer.max_sentences], rank)
            if answer is not None:
                return answer
        return None

    def _answer_from_records(
        self, question: str, hits: list[Hit], records: list[StoredRecord], rank: int = 0, quote=lambda t: t, with_votes: bool = False
    ) -> Answer | None:
        """An answer quoting register records (each from its page, with its meeting and item); a record's passage
        joins the retrieved ones, since the register found it. With `with_votes`, a record's recorded vote
        follows it, quoted line by line from the page the minutes print it on ("For (41)", ..., "Motion carried.")."""
        hits = list(hits)
        sentences = []
        for r in records:
            chunk = next((h.chunk for h in hits if h.chunk.id == r.record.chunk_id), None) or self.store.get_chunk(r.record.chunk_id)
            if chunk is None:
                continue
            if all(h.chunk.id != chunk.id for h in hits):
                hits.append(Hit(chunk=chunk, score=0.0))
            sentence = answer_mod.Sentence(quote(r.record.text), rank, chunk, r.record.page_index, r.record.pdf_page, r.record.label, True)
            sentences.append(answer_mod.Scored(sentence, 1.0, 1.0, 1.0))
            for page_index, page, line in self._vote_lines(r) if with_votes else []:
                sentences.append(answer_mod.Scored(answer_mod.Sentence(line, rank, chunk, page_index, page.pdf_page, page.label, True), 1.0, 1.0, 1.0))
        return build_answer(question, hits, sentences, self.store, with_context=True) if sentences else None

    def _vote_lines(self, r: StoredRecord) -> list[tuple[int, object, str]]:
        """The lines printing a record's recorded vote and its outcome, found on its page or the next two:
        'For (41)', 'Against (10)', 'Abstain (7)', then 'Motion carried.' (page index, page, line)."""
        wanted = set(r.record.votes.items())  # {("for", 41), ...}, read from these lines when indexing
        if not wanted:
            return []
        pages = self.store.pages(r.paper_id)
        out: list[tuple[int, object, str]] = []
        after = 0  # lines read since the last count was found: the outcome follows within a few (names aside)
        for page_index in range(r.record.page_index, min(r.record.page_index + 3, len(pages))):
            for line in pages[page_index].text.split("\n"):
                line = line.strip()
                count = vote_count(line)
                if count in wanted:
                    out.append((page_index, pages[page_index], line))
                    wanted.discard(count)
                elif out and not wanted:
                    if is_outcome(line):
                        return [*out, (page_index, pages[page_index], line)]
                    after += 1
                    if after > 12:
                        return out
        return out

    def _vote_answer(self, question: str, hits: list[Hit]) -> Answer | None:
        """For questions about motions, amendments and votes ("Which budget amendments were lost on 13 February
        2025?"): the register's motion and amendment records on the topic, from the meeting the question names,
        carried or lost as it asks, each quoted from its page (with its mover and seconder where the minutes
        print them there)."""
        q = question.lower()
        hints = date_hints(question)
        wanted = "lost" if re.search(r"\b(lost|defeated|rejected|fell|failed)\b", q) else "carried" if re.search(r"\b(carried|passed)\b", q) else None
        # what the question is about: amendments, or motions (which are not amendments)
        about = "amendment" if re.search(r"\bamendments?\b", q) else "motion" if re.search(r"\bmotions?\b", q) else None

        def at_meeting(r: StoredRecord) -> bool:  # the meeting the question names, if it names one
            return not hints or any(h.score(r.record.meeting_date) == "day" for h in hints)

        def fits(r: StoredRecord) -> bool:
            rec = r.record
            return (
                rec.type == "decision"
                and bool(rec.mover or rec.votes or rec.kind.startswith(("amendment", "recommendation")))
                and (about is None or rec.kind.startswith("amendment") == (about == "amendment"))
                and at_meeting(r)
                and (not wanted or rec.kind.endswith(wanted))
            )

        # the votes on the question's topic, best first; a question asking which amendments or motions (a list)
        # at a meeting it names gets all of that meeting's that fit, in the order of the minutes
        found = self.register.search(question)
        on_topic = [r for r in found if fits(r)]
        listing = bool(re.search(r"\b(which|what) (amendments|motions)\b|\bamendments (were|was)\b|\ball (the )?(amendments|motions)\b", q))
        if listing and hints:
            records = [r for r in self.register.list("decision", limit=100_000) if fits(r)]
            records.sort(key=lambda r: (r.record.meeting_date or date.min, r.source, r.record.page_index, r.n))
        elif re.search(r"\bwho\b", q):
            # "who proposed ...": only a record whose quote names its mover answers it
            records = [r for r in on_topic if r.record.mover and r.record.mover.split()[-1] in r.record.text][:1]
        elif re.search(r"\b(vote|voted|voting|result|how many)\b", q):
            # "what was the vote on ...": the motion, then its recorded vote, line by line from the minutes
            records = [r for r in on_topic if r.record.votes][:1]
            if records:
                return self._answer_from_records(question, hits, records, quote=_opening, with_votes=True)
            if re.search(r"\bhow many\b.*\bvot|\bvoted for and against\b|\bwhat was the vote\b", q) and any(
                r.record.type == "decision" and at_meeting(r) for r in found[:3]
            ):
                # the minutes record the decision but no count: the papers don't say how many voted which way
                answer = abstain(question, hits)
                answer.notice = "the minutes record this decision but not how many voted each way"
                return answer
        else:
            records = []
        if not records:
            return None
        return self._answer_from_records(question, hits, records[: max(self.settings.answer.max_sentences, 6)], quote=_opening)

    def _answer(self, question: str, hits: list[Hit]) -> Answer:
        cfg = self.settings.answer
        kinds = answer_mod.question_kind(question)
        if "vote" in kinds:
            from_register = self._vote_answer(question, hits)
            if from_register is not None and (not from_register.abstained or from_register.notice):
                return from_register
        best_coverage, scored = self.evidence(question, hits)
        if not scored or best_coverage < cfg.min_coverage or scored[0].score < cfg.min_score:
            return abstain(question, hits)
        if "decision" in kinds:
            from_register = self._register_answer(question, hits)
            if from_register is not None and not from_register.abstained:
                return from_register
        chosen = answer_mod.pick_sentences(scored, cfg)
        # decisions always say which meeting and item they belong to; dates only when the quote has none
        context = True if "decision" in kinds else (None if "date" in kinds else False)
        return build_answer(question, hits, chosen, self.store, with_context=context)

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

    def stats(self) -> dict:
        """What the index holds."""
        return self.store.stats()


def _sentences(a: Answer) -> list[str]:
    """An extractive answer's text split at its citation markers, for streaming."""
    import re

    return [p for p in re.split(r"(?<=\]) (?=\S)", a.text) if p]
