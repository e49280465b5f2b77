"""The index as `app/` sees it, and what a backend must do to find its passages.

An index generation is a manifest and a SQLite store (documents, passages, targets and the
embedding cache); `Index` reads it whatever the backend. Finding passages by vector and by BM25
is the backend's part, chosen when the index is built:

- "faiss": a FAISS file and BM25 segments inside each generation (`local.py`), one machine;
- "milvus": one Milvus collection per index (`milvus.py`), on the embedded Milvus Lite (a local
  file) or a Milvus server or cluster (an http URI), with the same code.

Nothing above `index/` may depend on more than `SearchIndex`: search, answer, compare, diff and
the pages only call these methods. Rows are positions 0..n-1 over the live passages, fixed for
the life of a read view: masks are indexed by them, and `rows()` turns positions back into
passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ingest.types import Chunk, Target

from .filters import Filters
from .store import Store, StoredChunk, StoredDocument

if TYPE_CHECKING:
    from .manifest import Manifest

BACKENDS = ("faiss", "milvus")


@dataclass(frozen=True, slots=True)
class Backend:
    """Which backend an index is written to and read from, and where Milvus is."""

    kind: str = "faiss"
    milvus_uri: str | None = None  # None: Milvus Lite in the index directory (`milvus.db`)
    milvus_token: str | None = None  # "user:password" or an API key, for a secured server


@dataclass(frozen=True, slots=True)
class Candidates:
    """The passages a query found before fusion: rows ascending, with both scores."""

    rows: np.ndarray  # int64 row positions
    dense: np.ndarray  # float32 cosine; NaN where the row was not among the dense top k
    lexical: np.ndarray  # float32 BM25; 0 where no query word matches or the backend cannot say

    @classmethod
    def of(
        cls,
        dense_rows: np.ndarray,
        dense_scores: np.ndarray,
        lexical_rows: np.ndarray,
        lexical_scores: np.ndarray,
    ) -> Candidates:
        """The union of a dense and a lexical top k; a row only one of them found gets NaN
        (dense) or 0 (lexical) for the other."""
        rows = np.union1d(dense_rows, lexical_rows).astype(np.int64)
        dense = np.full(len(rows), np.nan, dtype=np.float32)
        dense[np.searchsorted(rows, dense_rows)] = dense_scores
        lexical = np.zeros(len(rows), dtype=np.float32)
        lexical[np.searchsorted(rows, lexical_rows)] = lexical_scores
        return cls(rows, dense, lexical)


def lexical_text(chunk: Chunk) -> str:
    """What BM25 reads of a passage: its heading path and text (the title would add the same
    words to every passage of a plan)."""
    return " ".join(chunk.section) + "\n" + chunk.text


@dataclass(frozen=True, slots=True)
class IndexedChunk:
    """A chunk as a backend indexes it: its id, what BM25 reads, what filters test."""

    vid: int
    text: str  # `lexical_text`
    doc_id: str
    year: int | None
    region: str | None
    province: str | None
    doc_type: str | None
    section: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a search looks, as filters (what a server evaluates) and as the row mask the
    store gives for them (what a local index selects with)."""

    filters: Filters
    mask: np.ndarray


class ChunkSearch(Protocol):
    """A backend's read side for one generation."""

    def candidates(
        self, query: np.ndarray | None, tokens: Sequence[str], k: int, scope: Scope
    ) -> Candidates: ...
    def idf(self, tokens: Sequence[str]) -> np.ndarray: ...
    def known(self, token: str) -> bool: ...


class ChunkWriter(Protocol):
    """A backend's write side: changes land in the generation being written, or in Milvus
    where readers of older generations cannot see them."""

    def add(self, passages: Sequence[IndexedChunk], vectors: np.ndarray) -> None: ...
    def remove(self, passages: Sequence[IndexedChunk]) -> None: ...
    def save(self, work: Path, live: np.ndarray, manifest: Manifest) -> Manifest: ...
    def committed(self, root: Path) -> None: ...


class ChunkBackend(Protocol):
    """What a backend does for the index (`local.py`, `milvus.py`), so that no other module
    branches on which one it is. `chunk_backend` picks it."""

    def open(
        self, root: Path, generation: Path, manifest: Manifest, store: Store, vids: np.ndarray
    ) -> ChunkSearch:
        """The read side of a generation: its live passages are `vids`, ascending."""

    def create(self, root: Path, live: Manifest | None, dim: int) -> ChunkWriter:
        """An empty write side for the next generation (`live`: the live one, if any)."""

    def carry(self, live: Path, work: Path) -> None:
        """Copy the live generation's files into `work`, for the next one to change."""

    def resume(self, root: Path, work: Path, manifest: Manifest, vids: np.ndarray) -> ChunkWriter:
        """The write side continuing the live generation, carried into `work`."""

    def repair(self, root: Path, live: Path, manifest: Manifest) -> None:
        """Undo what a writer that crashed left outside the generations."""

    def retire(self, root: Path, manifest: Manifest) -> None:
        """Drop what an index that moved to another backend left in this one."""


def chunk_backend(config: Backend) -> ChunkBackend:
    """The backend `config` names (imported on first use: Milvus's client is heavy)."""
    if config.kind == "milvus":
        from .milvus import MilvusBackend

        return MilvusBackend(config)
    from .local import LocalBackend

    return LocalBackend()


class SearchIndex(Protocol):
    """A read-only view of one index generation."""

    generation: Path  # identifies the view: caches keyed by it stay valid until it changes
    manifest: Manifest
    row_doc: np.ndarray  # document position of each row, for spreading hits over plans

    def close(self) -> None: ...
    def is_live(self) -> bool: ...

    # documents
    def documents(self) -> list[StoredDocument]: ...
    def document_by_id(self, doc_id: str) -> StoredDocument: ...
    def find_document(self, name: str) -> StoredDocument: ...
    def document_text(self, doc_id: str) -> str: ...
    def document_chunks(self, doc_id: str) -> list[StoredChunk]: ...
    def passage_vectors(self, rows: Sequence[StoredChunk]) -> np.ndarray: ...

    # search
    def mask(self, filters: Filters) -> np.ndarray: ...
    def candidates(
        self, query: np.ndarray | None, tokens: Sequence[str], k: int, filters: Filters
    ) -> Candidates: ...
    def idf(self, tokens: Sequence[str]) -> np.ndarray: ...
    def known(self, token: str) -> bool: ...
    def rows(self, rows: Sequence[int]) -> list[StoredChunk]: ...
    def statement_vectors(self, vids: Sequence[int]) -> dict[int, np.ndarray]: ...

    # targets
    def targets(self, filters: Filters | None = None) -> list[Target]: ...
    def indicator_vectors(self) -> dict[str, np.ndarray]: ...
