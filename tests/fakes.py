"""A deterministic stand-in embedder for unit tests of code that is not about embeddings."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class FakeEmbedder:
    """Bag-of-characters vectors: texts sharing characters are close; no model, instant."""

    name = "fake:bag-of-chars"
    dim = 64

    def __init__(self) -> None:
        self.calls: list[int] = []  # passages per embed_passages call

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                slot = hashlib.md5(ch.encode()).digest()[0] % self.dim
                out[row, slot] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def embed_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self._vectors(texts)
