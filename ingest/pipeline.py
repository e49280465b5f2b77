"""File → cleaned, described and chunked `Document`: the one way a file enters eduqa."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from .chunking import ChunkSettings, chunk_text
from .clean import clean_text
from .errors import EmptyDocumentError
from .loaders import load_file
from .metadata import extract_metadata
from .overrides import apply_overrides, read_overrides
from .targets import extract_targets
from .types import Document

# Bump when cleaning, metadata or chunking change their output. Recorded in the manifest; a
# write that changes no document still publishes a generation when it differs.
PIPELINE_VERSION = "3"


def content_id(text: str) -> str:
    """A document's id: the hash of its cleaned text, so one content has one id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_document(
    path: Path, settings: ChunkSettings, file_name: str | None = None, use_sidecar: bool = True
) -> Document:
    """Load, clean, describe and chunk one file.

    `file_name` is the name the document has (or will have) in the corpus; metadata corrections
    are read from the sidecar beside `path` when `use_sidecar` is set.
    """
    raw = load_file(path)
    text = clean_text(raw)
    if not text.strip():
        raise EmptyDocumentError(path, "no text left after cleaning")
    name = file_name or path.name
    meta = extract_metadata(text, name)
    if use_sidecar:
        meta = apply_overrides(meta, read_overrides(path))
    doc_id = content_id(text)
    chunks = chunk_text(doc_id, text, meta, settings)
    if not chunks:
        raise EmptyDocumentError(path, "no passages found in the text")
    doc = Document(
        doc_id=doc_id,
        file_name=name,
        text=text,
        meta=meta,
        source_format=raw.source_format,
        chunks=chunks,
    )
    return replace(doc, targets=extract_targets(doc))
