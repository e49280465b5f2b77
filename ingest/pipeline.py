"""File → cleaned, described and chunked `Document`: the one way a file enters eduqa."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from .chinese import letters
from .chunking import ChunkSettings, chunk_text
from .clean import clean_text
from .errors import EmptyDocumentError, FileTooLargeError
from .loaders import load_file
from .metadata import extract_metadata
from .ocr import Ocr
from .overrides import apply_overrides, read_overrides
from .targets import extract_targets
from .types import Document

# Bump when cleaning, metadata or chunking change their output. Recorded in the manifest; a
# write that changes no document still publishes a generation when it differs.
PIPELINE_VERSION = "4"  # 4: scanned pages read by OCR


def content_id(text: str) -> str:
    """A document's id: the hash of its cleaned text, so one content has one id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


MAX_CHARS = 2_000_000  # of cleaned text: the longest plan seen is about 60k characters
# A plan is mostly words: at least 78% of the non-space characters of every plan of the
# evaluation corpus and the test files are CJK characters or Latin letters
MIN_LETTERS = 20
MIN_LETTER_SHARE = 0.3


def check_text(path: Path, text: str) -> None:
    """Refuse a text too long to be one plan, or with too few words to be one (a file of
    punctuation or figures would otherwise be indexed and match every search of them)."""
    if len(text) > MAX_CHARS:
        raise FileTooLargeError(
            path, f"text is {len(text):,} characters; the limit is {MAX_CHARS:,}"
        )
    body = [c for c in text if not c.isspace()]
    words = letters(text)  # spaces are no letters
    if words < MIN_LETTERS or words < MIN_LETTER_SHARE * len(body):
        raise EmptyDocumentError(
            path,
            f"too little text to be a plan: {words} of its {len(body)} characters are "
            "Chinese characters or letters",
        )


def read_document(
    path: Path,
    settings: ChunkSettings,
    file_name: str | None = None,
    use_sidecar: bool = True,
    ocr: Ocr | None = None,
) -> Document:
    """Load, clean, describe and chunk one file.

    `file_name` is the name the document has (or will have) in the corpus; metadata corrections
    are read from the sidecar beside `path` when `use_sidecar` is set; `ocr` says how scanned
    pages are read.
    """
    raw = load_file(path, ocr)
    text = clean_text(raw)
    if not text.strip():
        raise EmptyDocumentError(path, "no text left after cleaning")
    check_text(path, text)
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
        ocr=raw.ocr,
    )
    return replace(doc, targets=extract_targets(doc))
