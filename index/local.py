"""The "faiss" backend: a FAISS file and BM25 segments inside each index generation.

Everything a query needs is in the process: the dense top k comes from FAISS under an id
selector, and BM25 scores every passage, so the lexical score of each candidate is exact.
A generation's files are copied (segments linked) into the next one, changed there, and switched
in with the rest of the generation.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from .backend import Candidates, IndexedChunk, Scope
from .generations import carry
from .lexical import LexicalIndex, tokenize
from .manifest import Manifest
from .store import Store
from .vectors import VectorIndex, layout_for

VECTORS, LEXICAL = "vectors.faiss", "lexical"
# passages whose lexical tokens are held as strings before they are packed into a segment
_LEXICAL_BATCH = 50_000


def top_rows(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest values, best first (ties by index): a partition, not a sort of
    every passage, which at a million passages is most of a search."""
    picked = np.argpartition(-values, n - 1)[:n] if n < len(values) else np.arange(len(values))
    return picked[np.lexsort((picked, -values[picked]))]


class LocalSearch:
    """FAISS and BM25 of one generation, scoring its live passages (`vids`, ascending)."""

    def __init__(self, generation: Path, manifest: Manifest, vids: np.ndarray) -> None:
        self.vids = vids
        self.vectors = VectorIndex.load(generation / VECTORS, manifest.vectors, manifest.trained)
        self.lexical = LexicalIndex.load(generation / LEXICAL, vids)

    def candidates(
        self, query: np.ndarray | None, tokens: Sequence[str], k: int, scope: Scope
    ) -> Candidates:
        dense_rows, dense_scores = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if query is not None:
            allowed = None if scope.mask.all() else self.vids[scope.mask]
            found, dense_scores = self.vectors.search(query, k, allowed)
            dense_rows = np.searchsorted(self.vids, found)
        lexical = np.zeros(len(self.vids), dtype=np.float32)
        lexical_rows = np.zeros(0, dtype=np.int64)
        if tokens:
            lexical = np.where(scope.mask, self.lexical.scores(tokens), 0.0).astype(np.float32)
            lexical_rows = top_rows(lexical, k)
            lexical_rows = lexical_rows[lexical[lexical_rows] > 0]
        found = Candidates.of(dense_rows, dense_scores, lexical_rows, lexical[lexical_rows])
        # every row's BM25 is known here, so a row only FAISS found keeps its own
        return replace(found, lexical=lexical[found.rows]) if tokens else found

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        return self.lexical.idf(tokens)

    def known(self, token: str) -> bool:
        return self.lexical.known(token)


class LocalWriter:
    """Changes to the FAISS file and BM25 segments of the generation being written."""

    def __init__(self, vectors: VectorIndex, lexical: LexicalIndex) -> None:
        self._vectors = vectors
        self._lexical = lexical
        self._pending_vids: list[int] = []
        self._pending_tokens: list[list[str]] = []

    @classmethod
    def empty(cls, dim: int) -> LocalWriter:
        return cls(VectorIndex.empty(dim), LexicalIndex.empty())

    @classmethod
    def load(cls, work: Path, manifest: Manifest, vids: np.ndarray) -> LocalWriter:
        """The files copied from the live generation into `work`, to be changed there."""
        vectors = VectorIndex.load(work / VECTORS, manifest.vectors, manifest.trained)
        return cls(vectors, LexicalIndex.load(work / LEXICAL, vids))

    def add(self, passages: Sequence[IndexedChunk], vectors: np.ndarray) -> None:
        vids = [p.vid for p in passages]
        self._pending_vids += vids
        self._pending_tokens += [tokenize(p.text) for p in passages]
        if len(self._pending_vids) >= _LEXICAL_BATCH:
            self._fold_pending()
        self._vectors.add(np.array(vids, dtype=np.int64), vectors)

    def remove(self, passages: Sequence[IndexedChunk]) -> None:
        """Drop the vectors; BM25 stops scoring them once `save` is told the live passages."""
        self._vectors.remove(np.array([p.vid for p in passages], dtype=np.int64))

    def save(self, work: Path, live: np.ndarray, manifest: Manifest) -> Manifest:
        """Write BM25 and FAISS for the `live` vids into `work`; the manifest gains the
        FAISS layout."""
        settled = np.setdiff1d(live, self._pending_vids)
        self._lexical = self._lexical.with_live(settled)  # what was removed since the start
        self._fold_pending()
        self._lexical.save(work / LEXICAL)
        self._relayout()
        self._vectors.save(work / VECTORS)
        return replace(
            manifest, backend="faiss", vectors=self._vectors.layout, trained=self._vectors.trained
        )

    def committed(self, root: Path) -> None:
        """Nothing lives outside the generation, so nothing is left to do."""

    def _fold_pending(self) -> None:
        """Move the passages added since the last fold into a lexical segment."""
        self._lexical = self._lexical.with_passages(self._pending_vids, self._pending_tokens)
        self._pending_vids, self._pending_tokens = [], []

    def _relayout(self) -> None:
        """Move the vectors to the layout the corpus size now calls for (flat or IVF)."""
        vectors = self._vectors
        wanted = layout_for(vectors.size, vectors.layout, vectors.trained)
        if wanted != vectors.layout:
            vids, rows = vectors.all_vectors()
            self._vectors = VectorIndex.with_layout(wanted, vids, rows)


class LocalBackend:
    """FAISS and BM25 files inside each generation: nothing lives outside it, so there is
    nothing to repair or retire."""

    def open(
        self, root: Path, generation: Path, manifest: Manifest, store: Store, vids: np.ndarray
    ) -> LocalSearch:
        return LocalSearch(generation, manifest, vids)

    def create(self, root: Path, live: Manifest | None, dim: int) -> LocalWriter:
        return LocalWriter.empty(dim)

    def carry(self, live: Path, work: Path) -> None:
        carry(live, work, linked=f"{LEXICAL}{os.sep}seg-")  # segments never change once written

    def resume(self, root: Path, work: Path, manifest: Manifest, vids: np.ndarray) -> LocalWriter:
        return LocalWriter.load(work, manifest, vids)

    def repair(self, root: Path, live: Path, manifest: Manifest) -> None:
        pass

    def retire(self, root: Path, manifest: Manifest) -> None:
        pass
