"""The eval gate: scoring, the baseline check, and proof that a regression fails it."""

import json

from click.testing import CliRunner

from qa.cli import cli
from qa.evaluate import Question, answer_correct, check_against_baseline, score_one

from .conftest import ROOT


def test_answer_items_may_list_alternatives():
    q = Question("x", "q", [["£900,000", "£900k"], "SEND"], [], True)
    assert answer_correct(q, "SEND transport would save £900k")
    assert not answer_correct(q, "SEND transport would save a lot")


def test_baseline_check_uses_floors_and_tolerance():
    baseline = {"metrics": {"recall@5": 0.9, "false_abstention_rate": 0.0}, "floors": {"answer_correct": 0.6}, "tolerance": 0.05}
    assert check_against_baseline({"recall@5": 0.88, "answer_correct": 0.7, "false_abstention_rate": 0.0}, baseline) == []
    failures = check_against_baseline({"recall@5": 0.8, "answer_correct": 0.5, "false_abstention_rate": 0.1}, baseline)
    assert len(failures) == 3


def _eval(leicester, *args):
    return CliRunner().invoke(
        cli,
        ["--data-dir", str(leicester.settings.data_dir), "eval", str(ROOT / "eval" / "smoke.jsonl"), "--baseline", str(ROOT / "eval" / "baseline.json"), *args],
        env={"QA_INDEX__EMBED_MODEL": "all-MiniLM-L6-v2"},
    )


def test_smoke_eval_passes_the_committed_baseline(leicester, tmp_path):
    out, report = tmp_path / "r.jsonl", tmp_path / "r.md"
    result = _eval(leicester, "--check", "--out", str(out), "--report", str(report))
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 15 and {"id", "question", "answer", "citations", "retrieved"} <= set(lines[0])
    assert "## Failing questions" in report.read_text()


def test_a_retriever_that_finds_nothing_fails_the_gate(leicester, monkeypatch):
    from qa.retrieve import HybridRetriever

    monkeypatch.setattr(HybridRetriever, "retrieve", lambda self, *a, **k: [])
    result = _eval(leicester, "--check")
    assert result.exit_code == 1
    assert "REGRESSION: recall@5" in result.output


def test_the_benchmark_script_runs_and_prints_ratios(tmp_path):
    """Keeps benchmarks/bench.py working (speed itself is measured by running it, not by a test)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--papers", str(ROOT / "tests" / "fixtures" / "papers"), "--only", "parse",
         "--json", str(tmp_path / "b.json")],
        check=True, capture_output=True, text=True,
    ).stdout
    assert "parse: PDF pages/s" in out and "(pypdf)" in out
    rows = json.loads((tmp_path / "b.json").read_text())
    assert rows[0]["ratio"].endswith("x faster")


def test_citation_validity_rereads_each_cited_page_and_can_fail():
    """A citation counts as valid only if its quote (and a row's header) is found afresh on the page it names;
    the answerer's own `verified` flag is not trusted."""
    from qa.evaluate import summarise
    from qa.types import Answer, Citation

    def cite(text, page_index, header=""):
        return Citation(1, "c", "p", "p.pdf", "t", "C", "Cab", None, "", "1", 1, text, verified=True, header=header, page_index=page_index)

    pages = {("p", 0): "AGREED: That the report be noted.\nSocial Care Grant 137.1 117.0", ("p", 1): "Another page."}
    q = Question("x", "q", ["noted"], [], True)
    answer = Answer("q", "AGREED", [cite("AGREED: That the report be noted.", 0), cite("Social Care Grant 137.1 117.0", 0, header="2025-26 2024-25"), cite("AGREED: That the report be noted.", 1)], [])
    result = score_one(q, answer, [], lambda paper, i: pages.get((paper, i)))
    assert result.on_page == [True, False, False]  # the header is not on page 0; the quote is not on page 1
    assert summarise([result])["citation_validity"] == 0.3333
    assert score_one(q, answer, []).on_page == [False, False, False]  # nothing re-read, nothing counted valid
