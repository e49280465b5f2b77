"""File → cleaned, described, chunked `Document`."""

from .chunking import ChunkSettings, chunk_text
from .clean import clean_text
from .errors import EduqaError
from .loaders import SUPPORTED_EXTENSIONS, load_file
from .metadata import extract_metadata
from .pipeline import read_document
from .types import Chunk, Document, DocumentMeta, RawText

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Chunk",
    "ChunkSettings",
    "Document",
    "DocumentMeta",
    "EduqaError",
    "RawText",
    "chunk_text",
    "clean_text",
    "extract_metadata",
    "load_file",
    "read_document",
]
