"""The index on disk: a Chroma collection of chunks (the only chromadb importer) and a SQLite catalog.

The catalog records which papers are fully indexed and keeps their page texts, which citations are
checked against. A paper counts as indexed only once its catalog row is committed, after its chunks
are in Chroma; chunks whose paper is not in the catalog (a crash mid-index, a replaced version) are
orphans, ignored by retrieval and deleted at the next build.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .errors import IndexMissing, StoreError
from .decisions import Record
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
CREATE TABLE IF NOT EXISTS records (
    paper_id TEXT NOT NULL, n INTEGER NOT NULL, type TEXT NOT NULL, kind TEXT, text TEXT NOT NULL,
    chunk_id TEXT, item TEXT, item_title TEXT, meeting_date TEXT, page_index INTEGER, pdf_page INTEGER,
    label TEXT, mover TEXT, seconder TEXT, votes TEXT, due TEXT, who TEXT,
    PRIMARY KEY (paper_id, n)
);
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


OWNER_KEY = "councilqa_index"  # collection metadata: the id of the index that owns it


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
        self._client = None
        self._collection = None
        self._records_collection = None

    # ------------------------------------------------------------ chroma
    @property
    def client(self):
        """The Chroma client: embedded PersistentClient by default, HttpClient when a host is set."""
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.config.chroma_host:
                    self._client = chromadb.HttpClient(
                        host=self.config.chroma_host, port=self.config.chroma_port, settings=chroma_settings
                    )
                else:
                    self._client = chromadb.PersistentClient(
                        path=str(Path(self.config.data_dir) / "chroma"), settings=chroma_settings
                    )
            except Exception as exc:  # chromadb raises many types; name the place and the cause
                where = (
                    f"Chroma server {self.config.chroma_host}:{self.config.chroma_port}"
                    if self.config.chroma_host
                    else f"{self.config.data_dir}/chroma"
                )
                raise StoreError(f"cannot open the Chroma index at {where}: {exc}") from exc
        return self._client

    def _get_collection(self, name: str):
        metadata = {"hnsw:space": "cosine"}
        if self.config.chroma_host:  # a server may hold other indexes' collections: mark ours
            metadata[OWNER_KEY] = self.index_id()
        try:
            collection = self.client.get_or_create_collection(name, metadata=metadata, embedding_function=None)
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection {name}: {exc}") from exc
        if self.config.chroma_host:
            self._check_owner(collection)
        return collection

    def index_id(self) -> str:
        """This index's id (made once, kept in the catalog): marks its collections on a Chroma server."""
        found = self.get_info("index_id")
        if found is None:
            found = uuid.uuid4().hex
            self.set_info("index_id", found)
        return found

    def _check_owner(self, collection) -> None:
        """Refuse a server collection that belongs to another index: indexing here would delete its chunks
        as orphans of this catalog."""
        owner = (collection.metadata or {}).get(OWNER_KEY)
        where = f"{self.config.chroma_host}:{self.config.chroma_port}"
        advice = "set another collection name (QA_CHROMA__COLLECTION or chroma.collection) or use that index's data directory"
        if owner and owner != self.index_id():
            raise StoreError(f"Chroma collection {collection.name} on {where} belongs to another councilqa index; {advice}")
        if not owner and collection.count() and not self.paper_ids():
            raise StoreError(f"Chroma collection {collection.name} on {where} already holds chunks this index does not list; {advice}")

    @property
    def collection(self):
        """The Chroma collection of chunks."""
        if self._collection is None:
            self._collection = self._get_collection(self.config.collection)
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
        """Remove every chunk (and record embedding) of these papers from Chroma."""
        for pid in paper_ids:
            self.collection.delete(where={"paper_id": pid})
            self.records_collection.delete(where={"paper_id": pid})

    def all_chunks(self, text: bool = True) -> list[Chunk]:
        """Every chunk of every catalogued paper (orphans left out), in paper and position order; with
        text=False only their metadata (meeting, item, pages), which is cheaper to read."""
        live = self.paper_ids()
        out: list[Chunk] = []
        total = self.collection.count()
        include = ["documents", "metadatas"] if text else ["metadatas"]
        for offset in range(0, total, 5000):
            got = self.collection.get(include=include, limit=5000, offset=offset)
            docs = got["documents"] if text else [""] * len(got["ids"])
            for cid, doc, meta in zip(got["ids"], docs, got["metadatas"]):
                if meta and meta.get("paper_id") in live:
                    out.append(Chunk.from_metadata(cid, doc or "", meta))
        out.sort(key=lambda c: (c.paper_id, c.position))
        return out

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk by id."""
        got = self.collection.get(ids=[chunk_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return Chunk.from_metadata(got["ids"][0], got["documents"][0] or "", got["metadatas"][0])

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

    def commit_paper(
        self, paper: Paper, pages: list[Page], n_chunks: int, replaces: str | None = None, records: list[Record] | None = None
    ) -> None:
        """Record a paper as indexed with its pages and decision/commitment records (one transaction);
        drop the rows of the version it replaces."""
        m = paper.meta
        with self.db:
            for pid in {replaces, paper.id} - {None}:
                for table in ("papers", "pages", "records"):
                    self.db.execute(f"DELETE FROM {table} WHERE {'id' if table == 'papers' else 'paper_id'} = ?", (pid,))
            self.db.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        paper.id, n, r.type, r.kind, r.text, r.chunk_id, r.item, r.item_title,
                        r.meeting_date.isoformat() if r.meeting_date else None, r.page_index, r.pdf_page, r.label,
                        r.mover, r.seconder, json.dumps(r.votes) if r.votes else None, r.due, r.who,
                    )
                    for n, r in enumerate(records or [])
                ],
            )
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
                self.db.execute("DELETE FROM records WHERE paper_id = ?", (pid,))
            self._bump_generation()
        self.delete_paper_chunks(paper_ids)

    def records(self, type_: str | None = None) -> list[StoredRecord]:
        """Every decision/commitment record of the indexed papers (or of one type), in meeting order."""
        sql = (
            "SELECT r.paper_id, r.n, r.type, r.kind, r.text, r.chunk_id, r.item, r.item_title, r.meeting_date, r.page_index,"
            " r.pdf_page, r.label, r.mover, r.seconder, r.votes, r.due, r.who, p.source, p.council, p.committee"
            " FROM records r JOIN papers p ON p.id = r.paper_id"
        )
        args: tuple = ()
        if type_:
            sql += " WHERE r.type = ?"
            args = (type_,)
        rows = self.db.execute(sql + " ORDER BY r.meeting_date, p.source, r.n", args).fetchall()
        return [_row_to_record(row) for row in rows]

    def add_record_embeddings(self, paper_id: str, records: list[Record], embeddings: list[list[float]]) -> None:
        """Store record embeddings (for topic search) in a second collection beside the chunks."""
        if not records:
            return
        self.records_collection.upsert(
            ids=[record_id(paper_id, n) for n in range(len(records))],
            embeddings=embeddings,
            documents=[r.text for r in records],
            metadatas=[{"paper_id": paper_id, "n": n, "type": r.type} for n, r in enumerate(records)],
        )

    @property
    def records_collection(self):
        """The Chroma collection of decision/commitment record embeddings."""
        if self._records_collection is None:
            self._records_collection = self._get_collection(f"{self.config.collection}_records")
        return self._records_collection

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


def record_id(paper_id: str, n: int) -> str:
    """The id of a paper's n-th record in the records collection."""
    return f"{paper_id[:16]}-r{n:04d}"


@dataclass
class StoredRecord:
    """A record as stored: the extracted Record plus its paper's id, source, council and committee."""

    paper_id: str
    n: int
    record: Record
    source: str
    council: str
    committee: str
    follow_up: object = None  # for commitments, what later papers say of it (set by qa.register)

    @property
    def id(self) -> str:
        """Its id in the records collection."""
        return record_id(self.paper_id, self.n)


def _row_to_record(row) -> StoredRecord:
    from datetime import date

    (pid, n, type_, kind, text, chunk_id, item, item_title, iso, page_index, pdf_page, label, mover, seconder, votes, due, who,
     source, council, committee) = row
    rec = Record(
        type=type_, text=text, kind=kind or "", chunk_id=chunk_id or "", item=item or "", item_title=item_title or "",
        meeting_date=date.fromisoformat(iso) if iso else None, page_index=page_index or 0, pdf_page=pdf_page, label=label,
        mover=mover, seconder=seconder, votes=json.loads(votes) if votes else {}, due=due, who=who,
    )
    return StoredRecord(pid, n, rec, source, council or "", committee or "")
