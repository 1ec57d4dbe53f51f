"""councilqa benchmarks: each figure beside a baseline measured in the same run, and their ratio.

    python benchmarks/bench.py                       # the bundled papers/ and eval/smoke.jsonl (about a minute)
    python benchmarks/bench.py --papers ../shared/corpus --questions eval/questions.jsonl
    python benchmarks/bench.py --only parse,query

parse     PDF pages per second: councilqa's parser (pypdfium2, printed page labels) vs pypdf's text extraction
index     chunks per second, whole pipeline (parse, chunk, embed, store, register) vs embedding the same chunk
          texts alone with the same model: the ratio is what everything around the model costs
query     retrieval latency (hybrid BM25 + dense, fused, filtered) vs plain llama-index BM25 over the same chunks;
          and a full extractive answer (retrieve, choose sentences, verify each quote on its page) vs retrieval alone
users     20 clients x 3 rounds asking at once through the web UI's API (`qa serve` in its own process):
          answer p50/p95 and how many were right, with ui.concurrency as set vs 1 (one question at a time)
cold      a fresh `qa ask` process (one question, --json): wall time and peak RSS with what indexing saved (the model's
          ONNX export, sections and BM25 in DATA_DIR/cache) vs the same process loading torch and rebuilding them, as
          every `qa ask` did before (the cache is deleted before each baseline run); and `qa --help`
register  follow-ups of every commitment (which later agenda item took it up) with the title-word index vs a
          scan of every item, on the same records

Timings are wall-clock on this machine; compare ratios, not absolute figures, across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is packaged; a download would be a bug


def _timed(fn, *args, **kw):
    started = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - started


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bench_parse(papers: Path) -> list[tuple]:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)

    from index.parse import parse_paper

    pdfs = sorted(p for p in papers.rglob("*.pdf"))
    ours_pages = ours_s = base_pages = base_s = 0.0
    for pdf in pdfs:
        try:
            pages, s = _timed(parse_paper, pdf)
        except Exception:  # noqa: BLE001 - a bad paper is skipped by both
            continue
        ours_pages, ours_s = ours_pages + len(pages), ours_s + s
        reader_pages, s = _timed(lambda p: [pg.extract_text() for pg in PdfReader(p).pages], pdf)
        base_pages, base_s = base_pages + len(reader_pages), base_s + s
    ours, base = ours_pages / ours_s, base_pages / base_s  # (pypdf's warnings about odd fonts are silenced)
    return [("parse: PDF pages/s", f"{ours:.0f}", f"{base:.0f} (pypdf)", f"{ours / base:.1f}x faster", f"{len(pdfs)} PDFs, {int(ours_pages)} pages")]


def bench_index(papers: Path, data_dir: Path):
    from llama_index.core.schema import MetadataMode

    from qa.assistant import Assistant
    from qa.config import load_settings

    assistant = Assistant(load_settings(data_dir=data_dir), create=True)
    assistant.embedder.get_text_embedding("warm up")  # the model is loaded before either is timed (it is cached)
    report, seconds = _timed(assistant.index, [papers])
    chunks = assistant.store.all_chunks()
    texts = [c.to_node().get_content(metadata_mode=MetadataMode.EMBED) for c in chunks]
    _, model_s = _timed(assistant.embedder.get_text_embedding_batch, texts)
    rows = [
        (
            "index: chunks/s",
            f"{len(chunks) / seconds:.1f}",
            f"{len(chunks) / model_s:.1f} (model alone)",
            f"{seconds / model_s:.2f}x the model's time",
            f"{len(report.added)} papers, {len(chunks)} chunks, {seconds:.0f} s",
        )
    ]
    return rows, assistant


def bench_query(assistant, questions: Path) -> list[tuple]:
    from llama_index.retrievers.bm25 import BM25Retriever

    from qa.evaluate import load_questions

    qs = [q.question for q in load_questions(questions)]
    assistant.retrieve(qs[0])  # warm: BM25 built, model loaded
    chunks = assistant.store.all_chunks()
    plain = BM25Retriever(nodes=[c.to_node() for c in chunks], similarity_top_k=5)
    hybrid, bm25, ask = [], [], []
    for q in qs:
        hybrid.append(_timed(assistant.retrieve, q)[1])
        bm25.append(_timed(plain.retrieve, q)[1])
        ask.append(_timed(assistant.ask, q)[1])
    ms = lambda v: f"{1000 * statistics.median(v):.0f} ms (p95 {1000 * _p(v, 0.95):.0f})"  # noqa: E731
    return [
        ("query: retrieve", ms(hybrid), ms(bm25) + " plain BM25", f"{statistics.median(hybrid) / statistics.median(bm25):.1f}x", f"{len(qs)} questions"),
        ("query: answer", ms(ask), ms(hybrid) + " retrieval", f"{statistics.median(ask) / statistics.median(hybrid):.1f}x", "extractive, every quote verified"),
    ]


def bench_register(assistant, scale: int = 100) -> list[tuple]:
    from dataclasses import replace

    from qa.followup import _about, _Meetings, body_key, subject_terms, word_index

    agendas = assistant.register.agendas
    records = [r for r in assistant.store.records() if r.record.type == "commitment"]
    data = agendas._refresh()

    def scan(r, data):
        body = body_key(r.council, r.committee)
        subject = subject_terms(r.record.text)
        for it, terms in data.items.get(body, []) if body else []:
            if r.record.meeting_date and it.meeting_date > r.record.meeting_date and len(subject) >= 2 and _about(subject, terms):
                return it
        return None

    def run(data):
        agendas._data = data  # the tables as if built from this index
        _, indexed_s = _timed(lambda: [agendas.follow_up(r) for r in records])
        _, scan_s = _timed(lambda: [scan(r, data) for r in records])
        return indexed_s, scan_s

    rows = []
    for n in (1, scale):
        # n copies of every agenda item (the same titles and dates): what a larger index's tables look like
        items = {b: [(replace(it), t) for it, t in rows_ for _ in range(n)] for b, rows_ in data.items.items()}
        indexed_s, scan_s = run(_Meetings(data.dates, items, {b: word_index(rows_) for b, rows_ in items.items()}))
        count = sum(len(v) for v in items.values())
        rows.append(
            (f"register: follow-ups{'' if n == 1 else f' (items x{n})'}", f"{1000 * indexed_s:.1f} ms", f"{1000 * scan_s:.1f} ms (scan)",
             f"{scan_s / max(indexed_s, 1e-9):.1f}x (scan time / indexed time)", f"{len(records)} commitments, {count} agenda items")
        )
    agendas._data = data
    return rows


USERS_QUESTIONS = {  # the bundled papers: question -> what a right answer holds
    "What saving was SEND transport on track to deliver?": "£900,000",
    "What saving did adventure playgrounds deliver this year?": "£400,000",
    "How many key performance indicators are outlined in the Youth Justice Plan?": "Ten",
    "Who chairs the Children, Young People and Education Scrutiny Commission?": "Batool",
    "How many of the children seeking safety were spontaneous arrivals to the city?": "spontaneous",
}


def _serve(data_dir: Path, concurrency: int):
    """`qa serve` on a free port in its own process; returns (process, url) once it answers."""
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "QA_UI__CONCURRENCY": str(concurrency)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "--data-dir", str(data_dir), "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    while proc.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.2)  # polling a starting server, in a benchmark (tests never sleep)
    raise RuntimeError(f"qa serve exited with {proc.returncode}")


def _users(url: str, clients: int, rounds: int) -> tuple[list[float], int]:
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    questions = list(USERS_QUESTIONS.items())

    def user(n: int) -> list[tuple[float, bool]]:
        client = Client(url, verbose=False)
        out = []
        for r in range(rounds):
            question, expected = questions[(n + r) % len(questions)]
            started = time.perf_counter()
            got = client.predict(question, "Any", "Any", "", "", "Any", api_name="/ask")
            out.append((time.perf_counter() - started, expected in got["answer"]))
        return out

    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [x for user_results in pool.map(user, range(clients)) for x in user_results]
    return [s for s, _ in results], sum(ok for _, ok in results)


def bench_users(data_dir: Path, concurrency: int, clients: int = 20, rounds: int = 3) -> list[tuple]:
    figures = {}
    for limit in (concurrency, 1):
        proc, url = _serve(data_dir, limit)
        try:
            _users(url, 2, 1)  # warm: the model and BM25 loaded
            figures[limit] = _users(url, clients, rounds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    (ours, ok), (base, base_ok) = figures[concurrency], figures[1]
    n = clients * rounds
    on = f"{clients} clients x {rounds} rounds, bundled papers, {os.cpu_count()} CPUs"
    return [
        (f"users: answer p50, ui.concurrency={concurrency}", f"{_p(ours, 0.5):.2f} s", f"{_p(base, 0.5):.2f} s (concurrency 1)",
         f"{_p(base, 0.5) / _p(ours, 0.5):.1f}x faster", on),
        (f"users: answer p95, ui.concurrency={concurrency}", f"{_p(ours, 0.95):.2f} s", f"{_p(base, 0.95):.2f} s (concurrency 1)",
         f"{_p(base, 0.95) / _p(ours, 0.95):.1f}x faster", f"right: {ok}/{n} (concurrency 1: {base_ok}/{n})"),
    ]


def _child(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process."""
    import subprocess

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode})")
    return seconds, usage.ru_maxrss / 1024


def _first_question(questions: Path) -> str:
    from qa.evaluate import load_questions

    return next(q.question for q in load_questions(questions) if q.answerable)


def bench_cold(data_dir: Path, question: str, runs: int = 5) -> list[tuple]:
    import shutil

    qa = [sys.executable, "-m", "qa.cli"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ask = [*qa, "--data-dir", str(data_dir), "ask", question, "--json"]
    cache, kept = data_dir / "cache", data_dir / "cache.bench"
    shutil.rmtree(kept, ignore_errors=True)
    if cache.exists():
        cache.rename(kept)  # what indexing saved (sections, BM25, agendas, sentence vectors), put back for "now"
    before = []
    for _ in range(runs):  # as before #13: torch, everything derived from the index rebuilt by each process
        shutil.rmtree(cache, ignore_errors=True)
        before.append(_child(ask, {**env, "QA_INDEX__QUESTION_RUNTIME": "torch"}))
    shutil.rmtree(cache, ignore_errors=True)
    if kept.exists():
        kept.rename(cache)
    _child(ask, env)  # rebuilds what is stale (an index built by other code), as the first question after an upgrade
    now = [_child(ask, env) for _ in range(runs)]
    helps = [_child([*qa, "--help"], env) for _ in range(runs)]
    med = statistics.median
    b_s, n_s = med(s for s, _ in before), med(s for s, _ in now)
    return [
        ("cold: qa ask", f"{n_s:.2f} s, {max(m for _, m in now):.0f} MB", f"{b_s:.2f} s, {max(m for _, m in before):.0f} MB (torch, rebuilt)",
         f"{n_s / b_s:.2f}x", f"median of {runs}, peak RSS"),
        ("cold: qa --help", f"{med(s for s, _ in helps):.2f} s, {max(m for _, m in helps):.0f} MB", "", "", f"median of {runs}"),
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=Path, default=ROOT / "papers", help="folder of papers (default: the bundled papers/)")
    ap.add_argument("--questions", type=Path, default=ROOT / "eval" / "smoke.jsonl", help="questions for the query benchmark")
    ap.add_argument("--only", default="parse,index,query,register", help="comma-separated: parse,index,query,register,users,cold")
    ap.add_argument("--index", type=Path, help="for cold and query: an existing index to ask, not one built here (cold moves its cache/ aside for the baseline and puts it back)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    wanted = set(args.only.split(","))
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="councilqa-bench-") as scratch:
        os.environ["QA_CONFIG"] = str(Path(scratch) / "none.toml")  # defaults, not a councilqa.toml in the cwd
        if "parse" in wanted:
            rows += bench_parse(args.papers)
        if "cold" in wanted and args.index:
            rows += bench_cold(args.index, _first_question(args.questions))
        if "query" in wanted and args.index:  # warm questions over an existing index (the whole corpus takes minutes to build)
            from qa.assistant import Assistant
            from qa.config import load_settings

            rows += bench_query(Assistant(load_settings(data_dir=args.index)), args.questions)
            wanted.discard("query")
        if wanted & {"index", "query", "register", "users"} or ("cold" in wanted and not args.index):
            index_rows, assistant = bench_index(args.papers, Path(scratch) / "index")
            rows += index_rows if "index" in wanted else []
            if "users" in wanted:
                rows += bench_users(Path(scratch) / "index", assistant.settings.ui.concurrency or os.cpu_count() or 1)
            if "query" in wanted:
                rows += bench_query(assistant, args.questions)
            if "register" in wanted:
                rows += bench_register(assistant)
            if "cold" in wanted and not args.index:
                rows += bench_cold(Path(scratch) / "index", _first_question(args.questions))
    head = ("benchmark", "councilqa", "baseline (same run)", "ratio", "on")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(5)]
    for r in [head, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    if args.json:
        args.json.write_text(json.dumps([dict(zip(head, r)) for r in rows], indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
