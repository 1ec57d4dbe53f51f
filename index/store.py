"""The index on disk: a Chroma collection of chunks (the only chromadb importer) and a SQLite catalog.

The catalog records which papers are fully indexed and keeps their page texts, which citations are
checked against. A paper counts as indexed only once its catalog row is committed, after its chunks
are in Chroma; chunks whose paper is not in the catalog (a crash mid-index, a replaced version) are
orphans, ignored by retrieval and deleted at the next build.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import IndexMissing, StoreError
from .types import Chunk, DocType, Page, Paper, PaperMeta

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT, council TEXT, committee TEXT, meeting_date TEXT, doc_type TEXT,
    pages INTEGER, chunks INTEGER, indexed_at REAL
);
CREATE INDEX IF NOT EXISTS papers_path ON papers(path);
CREATE TABLE IF NOT EXISTS pages (
    paper_id TEXT NOT NULL, page_index INTEGER NOT NULL, pdf_page INTEGER, label TEXT,
    item TEXT, item_title TEXT, text TEXT NOT NULL,
    PRIMARY KEY (paper_id, page_index)
);
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass
class StoreConfig:
    """Where the index lives: a data directory, and optionally a Chroma server instead of embedded Chroma."""

    data_dir: Path
    collection: str = "councilqa"
    chroma_host: str | None = None
    chroma_port: int = 8000


@dataclass
class CatalogPaper:
    """A catalog row: an indexed paper and its metadata."""

    id: str
    path: str
    source: str
    meta: PaperMeta
    pages: int
    chunks: int


class IndexStore:
    """Chroma collection + SQLite catalog, opened together."""

    def __init__(self, config: StoreConfig, create: bool = True):
        self.config = config
        data_dir = Path(config.data_dir)
        catalog = data_dir / "catalog.sqlite"
        if not create and not catalog.exists():
            raise IndexMissing(f"no index at {data_dir}. Build one with: qa index PAPERS_DIR")
        data_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(catalog), check_same_thread=False, timeout=30)
        self.db.executescript(SCHEMA)
        self._collection = None

    # ------------------------------------------------------------ chroma
    @property
    def collection(self):
        """The Chroma collection (embedded PersistentClient by default, HttpClient when a host is set)."""
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.config.chroma_host:
                    client = chromadb.HttpClient(
                        host=self.config.chroma_host, port=self.config.chroma_port, settings=chroma_settings
                    )
                else:
                    client = chromadb.PersistentClient(
                        path=str(Path(self.config.data_dir) / "chroma"), settings=chroma_settings
                    )
                self._collection = client.get_or_create_collection(
                    self.config.collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
            except Exception as exc:  # chromadb raises many types; name the place and the cause
                where = (
                    f"Chroma server {self.config.chroma_host}:{self.config.chroma_port}"
                    if self.config.chroma_host
                    else f"{self.config.data_dir}/chroma"
                )
                raise StoreError(f"cannot open the Chroma index at {where}: {exc}") from exc
        return self._collection

    def vector_store(self):
        """The collection wrapped as a llama-index ChromaVectorStore."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    def add_chunks(self, chunks: list[Chunk], embeddings: list[list[float]]) -> None:
        """Upsert chunks with their embeddings through llama-index's Chroma store."""
        nodes = []
        for chunk, emb in zip(chunks, embeddings):
            node = chunk.to_node()
            node.embedding = emb
            nodes.append(node)
        for start in range(0, len(nodes), 1000):
            self.vector_store().add(nodes[start : start + 1000])

    def delete_paper_chunks(self, paper_ids: list[str]) -> None:
        """Remove every chunk of these papers from Chroma."""
        for pid in paper_ids:
            self.collection.delete(where={"paper_id": pid})

    def all_chunks(self) -> list[Chunk]:
        """Every chunk of every catalogued paper (orphans left out), in paper and position order."""
        live = self.paper_ids()
        out: list[Chunk] = []
        total = self.collection.count()
        for offset in range(0, total, 5000):
            got = self.collection.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                if meta and meta.get("paper_id") in live:
                    out.append(Chunk.from_metadata(cid, doc or "", meta))
        out.sort(key=lambda c: (c.paper_id, c.position))
        return out

    def orphan_paper_ids(self) -> set[str]:
        """Paper ids that have chunks in Chroma but no catalog row."""
        seen: set[str] = set()
        total = self.collection.count()
        for offset in range(0, total, 5000):
            got = self.collection.get(include=["metadatas"], limit=5000, offset=offset)
            seen.update(m.get("paper_id", "") for m in got["metadatas"] if m)
        return seen - self.paper_ids()

    # ------------------------------------------------------------ catalog
    def paper_ids(self) -> set[str]:
        """Ids of fully indexed papers."""
        return {row[0] for row in self.db.execute("SELECT id FROM papers")}

    _PAPER_COLUMNS = "id, path, source, title, council, committee, meeting_date, doc_type, pages, chunks"

    def papers(self) -> list[CatalogPaper]:
        """Every indexed paper."""
        rows = self.db.execute(f"SELECT {self._PAPER_COLUMNS} FROM papers ORDER BY source")
        return [_row_to_paper(r) for r in rows]

    def _paper_where(self, column: str, value: str) -> CatalogPaper | None:
        row = self.db.execute(f"SELECT {self._PAPER_COLUMNS} FROM papers WHERE {column} = ?", (value,)).fetchone()
        return _row_to_paper(row) if row else None

    def paper_by_path(self, path: str) -> CatalogPaper | None:
        """The indexed version of the file at `path`, if any."""
        return self._paper_where("path", path)

    def paper(self, paper_id: str) -> CatalogPaper | None:
        """The catalog row of one paper."""
        return self._paper_where("id", paper_id)

    def commit_paper(self, paper: Paper, pages: list[Page], n_chunks: int, replaces: str | None = None) -> None:
        """Record a paper as indexed (one transaction); drop the row of the version it replaces."""
        m = paper.meta
        with self.db:
            if replaces:
                self.db.execute("DELETE FROM papers WHERE id = ?", (replaces,))
                self.db.execute("DELETE FROM pages WHERE paper_id = ?", (replaces,))
            self.db.execute("DELETE FROM pages WHERE paper_id = ?", (paper.id,))
            self.db.executemany(
                "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(paper.id, i, p.pdf_page, p.label, p.item, p.item_title, p.text) for i, p in enumerate(pages)],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    paper.id,
                    str(paper.path),
                    paper.source,
                    m.title,
                    m.council,
                    m.committee,
                    m.meeting_date.isoformat() if m.meeting_date else None,
                    m.doc_type.value if m.doc_type else None,
                    len(pages),
                    n_chunks,
                    time.time(),
                ),
            )
            self._bump_generation()

    def remove_papers(self, paper_ids: list[str]) -> None:
        """Forget papers: catalog rows first (so retrieval stops using them), then their chunks."""
        with self.db:
            for pid in paper_ids:
                self.db.execute("DELETE FROM papers WHERE id = ?", (pid,))
                self.db.execute("DELETE FROM pages WHERE paper_id = ?", (pid,))
            self._bump_generation()
        self.delete_paper_chunks(paper_ids)

    def pages(self, paper_id: str) -> list[Page]:
        """The stored page texts of a paper, in order."""
        rows = self.db.execute(
            "SELECT pdf_page, label, item, item_title, text FROM pages WHERE paper_id = ? ORDER BY page_index", (paper_id,)
        )
        return [Page(text=t, pdf_page=p, label=lab, item=it, item_title=itt) for p, lab, it, itt, t in rows]

    def generation(self) -> int:
        """A counter bumped by every change, so caches (BM25) know when to rebuild."""
        row = self.db.execute("SELECT value FROM info WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _bump_generation(self) -> None:
        self.db.execute(
            "INSERT INTO info(key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def get_info(self, key: str) -> str | None:
        """A stored setting of the index (e.g. the embedding model it was built with)."""
        row = self.db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_info(self, key: str, value: str) -> None:
        """Store a setting of the index."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO info(key, value) VALUES (?, ?)", (key, value))

    def stats(self) -> dict:
        """Papers, chunks, meetings and committees in the index."""
        papers = self.papers()
        meetings = {(p.meta.council, p.meta.committee, p.meta.meeting_date) for p in papers}
        return {
            "papers": len(papers),
            "chunks": sum(p.chunks for p in papers),
            "pages": sum(p.pages for p in papers),
            "meetings": len(meetings),
            "councils": sorted({p.meta.council for p in papers if p.meta.council}),
            "committees": sorted({p.meta.committee for p in papers if p.meta.committee}),
            "first_meeting": min((p.meta.meeting_date for p in papers if p.meta.meeting_date), default=None),
            "last_meeting": max((p.meta.meeting_date for p in papers if p.meta.meeting_date), default=None),
        }

    def close(self) -> None:
        """Close the catalog connection."""
        self.db.close()


def _row_to_paper(row) -> CatalogPaper:
    from datetime import date

    pid, path, source, title, council, committee, iso, kind, pages, chunks = row
    meta = PaperMeta(
        council=council,
        committee=committee,
        meeting_date=date.fromisoformat(iso) if iso else None,
        doc_type=DocType(kind) if kind else None,
        title=title,
    )
    return CatalogPaper(pid, path, source, meta, pages or 0, chunks or 0)
