"""The index as `app/` sees it: one read interface, whatever stores the vectors and postings.

`Index` (FAISS + segmented BM25 + SQLite, `indexer.py`) implements it today; a server-backed index
(Milvus) implements it a second time. Nothing above `index/` may depend on more than this:
search, answer, compare, diff and the pages only call these methods.

Rows are positions 0..n-1 over the live passages, fixed for the life of a read view: masks and
score arrays are indexed by them, and `rows()` turns positions back into passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ingest.types import Target

from .store import ChunkRow, StoredDocument

if TYPE_CHECKING:
    from .indexer import Filters
    from .manifest import Manifest


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
    def document_chunks(self, doc_id: str) -> list[ChunkRow]: ...
    def passage_vectors(self, rows: Sequence[ChunkRow]) -> np.ndarray: ...

    # search
    def mask(self, filters: Filters) -> np.ndarray: ...
    def dense(
        self, query: np.ndarray, k: int, mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]: ...
    def lexical_scores(self, tokens: Sequence[str]) -> np.ndarray: ...
    def idf(self, tokens: Sequence[str]) -> np.ndarray: ...
    def known(self, token: str) -> bool: ...
    def rows(self, rows: Sequence[int]) -> list[ChunkRow]: ...

    # targets
    def targets(self, filters: Filters | None = None) -> list[Target]: ...
    def indicator_vectors(self) -> dict[str, np.ndarray]: ...
