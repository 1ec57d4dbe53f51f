"""councilqa against a Chroma server (chroma.host / QA_CHROMA__HOST) instead of the embedded store.

The server is the `chroma` program that the chromadb package installs, started on a free local port.
"""

import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.errors import StoreError


def _chroma_program() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    program = _chroma_program()
    if program is None:
        pytest.skip("the chroma server program (from the chromadb package) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [program, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline, waiting = time.monotonic() + 60, threading.Event()
    while True:  # wait for the server to accept connections (or to die)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"chroma server did not start (exit code {proc.poll()})")
            waiting.wait(0.1)
    yield "127.0.0.1", port
    proc.terminate()
    proc.wait(timeout=10)


def _assistant(data_dir: Path, server: tuple[str, int], collection: str | None = None):
    from qa.assistant import Assistant
    from qa.config import load_settings

    settings = load_settings(data_dir=data_dir)
    settings.chroma.host, settings.chroma.port = server
    if collection:
        settings.chroma.collection = collection
    return Assistant(settings, create=True)


def test_index_and_answer_through_a_chroma_server(chroma_server, papers, tmp_path):
    a = _assistant(tmp_path / "a", chroma_server)
    report = a.index([papers])
    assert not report.skipped and report.chunks_embedded > 0
    assert not (tmp_path / "a" / "chroma").exists()  # the chunks live on the server, the catalog here
    answer = a.ask("How much did the Northgate cycle lane cost to build?")
    assert "£2.4m" in answer.text and answer.citations and answer.citations[0].verified
    assert [d.record.item for d in a.decisions("cycle lanes")][:1] == ["52"]  # the register's records too

    # a second index pointed at the same collection by mistake is refused, and the first loses nothing
    with pytest.raises(StoreError, match="belongs to another councilqa index"):
        _assistant(tmp_path / "b", chroma_server).index([papers])
    assert "£2.4m" in _assistant(tmp_path / "a", chroma_server).ask("How much did the Northgate cycle lane cost to build?").text

    # with its own collection it works beside the first
    b = _assistant(tmp_path / "b", chroma_server, collection="councilqa-second")
    assert not b.index([papers]).skipped
    assert "£2.4m" in b.ask("How much did the Northgate cycle lane cost to build?").text


def test_a_chroma_server_that_is_down_is_a_clear_error(papers, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(StoreError, match=f"Chroma server 127.0.0.1:{port}"):
        _assistant(tmp_path / "c", ("127.0.0.1", port)).index([papers])
