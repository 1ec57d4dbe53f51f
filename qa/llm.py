"""Generative backends through llama-index's LLM classes, chosen by name in the settings.

`extractive` (the default) uses no LLM. The others stream text from a server or a local GGUF file:
`openai-like` (llama.cpp server, vLLM, LM Studio, OpenAI), `ollama`, `llamacpp` (llama-cpp-python,
an optional extra).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from index.errors import CouncilQAError

BACKENDS = ("extractive", "openai-like", "ollama", "llamacpp")


class LLMUnavailable(CouncilQAError):
    """The LLM could not be reached, failed, or was too slow; callers fall back to the extractive answer."""


def make_llm(settings):
    """The llama-index LLM for the configured backend, or None for `extractive`."""
    backend = settings.llm
    if backend == "extractive":
        return None
    if backend == "openai-like":
        from llama_index.llms.openai_like import OpenAILike

        if not settings.llm_url:
            raise CouncilQAError("QA_LLM=openai-like needs QA_LLM_URL (e.g. http://localhost:8080/v1)")
        return OpenAILike(
            model=settings.llm_model or "default",
            api_base=settings.llm_url,
            api_key=settings.llm_api_key or "not-needed",
            is_chat_model=True,
            temperature=0.0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
    if backend == "ollama":
        from llama_index.llms.ollama import Ollama

        return Ollama(
            model=settings.llm_model or "llama3.2",
            base_url=settings.llm_url or "http://localhost:11434",
            request_timeout=settings.llm_timeout_s,
            temperature=0.0,
        )
    if backend == "llamacpp":
        try:
            from llama_index.llms.llama_cpp import LlamaCPP
        except ImportError as exc:
            raise CouncilQAError("QA_LLM=llamacpp needs: pip install llama-index-llms-llama-cpp llama-cpp-python") from exc
        if not settings.llm_gguf:
            raise CouncilQAError("QA_LLM=llamacpp needs QA_LLM_GGUF, the path of a .gguf model file")
        return LlamaCPP(
            model_path=str(settings.llm_gguf),
            temperature=0.0,
            max_new_tokens=settings.llm_max_tokens,
            context_window=4096,
            model_kwargs={"n_threads": 2},
            verbose=False,
        )
    raise CouncilQAError(f"unknown LLM backend '{backend}'; choose one of: {', '.join(BACKENDS)}")


def stream_text(llm, prompt: str, deadline_s: float) -> Iterator[str]:
    """Text deltas of a completion; LLMUnavailable when the backend fails or passes the deadline."""
    started = time.perf_counter()
    try:
        for chunk in llm.stream_complete(prompt):
            if time.perf_counter() - started > deadline_s:
                raise LLMUnavailable(f"the LLM did not finish within {deadline_s:.0f}s")
            if chunk.delta:
                yield chunk.delta
    except LLMUnavailable:
        raise
    except Exception as exc:  # httpx, openai, ollama and llama.cpp each raise their own errors
        raise LLMUnavailable(f"the LLM failed: {type(exc).__name__}: {str(exc)[:200]}") from exc
