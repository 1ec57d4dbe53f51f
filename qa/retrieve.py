"""question + Filters -> [Hit]: BM25 and dense (Chroma) retrieval fused by llama-index, then a meeting-date boost.

BM25 is rebuilt from the Chroma collection whenever the catalog's generation changes, so keyword and
dense search always see the same chunks. Plain BM25 is strong on council papers (names, figures,
minute numbers); dense search recovers paraphrased questions, so it gets the smaller weight.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import date

from llama_index.core import VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.retrievers.bm25 import BM25Retriever

from index.meta import DAY_MONTH_YEAR, MONTH_YEAR, MONTHS, find_dates
from index.store import IndexStore
from index.types import Chunk

from .config import RetrievalSettings
from .types import Filters, Hit

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import

_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({'|'.join(MONTHS)})\b(?!\s*,?\s*\d{{4}})", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b({'|'.join(m for m in MONTHS if len(m) > 3)})\b(?!\s*,?\s*\d)", re.IGNORECASE)


@dataclass
class DateHint:
    """The meeting a question names: a full date, a month, or a day of a month."""

    day: int | None = None
    month: int | None = None
    year: int | None = None

    def score(self, d: date | None) -> str | None:
        """'day' when `d` is the named meeting, 'month' when only its month matches, else None."""
        if d is None or not self.month:
            return None
        if self.year and d.year != self.year:
            return None
        if d.month != self.month:
            return None
        if self.day is None:
            return "day"  # "the September 2025 meeting" names a meeting by its month
        return "day" if d.day == self.day else "month"


def date_hints(question: str) -> list[DateHint]:
    """The meeting dates a question names ("at the September 2025 meeting", "on 28 October")."""
    hints = [DateHint(d.day, d.month, d.year) for d in find_dates(question)]
    rest = DAY_MONTH_YEAR.sub(" ", question)
    for m in MONTH_YEAR.finditer(rest):
        hints.append(DateHint(None, MONTHS[m.group(1).lower()], int(m.group(2))))
    rest = MONTH_YEAR.sub(" ", rest)
    for m in _DAY_MONTH.finditer(rest):
        hints.append(DateHint(int(m.group(1)), MONTHS[m.group(2).lower()], None))
    rest = _DAY_MONTH.sub(" ", rest)
    for m in _MONTH_ONLY.finditer(rest):
        if m.group(1).lower() != "may":  # "may" is usually the verb
            hints.append(DateHint(None, MONTHS[m.group(1).lower()], None))
    return hints


# How council papers word what some questions ask: "where was it held" -> "Venue:" / "PLACE:".
_EXPANSIONS = [
    (re.compile(r"\bwhere\b.*\b(held|meet|meeting|take place)\b", re.IGNORECASE), "venue place room"),
    (re.compile(r"\b(chairs?|chaired|chairman|chairperson)\b", re.IGNORECASE), "chair councillor"),
    (re.compile(r"\bapologies|absent|absence\b", re.IGNORECASE), "apologies absence"),
]


def expand_query(question: str) -> str:
    """The question plus the words council papers use for what it asks (for keyword search only)."""
    extra = [words for rx, words in _EXPANSIONS if rx.search(question)]
    return " ".join([question, *extra])


class MeetingDateBoost(BaseNodePostprocessor):
    """Lift passages from the meeting a question names; dates merely mentioned in passages don't count."""

    day_boost: float = 0.35
    month_boost: float = 0.2

    @classmethod
    def class_name(cls) -> str:
        return "MeetingDateBoost"

    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None) -> list[NodeWithScore]:
        hints = date_hints(query_bundle.query_str) if query_bundle else []
        if not hints:
            return nodes
        for nws in nodes:
            iso = nws.node.metadata.get("meeting_date") or ""
            d = date.fromisoformat(iso) if iso else None
            kinds = {h.score(d) for h in hints}
            if "day" in kinds:
                nws.score = (nws.score or 0.0) + self.day_boost
            elif "month" in kinds:
                nws.score = (nws.score or 0.0) + self.month_boost
        return sorted(nodes, key=lambda n: n.score or 0.0, reverse=True)


_COUNCIL_SUFFIX = re.compile(
    r"\s+(?:City and County Council|City Council|County Council|Borough Council|District Council|Council|Combined Authority)$"
)


def council_patterns(councils: set[str]) -> dict[str, re.Pattern]:
    """How questions name each council: "Kent", "Kent's", "KCC", "West of England", "WECA"."""
    out = {}
    for name in councils:
        short = _COUNCIL_SUFFIX.sub("", name).strip()
        acronym = "".join(w[0] for w in name.split() if w[:1].isupper())
        alternatives = [rf"(?i:\b{re.escape(short)}\b)"] if short and short != name else []
        alternatives.append(rf"(?i:\b{re.escape(name)}\b)")
        if len(acronym) >= 3:
            alternatives.append(rf"\b{acronym}\b")
        out[name] = re.compile("|".join(alternatives))
    return out


def metadata_filters(filters: Filters) -> MetadataFilters | None:
    """Filters as llama-index MetadataFilters (dates as yyyymmdd integers for range checks)."""
    items: list[MetadataFilter] = []
    if filters.council:
        items.append(MetadataFilter(key="council", value=filters.council))
    if filters.committee:
        items.append(MetadataFilter(key="committee", value=filters.committee))
    if filters.doc_type:
        items.append(MetadataFilter(key="doc_type", value=filters.doc_type.value))
    if filters.date_from:
        items.append(MetadataFilter(key="date_num", value=int(filters.date_from.strftime("%Y%m%d")), operator=FilterOperator.GTE))
    if filters.date_to:
        items.append(MetadataFilter(key="date_num", value=int(filters.date_to.strftime("%Y%m%d")), operator=FilterOperator.LTE))
    return MetadataFilters(filters=items) if items else None


class HybridRetriever:
    """BM25 + dense over one index store, fused with QueryFusionRetriever."""

    def __init__(self, store: IndexStore, embed_model, settings: RetrievalSettings):
        self.store = store
        self.embed_model = embed_model
        self.settings = settings
        self._lock = threading.Lock()
        self._generation = -1
        self._bm25: BM25Retriever | None = None
        self._live: set[str] = set()
        self._councils: dict[str, re.Pattern] = {}
        self._vector_index = VectorStoreIndex.from_vector_store(store.vector_store(), embed_model=embed_model)

    def _refresh(self) -> None:
        """Rebuild BM25 from the Chroma collection when the index changed since it was built."""
        with self._lock:
            generation = self.store.generation()
            if generation == self._generation and self._bm25 is not None:
                return
            chunks = self.store.all_chunks()
            self._live = {c.paper_id for c in chunks}
            self._councils = council_patterns({c.council for c in chunks if c.council})
            if chunks:
                bm25 = BM25Retriever(nodes=[c.to_node() for c in chunks], similarity_top_k=min(self.settings.candidates, len(chunks)))
                bm25.bm25.corpus = bm25.corpus  # lets per-query retrievers share this index
                self._bm25 = bm25
            else:
                self._bm25 = None
            self._generation = generation
            log.info("BM25 built over %d chunks", len(chunks))

    def chunk_count(self) -> int:
        """Chunks searchable right now."""
        self._refresh()
        return len(self._bm25.corpus) if self._bm25 else 0

    def retrieve(self, question: str, filters: Filters | None = None, top_k: int | None = None) -> list[Hit]:
        """The best passages for a question, best first."""
        filters = filters or Filters()
        top_k = top_k or self.settings.top_k
        self._refresh()
        if self._bm25 is None:
            return []
        if not filters.council and len(self._councils) > 1:
            # "What is Leicester's ..." asks about Leicester: search only its papers
            named = [c for c, rx in self._councils.items() if rx.search(question)]
            if len(named) == 1:
                filters = Filters(**{**filters.__dict__, "council": named[0]})
        mf = metadata_filters(filters)
        k = min(self.settings.candidates, len(self._bm25.corpus))
        try:
            bm25 = BM25Retriever(existing_bm25=self._bm25.bm25, similarity_top_k=k, filters=mf)
        except ValueError:  # every chunk filtered out
            return []
        dense = self._vector_index.as_retriever(similarity_top_k=k, filters=mf)
        w = self.settings.bm25_weight
        fusion = QueryFusionRetriever(
            [bm25, dense],
            llm=MockLLM(),
            mode=self.settings.fusion,
            similarity_top_k=k,
            num_queries=1,  # no LLM query rewriting
            use_async=False,
            retriever_weights=[w, 1.0 - w],
        )
        # BM25 reads the expanded wording; the dense retriever embeds the question as asked
        query = QueryBundle(query_str=expand_query(question), custom_embedding_strs=[question])
        nodes = fusion.retrieve(query)
        boost = MeetingDateBoost(day_boost=self.settings.date_boost, month_boost=self.settings.month_boost)
        nodes = boost.postprocess_nodes(nodes, QueryBundle(question))
        hits: list[Hit] = []
        seen: set[str] = set()
        for nws in nodes:
            chunk = Chunk.from_node(nws.node)
            if chunk.paper_id not in self._live or chunk.id in seen or not filters.matches(chunk):
                continue
            seen.add(chunk.id)
            hits.append(Hit(chunk=chunk, score=float(nws.score or 0.0)))
            if len(hits) >= top_k:
                break
        return hits

    def term_weights(self, text: str) -> dict[str, float]:
        """Stemmed terms of `text` (stopwords dropped) with their BM25 idf over the whole index.

        A term the index has never seen gets the highest weight: it is the strongest sign the
        papers don't cover the question.
        """
        import bm25s
        import numpy as np

        self._refresh()
        if self._bm25 is None:
            return {}
        tokens = bm25s.tokenize(text, stemmer=self._bm25.stemmer, return_ids=False, show_progress=False)[0]
        index = self._bm25.bm25
        n_docs = float(index.scores["num_docs"])
        indptr = index.scores["indptr"]
        top = float(np.log(1 + (n_docs + 0.5) / 0.5))
        out: dict[str, float] = {}
        for tok in tokens:
            tid = index.vocab_dict.get(tok)
            if tid is None or tid + 1 >= len(indptr):
                out[tok] = top
            else:
                df = float(indptr[tid + 1] - indptr[tid])
                out[tok] = float(np.log(1 + (n_docs - df + 0.5) / (df + 0.5)))
        return out

    def stem_terms(self, text: str) -> set[str]:
        """The stemmed terms of `text`, tokenised exactly as BM25 does."""
        import bm25s

        self._refresh()
        stemmer = self._bm25.stemmer if self._bm25 else None
        return set(bm25s.tokenize(text, stemmer=stemmer, return_ids=False, show_progress=False)[0])
