"""The index as readers see it: a read-only view of the live generation of an index
directory, whatever the backend (`backend.ChunkBackend`) that finds its passages.

Generations and the atomic switch between them are `generations.py`; the document store is
`store.py`; the one writer is `writer.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path

import numpy as np

from index.errors import DocumentNotFoundError, IndexMissingError
from ingest.targets import indicator_key
from ingest.types import Target

from .backend import Backend, Candidates, Scope, chunk_backend
from .filters import Filters, document_passes
from .generations import MANIFEST, live_generation
from .manifest import Manifest
from .store import STORE_FILE, Store, StoredChunk, StoredDocument

__all__ = ["Filters", "Index"]

_PASSING_KEPT = 256  # document masks kept per filter (a bool per document each)


class Index:
    """A read-only view of the live generation of an index directory."""

    def __init__(self, root: Path, generation: Path, backend: Backend) -> None:
        self.root = root
        self.backend = backend
        self.generation = generation
        self.manifest = Manifest.read(generation / MANIFEST)
        self.store = Store(generation / STORE_FILE, readonly=True)
        self.vids, row_docs, self.row_years = self.store.chunk_table()
        held_by = chunk_backend(replace(backend, kind=self.manifest.backend))
        self.passages = held_by.open(root, generation, self.manifest, self.store, self.vids)
        self._documents = {d.doc_id: d for d in self.store.documents()}
        doc_order = list(self._documents)
        position = {doc_id: i for i, doc_id in enumerate(doc_order)}
        self.row_doc = np.array([position[d] for d in row_docs], dtype=np.int32)
        self._doc_order = doc_order
        self._passing: dict[Filters, np.ndarray] = {}
        self._last_mask: tuple[Filters, np.ndarray] | None = None

    @classmethod
    def open(
        cls, root: Path, embedder_name: str | None = None, backend: Backend | None = None
    ) -> Index:
        """Open the live generation; refuse an index built by another embedder or held by
        another backend than `backend` (default FAISS)."""
        backend = backend or Backend()
        generation = live_generation(root)
        if generation is None or not generation.exists():
            raise IndexMissingError(root, "no index here yet; run `eduqa build` first")
        Manifest.read(generation / MANIFEST).check(root, embedder_name, backend.kind)
        return cls(root, generation, backend)

    def close(self) -> None:
        self.store.close()

    def is_live(self) -> bool:
        """False once a writer has switched the index to a newer generation."""
        return live_generation(self.root) == self.generation

    # documents -------------------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        return list(self._documents.values())

    def document_by_id(self, doc_id: str) -> StoredDocument:
        return self._documents[doc_id]

    def find_document(self, name: str) -> StoredDocument:
        """A document by file name or by its name without extension."""
        for doc in self._documents.values():
            if name in (doc.file_name, Path(doc.file_name).stem):
                return doc
        raise DocumentNotFoundError(name, "no such document in the index; see `eduqa docs`")

    def document_text(self, doc_id: str) -> str:
        return self.store.document_text(doc_id)

    def document_chunks(self, doc_id: str) -> list[StoredChunk]:
        return self.store.document_chunks(doc_id)

    def passage_vectors(self, rows: Sequence[StoredChunk]) -> np.ndarray:
        """The embeddings of these passages as indexed (no model needed)."""
        return self.store.passage_vectors([r.vid for r in rows], self.manifest.dim)

    # search ----------------------------------------------------------------------------------
    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean row mask of the passages that pass the filters (the last one is kept: a
        search asks for its scope's mask, then searches in it)."""
        last = self._last_mask
        if last is not None and last[0] == filters:
            return last[1]
        keep = np.ones(len(self.vids), dtype=bool)
        if filters.years:
            keep &= np.isin(self.row_years, np.array(filters.years, dtype=np.int32))
        if filters.doc_ids or filters.regions or filters.provinces or filters.doc_types:
            keep &= self._documents_passing(replace(filters, years=()))[self.row_doc]
        self._last_mask = (filters, keep)
        return keep

    def _documents_passing(self, filters: Filters) -> np.ndarray:
        """Which documents pass, in document order; kept per filter, as questions about one
        place repeat it."""
        if filters not in self._passing:
            if len(self._passing) >= _PASSING_KEPT:
                self._passing.clear()
            self._passing[filters] = np.array(
                [document_passes(i, self._documents[i].meta, filters) for i in self._doc_order],
                dtype=bool,
            )
        return self._passing[filters]

    def candidates(
        self, query: np.ndarray | None, tokens: Sequence[str], k: int, filters: Filters
    ) -> Candidates:
        """The dense top k for `query` (None: none) and the BM25 top k for `tokens` (empty:
        none) among the passages the filters keep, with both scores of each."""
        return self.passages.candidates(query, tokens, k, Scope(filters, self.mask(filters)))

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        """How rare each token is among the passages (BM25 idf)."""
        return self.passages.idf(tokens)

    def known(self, token: str) -> bool:
        """Whether any passage holds the token."""
        return self.passages.known(token)

    def rows(self, rows: Sequence[int]) -> list[StoredChunk]:
        return self.store.chunks(self.vids[np.asarray(rows, dtype=np.int64)].tolist())

    def statement_vectors(self, vids: Sequence[int]) -> dict[int, np.ndarray]:
        """The vectors of each passage's statements (`ingest.statements`), by passage vid."""
        return self.store.statement_vectors(vids, self.manifest.dim)

    # targets ---------------------------------------------------------------------------------
    def targets(self, filters: Filters | None = None) -> list[Target]:
        """The targets table, restricted like passages: by the documents and the figure's year."""
        filters = filters or Filters()
        rows, by_doc = self._targets[0], self._targets_by_doc
        docs = [
            d
            for d in (filters.doc_ids or self._doc_order)
            if d in self._documents and document_passes(d, self._documents[d].meta, filters)
        ]
        picked = sorted(p for d in docs for p in by_doc.get(d, ()))
        return [rows[p] for p in picked if not filters.years or rows[p].year in filters.years]

    def indicator_vectors(self) -> dict[str, np.ndarray]:
        """Embedding of each indicator (by `indicator_key`) of the targets table."""
        return self._targets[1]

    @cached_property
    def _targets_by_doc(self) -> dict[str, list[int]]:
        """Positions in the targets table of each document's rows: a plan's figures are read
        per answer, which must not scan a province's table."""
        by_doc: dict[str, list[int]] = {}
        for position, target in enumerate(self._targets[0]):
            by_doc.setdefault(target.doc_id, []).append(position)
        return by_doc

    @cached_property
    def _targets(self) -> tuple[list[Target], dict[str, np.ndarray]]:
        rows = self.store.targets()
        keys = sorted({key for _, key in rows})
        vectors = self.store.cached_vectors(keys, self.manifest.dim)
        by_indicator = {
            indicator_key(t.indicator): vectors[key] for t, key in rows if key in vectors
        }
        return [t for t, _ in rows], by_indicator
