"""All settings in one typed place: defaults < TOML file < QA_* environment < CLI flags.

The TOML file is `councilqa.toml` in the working directory, or the file named by QA_CONFIG.
Nested fields take env vars with a double underscore: QA_RETRIEVAL__TOP_K=8.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from index.build import IndexOptions
from index.chunk import ChunkOptions
from index.store import StoreConfig


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexSettings(_Section):
    """How papers are chunked and embedded."""

    embed_model: str = Field("all-MiniLM-L6-v2", description="Packaged embedding model name, or 'hash' (no model; tests).")
    embed_batch_size: int = Field(32, ge=1, description="Chunks embedded per batch.")
    embed_dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description="Embedding precision: auto is bfloat16 on a CPU with AMX (amx_bf16; measured 2.4x faster, cosine to "
        "float32 0.9999), else float32. Indexes built either way stay compatible.",
    )
    question_runtime: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description="How a question is embedded: onnx runs the model's ONNX export (written beside the index when it is "
        "built) with ONNX Runtime, so asking loads no torch (measured: 0.4 s to load against 6.6 s); auto is onnx where the "
        "export exists, else torch.",
    )
    chunk_target_words: int = Field(130, ge=20, description="A chunk is closed at the first paragraph end past this many words.")
    chunk_max_words: int = Field(170, ge=30, description="A chunk never grows past this many words (MiniLM reads ~180).")
    max_paper_mb: float = Field(
        200.0, gt=0, description="A file larger than this (MB) is refused before it is read; the shared corpus's largest is 2.7 MB."
    )
    max_paper_chunks: int = Field(
        5000, ge=1,
        description="A paper that chunks into more than this is refused before embedding (a 50 MB text file is ~56,600; "
        "the shared corpus's longest paper is far below, see README).",
    )
    paper_budget_s: float = Field(
        900.0, gt=0, description="Seconds one paper may take to parse and embed before it is given up (nothing of it kept)."
    )

    ocr: bool = Field(
        True, description="Read PDF pages without a text layer with Tesseract where it is installed (measured here: 15-17 s a "
        "page at 300 dpi on 2 cores; a Leicester page rendered to an image read with every word of its text layer); off, such "
        "pages are reported.",
    )

    def to_options(self) -> IndexOptions:
        """The index package's own options object."""
        return IndexOptions(
            embed_model=self.embed_model,
            embed_batch_size=self.embed_batch_size,
            embed_dtype=self.embed_dtype,
            chunk=ChunkOptions(target_words=self.chunk_target_words, max_words=self.chunk_max_words),
            max_paper_mb=self.max_paper_mb,
            max_paper_chunks=self.max_paper_chunks,
            paper_budget_s=self.paper_budget_s,
            ocr=self.ocr,
        )


class ChromaSettings(_Section):
    """Where the vector store lives."""

    host: str | None = Field(None, description="Chroma server host; unset means embedded Chroma under data_dir.")
    port: int = Field(8000, description="Chroma server port.")
    collection: str = Field("councilqa", description="Chroma collection name.")


class RetrievalSettings(_Section):
    """Hybrid retrieval: BM25 and dense, fused, then boosted for the meeting a question names."""

    top_k: int = Field(5, ge=1, le=50, description="Passages returned to the answerer.")
    candidates: int = Field(40, ge=5, description="Passages each retriever returns before fusion.")
    dense_prefetch: int = Field(
        4, ge=0,
        description="A search narrowed to a council, committee, kind of paper or dates first fetches this many times "
        "its dense candidates unfiltered and keeps the matching ones (a Chroma metadata filter cost 13 ms a query on the "
        "whole shared corpus, an unfiltered query 1 ms); only when too few match does Chroma filter. 0: always Chroma.",
    )
    fusion: Literal["relative_score", "reciprocal_rerank", "dist_based_score"] = Field(
        "relative_score", description="llama-index QueryFusionRetriever mode."
    )
    bm25_weight: float = Field(0.8, ge=0, le=1, description="Weight of BM25 in the fusion (dense gets the rest).")
    section_words: int = Field(
        450, ge=50, description="Keyword search and the answerer see sections of consecutive chunks under one heading, up to about this many words."
    )
    date_boost: float = Field(
        0.6,
        ge=0,
        description="Passages from the meeting a question names score this much more (a factor: 0.6 = +60 %). Fitted on "
        "eval/questions.jsonl's 44 answerable questions naming a meeting: MRR of the evidence 0.859 at 0, 0.888 at 0.3, "
        "0.920 from 0.6 (flat to 5.0).",
    )
    month_boost: float = Field(0.15, ge=0, description="The same factor when only the month of the named meeting matches.")
    doc_type_boost: float = Field(0.15, ge=0, description="Passages of the kind of paper a question names ('in the report', 'the minutes') score this much more.")
    duplicate_overlap: float = Field(
        0.6, gt=0, le=1, description="Two passages are one when this share of the shorter one's 5-word runs stands in the other."
    )


class AnswerSettings(_Section):
    """The extractive answerer."""

    max_sentences: int = Field(3, ge=1, le=10, description="Most sentences in an answer.")
    dense_sentences: int = Field(32, ge=1, le=2000, description="Candidate sentences (the best by key terms and what the question asks) also compared with the question by meaning; embedding them is most of a question's time (32 and up gave the same answers on eval/questions.jsonl as embedding all).")
    prepare_sentences: bool = Field(
        True,
        description="After indexing, embed every quotable sentence (kept in DATA_DIR/cache/, each once) so a question "
        "embeds only itself; off, a sentence is embedded the first time a question reaches it (and kept then).",
    )
    sentence_cache: int = Field(
        20000, ge=0,
        description="Sentence vectors kept across questions in one process (about 1.5 kB each, so 30 MB); 0 embeds every "
        "question's sentences afresh. Answers are the same either way.",
    )
    vote_passages: int = Field(5, ge=1, le=20, description="Votes, motions and amendments standing in this many best passages are preferred (the top 5 is what retrieval is measured on).")
    near_tie: float = Field(0.08, ge=0, le=1, description="Sentences whose probability of holding the answer is within this of the best one's join it (up to max_sentences).")
    # None: the thresholds fitted with the ranker (eval/fit_ranker.py writes them into qa/sentence_ranker.json)
    min_score: float | None = Field(None, ge=0, le=1, description="Abstain when the best sentence's probability of holding the answer is below this (default: the fitted one).")
    min_coverage: float | None = Field(None, ge=0, le=1, description="Abstain when the best passage holds less than this share of the question's key terms (default: the fitted one).")
    min_terms: float | None = Field(None, ge=0, le=1, description="Abstain when the best sentence and its passage header hold less than this share of the question's key terms (default: the fitted one).")
    min_part_score: float | None = Field(
        None, ge=0, le=1,
        description="Once one part of a two-part question is answered, another part is answered by its best sentence when that "
        "sentence's probability is at least this (default: the fitted one; the question is already known to be answered).",
    )


class UISettings(_Section):
    """The web UI (`qa serve`)."""

    host: str = Field("127.0.0.1", description="Address the UI listens on.")
    port: int = Field(7860, description="Port the UI listens on.")
    concurrency: int | None = Field(
        None, ge=1,
        description="Questions answered at once (Gradio's concurrency limit; the rest queue); unset: one per CPU. Measured "
        "with `benchmarks/bench.py --only users` (20 clients x 3 rounds, 2 CPUs): p95 2.70 s at 2, 3.04 s at 1, 4.32 s at 8.",
    )
    examples: list[str] = Field(
        default_factory=lambda: [
            "What saving was SEND transport on track to deliver?",
            "What was agreed about SEND transport at the September 2025 meeting?",
            "How many children were subject to child protection plans according to officers in September 2025?",
            "Where was the 28 October 2025 meeting held?",
        ],
        description="Example questions shown to a first-time user (about the bundled papers).",
    )


class SiteSettings(_Section):
    """A modern.gov site the UI can sync (`qa sync` takes the same from its flags)."""

    url: str = Field(description="The council's democracy site, e.g. https://democracy.kent.gov.uk")
    committees: list[str] = Field(default_factory=list, description="Committees to fetch (empty: all).")
    date_from: str | None = Field(None, description="Earliest meeting date, yyyy-mm-dd.")
    council: str = Field("", description="The council's name, recorded in the manifest (else read from the papers).")


class SyncSettings(_Section):
    """`qa sync`: fetching papers from a modern.gov site, politely."""

    delay_s: float = Field(
        1.0, ge=0,
        description="Seconds between two requests to a site (one request at a time): a council's web server is shared with "
        "its residents. Every request waits this long, so 150 documents take at least 150 s at 1 s.",
    )
    retries: int = Field(4, ge=0, description="Tries again after a timeout, a dropped connection or a 5xx, waiting longer each time.")
    backoff_s: float = Field(2.0, ge=0, description="The first wait before a retry; each next one doubles (2, 4, 8, 16 s).")
    timeout_s: float = Field(
        60.0, gt=0, description="Seconds to wait for a site's answer: vendor-hosted sites answer within a second, self-hosted ones "
        "can take up to a minute (DemocracyClub's scrapers use 60 s for the same reason).",
    )
    folder: Path | None = Field(None, description="Where `qa sync` keeps the papers (default: DATA_DIR/papers).")
    sites: list[SiteSettings] = Field(default_factory=list, description="Sites the UI's Add papers tab can sync.")

    def to_options(self, max_mb: float):
        from index.sync import SyncOptions

        return SyncOptions(delay_s=self.delay_s, retries=self.retries, backoff_s=self.backoff_s, timeout_s=self.timeout_s, max_mb=max_mb)


class Settings(BaseSettings):
    """councilqa settings."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_nested_delimiter="__", extra="forbid")

    llm: Literal["extractive", "openai-like", "ollama", "llamacpp"] = Field(
        "extractive", description="Answer backend: extractive (no LLM, the default) or a generative one (env QA_LLM)."
    )
    llm_url: str | None = Field(None, description="Base URL of the LLM server (openai-like: http://host:port/v1; ollama: http://host:11434).")
    llm_model: str | None = Field(None, description="Model name the LLM server knows.")
    llm_api_key: str | None = Field(None, description="API key, if the server needs one.")
    llm_gguf: Path | None = Field(None, description="A local .gguf model file for the llamacpp backend.")
    llm_timeout_s: float = Field(30.0, gt=0, description="Give up on the LLM after this many seconds and show the extractive answer.")
    llm_max_tokens: int = Field(300, ge=16, description="Most tokens the LLM may write.")
    data_dir: Path = Field(
        Path("councilqa-index"),
        description="Where the index (Chroma + catalog) lives; env QA_HOME or QA_DATA_DIR.",
        validation_alias="QA_HOME",
    )
    index: IndexSettings = Field(default_factory=IndexSettings, description="Chunking and embedding.")
    chroma: ChromaSettings = Field(default_factory=ChromaSettings, description="Vector store location.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Retrieval.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answering.")
    ui: UISettings = Field(default_factory=UISettings, description="Web UI.")
    sync: SyncSettings = Field(default_factory=SyncSettings, description="Fetching papers from a modern.gov site.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = Path(os.environ.get("QA_CONFIG", "councilqa.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml))

    def store_config(self) -> StoreConfig:
        """Where the store lives, for the index package."""
        return StoreConfig(
            data_dir=self.data_dir,
            collection=self.chroma.collection,
            chroma_host=self.chroma.host,
            chroma_port=self.chroma.port,
        )


def load_settings(**overrides) -> Settings:
    """Settings from defaults, the TOML file and the environment, with explicit overrides on top."""
    if "QA_DATA_DIR" in os.environ and "QA_HOME" not in os.environ:
        overrides.setdefault("data_dir", Path(os.environ["QA_DATA_DIR"]))
    if "data_dir" in overrides:
        overrides["QA_HOME"] = overrides.pop("data_dir")
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
