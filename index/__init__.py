"""Embeddings, FAISS vectors, BM25, the SQLite store and the one index writer."""

from .backend import SearchIndex
from .embedders import DEFAULT_MODEL, Embedder, load_embedder
from .filters import Filters
from .reader import Index
from .writer import IndexWriter, WriteResult

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "Filters",
    "Index",
    "IndexWriter",
    "SearchIndex",
    "WriteResult",
    "load_embedder",
]
