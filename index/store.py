"""The index on disk: a Chroma collection of chunks (the only chromadb importer) and a SQLite catalog.

The catalog records which papers are fully indexed and keeps their page texts, which citations are
checked against. A paper counts as indexed only once its catalog row is committed, after its chunks
are in Chroma; chunks whose paper is not in the catalog (a crash mid-index, a replaced version) are
orphans, ignored by retrieval and deleted at the next build.
"""

from __future__ import annotations

import json
import logging
import math
import os
import pickle
import re
import sqlite3
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from .decisions import Record
from .errors import DamagedIndex, IndexMissing, StoreError
from .lock import ChromaGate, WriteLock, holder
from .types import Chunk, DocType, Page, Paper, PaperMeta

T = TypeVar("T")
CACHE_FOLDER = "cache"  # under the data directory: what readers derive from the index, kept per generation

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
    item TEXT, item_title TEXT, text TEXT NOT NULL, ocr INTEGER NOT NULL DEFAULT 0, words TEXT,
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
        self.db.execute("PRAGMA journal_mode=WAL")  # readers in other processes never wait for a writer's commit
        self.db.executescript(SCHEMA)
        if "ocr" not in {row[1] for row in self.db.execute("PRAGMA table_info(pages)")}:  # a catalog made before OCR
            self.db.execute("ALTER TABLE pages ADD COLUMN ocr INTEGER NOT NULL DEFAULT 0")
            self.db.execute("ALTER TABLE pages ADD COLUMN words TEXT")
            self.db.commit()
        self.gate = ChromaGate(
            None if config.chroma_host else data_dir, self._open_client, lambda _stale: self._forget_system(), self._epoch, self._bump_epoch
        )
        self._collections: dict[str, object] = {}
        self._collections_of = None

    # ------------------------------------------------------------ chroma
    def _open_client(self):
        """A new Chroma client: embedded PersistentClient by default, HttpClient when a host is set."""
        if not self.config.chroma_host:
            damage = chroma_damage(Path(self.config.data_dir) / "chroma")
            if damage:  # opening it would crash the process in Chroma's native code: say so instead
                raise DamagedIndex(
                    f"the Chroma index at {self.config.data_dir}/chroma is damaged ({damage}); "
                    f"run `qa --data-dir {self.config.data_dir} doctor --repair` to rebuild it from the catalog"
                )
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if self.config.chroma_host:
                return chromadb.HttpClient(host=self.config.chroma_host, port=self.config.chroma_port, settings=chroma_settings)
            self._forget_system()  # never another store's cached copy of the segments
            return chromadb.PersistentClient(path=self._chroma_path, settings=chroma_settings)
        except Exception as exc:  # chromadb raises many types; name the place and the cause
            where = (
                f"Chroma server {self.config.chroma_host}:{self.config.chroma_port}"
                if self.config.chroma_host
                else f"{self.config.data_dir}/chroma"
            )
            raise StoreError(f"cannot open the Chroma index at {where}: {exc}") from exc

    @property
    def _chroma_path(self) -> str:
        return str(Path(self.config.data_dir) / "chroma")

    def _forget_system(self) -> None:
        """Drop chromadb's cached system for this index's embedded Chroma, so the next client reads the disk afresh
        (chromadb shares one system per path within a process; the old one is freed with its last user)."""
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(self._chroma_path, None)
        SharedSystemClient._identifier_to_refcount.pop(self._chroma_path, None)

    def _epoch(self) -> int:
        return int(self.get_info("chroma_epoch") or 0)

    def _bump_epoch(self) -> int:
        with self.db:
            self._bump("chroma_epoch")
        return self._epoch()

    @contextmanager
    def chroma(self, name: str | None = None, write: bool = False):
        """A Chroma collection of this index (the chunks', or `name`), current with every process's writes, for
        the calls made inside the block; `write=True` before changing it (index.lock.ChromaGate)."""
        with self.gate.use(write) as client:
            if self._collections_of is not client:
                self._collections, self._collections_of = {}, client
            name = name or self.config.collection
            if name not in self._collections:
                self._collections[name] = self._get_collection(client, name)
            yield self._collections[name]

    def _get_collection(self, client, name: str):
        metadata = {"hnsw:space": "cosine"}
        if self.config.chroma_host:  # a server may hold other indexes' collections: mark ours
            metadata[OWNER_KEY] = self.index_id()
        try:
            collection = client.get_or_create_collection(name, metadata=metadata, embedding_function=None)
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
        """The Chroma collection of chunks, for inspection (the store's own calls go through `chroma()`)."""
        with self.chroma() as collection:
            return collection

    def vector_store(self, records: bool = False):
        """The chunks' (or records') collection as a llama-index ChromaVectorStore whose calls go through the gate."""
        return _gated_store_class()(self, f"{self.config.collection}_records" if records else None)

    def writing(self, doing: str, wait: bool = True, on_wait=None) -> WriteLock:
        """The index's write lock (index.lock.WriteLock): hold it for a whole batch of changes."""
        return WriteLock(self.config.data_dir, doing, wait=wait, on_wait=on_wait)

    def add_chunks(self, chunks: list[Chunk], embeddings: list[list[float]]) -> None:
        """Upsert chunks with their embeddings through llama-index's Chroma store."""
        nodes = []
        for chunk, emb in zip(chunks, embeddings):
            node = chunk.to_node()
            node.embedding = emb
            nodes.append(node)
        store = self.vector_store()
        for start in range(0, len(nodes), 1000):
            store.add(nodes[start : start + 1000])

    def delete_paper_chunks(self, paper_ids: list[str]) -> None:
        """Remove every chunk (and record embedding) of these papers from Chroma."""
        for pid in paper_ids:
            with self.chroma(write=True) as chunks:
                chunks.delete(where={"paper_id": pid})
            with self.chroma(self._records_name, write=True) as records:
                records.delete(where={"paper_id": pid})

    @property
    def _records_name(self) -> str:
        return f"{self.config.collection}_records"

    def chroma_ids(self, records: bool = False) -> dict[str, int]:
        """Chunks (or record embeddings) in Chroma per paper id, orphans included: what `qa doctor` compares
        with the catalog."""
        counts: dict[str, int] = {}
        with self.chroma(self._records_name if records else None) as collection:
            total = collection.count()
            for offset in range(0, total, 5000):
                got = collection.get(include=["metadatas"], limit=5000, offset=offset)
                for m in got["metadatas"]:
                    pid = (m or {}).get("paper_id", "")
                    counts[pid] = counts.get(pid, 0) + 1
        return counts

    def all_chunks(self, text: bool = True) -> list[Chunk]:
        """Every chunk of every catalogued paper (orphans left out), in paper and position order; with
        text=False only their metadata (meeting, item, pages), which is cheaper to read."""
        live = self.paper_ids()
        out: list[Chunk] = []
        include = ["documents", "metadatas"] if text else ["metadatas"]
        with self.chroma() as collection:
            total = collection.count()
            for offset in range(0, total, 5000):
                got = collection.get(include=include, limit=5000, offset=offset)
                docs = got["documents"] if text else [""] * len(got["ids"])
                for cid, doc, meta in zip(got["ids"], docs, got["metadatas"]):
                    if meta and meta.get("paper_id") in live:
                        out.append(Chunk.from_metadata(cid, doc or "", meta))
        out.sort(key=lambda c: (c.paper_id, c.position))
        return out

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """One chunk by id."""
        with self.chroma() as collection:
            got = collection.get(ids=[chunk_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return Chunk.from_metadata(got["ids"][0], got["documents"][0] or "", got["metadatas"][0])

    def orphan_paper_ids(self) -> set[str]:
        """Paper ids that have chunks in Chroma but no catalog row."""
        return set(self.chroma_ids()) - self.paper_ids()

    def set_chroma_aside(self) -> Path:
        """Move a damaged embedded Chroma directory out of the way (kept, renamed); the next open starts empty."""
        chroma_dir = Path(self.config.data_dir) / "chroma"
        kept = chroma_dir.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        chroma_dir.rename(kept)  # not through the gate: opening these files is what crashes
        self.gate.client = None
        self._collections, self._collections_of = {}, None
        self._bump_epoch()  # every other process reopens
        return kept

    # ------------------------------------------------------------ catalog
    def record_counts(self) -> dict[str, int]:
        """Decision/commitment records per paper in the catalog."""
        return dict(self.db.execute("SELECT paper_id, COUNT(*) FROM records GROUP BY paper_id").fetchall())

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
                "INSERT INTO pages (paper_id, page_index, pdf_page, label, item, item_title, text, ocr, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (paper.id, i, p.pdf_page, p.label, p.item, p.item_title, p.text, int(p.ocr), json.dumps(p.words) if p.words else None)
                    for i, p in enumerate(pages)
                ],
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
        with self.chroma(self._records_name, write=True) as collection:
            collection.upsert(
                ids=[record_id(paper_id, n) for n in range(len(records))],
                embeddings=embeddings,
                documents=[r.text for r in records],
                metadatas=[{"paper_id": paper_id, "n": n, "type": r.type} for n, r in enumerate(records)],
            )

    def pages(self, paper_id: str) -> list[Page]:
        """The stored page texts of a paper, in order."""
        rows = self.db.execute(
            "SELECT pdf_page, label, item, item_title, text, ocr, words FROM pages WHERE paper_id = ? ORDER BY page_index", (paper_id,)
        )
        return [
            Page(text=t, pdf_page=p, label=lab, item=it, item_title=itt, ocr=bool(o), words=json.loads(w) if w else None)
            for p, lab, it, itt, t, o, w in rows
        ]

    def generation(self) -> int:
        """A counter bumped by every change, so caches (BM25) know when to rebuild."""
        row = self.db.execute("SELECT value FROM info WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def cached(self, name: str, build: Callable[[], T]) -> T:
        """What `build` derives from the index (sections, BM25, agendas), kept on disk for the index's generation: the
        first process to need it after a change builds and saves it, every other one loads it (a pickle written to a
        temporary file and renamed, so no reader sees half of one). `name` carries whatever else the result depends on
        (settings); the file name carries a hash of this code, so an upgrade rebuilds it. An unreadable or stale file is
        rebuilt, never trusted."""
        path = Path(self.config.data_dir) / CACHE_FOLDER / f"{name}-{_code_version()}.pickle"
        generation = self.generation()  # read before building: the result holds at least this generation
        try:
            with path.open("rb") as f:
                saved_generation, value = pickle.load(f)
            if saved_generation == generation:
                return value
        except FileNotFoundError:
            pass
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError) as exc:
            # a truncated or foreign file, or one pickled by other code: rebuild it
            log.info("rebuilding %s: %s", path.name, exc)
        value = build()
        partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as f:
                pickle.dump((generation, value), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)
            for old in path.parent.glob(f"{name}-*.pickle"):  # what older code saved is never read again
                if old != path and re.fullmatch(rf"{re.escape(name)}-[0-9a-f]{{12}}\.pickle", old.name):
                    old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only data directory: answer anyway, rebuild next time
            log.warning("cannot save %s: %s", path, exc)
        finally:
            partial.unlink(missing_ok=True)
        return value

    def text_vectors(self, model: str) -> TextVectors:
        """The kept vectors of texts embedded with `model` for this index (see TextVectors)."""
        return TextVectors(Path(self.config.data_dir) / CACHE_FOLDER / f"vectors-{model}.sqlite")

    def _bump_generation(self) -> None:
        self._bump("generation")

    def _bump(self, key: str) -> None:
        """Add one to a counter in the info table (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO info(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            (key,),
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
            "writer": self.writer(),
        }

    def writer(self) -> str | None:
        """Who holds the write lock now (index.lock.Holder.describe), or None."""
        found = holder(self.config.data_dir)
        return found.describe() if found else None

    def close(self) -> None:
        """Close the catalog connection and forget the Chroma client."""
        if self.gate.client is not None and not self.config.chroma_host:
            self._forget_system()
        self.gate.client = None
        self.db.close()


class TextVectors:
    """Vectors of short texts (the sentences answers compare with a question), embedded once per index and kept on
    disk in DATA_DIR/cache/: a text is found by its hash. Shared by the threads of a process and by processes
    (SQLite in WAL mode); what another process adds is seen at once."""

    def __init__(self, path: Path):
        import threading

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), timeout=60, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")

    @staticmethod
    def _key(text: str) -> bytes:
        import hashlib

        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def get_many(self, texts: list[str]) -> dict:
        """{text: float32 vector} for the texts that are kept."""
        import numpy as np

        keys = {self._key(t): t for t in texts}
        out = {}
        with self._lock:
            items = list(keys)
            for start in range(0, len(items), 500):
                part = items[start : start + 500]
                rows = self.db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
                for key, blob in rows:
                    out[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return out

    def missing(self, texts: list[str]) -> list[str]:
        """The texts (each once, in order) that have no vector yet."""
        kept = self.get_many(texts)
        return [t for t in dict.fromkeys(texts) if t not in kept]

    def put_many(self, vectors: dict) -> None:
        import numpy as np

        rows = [(self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("INSERT OR REPLACE INTO vectors(key, vector) VALUES (?, ?)", rows)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def __len__(self) -> int:
        with self._lock:
            return self.db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


@cache
def _code_version() -> str:
    """A hash of the councilqa source (index/ and qa/): what a saved cache was pickled by."""
    import hashlib

    digest = hashlib.blake2b(digest_size=6)
    root = Path(__file__).resolve().parent.parent
    for py in sorted([*root.joinpath("index").glob("*.py"), *root.joinpath("qa").glob("*.py")]):
        digest.update(py.name.encode())
        digest.update(py.read_bytes())
    return digest.hexdigest()


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):  # Chroma's segment metadata is plain dicts, lists and numbers
        raise pickle.UnpicklingError(f"unexpected type {module}.{name}")


def chroma_damage(chroma_dir: Path) -> str | None:
    """Why an embedded Chroma directory cannot be opened safely, or None; read without chromadb.

    The damage two processes writing at once leave (issue 15): a vector segment that holds fewer vectors than
    the collection's metadata lists, with too few operations queued after it to catch up. Chroma's native code
    then crashes the process on the first query instead of raising.
    """
    db = chroma_dir / "chroma.sqlite3"
    if not db.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            segments = con.execute(
                "SELECT v.id, c.id, c.name, m.id FROM segments v JOIN collections c ON c.id = v.collection "
                "JOIN segments m ON m.collection = c.id AND m.scope = 'METADATA' WHERE v.scope = 'VECTOR'"
            ).fetchall()
            for vector_id, collection_id, name, metadata_id in segments:
                saved = chroma_dir / vector_id / "index_metadata.pickle"
                if not saved.exists():
                    continue  # nothing persisted yet: the queue holds everything
                with open(saved, "rb") as f:
                    held = len(_PlainUnpickler(f).load().get("id_to_label") or {})
                row = con.execute("SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (vector_id,)).fetchone()
                after = int(row[0]) if row else 0
                queued = con.execute(
                    "SELECT COUNT(*) FROM embeddings_queue WHERE seq_id > ? AND topic LIKE ?", (after, f"%{collection_id}")
                ).fetchone()[0]
                listed = con.execute("SELECT COUNT(*) FROM embeddings WHERE segment_id = ?", (metadata_id,)).fetchone()[0]
                if held + queued < listed:
                    return f"collection {name}: its vector segment holds {held:,} of {listed:,} vectors"
        finally:
            con.close()
    except (sqlite3.DatabaseError, OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
        return f"its files cannot be read: {exc}"
    return None


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


@cache
def _gated_store_class():
    """llama-index's ChromaVectorStore, each call made through the owning IndexStore's gate (built on first use, so
    importing this module stays free of llama-index's Chroma integration)."""
    from llama_index.vector_stores.chroma import ChromaVectorStore
    from pydantic import PrivateAttr

    class GatedChromaVectorStore(ChromaVectorStore):
        _owner: object = PrivateAttr()
        _name: str | None = PrivateAttr()

        def __init__(self, owner: IndexStore, name: str | None = None):
            with owner.chroma(name) as collection:
                super().__init__(chroma_collection=collection)
            self._owner, self._name = owner, name

        def _call(self, method, write: bool, *args, **kwargs):
            with self._owner.chroma(self._name, write=write) as collection:
                self._collection = collection
                return method(*args, **kwargs)

        def query(self, query, **kwargs):
            return self._call(super().query, False, query, **kwargs)

        def similar_ids(self, query) -> list[tuple[str, float]]:
            """The ids and similarities (scored as `query` would score them) of the chunks nearest a VectorStoreQuery,
            without their text and metadata: a tenth of the time where the caller has those already."""
            from llama_index.vector_stores.chroma.base import _to_chroma_filter

            where = {"where": _to_chroma_filter(query.filters)} if query.filters else {}

            def nearest():
                found = self._collection.query(query_embeddings=[query.query_embedding], n_results=query.similarity_top_k, include=["distances"], **where)
                return [(cid, math.exp(-d)) for cid, d in zip(found["ids"][0], found["distances"][0])]

            return self._call(nearest, False)

        def get_nodes(self, *args, **kwargs):
            return self._call(super().get_nodes, False, *args, **kwargs)

        def add(self, nodes, **kwargs):
            return self._call(super().add, True, nodes, **kwargs)

        def delete(self, ref_doc_id, **kwargs):
            return self._call(super().delete, True, ref_doc_id, **kwargs)

        def delete_nodes(self, *args, **kwargs):
            return self._call(super().delete_nodes, True, *args, **kwargs)

    return GatedChromaVectorStore
