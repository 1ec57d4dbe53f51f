"""Generative answers against a fake OpenAI-compatible server: the verifier catches what the LLM invents."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qa.cli import cli
from qa.prompts import PromptError, Prompt, load_prompt
from qa.verify import check_sentence, facts_in

from .fake_llm import FakeLLM

QUESTION = "How much would withdrawing route 7 save?"


@pytest.fixture
def llm_server(monkeypatch):
    with FakeLLM() as fake:
        monkeypatch.setenv("QA_LLM", "openai-like")
        monkeypatch.setenv("QA_LLM_URL", fake.url)
        monkeypatch.setenv("QA_LLM_MODEL", "fake")
        monkeypatch.setenv("QA_LLM_TIMEOUT_S", "2")
        yield fake


def _assistant():
    from qa.assistant import Assistant
    from qa.config import load_settings

    return Assistant(load_settings())


def _route7_passage(a) -> int:
    hits = a.retrieve(QUESTION)
    return next(n for n, h in enumerate(hits, 1) if "Route 7" in h.chunk.text)


def test_prompts_load_with_their_placeholders_checked(tmp_path):
    assert load_prompt("answer").fields() == {"passages", "question", "abstain_text"}
    (tmp_path / "answer.txt").write_text("Only {question}", encoding="utf-8")
    with pytest.raises(PromptError, match="expected"):
        load_prompt("answer", tmp_path)
    with pytest.raises(PromptError, match="needs values for: b"):
        Prompt("x", "{a} {b}").format(a="1")


def test_verifier_checks_citations_numbers_and_names():
    passages = {1: "Route 7 would be withdrawn from January 2026 to save £120,000 a year.", 2: "Councillor Quill sent apologies."}
    assert check_sentence("Withdrawing route 7 saves £120,000 a year [1].", passages).ok
    assert "no citation" in check_sentence("Withdrawing route 7 saves £120,000.", passages).reason
    assert "not given" in check_sentence("It saves £120,000 [7].", passages).reason
    bad = check_sentence("Withdrawing route 7 saves £450,000 a year [1].", passages)
    assert not bad.ok and "£450,000" in bad.reason
    assert not check_sentence("Councillor Birch sent apologies [2].", passages).ok
    assert check_sentence("Councillor Quill sent apologies [2].", passages).ok
    assert {"£120,000", "January 2026"} <= set(facts_in("It saves £120,000 from January 2026 [1]."))
    assert "says nothing" in check_sentence("The passage is: [1]", passages).reason


def test_correct_cited_answer_passes_and_cites_the_page(assistant, llm_server):
    a = _assistant()
    n = _route7_passage(a)
    llm_server.enqueue(f"Withdrawing route 7 from January 2026 would save £120,000 a year [{n}].")
    answer = a.ask(QUESTION)
    assert answer.mode == "generative" and answer.verified and answer.removed == []
    assert answer.text == "Withdrawing route 7 from January 2026 would save £120,000 a year [1]."
    c = answer.citations[0]
    assert c.text == "Route 7 would be withdrawn from January 2026 to save £120,000 a year." and c.pdf_page == 2
    prompt = llm_server.history[-1]
    assert f"[{n}] Testshire County Council" in prompt and QUESTION in prompt


def test_invented_figure_never_reaches_the_user(assistant, llm_server):
    a = _assistant()
    n = _route7_passage(a)
    llm_server.enqueue(f"Withdrawing route 7 would save £120,000 a year [{n}]. It would also save £2.5m on school buses [{n}].")
    shown = [e for e in a.ask_stream(QUESTION) if isinstance(e, str)]
    assert all("£2.5m" not in s for s in shown)
    assert any("£120,000" in s for s in shown)


def test_bad_sentences_are_removed_and_listed(assistant, llm_server):
    a = _assistant()
    n = _route7_passage(a)
    llm_server.enqueue(
        f"Route 7 would be withdrawn to save £120,000 a year [{n}]. The saving was agreed unanimously. "
        f"It was proposed by Councillor Smith [{n}]. Buses cost £1m [9]."
    )
    answer = a.ask(QUESTION)
    reasons = [r["reason"] for r in answer.removed]
    assert len(reasons) == 3
    assert reasons[0] == "no citation" and "Smith" in reasons[1] and "passage 9" in reasons[2]
    assert "Smith" not in answer.text and "unanimously" not in answer.text and "£1m" not in answer.text


def test_nothing_verified_falls_back_to_the_extractive_answer(assistant, llm_server):
    a = _assistant()
    llm_server.enqueue("Route 7 saves £9m [1].")
    answer = a.ask(QUESTION)
    assert answer.mode == "extractive-fallback" and "£120,000" in answer.text and "£9m" not in answer.text
    assert answer.removed and "passed verification" in answer.notice


def test_hanging_server_times_out_and_falls_back(assistant, llm_server):
    a = _assistant()
    llm_server.enqueue(FakeLLM.HANG)
    answer = a.ask(QUESTION)
    assert answer.mode == "extractive-fallback" and "£120,000" in answer.text
    assert "extractive answer" in answer.notice


def test_server_down_falls_back_with_a_message(assistant, monkeypatch):
    monkeypatch.setenv("QA_LLM", "openai-like")
    monkeypatch.setenv("QA_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("QA_LLM_TIMEOUT_S", "2")
    answer = _assistant().ask(QUESTION)
    assert answer.mode == "extractive-fallback" and "£120,000" in answer.text and "LLM" in answer.notice


def test_cli_streams_a_verified_answer_and_json_has_mode(assistant, llm_server):
    a = _assistant()
    n = _route7_passage(a)
    llm_server.enqueue(f"Withdrawing route 7 would save £120,000 a year [{n}]. It would save £2.5m more [{n}].")
    result = CliRunner().invoke(cli, ["ask", QUESTION, "--stream"])
    assert result.exit_code == 0, result.output
    assert "Withdrawing route 7 would save £120,000 a year [1]." in result.output and "£2.5m" not in result.output
    assert "removed by the verifier" in result.output
    llm_server.enqueue(f"Withdrawing route 7 would save £120,000 a year [{n}].")
    data = json.loads(CliRunner().invoke(cli, ["ask", QUESTION, "--json"]).stdout)
    assert data["mode"] == "generative" and data["verified"] is True and data["removed"] == []


def test_prompts_travel_with_a_wheel(tmp_path):
    """A non-editable install has no source tree: the wheel carries prompts/*.txt to <prefix>/share/councilqa."""
    import subprocess
    import sys
    import zipfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(root)],
        check=True, capture_output=True,
    )
    names = zipfile.ZipFile(next(tmp_path.glob("councilqa-*.whl"))).namelist()
    for prompt in (root / "prompts").glob("*.txt"):
        assert f"councilqa-0.1.0.data/data/share/councilqa/prompts/{prompt.name}" in names


def test_prompts_are_found_under_the_prefix_without_a_source_tree(monkeypatch, tmp_path):
    import qa.prompts as prompts

    monkeypatch.setattr(prompts, "__file__", str(tmp_path / "site-packages" / "qa" / "prompts.py"))
    monkeypatch.setattr(prompts.sys, "prefix", str(tmp_path / "env"))
    assert prompts.prompts_dir() == tmp_path / "env" / "share" / "councilqa" / "prompts"
