"""Who may change an index, and when a process must reopen its Chroma client.

Chroma's embedded PersistentClient is not process-safe. Measured here (chromadb 1.5): a long-lived process
that wrote, then wrote again after another process had written, left a collection that segfaults on open;
a client opened before another process wrote cannot `get` that process's new ids ("Error finding id").
Two rules keep an index whole:

- `WriteLock`: one writer per data directory for a whole batch (`qa index`, an upload, `--prune`). It is a
  `flock` on `write.lock`, which the kernel drops when its holder dies, so a killed writer never leaves a
  stale lock behind; the file says who holds it (pid, command, what it is doing, since when).
- `ChromaGate`: every Chroma call takes a short `flock` on `chroma.lock` (shared to read, exclusive to
  write; one call at a time within a process) and first reopens the client when the catalog's Chroma epoch
  says another process has written since this one opened it. A writer moves the epoch *before* it writes,
  so a writer killed mid-call still sends every reader back to the disk.

A Chroma server is process-safe: with one, the gate only serialises this process's calls.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Self

from .errors import IndexBusy

log = logging.getLogger(__name__)

WRITE_LOCK = "write.lock"
CHROMA_LOCK = "chroma.lock"


@dataclass(frozen=True)
class Holder:
    """The process writing an index."""

    pid: int
    command: str
    doing: str
    since: str  # ISO time

    def describe(self) -> str:
        """'pid 1234 (qa index papers/: indexing 3 paths, since 13:02:11)'."""
        since = self.since[11:19] if len(self.since) >= 19 else self.since
        return f"pid {self.pid} ({self.command}: {self.doing}, since {since})"


def _read_holder(path: Path) -> Holder:
    """The holder the lock file names (a holder that has not written it yet is "another process")."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
        return Holder(int(data["pid"]), str(data["command"]), str(data["doing"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(0, "another process", "writing", "")


def holder(data_dir: Path) -> Holder | None:
    """Who is writing the index at `data_dir` now, or None if nobody is (a dead holder's file does not count)."""
    path = Path(data_dir) / WRITE_LOCK
    if not path.exists():
        return None
    with open(path, "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(path)
        fcntl.flock(f, fcntl.LOCK_UN)
    return None


class WriteLock:
    """Held for a whole write to an index; a second writer waits (calling `on_wait` once) or fails fast."""

    def __init__(self, data_dir: Path, doing: str, wait: bool = True, on_wait: Callable[[Holder], None] | None = None):
        self.path = Path(data_dir) / WRITE_LOCK
        self.doing = doing
        self.wait = wait
        self.on_wait = on_wait
        self._file = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = _read_holder(self.path)
            if not self.wait:
                f.close()
                raise IndexBusy(
                    f"another process is writing the index at {self.path.parent}: {other.describe()}; "
                    "try again when it has finished, or let this one wait for it"
                ) from None
            if self.on_wait:
                self.on_wait(other)
            fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        f.truncate()
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200] if sys.argv and sys.argv[0] else "python"
        f.write(json.dumps({"pid": os.getpid(), "command": command, "doing": self.doing, "since": datetime.now().isoformat(timespec="seconds")}))
        f.flush()
        self._file = f
        return self

    def __exit__(self, *exc) -> None:
        f, self._file = self._file, None
        if f is not None:
            f.seek(0)
            f.truncate()
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)
            f.close()


class ChromaGate:
    """Serialises one process's Chroma calls and keeps its client current with other processes' writes.

    `open_client()` makes a fresh client and `forget(client)` drops a stale one; `epoch()` and `bump()` read and
    move the catalog's Chroma epoch.
    """

    def __init__(
        self,
        data_dir: Path | None,
        open_client: Callable[[], object],
        forget: Callable[[object], None],
        epoch: Callable[[], int],
        bump: Callable[[], int],
    ):
        self.path = Path(data_dir) / CHROMA_LOCK if data_dir is not None else None  # None: a Chroma server
        self._open_client = open_client
        self._forget = forget
        self._epoch = epoch
        self._bump = bump
        self._thread_lock = threading.RLock()
        self._file = None
        self._depth = 0
        self._seen = None  # the epoch this process's client is current with
        self.client = None
        self.reopened = 0  # how many times the client was reopened (for tests and logs)

    @contextmanager
    def use(self, write: bool = False) -> Iterator[object]:
        """The current Chroma client, for one call (or a few in a row); `write=True` before changing Chroma."""
        with self._thread_lock:
            outer = self._depth == 0
            if outer and self.path is not None:
                if self._file is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._file = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the store's life)
                fcntl.flock(self._file, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            self._depth += 1
            try:
                if self.path is not None:
                    now = self._epoch()
                    if self.client is None or now != self._seen:
                        self._reopen()
                        self._seen = now
                    if write:
                        self._seen = self._bump()
                elif self.client is None:
                    self.client = self._open_client()
                yield self.client
            finally:
                self._depth -= 1
                if outer and self._file is not None:
                    fcntl.flock(self._file, fcntl.LOCK_UN)

    def _reopen(self) -> None:
        started = time.perf_counter()
        stale, self.client = self.client, None
        if stale is not None:
            self._forget(stale)  # this process's copy of the segments is behind the disk
            self.reopened += 1
        self.client = self._open_client()
        if stale is not None:
            log.info("Chroma reopened after another process wrote (%.2f s)", time.perf_counter() - started)
