"""question + Filters -> [Hit]: BM25 over sections and dense (Chroma) search over chunks, fused by llama-index,
then the meeting a question names, the kind of paper it names, and one hit per passage.

Sections (index.sections) and BM25 are rebuilt from the Chroma collection whenever the catalog's generation
changes, so keyword and dense search always see the same papers; the first process to need them after a change saves
them for the rest (IndexStore.cached), so a CLI question loads them instead of rebuilding. Plain BM25 is strong on council papers (names, figures,
minute numbers); dense search recovers paraphrased questions, so it gets the smaller weight.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import bm25s
import Stemmer
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters, VectorStoreQuery
from llama_index.core.vector_stores.utils import build_metadata_filter_fn
from llama_index.retrievers.bm25 import BM25Retriever

from index.sections import Section, cite_order, find_copies, group_sections, shingles
from index.store import IndexStore
from index.types import Chunk, DocType

from .config import RetrievalSettings
from .intent import DateHint, Intent, parse
from .types import Filters, Hit

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import
STEMMER = Stemmer.Stemmer("english")  # llama-index's BM25 default; one object, so stemmed texts are cached once

def _meeting_date(nws: NodeWithScore) -> date | None:
    iso = nws.node.metadata.get("meeting_date") or ""
    return date.fromisoformat(iso) if iso else None


class MeetingDateBoost(BaseNodePostprocessor):
    """Prefer passages from the meeting a question names; dates merely mentioned in passages don't count.

    The boost multiplies the topical score, so a date decides between passages on the topic and never
    lifts an off-topic passage of the named meeting above the one that answers.
    """

    day_boost: float = 0.3
    month_boost: float = 0.15
    hints: tuple[DateHint, ...] = ()  # the meetings the question names

    @classmethod
    def class_name(cls) -> str:
        return "MeetingDateBoost"

    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None) -> list[NodeWithScore]:
        if not self.hints:
            return nodes
        for nws in nodes:
            kinds = {h.score(_meeting_date(nws)) for h in self.hints}
            if "day" in kinds:
                nws.score = (nws.score or 0.0) * (1.0 + self.day_boost)
            elif "month" in kinds:
                nws.score = (nws.score or 0.0) * (1.0 + self.month_boost)
        return sorted(nodes, key=lambda n: n.score or 0.0, reverse=True)


class DocTypePreference(BaseNodePostprocessor):
    """Prefer the kind of paper a question names; like the date boost, it only decides between passages on the topic."""

    boost: float = 0.15
    kinds: frozenset[DocType] = frozenset()  # the kinds of paper the question names

    @classmethod
    def class_name(cls) -> str:
        return "DocTypePreference"

    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None) -> list[NodeWithScore]:
        if not self.kinds or not self.boost:
            return nodes
        for nws in nodes:
            if nws.node.metadata.get("doc_type") in {k.value for k in self.kinds}:
                nws.score = (nws.score or 0.0) * (1.0 + self.boost)
        return sorted(nodes, key=lambda n: n.score or 0.0, reverse=True)


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


class SectionDenseRetriever(BaseRetriever):
    """Dense search over the small chunks (what the model embeds well), answered as their sections.

    A section scores as its best chunk, so keyword and dense results fuse over the same units. Only the nearest
    chunks' ids and similarities are read from Chroma (IndexStore's `similar_ids`): the sections' text and metadata
    are in memory already, and reading them back for every hit was most of a search's time.
    """

    def __init__(self, vector_store, embed_model, top_k: int, filters: MetadataFilters | None, section_of: dict[str, str],
                 nodes: dict[str, TextNode], prefetch: int = 0):
        """`prefetch`: with filters, first fetch `prefetch` times top_k unfiltered and keep the chunks whose section
        matches (a chunk has its paper's metadata, as its section has); Chroma filters only when fewer than top_k do."""
        super().__init__()
        self._store, self._embed_model, self._top_k, self._filters = vector_store, embed_model, top_k, filters
        self._section_of = section_of
        self._nodes = nodes
        self._prefetch = prefetch

    def _nearest(self, embedding: list[float]) -> list[tuple[str, float]]:
        if self._filters is not None and self._prefetch:
            keep = build_metadata_filter_fn(lambda sid: self._nodes[sid].metadata, self._filters)
            found = self._store.similar_ids(VectorStoreQuery(query_embedding=embedding, similarity_top_k=self._prefetch * self._top_k))
            matching = [(cid, score) for cid, score in found if (sid := self._section_of.get(cid)) is not None and keep(sid)]
            if len(matching) >= self._top_k:
                return matching[: self._top_k]
        return self._store.similar_ids(VectorStoreQuery(query_embedding=embedding, similarity_top_k=self._top_k, filters=self._filters))

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # embedded as llama-index's VectorIndexRetriever does: the bundle's embedding, else its embedding strings'
        embedding = query_bundle.embedding or self._embed_model.get_agg_embedding_from_queries(query_bundle.embedding_strs)
        best: dict[str, float] = {}
        for chunk_id, score in self._nearest(embedding):
            sid = self._section_of.get(chunk_id)
            if sid is not None and score > best.get(sid, float("-inf")):
                best[sid] = score
        return [NodeWithScore(node=self._nodes[sid], score=score) for sid, score in best.items()]


def same_passage(a: set[int], b: set[int], overlap: float) -> bool:
    """Whether two passages are copies: most of the shorter one's 5-word runs stand in the other."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= overlap


def _one_debate(a: Chunk, b: Chunk) -> bool:
    """Two passages of one minute item of one paper: words they share are the proceedings (an amendment restates
    the motion it amends), not a copy."""
    return a.paper_id == b.paper_id and bool(a.item) and a.item == b.item


def collapse_duplicates(hits: list[Hit], overlap: float) -> list[Hit]:
    """One hit per passage: a copy of a better-ranked passage (a pack's "minutes of the previous meeting", the
    minutes quoting a motion paper) joins it; the copy `cite_order` puts first is cited, at the better rank,
    and the others are listed in `also_in`."""
    kept: list[tuple[Hit, set[int]]] = []
    for hit in hits:
        sh = _passage_shingles(hit.chunk.text)
        twin = next((k for k in kept if not _one_debate(k[0].chunk, hit.chunk) and same_passage(k[1], sh, overlap)), None)
        if twin is None:
            kept.append((hit, sh))
            continue
        first = twin[0]
        if cite_order(hit.chunk)[:2] < cite_order(first.chunk)[:2]:
            hit.also_in = [first.chunk.source, *first.also_in]
            hit.score = first.score
            kept[kept.index(twin)] = (hit, sh)
        elif hit.chunk.source not in first.also_in:
            first.also_in.append(hit.chunk.source)
    return [h for h, _ in kept]


@dataclass
class _Corpus:
    """What one index generation searches: its sections, which chunk is in which, and BM25 over sections."""

    sections: dict[str, Section]
    nodes: dict[str, TextNode]  # the sections as llama-index nodes
    section_of: dict[str, str]  # chunk id -> the section it is in (chunks of copies map to none)
    copied_in: dict[str, list[str]]  # section id -> other papers repeating it
    bm25: bm25s.BM25 | None  # over the sections' text, with its corpus (node ids, metadata) for filtering
    live: set[str]
    councils: frozenset[str]
    committees: frozenset[str]
    masks: dict = field(default_factory=dict, compare=False)  # filters (as JSON) -> BM25's corpus weight mask

    def bm25_mask(self, filters: MetadataFilters | None) -> list[int] | None:
        """Which sections `filters` let through, as BM25Retriever's corpus_weight_mask (None: all), worked out as
        llama-index does it, once per filter: the retriever would redo it for every question."""
        if filters is None or self.bm25 is None:
            return None
        key = filters.model_dump_json()
        if key not in self.masks:
            by_id = {row["node_id"]: row for row in self.bm25.corpus}
            keep = build_metadata_filter_fn(lambda node_id: by_id[node_id], filters)
            self.masks[key] = [int(keep(row["node_id"])) for row in self.bm25.corpus]
        return self.masks[key]


def build_corpus(store: IndexStore, section_words: int) -> _Corpus:
    """Sections, copies and BM25 from every chunk in the index (seconds on the whole shared corpus: readers load
    the saved result instead, see IndexStore.cached)."""
    chunks = store.all_chunks()
    grouped = group_sections(chunks, section_words)
    copies = find_copies(grouped)  # a pack's copy of minutes is searched once, in the minutes' own paper
    copied_in: dict[str, set[str]] = {}
    for s in grouped:
        if s.chunk.id in copies:
            copied_in.setdefault(copies[s.chunk.id], set()).add(s.chunk.source)
    # a copy of a copy is cited where the first one is
    copied_in = {sid: v for sid, v in copied_in.items() if sid not in copies}
    sections = {s.chunk.id: s for s in grouped if s.chunk.id not in copies}
    nodes = {sid: s.chunk.to_node() for sid, s in sections.items()}
    section_of = {child: sid for sid, s in sections.items() for child in s.children}
    bm25 = None
    if sections:
        built = BM25Retriever(nodes=list(nodes.values()), stemmer=STEMMER, similarity_top_k=1)
        bm25 = built.bm25
        bm25.corpus = built.corpus  # lets per-query retrievers share this index
    log.info("BM25 built over %d sections of %d chunks (%d copied sections left out)", len(sections), len(chunks), len(copies))
    return _Corpus(
        sections=sections,
        nodes=nodes,
        section_of=section_of,
        copied_in={sid: sorted(v) for sid, v in copied_in.items()},
        bm25=bm25,
        live={c.paper_id for c in chunks},
        councils=frozenset(c.council for c in chunks if c.council),
        committees=frozenset(c.committee for c in chunks if c.committee),
    )


@lru_cache(maxsize=4096)
def _passage_shingles(text: str) -> frozenset[int]:
    """A passage's 5-word runs, kept: many questions reach the same passages."""
    return frozenset(shingles(text))


@lru_cache(maxsize=50_000)
def _stems(text: str, stemmer) -> frozenset[str]:
    return frozenset(bm25s.tokenize(text, stemmer=stemmer, return_ids=False, show_progress=False)[0])


class HybridRetriever:
    """BM25 over sections + dense over chunks, fused with QueryFusionRetriever, then date, kind and duplicate steps."""

    def __init__(self, store: IndexStore, embed_model, settings: RetrievalSettings):
        self.store = store
        self.embed_model = embed_model
        self.settings = settings
        self._lock = threading.Lock()
        self._generation = -1
        self._corpus: _Corpus | None = None
        self._vector_store = store.vector_store()

    def _refresh(self) -> _Corpus:
        """The sections and BM25 of the index's current generation: kept in memory, else loaded as saved by whoever
        built them first, else built."""
        with self._lock:
            generation = self.store.generation()
            if generation == self._generation and self._corpus is not None:
                return self._corpus
            words = self.settings.section_words
            self._corpus = self.store.cached(f"corpus-{words}", lambda: build_corpus(self.store, words))
            self._generation = generation
            return self._corpus

    def councils(self) -> frozenset[str]:
        """The councils whose papers are searchable right now."""
        return self._refresh().councils

    def committees(self) -> frozenset[str]:
        """The committees whose papers are searchable right now."""
        return self._refresh().committees

    def passages(self) -> list[Hit]:
        """Every passage (section) a search can return, as unscored hits."""
        return [Hit(chunk=s.chunk, score=0.0) for s in self._refresh().sections.values()]

    def chunk_count(self) -> int:
        """Chunks searchable right now."""
        return len(self._refresh().section_of)

    def retrieve(self, question: Intent | str, filters: Filters | None = None, top_k: int | None = None) -> list[Hit]:
        """The best passages (sections) for a question, best first, one hit per passage."""
        corpus = self._refresh()
        intent = question if isinstance(question, Intent) else parse(question, corpus.councils, corpus.committees)
        filters = filters or Filters()
        top_k = top_k or self.settings.top_k
        if corpus.bm25 is None:
            return []
        # "What is Leicester's ...", "what did the Cabinet say" ask about Leicester, the Cabinet: search only their
        # papers first, then only the council's, then all when those hold nothing
        narrow: dict[str, str] = {}
        if not filters.council and len(corpus.councils) > 1 and len(intent.councils) == 1:
            narrow["council"] = intent.councils[0]
        if not filters.committee and len(corpus.committees) > 1 and len(intent.committees) == 1:
            narrow["committee"] = intent.committees[0]
        tries = [narrow, {k: v for k, v in narrow.items() if k == "council"}] if "committee" in narrow else [narrow]
        for attempt in tries:
            if attempt:
                narrowed = self._search(corpus, intent, Filters(**{**filters.__dict__, **attempt}), top_k)
                if narrowed:
                    return narrowed
        return self._search(corpus, intent, filters, top_k)

    def _search(self, corpus: _Corpus, intent: Intent, filters: Filters, top_k: int) -> list[Hit]:
        mf = metadata_filters(filters)
        k = min(self.settings.candidates, len(corpus.sections))
        mask = corpus.bm25_mask(mf)
        if mask is not None and not any(mask):  # every section filtered out
            return []
        bm25 = BM25Retriever(existing_bm25=corpus.bm25, stemmer=STEMMER, similarity_top_k=k, corpus_weight_mask=mask)
        retrievers, weights = [bm25], [self.settings.bm25_weight]
        if self.settings.bm25_weight < 1.0:
            retrievers.append(SectionDenseRetriever(self._vector_store, self.embed_model, 2 * k, mf, corpus.section_of, corpus.nodes, self.settings.dense_prefetch))
            weights.append(1.0 - self.settings.bm25_weight)
        fusion = QueryFusionRetriever(
            retrievers,
            llm=MockLLM(),
            mode=self.settings.fusion,
            similarity_top_k=k,
            num_queries=1,  # no LLM query rewriting
            use_async=False,
            retriever_weights=weights,
        )
        # BM25 reads the papers' wording too; the dense retriever embeds the question as asked
        nodes = fusion.retrieve(QueryBundle(query_str=intent.keywords or intent.question, custom_embedding_strs=[intent.question]))
        asked = QueryBundle(intent.question)
        s = self.settings
        nodes = MeetingDateBoost(day_boost=s.date_boost, month_boost=s.month_boost, hints=intent.dates).postprocess_nodes(nodes, asked)
        nodes = DocTypePreference(boost=s.doc_type_boost, kinds=intent.doc_types).postprocess_nodes(nodes, asked)
        hits: list[Hit] = []
        seen: set[str] = set()
        for nws in nodes:
            chunk = Chunk.from_node(nws.node)
            if chunk.paper_id not in corpus.live or chunk.id in seen or not filters.matches(chunk):
                continue
            seen.add(chunk.id)
            hits.append(Hit(chunk=chunk, score=float(nws.score or 0.0), also_in=list(corpus.copied_in.get(chunk.id, []))))
        return collapse_duplicates(hits[: 3 * top_k], self.settings.duplicate_overlap)[:top_k]

    def term_weights(self, text: str) -> dict[str, float]:
        """Stemmed terms of `text` (stopwords dropped) with their BM25 idf over the whole index.

        A term the index has never seen gets the highest weight: it is the strongest sign the
        papers don't cover the question.
        """
        import numpy as np

        index = self._refresh().bm25
        if index is None:
            return {}
        tokens = bm25s.tokenize(text, stemmer=STEMMER, return_ids=False, show_progress=False)[0]
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

    def stem_terms(self, text: str) -> frozenset[str]:
        """The stemmed terms of `text`, tokenised exactly as BM25 does (kept for texts seen before: answering one
        question stems each candidate sentence and passage, and many questions reach the same passages)."""
        return _stems(text, STEMMER)
