"""Test setup: no network, no real home directory, no Chroma telemetry; a fast hash embedder by default."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # a hidden model download must fail loudly
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_PAPERS = ROOT / "papers"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="run tests that index the whole shared corpus")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="needs --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test gets its own data directory and no config file from the working directory."""
    monkeypatch.setenv("QA_HOME", str(tmp_path / "index"))
    monkeypatch.setenv("QA_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("QA_INDEX__EMBED_MODEL", "hash")
    for var in [v for v in os.environ if v.startswith("QA_") and v not in {"QA_HOME", "QA_CONFIG", "QA_INDEX__EMBED_MODEL"}]:
        monkeypatch.delenv(var)


@pytest.fixture
def papers(tmp_path) -> Path:
    """A writable copy of the tiny fixture papers."""
    dest = tmp_path / "papers"
    shutil.copytree(FIXTURES / "papers", dest)
    return dest


@pytest.fixture
def assistant(papers):
    """An Assistant over the fixture papers, indexed with the hash embedder."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    a = Assistant(load_settings(), create=True)
    report = a.index([papers])
    assert report.ok, report.skipped
    return a


def index_texts(folder: Path, files: dict[str, str]):
    """An Assistant (hash embedder) over a folder of small papers written from `files` (name -> text)."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    a = Assistant(load_settings(), create=True)
    a.index([folder])
    return a


@pytest.fixture(scope="session")
def leicester(tmp_path_factory):
    """An Assistant over the bundled Leicester papers with the real MiniLM model (built once per run)."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    data = tmp_path_factory.mktemp("leicester-index")
    mp = pytest.MonkeyPatch()
    mp.setenv("QA_INDEX__EMBED_MODEL", "all-MiniLM-L6-v2")
    try:
        a = Assistant(load_settings(data_dir=data), create=True)
        report = a.index([SAMPLE_PAPERS])
    finally:
        mp.undo()
    assert report.ok and len(report.added) == 2, report
    return a


@pytest.fixture(scope="module")
def served(leicester, tmp_path_factory):
    """The UI over (a copy of) the Leicester index, served by uvicorn on a free local port."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    data = tmp_path_factory.mktemp("ui-index") / "index"
    shutil.copytree(leicester.settings.data_dir, data)  # uploads in one module never reach another
    mp = pytest.MonkeyPatch()
    mp.setenv("QA_INDEX__EMBED_MODEL", "all-MiniLM-L6-v2")
    assistant = Assistant(load_settings(data_dir=data))
    assistant.retriever.chunk_count()
    with serve_ui(assistant) as url:
        yield url, assistant
    mp.undo()


@contextmanager
def serve_ui(assistant):
    """The UI of `assistant`, served by uvicorn on a free local port, for as long as the block runs."""
    import socket

    import uvicorn

    from qa.ui import build_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_app(assistant), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    while not server.started and thread.is_alive():
        ready.wait(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
