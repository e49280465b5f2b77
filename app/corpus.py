"""The user's corpus: build the index of a folder, add, remove and correct documents.

A refused file is reported with its reason and never left in the corpus folder. Every write
follows the protocol of `app/writes.py` under the writer lock: files are staged, the index
commits, then the corpus folder follows; a write a crash interrupted is finished or rolled
back by the next one, so the folder and the index agree and nothing indexed is lost.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import CopyError, NameTakenError, NameTooLongError
from index.embedders import Embedder, load_embedder
from index.errors import DocumentNotFoundError, IndexMissingError
from index.generations import live_manifest
from index.manifest import FORMAT
from index.reader import Index
from index.store import StoredDocument
from index.writer import IndexWriter, WriteResult
from ingest.chunking import ChunkSettings
from ingest.errors import EduqaError, FileTooLargeError, UnsupportedFileError, system_reason
from ingest.loaders import SUPPORTED_EXTENSIONS
from ingest.ocr import Ocr
from ingest.overrides import SIDECAR_SUFFIX, write_overrides
from ingest.pipeline import read_document
from ingest.types import Document

from .settings import Settings
from .writes import Staging, recover, staging

FileProgress = Callable[[str, int, int], None]  # (file name, files done, files in all)
PageProgress = Callable[[str, int, int], None]  # (file name, pages read, pages to read by OCR)


def ocr_for(settings: Settings, name: str = "", on_page: PageProgress | None = None) -> Ocr:
    """How a file's scanned pages are read: cached per user, reported per page."""
    report = (lambda done, total: on_page(name, done, total)) if on_page else None
    return Ocr(cache_dir=settings.ocr_cache, on_page=report)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A file that was not indexed, and why."""

    file: str
    reason: str

    @classmethod
    def of(cls, error: EduqaError) -> Refusal:
        return cls(error.subject, error.reason)

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass(frozen=True, slots=True)
class CorpusReport:
    result: WriteResult
    refused: tuple[Refusal, ...]


@dataclass(frozen=True, slots=True)
class Facets:
    """The metadata values a corpus holds, sorted: what a filter can choose from."""

    years: tuple[int, ...]  # every year a document covers (both years of a summary+plan)
    regions: tuple[str, ...]
    provinces: tuple[str, ...]
    doc_types: tuple[str, ...]


def facets(documents: Iterable[StoredDocument]) -> Facets:
    """The years, regions, provinces and document types of indexed documents."""
    metas = [d.meta for d in documents]
    years = {y for m in metas for y in m.years} | {m.year for m in metas if m.year is not None}
    return Facets(
        years=tuple(sorted(years)),
        regions=tuple(sorted({m.region for m in metas if m.region})),
        provinces=tuple(sorted({m.province for m in metas if m.province})),
        doc_types=tuple(sorted({m.doc_type for m in metas if m.doc_type})),
    )


def index_exists(settings: Settings) -> bool:
    """Whether the index directory holds a live index (else `build` or `add_files` makes one)."""
    return live_manifest(settings.index_dir) is not None


def load_model(settings: Settings) -> Embedder:
    """The embedder the settings name (model, its cache, threads): for an engine, and for
    writing an index no engine has open yet (the web app's first build or upload)."""
    return load_embedder(settings.model, settings.model_cache, settings.threads)


def chunk_settings(settings: Settings) -> ChunkSettings:
    return ChunkSettings(max_chars=settings.chunk_chars)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Documents of a corpus folder: supported files, no hidden files or metadata sidecars."""
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.endswith(SIDECAR_SUFFIX)
        and p.suffix.lower() in SUPPORTED_EXTENSIONS
    )


def safe_name(name: str) -> str:
    """A file name that cannot leave the corpus folder or hide: no directories, no leading dot."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", base).strip().lstrip(".")
    return base or "document"


def _writer(settings: Settings, embedder: Embedder, rebuild: bool = False) -> IndexWriter:
    return IndexWriter(
        settings.index_dir, embedder, chunk_settings(settings), rebuild, backend=settings.backend
    )


@contextmanager
def _writing(
    settings: Settings, embedder: Embedder, rebuild: bool = False
) -> Iterator[IndexWriter]:
    """The index writer (holding the lock), once every write a crash interrupted is finished
    or rolled back (`app/writes.py`)."""
    with _writer(settings, embedder, rebuild) as writer:
        live = live_manifest(settings.index_dir)
        held = {d.file_name: d.doc_id for d in live.documents} if live else {}

        def read_id(path: Path, name: str) -> str:
            ocr = ocr_for(settings)
            return read_document(path, chunk_settings(settings), file_name=name, ocr=ocr).doc_id

        recover(settings.corpus_dir, held.get, read_id)
        yield writer


@dataclass(frozen=True, slots=True)
class Migration:
    """An index moved from one backend to another."""

    source: str
    target: str
    documents: int
    passages: int


def migrate(settings: Settings, embedder: Embedder) -> Migration:
    """Move the index to the backend the settings name, with every document and vector it
    holds (nothing is re-read from the corpus folder or re-embedded).

    Raises:
        IndexMissingError: there is no index to move.
    """
    live = live_manifest(settings.index_dir)
    if live is None:
        raise IndexMissingError(settings.index_dir, "no index here yet; run `eduqa build` first")
    if live.backend != settings.backend.kind:
        with IndexWriter(
            settings.index_dir,
            embedder,
            chunk_settings(settings),
            backend=settings.backend,
            migrate=True,
        ) as writer:
            writer.commit()
    return Migration(
        source=live.backend,
        target=settings.backend.kind,
        documents=len(live.documents),
        passages=sum(d.chunks for d in live.documents),
    )


def build(
    settings: Settings,
    embedder: Embedder,
    rebuild: bool = False,
    on_file: FileProgress | None = None,
    on_page: PageProgress | None = None,
) -> CorpusReport:
    """Bring the index up to date with the corpus folder (only new or changed files are embedded;
    documents whose files are gone are removed)."""
    refused: list[Refusal] = []
    live = live_manifest(settings.index_dir)
    # an index of an older on-disk format holds nothing a rebuild would not recreate
    rebuild = rebuild or (live is not None and live.format != FORMAT)
    with _writing(settings, embedder, rebuild) as writer:
        files = corpus_files(settings.corpus_dir)
        # documents whose files are gone leave first, so a renamed file is no duplicate
        names = {p.name for p in files}
        for name in writer.file_names():
            if name not in names:
                writer.remove(name)
        for i, path in enumerate(files):
            if on_file:
                on_file(path.name, i, len(files))
            try:
                _check_name(path.name, settings.corpus_dir)
                _check_upload(path, path.name, settings.max_upload_mb * 2**20)
                ocr = ocr_for(settings, path.name, on_page)
                writer.add(read_document(path, chunk_settings(settings), ocr=ocr), source=path)
            except EduqaError as error:
                refused.append(Refusal.of(error))
        result = writer.commit()
    return CorpusReport(result, tuple(refused))


def add_files(
    settings: Settings,
    embedder: Embedder,
    paths: Sequence[Path],
    names: Sequence[str] | None = None,
    on_file: FileProgress | None = None,
    replace: bool = True,
    on_page: PageProgress | None = None,
) -> CorpusReport:
    """Copy files into the corpus folder and index them; refused files are not copied.

    `names` gives the corpus names to use (an upload's sanitised names); by default a file keeps
    its own name. A file with the name of an indexed document replaces it, unless `replace` is
    off (uploads): then a different file under a taken name is refused. Files larger than the
    upload limit (`EDUQA_MAX_UPLOAD_MB`, the same for the CLI and the page) are refused before
    they are read. A refusal names the file by its corpus name when `names`
    are given, else by its path.
    """
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    refused: list[Refusal] = []
    with _writing(settings, embedder) as writer, staging(corpus) as stage:
        for i, path in enumerate(paths):
            name = safe_name(names[i] if names else path.name)
            if on_file:
                on_file(name, i, len(paths))
            inside = path.resolve() == (corpus / name).resolve()
            copy = None
            try:
                _check_name(name, corpus)
                _check_upload(path, name, settings.max_upload_mb * 2**20)
                copy = None if inside else _staged(stage, path)
                ocr = ocr_for(settings, name, on_page)
                doc = read_document(path, chunk_settings(settings), file_name=name, ocr=ocr)
                taken = writer.document_id(name)
                if not replace and taken not in (None, doc.doc_id):
                    raise NameTakenError(
                        name,
                        "another document with this name is already in the corpus; "
                        "remove it first, rename the file, or choose to replace it",
                    )
                writer.add(doc, source=path)
            except (EduqaError, OSError) as error:
                if copy is not None:
                    copy.unlink()
                if isinstance(error, OSError):
                    refused.append(Refusal(name if names else str(path), system_reason(error)))
                else:  # an upload is named by its name, not by the temp file it was written to
                    refused.append(Refusal(name, error.reason) if names else Refusal.of(error))
                continue
            if copy is not None:
                stage.add(copy, name, doc.doc_id)
        result = stage.commit(writer.commit)
    return CorpusReport(result, tuple(refused))


def _staged(stage: Staging, path: Path) -> Path:
    """The file's copy in the write's staging folder; a failed copy (a full disk) refuses it."""
    try:
        return stage.stage(path)
    except OSError as error:
        reason = f"cannot copy it into the corpus folder: {system_reason(error)}"
        raise CopyError(path, reason) from None


def documents(settings: Settings) -> list[StoredDocument]:
    """The indexed documents with their metadata, as the live index holds them."""
    index = Index.open(settings.index_dir, backend=settings.backend)
    try:
        return index.documents()
    finally:
        index.close()


def _check_name(name: str, corpus: Path) -> None:
    """Refuse a name too long for the file system to hold its metadata sidecar beside it
    ("NAME.meta.json"): a correction of its metadata could never be kept."""
    try:
        most = os.pathconf(corpus, "PC_NAME_MAX")
    except (OSError, ValueError):
        most = 255
    size = len((name + SIDECAR_SUFFIX).encode())
    if size > most:
        raise NameTooLongError(
            name[:40] + "…",
            f"file name is {len(name.encode())} bytes; names up to "
            f"{most - len(SIDECAR_SUFFIX.encode())} bytes fit beside their metadata sidecar "
            "— rename the file",
        )


def _check_upload(path: Path, name: str, max_bytes: int) -> None:
    """Refuse a file by the type of its corpus `name` or by its size, before reading it."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFileError(
            path,
            f"unsupported file type '{suffix or name}'; "
            f"eduqa reads {', '.join(SUPPORTED_EXTENSIONS)}",
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(
            path, f"file is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB"
        )


def remove_documents(settings: Settings, embedder: Embedder, names: Sequence[str]) -> CorpusReport:
    """Remove documents (by file name or name without extension) from the index and the corpus."""
    refused: list[Refusal] = []
    with _writing(settings, embedder) as writer, staging(settings.corpus_dir) as stage:
        known = writer.file_names()
        for name in names:
            match = [n for n in known if name in (n, Path(n).stem)]
            if not match:
                refused.append(Refusal(name, "no such document in the index; see `eduqa docs`"))
                continue
            stage.remove(match[0], writer.document_id(match[0]) or "")
            writer.remove(match[0])
        result = stage.commit(writer.commit)
    return CorpusReport(result, tuple(refused))


def set_metadata(
    settings: Settings, embedder: Embedder, name: str, changes: dict[str, Any]
) -> Document:
    """Correct a document's metadata: recorded in its sidecar (so rebuilds keep it), reindexed."""
    matches = [p for p in corpus_files(settings.corpus_dir) if name in (p.name, p.stem)]
    if not matches:
        raise DocumentNotFoundError(name, "no such document in the corpus folder; see `eduqa docs`")
    path = matches[0]
    with _writing(settings, embedder) as writer:
        write_overrides(path, changes)
        doc = read_document(path, chunk_settings(settings), ocr=ocr_for(settings))
        writer.add(doc, source=path)
        writer.commit()
    return doc
