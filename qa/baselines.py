"""What a user could pick instead of councilqa, built as they would build it, for `qa eval --compare`.

1. The typical llama-index pipeline: SimpleDirectoryReader -> default SentenceSplitter ->
   VectorStoreIndex on Chroma with the same embedding model -> top-k similarity retrieval.
2. Plain BM25 (llama-index's BM25Retriever) over the same nodes.

Both are built in a scratch directory; nothing of ours (parsing, chunking, metadata) is used.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.node_parser import SentenceSplitter
from llama_index.retrievers.bm25 import BM25Retriever

READABLE = [".pdf", ".html", ".htm", ".md", ".txt"]


@dataclass
class Passage:
    """A retrieved text, enough to score recall."""

    text: str
    score: float


class BaselineRetriever:
    """A named retriever returning plain passages."""

    def __init__(self, name: str, retriever):
        self.name = name
        self._retriever = retriever

    def retrieve(self, question: str) -> list[Passage]:
        """Top passages for a question."""
        return [Passage(n.node.get_content(), float(n.score or 0.0)) for n in self._retriever.retrieve(question)]


def build_baselines(corpus: Path, embed_model, scratch: Path, top_k: int = 10) -> tuple[list[BaselineRetriever], dict]:
    """Both baselines over `corpus`, and how long building them took."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.vector_stores.chroma import ChromaVectorStore

    timings = {}
    started = time.perf_counter()
    docs = SimpleDirectoryReader(str(corpus), recursive=True, required_exts=READABLE).load_data(show_progress=False)
    nodes = SentenceSplitter().get_nodes_from_documents(docs)
    timings["parse_and_split_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    client = chromadb.PersistentClient(path=str(scratch / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("llamaindex_default", embedding_function=None)
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    if collection.count() == 0:
        VectorStoreIndex(nodes, storage_context=storage, embed_model=embed_model)
    index = VectorStoreIndex.from_vector_store(storage.vector_store, embed_model=embed_model)
    timings["embed_s"] = round(time.perf_counter() - started, 1)
    timings["nodes"] = len(nodes)
    dense = BaselineRetriever("llama-index default (dense top-k)", index.as_retriever(similarity_top_k=top_k))
    bm25 = BaselineRetriever("plain BM25", BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=top_k))
    return [dense, bm25], timings
