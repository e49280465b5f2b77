"""Dense vectors in FAISS, addressed by the store's passage ids (vids), in a layout chosen by size.

Inner product on L2-normalised rows is cosine similarity. Up to `FLAT_LIMIT` vectors the index
is exact (flat): a query scans every vector, which stays within the latency budget. Above it the
vectors go into an inverted file (IVF-Flat, about √n lists, 20% of them scanned), which keeps a
1M-passage query in tens of milliseconds at recall@10 ≈ 0.95 against exact search.
`layout_for` says which; the writer re-lays the index out when the corpus crosses the line (with
a margin, so it does not flip back and forth) or outgrows the lists it was trained for.

Filters (year, region, type) are an ID selector. A small allowed set is scored exactly from the
stored vectors (an approximate index could miss the few allowed rows); a large one is searched
through the selector, widening `nprobe` until k rows are found.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

FLAT_LIMIT = 50_000  # vectors: exact search of 100k takes ~25-50 ms on 2 cores (scale.json)
_SHRINK_LIMIT = FLAT_LIMIT // 2  # back to flat only well below the line
_REGROW = 4  # retrain the lists when the index has grown this many times past its training
# allowed vectors scored exactly under a filter; reconstructing more costs more than searching
_EXACT_SUBSET = 20_000
_TRAIN_SAMPLE = 100_000  # vectors the IVF centroids are trained on
# share of the lists a query scans: recall@10 ≈ 0.95 against exact search on clustered
# (real-shaped) vectors at 100k, measured in benchmarks/scale.py
_PROBE_SHARE = 0.2
_MIN_PROBE = 32


def layout_for(size: int, current: str = "flat", trained: int = 0) -> str:
    """The layout an index of `size` vectors should have: "flat" or "ivf<lists>"."""
    if current != "flat" and _SHRINK_LIMIT <= size <= _REGROW * max(trained, 1):
        return current
    if size <= FLAT_LIMIT:
        return "flat"
    return f"ivf{_lists(size)}"


def _lists(size: int) -> int:
    """About √n lists, a power of two: 1M vectors → 1024 lists of ~1000 (never fewer than 39
    training vectors per list, FAISS's minimum for k-means)."""
    return max(1, min(int(2 ** round(np.log2(np.sqrt(size)))), size // 39))


def _nprobe(lists: int, allowed_share: float = 1.0) -> int:
    """Lists to scan; a filter that keeps a share s of the vectors scans 1/√s times more, as
    most of what the lists hold is filtered out."""
    wanted = max(_MIN_PROBE, _PROBE_SHARE * lists) / np.sqrt(max(allowed_share, 1e-6))
    return int(min(lists, np.ceil(wanted)))


class VectorIndex:
    """An inner-product index with explicit ids, flat or IVF."""

    def __init__(self, index: faiss.Index, layout: str, trained: int = 0) -> None:
        self._index = index
        self.layout = layout
        self.trained = trained  # vectors the IVF lists were trained for (0 when flat)

    @classmethod
    def empty(cls, dim: int) -> VectorIndex:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), "flat")

    @classmethod
    def with_layout(cls, layout: str, vids: np.ndarray, vectors: np.ndarray) -> VectorIndex:
        """A new index of this layout holding these vectors (IVF lists trained on a sample)."""
        dim = vectors.shape[1]
        if layout == "flat":
            out = cls.empty(dim)
        else:
            lists = int(layout.removeprefix("ivf"))
            ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            sample = vectors[rng.choice(len(vectors), min(len(vectors), _TRAIN_SAMPLE), False)]
            ivf.train(np.ascontiguousarray(sample, dtype=np.float32))
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by id
            ivf.nprobe = _nprobe(lists)
            out = cls(ivf, layout, len(vectors))
        out.add(vids, vectors)
        return out

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
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is None:
            return self._search(q, min(k, self.size), None)
        k = min(k, len(allowed))
        if self.layout != "flat" and len(allowed) <= _EXACT_SUBSET:
            return self._exact(q, k, allowed)
        # a bitmap over the ids: built from the mask in microseconds, where a hash set of a
        # region's 100k ids takes milliseconds; `bits` must outlive the search
        bits = np.zeros(int(allowed.max()) + 1, dtype=bool)
        bits[allowed] = True
        bits = np.packbits(bits, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))  # n is in bytes
        return self._search(q, k, selector, len(allowed) / self.size)

    def _search(self, q, k, selector, share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        if self.layout == "flat":
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
            scores, ids = self._index.search(q, k, params=params)
        else:
            nprobe = _nprobe(self._index.nlist, share)
            while True:  # a selective filter may leave fewer than k rows in the scanned lists
                params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)
                scores, ids = self._index.search(q, k, params=params)
                lists = self._index.nlist
                if (ids[0] >= 0).sum() >= k or nprobe >= lists:
                    break
                nprobe = min(lists, nprobe * 4)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def _exact(self, q, k, allowed) -> tuple[np.ndarray, np.ndarray]:
        vectors = self.vectors(allowed)
        scores = vectors @ q[0]
        top = np.argsort(-scores)[:k]
        return allowed[top].astype(np.int64), scores[top].astype(np.float32)

    def vectors(self, vids: np.ndarray) -> np.ndarray:
        """The stored vectors of these ids, in order."""
        if len(vids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._index.reconstruct_batch(np.asarray(vids, dtype=np.int64))

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(vids, vectors) of everything stored, for re-laying the index out."""
        if self.layout == "flat":
            vids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        else:
            invlists = self._index.invlists
            vids = np.concatenate(
                [
                    faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
                    for i in range(self._index.nlist)
                ]
                or [np.zeros(0, dtype=np.int64)]
            ).astype(np.int64)
        return vids, self.vectors(vids)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, layout: str = "flat", trained: int = 0) -> VectorIndex:
        index = faiss.read_index(str(path))
        if layout != "flat":
            index.nprobe = _nprobe(index.nlist)
        return cls(index, layout, trained)
