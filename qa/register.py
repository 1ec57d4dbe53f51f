"""The decisions and commitments register: filter records, and find them by topic with the hybrid retrieval.

Topic search runs llama-index's BM25Retriever over the records' text and a dense retriever over their
embeddings (stored at index time in a Chroma collection beside the chunks), fused by QueryFusionRetriever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from index.store import IndexStore, StoredRecord

from .followup import Agendas, due_month
from .types import check_dates


@dataclass
class RecordFilters:
    """Restrict the register: committee, meeting date range, due before."""

    committee: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    due_before: date | None = None

    def __post_init__(self) -> None:
        check_dates(self.date_from, self.date_to)

    def matches(self, r: StoredRecord) -> bool:
        """Whether a record passes the filters."""
        if self.committee and self.committee.lower() not in r.committee.lower():
            return False
        d = r.record.meeting_date
        if self.date_from and (d is None or d < self.date_from):
            return False
        if self.date_to and (d is None or d > self.date_to):
            return False
        if self.due_before:
            if not r.record.due:
                return False
            due = r.record.due if len(r.record.due) > 7 else f"{r.record.due}-01"
            if date.fromisoformat(due) >= self.due_before:
                return False
        return True


class Register:
    """Decision and commitment records of an index, searchable by topic."""

    def __init__(self, store: IndexStore, embedder: Callable[[], object], bm25_weight: float = 0.7, min_score: float = 0.3):
        """`embedder`: a function returning the embedding model, called only when a topic is searched (so listing
        records, or a timeline, never loads a model)."""
        self.store = store
        self.embedder = embedder
        self.bm25_weight = bm25_weight
        self.min_score = min_score
        self._lock = threading.Lock()
        self._generation = -1
        self._plain: dict[str, StoredRecord] = {}  # as stored
        self._followed: dict[str, StoredRecord] | None = None  # commitments with what later papers say of them
        self._bm25 = None
        self.agendas = Agendas(store)

    def _refresh(self) -> None:
        """Read the records again when the index changed. Follow-ups (which read every agenda item) and the keyword
        index are made when first needed, so listing decisions costs a catalog read."""
        with self._lock:
            generation = self.store.generation()
            if generation == self._generation:
                return
            self._plain = {r.id: r for r in self.store.records()}
            self._followed, self._bm25 = None, None
            self._generation = generation

    @property
    def _records(self) -> dict[str, StoredRecord]:
        """The records with follow-ups, as of the last `_refresh` (callers refresh first, once)."""
        with self._lock:
            if self._followed is None:
                self._followed = {rid: self._with_follow_up(r) for rid, r in self._plain.items()}
            return self._followed

    def _keywords(self):
        """llama-index's BM25Retriever over the records' text (made on the first topic search of a generation)."""
        from llama_index.core.schema import TextNode
        from llama_index.retrievers.bm25 import BM25Retriever

        self._refresh()
        records = self._records
        with self._lock:
            if self._bm25 is None and records:
                nodes = [TextNode(id_=rid, text=r.record.search_text()) for rid, r in records.items()]
                self._bm25 = BM25Retriever(nodes=nodes, similarity_top_k=min(50, len(nodes)))
            return self._bm25

    def _with_follow_up(self, r: StoredRecord) -> StoredRecord:
        """A commitment with what later papers say of it, and 'the next meeting' resolved to a month."""
        if r.record.type != "commitment":
            return r
        follow_up = self.agendas.follow_up(r)
        due = due_month(r, follow_up)
        record = replace(r.record, due=due) if due != r.record.due else r.record
        return replace(r, record=record, follow_up=follow_up)

    def list(self, type_: str, filters: RecordFilters | None = None, topic: str | None = None, limit: int = 50) -> list[StoredRecord]:
        """Records of one type ("decision" or "commitment"), best topic match first (or in meeting order)."""
        self._refresh()
        filters = filters or RecordFilters()
        if not topic:
            pool = self._records if type_ == "commitment" else self._plain  # only commitments have follow-ups
            rows = [r for r in pool.values() if r.record.type == type_ and filters.matches(r)]
            return sorted(rows, key=lambda r: (r.record.meeting_date or date.min, r.source, r.n))[:limit]
        return [r for r in self.search(topic) if r.record.type == type_ and filters.matches(r)][:limit]

    def search(self, topic: str) -> list[StoredRecord]:
        """Records about a topic, best first (BM25 + dense, fused), down to a minimum fused score."""
        from llama_index.core import VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.schema import QueryBundle

        bm25 = self._keywords()
        if bm25 is None:
            return []
        dense = VectorStoreIndex.from_vector_store(self.store.vector_store(records=True), embed_model=self.embedder()).as_retriever(
            similarity_top_k=50
        )
        fusion = QueryFusionRetriever(
            [bm25, dense],
            llm=MockLLM(),
            mode="relative_score",
            similarity_top_k=100,
            num_queries=1,
            use_async=False,
            retriever_weights=[self.bm25_weight, 1 - self.bm25_weight],
        )
        out = []
        for nws in fusion.retrieve(QueryBundle(topic)):
            rec = self._records.get(nws.node.node_id)
            if rec is not None and (nws.score or 0) >= self.min_score:
                out.append(rec)
        return out

    def in_passages(self, chunks: list) -> list[StoredRecord]:
        """Records standing in any of the given passages: in the passage's minute item where it has one (a page can
        hold the end of one item and the start of the next), else on one of its pages."""
        self._refresh()

        def inside(r: StoredRecord, c) -> bool:
            if r.paper_id != c.paper_id:
                return False
            return r.record.item == c.item if c.item else any(span.page_index == r.record.page_index for span in c.spans)

        return [r for r in self._records.values() if any(inside(r, c) for c in chunks)]

    def for_items(self, keys: list[tuple[str, str]], type_: str = "decision") -> list[StoredRecord]:
        """Records of the given (paper id, item) pairs, in that order (used to answer "what was agreed")."""
        self._refresh()
        out = []
        for paper_id, item in keys:
            out.extend(
                r for r in self._records.values()
                if r.paper_id == paper_id and r.record.item == item and r.record.type == type_
            )
        return out
