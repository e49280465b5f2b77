"""What the index refuses: a missing, mismatched or locked index, a document it does not hold
or holds already, a Milvus it cannot reach."""

from __future__ import annotations

from ingest.errors import EduqaError


class DuplicateDocumentError(EduqaError):
    """The same content is already indexed under another file name."""


class DocumentNotFoundError(EduqaError):
    """A document name that the index does not hold."""


class IndexMissingError(EduqaError):
    """No index at the given directory yet."""


class IndexMismatchError(EduqaError):
    """The index was built with another embedder or format than the one asked for."""


class IndexLockedError(EduqaError):
    """Another process is writing the index."""


class MilvusUnavailableError(EduqaError):
    """The Milvus the settings name cannot be reached or opened."""
