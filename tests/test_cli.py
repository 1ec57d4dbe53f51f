"""The qa command end to end with click's CliRunner."""

import json

import pytest
from click.testing import CliRunner

from qa.cli import cli

from .conftest import FIXTURES

ASK_KEYS = {"question", "answer", "abstained", "notice", "citations", "retrieved", "latency_s", "mode", "verified", "removed", "understood", "context"}
CITATION_KEYS = {"n", "source", "title", "council", "committee", "meeting_date", "item", "page", "pdf_page", "text"}
RETRIEVED_KEYS = {"source", "page", "pdf_page", "meeting_date", "item", "text", "score"}


def test_index_then_ask_json_end_to_end(papers):
    runner = CliRunner()
    result = runner.invoke(cli, ["index", "--quiet", str(papers)])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 new" in result.output
    result = runner.invoke(cli, ["ask", "How much would withdrawing route 7 save?", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout holds only the JSON
    assert set(data) == ASK_KEYS
    assert data["abstained"] is False and "£120,000" in data["answer"]
    assert data["citations"] and all(set(c) == CITATION_KEYS for c in data["citations"])
    assert data["retrieved"] and all(set(r) == RETRIEVED_KEYS for r in data["retrieved"])
    c = data["citations"][0]
    assert (c["source"], c["pdf_page"], c["page"], c["meeting_date"]) == ("testshire-transport-2025-10-28-pack.pdf", 2, "1", "2025-09-23")
    scores = [r["score"] for r in data["retrieved"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_text_output_lists_sources(papers):
    runner = CliRunner()
    runner.invoke(cli, ["index", "--quiet", str(papers)])
    result = runner.invoke(cli, ["ask", "What was agreed about cycle lanes?"])
    assert result.exit_code == 0, result.output
    assert "That the scheme be extended to Southgate." in result.output
    assert "Sources:" in result.output and "item 52" in result.output


def test_ask_follow_up_inherits_the_last_question_on_this_index(papers, tmp_path):
    runner = CliRunner()
    runner.invoke(cli, ["index", "--quiet", str(papers)])
    first = runner.invoke(cli, ["ask", "What was agreed about the cycle lanes?"])
    assert first.exit_code == 0 and "Southgate" in first.output and "Understood as" not in first.output
    then = runner.invoke(cli, ["ask", "--follow-up", "and how much did it cost?"])
    assert then.exit_code == 0, then.output
    assert then.output.startswith("(Understood as: cycle lanes") and "£2.4m" in then.output
    data = json.loads(runner.invoke(cli, ["ask", "--follow-up", "and how much did it cost?", "--json"]).stdout)
    assert data["question"] == "and how much did it cost?" and data["context"]["topic"] == "cycle lanes"
    alone = runner.invoke(cli, ["ask", "and how much did it cost?"])  # without --follow-up: a question of its own
    assert "Understood as" not in alone.output


def test_ask_stream_shows_sentences_without_the_papers_bullets(papers):
    runner = CliRunner()
    runner.invoke(cli, ["index", "--quiet", str(papers)])
    streamed = runner.invoke(cli, ["ask", "--stream", "How much did the Northgate cycle lane cost to build?"])
    plain = runner.invoke(cli, ["ask", "How much did the Northgate cycle lane cost to build?"])
    assert streamed.exit_code == 0 and "£2.4m" in streamed.output
    answer = streamed.output.split("\nSources:")[0]
    assert answer.strip() == plain.output.split("\nSources:")[0].strip()  # as plain `qa ask` shows it
    assert answer.strip().startswith("The lane cost £2.4m to build. [1]")  # the minutes' "·" left out of what is shown
    assert '"· The lane cost £2.4m to build."' in streamed.output  # the source's quote stays verbatim


def test_index_reports_bad_files_and_exits_1(papers):
    import shutil

    shutil.copy(FIXTURES / "bad" / "scanned.pdf", papers / "scanned.pdf")
    result = CliRunner().invoke(cli, ["index", "--quiet", str(papers)])
    assert result.exit_code == 1
    assert "failed: scanned.pdf: no text layer" in result.output
    assert "Indexed 3 new" in result.output


def test_ask_without_an_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "nothing"), "ask", "anything"])
    assert result.exit_code == 1
    assert "no index at" in result.output and "qa index PAPERS_DIR" in result.output


def test_bad_date_flag_names_the_option(papers):
    result = CliRunner().invoke(cli, ["ask", "x", "--from", "last week"])
    assert result.exit_code == 2 and "is not a date; use YYYY-MM-DD" in result.output


@pytest.mark.parametrize("command", [["ask", "x"], ["retrieve", "x"], ["decisions"]])
def test_a_date_range_ending_before_it_starts_is_refused_not_answered_from_nothing(tmp_path, command):
    # refused before any index or model is touched: the data dir need not exist
    args = ["--data-dir", str(tmp_path / "nothing"), *command, "--from", "2025-10-01", "--to", "2025-09-01"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "the 'from' date 2025-10-01 is after the 'to' date 2025-09-01" in result.output
    assert "Traceback" not in result.output and "no index at" not in result.output


def test_serve_on_a_port_in_use_says_so_and_never_announces_the_url():
    import socket

    runner = CliRunner()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli, ["serve", "--host", "127.0.0.1", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert "councilqa UI: http" not in result.output


def test_stats_and_retrieve(papers):
    runner = CliRunner()
    runner.invoke(cli, ["index", "--quiet", str(papers)])
    result = runner.invoke(cli, ["stats", "--json"])
    stats = json.loads(result.stdout)
    assert stats["papers"] == 3 and stats["councils"] == ["Testshire County Council"]
    assert stats["meetings"] >= 2
    result = runner.invoke(cli, ["retrieve", "cycle lane", "--json", "--top-k", "2"])
    assert len(json.loads(result.stdout)) == 2


def test_every_command_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for name in cli.commands:
        assert f"qa {name}" in readme, name


@pytest.mark.parametrize("command", [["--help"], ["stats"], ["decisions"], ["decisions", "--exempt"]])
def test_quick_commands_load_no_model_search_or_ui_library(papers, command):
    """`qa --help`, `qa stats` and `qa decisions` read the catalog only: torch, sentence-transformers, gradio,
    llama-index and chromadb stay unloaded (they cost seconds of start-up), in a fresh interpreter."""
    import subprocess
    import sys

    assert CliRunner().invoke(cli, ["index", str(papers)]).exit_code == 0
    heavy = ("torch", "sentence_transformers", "gradio", "llama_index.core", "chromadb")
    code = (
        "import sys\nfrom qa.cli import cli\n"
        f"try:\n    cli({command!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
