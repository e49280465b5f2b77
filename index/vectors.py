"""Dense vectors in FAISS, addressed by the store's passage ids (vids).

Inner product on L2-normalised rows is cosine similarity. Filters (year, region, type) are a
FAISS ID selector, so a filtered search ranks only the allowed passages instead of post-filtering
a fixed top-k.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


class VectorIndex:
    """An exact inner-product index with explicit ids."""

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def empty(cls, dim: int) -> VectorIndex:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def add(self, vids: np.ndarray, vectors: np.ndarray) -> None:
        if len(vids):
            self._index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), vids.astype(np.int64)
            )

    def remove(self, vids: np.ndarray) -> None:
        if len(vids):
            self._index.remove_ids(np.asarray(vids, dtype=np.int64))

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (vids, scores) for one query vector, optionally among `allowed` vids only."""
        if self.size == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)))
            k = min(k, len(allowed))
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(q, min(k, self.size), params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors(self, vids: np.ndarray) -> np.ndarray:
        """The stored vectors of these ids, in order."""
        if len(vids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(vids, dtype=np.int64))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        return cls(faiss.read_index(str(path)))
