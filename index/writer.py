"""The one writer of an index: locked, copy-on-write, committed by an atomic switch of
generations (`generations.py`); the backend's part is written through `backend.ChunkBackend`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from index.errors import DocumentNotFoundError, DuplicateDocumentError, IndexLockedError
from ingest.chunking import ChunkSettings
from ingest.pipeline import PIPELINE_VERSION
from ingest.statements import statements
from ingest.targets import indicator_key
from ingest.types import Chunk, Document, DocumentMeta

from .backend import Backend, ChunkWriter, IndexedChunk, chunk_backend, lexical_text
from .embedders import Embedder
from .generations import MANIFEST, drop_unfinished, live_generation, switch_to
from .manifest import FORMAT, Manifest, ManifestDocument
from .store import STORE_FILE, Store, StoredDocument

__all__ = ["IndexWriter", "WriteResult", "passage_for_embedding"]

log = logging.getLogger(__name__)
_LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer before giving up
_MOVE_BATCH = 5_000  # passages read from the store at a time when moving to another backend


def passage_for_embedding(meta: DocumentMeta, chunk: Chunk) -> str:
    """What the embedder sees for a passage: where it is from, then the passage.

    Region, the passage's year, title and heading path go first so that "2020年…崇阳" questions
    land on that plan's passages; they are not part of the cited text.
    """
    head = " ".join(
        p for p in (meta.region, f"{chunk.year}年" if chunk.year else None, meta.title) if p
    )
    section = " › ".join(chunk.section)
    return "\n".join(p for p in (head, section, chunk.text) if p)


def indexed_chunk(meta: DocumentMeta, vid: int, chunk: Chunk) -> IndexedChunk:
    """A passage as the backend indexes it (BM25 reads the heading path and the passage)."""
    return IndexedChunk(
        vid=vid,
        text=lexical_text(chunk),
        doc_id=chunk.doc_id,
        year=chunk.year,
        region=meta.region,
        province=meta.province,
        doc_type=meta.doc_type,
        section=" › ".join(chunk.section),
        start=chunk.start,
        end=chunk.end,
    )


def _fingerprint(doc: Document) -> str:
    """Changes when anything indexed about the document changes (text, metadata, passages)."""
    payload = json.dumps(
        [
            doc.doc_id,
            doc.source_format,
            [doc.meta.title, doc.meta.year, list(doc.meta.years), doc.meta.region],
            [doc.meta.province, doc.meta.doc_type, doc.meta.issuer, doc.meta.published],
            [[c.chunk_id, c.year, c.kind, list(c.section)] for c in doc.chunks],
            [
                [t.figure_start, t.start, t.end, t.indicator, t.value, t.value_max]
                for t in doc.targets
            ],
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a write did to each file name."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    embedded: int = 0  # passages actually sent to the embedder (cache misses)


class IndexWriter:
    """The single writer: locked, copy-on-write, committed by an atomic switch.

    Use as a context manager; changes become visible only at `commit()`, and an exception
    inside the block discards them.
    """

    def __init__(
        self,
        root: Path,
        embedder: Embedder,
        settings: ChunkSettings,
        rebuild: bool = False,
        lock_timeout: float = _LOCK_TIMEOUT,
        backend: Backend | None = None,
        migrate: bool = False,
    ) -> None:
        """`backend`: where passages go (default FAISS); `migrate`: move an index another
        backend holds to this one, copying its store and vectors (nothing is re-read or
        re-embedded)."""
        self.root = root
        self.lock_timeout = lock_timeout
        self.embedder = embedder
        self.settings = settings
        self.rebuild = rebuild
        self.backend = backend or Backend()
        self._chunk_backend = chunk_backend(self.backend)
        self.migrate = migrate
        self._lock = FileLock(str(root / ".lock"))
        self._work: Path | None = None
        self._store: Store | None = None
        self._previous: Manifest | None = None  # the live generation's, whatever the write does
        self._live_manifest: Manifest | None = None  # the same, when this write continues it
        self._manifest_docs: dict[str, ManifestDocument] = {}
        self._added: list[str] = []
        self._replaced: list[str] = []
        self._unchanged: list[str] = []
        self._removed: list[str] = []
        self._embedded = 0
        self._moved = False

    def __enter__(self) -> IndexWriter:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=self.lock_timeout)
        except Timeout as exc:
            raise IndexLockedError(
                self.root, "another eduqa process is writing this index; try again when it ends"
            ) from exc
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._work is not None and self._work.exists():
                if self._store is not None:
                    self._store.close()
                shutil.rmtree(self._work, ignore_errors=True)
        finally:
            self._lock.release()

    def _start(self) -> None:
        for stale in self.root.glob(".tmp-*"):  # left by a writer that crashed
            shutil.rmtree(stale, ignore_errors=True)
        drop_unfinished(self.root)
        live = live_generation(self.root)
        held = live is not None and (live / MANIFEST).exists()
        manifest = Manifest.read(live / MANIFEST) if held else None
        self._previous = manifest
        self._work = self.root / f".tmp-{os.getpid()}-{datetime.now().strftime('%H%M%S%f')}"
        if manifest is not None and manifest.backend == self.backend.kind:
            self._chunk_backend.repair(self.root, live, manifest)
        if self.rebuild or manifest is None:
            self._work.mkdir()
            self._store = Store(self._work / STORE_FILE)
            if live is not None and (live / STORE_FILE).exists():
                # cache keys name the embedder, so a rebuild re-embeds only texts it never saw
                self._store.import_cache(live / STORE_FILE)
            self._passages = self._new_chunks(manifest)
        else:
            self._continue(live, manifest)
        self._by_name = {d.file_name: d for d in self._store.documents()}

    def _continue(self, live: Path, manifest: Manifest) -> None:
        """Start from the live generation: its copy, or its store under a new backend."""
        moving = self.migrate and manifest.backend != self.backend.kind
        manifest.check(self.root, self.embedder.name, None if moving else self.backend.kind)
        self._live_manifest = manifest
        self._manifest_docs = {d.file_name: d for d in manifest.documents}
        if moving:
            self._work.mkdir()
            shutil.copy2(live / STORE_FILE, self._work / STORE_FILE)
            self._store = Store(self._work / STORE_FILE)
            self._passages = self._new_chunks(manifest)
            self._move_chunks()
            return
        self._chunk_backend.carry(live, self._work)
        self._store = Store(self._work / STORE_FILE)
        vids = self._store.chunk_table()[0]
        self._passages = self._chunk_backend.resume(self.root, self._work, manifest, vids)

    def _new_chunks(self, live: Manifest | None) -> ChunkWriter:
        """An empty backend for the generation being written (a new Milvus collection)."""
        return self._chunk_backend.create(self.root, live, self.embedder.dim)

    def _move_chunks(self) -> None:
        """Give the new backend every stored passage with its stored vector, in id order (a
        backend may rely on ids growing, as they do when documents are added)."""
        metas = {d.doc_id: d.meta for d in self._store.documents()}
        vids = self._store.chunk_table()[0].tolist()
        for start in range(0, len(vids), _MOVE_BATCH):
            part = vids[start : start + _MOVE_BATCH]
            rows = self._store.chunks(part)
            vectors = self._store.passage_vectors(part, self.embedder.dim)
            self._passages.add(
                [indexed_chunk(metas[r.chunk.doc_id], r.vid, r.chunk) for r in rows], vectors
            )
        self._moved = True

    # changes ---------------------------------------------------------------------------------
    def file_names(self) -> list[str]:
        return sorted(self._by_name)

    def document_id(self, file_name: str) -> str | None:
        """The content id indexed under a file name, if any."""
        known = self._by_name.get(file_name)
        return known.doc_id if known else None

    def add(self, doc: Document, source: Path | str | None = None) -> str:
        """Index one document: "added", "replaced" (same name, new content) or "unchanged".

        Raises DuplicateDocumentError when the same content is indexed under another name
        (`source` is the path named in that message).
        """
        for other in self._by_name.values():
            if other.doc_id == doc.doc_id and other.file_name != doc.file_name:
                raise DuplicateDocumentError(
                    source or doc.file_name,
                    f"same content as '{other.file_name}', which is already indexed",
                )
        known = self._manifest_docs.get(doc.file_name)
        if known is not None and known.fingerprint == _fingerprint(doc):
            self._unchanged.append(doc.file_name)
            return "unchanged"
        keys, vecs = self._embed(doc)
        if known is not None:
            self._drop(doc.file_name)
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._store.add_document(
            doc.doc_id, doc.file_name, doc.source_format, doc.text, doc.meta, now, doc.ocr
        )
        vids = self._store.add_chunks(doc.chunks, keys)
        passages = [indexed_chunk(doc.meta, v, c) for v, c in zip(vids, doc.chunks, strict=True)]
        self._passages.add(passages, vecs)
        self._store.add_statements(vids, self._embed_statements(doc))
        self._store.add_targets(doc.targets, self._embed_indicators(doc))
        self._manifest_docs[doc.file_name] = ManifestDocument(
            doc.file_name, doc.doc_id, _fingerprint(doc), len(doc.chunks)
        )
        self._by_name[doc.file_name] = StoredDocument(
            doc.doc_id, doc.file_name, doc.source_format, doc.meta, now, len(doc.chunks), doc.ocr
        )
        status = "replaced" if known is not None else "added"
        (self._replaced if known is not None else self._added).append(doc.file_name)
        return status

    def remove(self, file_name: str) -> None:
        if file_name not in self._by_name:
            raise DocumentNotFoundError(
                file_name, "no such document in the index; see `eduqa docs`"
            )
        self._drop(file_name)
        self._removed.append(file_name)

    def _drop(self, file_name: str) -> None:
        doc = self._by_name.pop(file_name)
        rows = self._store.document_chunks(doc.doc_id)
        self._passages.remove([indexed_chunk(doc.meta, r.vid, r.chunk) for r in rows])
        self._store.remove_document(doc.doc_id)
        self._manifest_docs.pop(file_name, None)

    def _embed(self, doc: Document) -> tuple[list[str], np.ndarray]:
        """Cache keys and vectors of a document's passages."""
        texts = [passage_for_embedding(doc.meta, c) for c in doc.chunks]
        keys, vectors, fresh = self._cached_embeddings(texts, "", self.embedder.embed_passages)
        self._embedded += fresh
        return keys, vectors

    def _embed_statements(self, doc: Document) -> list[list[str]]:
        """Cache keys of each passage's statements, embedded as passages on their own."""
        spans = [statements(c.text) for c in doc.chunks]
        texts = [c.text[s:e] for c, found in zip(doc.chunks, spans, strict=True) for s, e in found]
        keys, _, _ = self._cached_embeddings(texts, "statement", self.embedder.embed_passages)
        out, at = [], 0
        for found in spans:
            out.append(keys[at : at + len(found)])
            at += len(found)
        return out

    def _embed_indicators(self, doc: Document) -> list[str]:
        """Cache keys of the document's indicators, embedded as short queries for grouping."""
        texts = [indicator_key(t.indicator) for t in doc.targets]
        keys, _, _ = self._cached_embeddings(texts, "indicator", self.embedder.embed_query)
        return keys

    def _cached_embeddings(
        self, texts: list[str], role: str, encode: Callable[[list[str]], np.ndarray]
    ) -> tuple[list[str], np.ndarray, int]:
        """Cache keys, vectors and how many were embedded now (texts not seen before)."""
        if not texts:
            return [], np.zeros((0, self.embedder.dim), dtype=np.float32), 0
        prefix = f"{self.embedder.name}\n{role}\n" if role else f"{self.embedder.name}\n"
        keys = [hashlib.sha256(f"{prefix}{t}".encode()).hexdigest() for t in texts]
        cached = self._store.cached_vectors(keys, self.embedder.dim)
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items()
        )
        if missing:
            vecs = encode([t for _, t in missing])
            self._store.cache_vectors([k for k, _ in missing], vecs)
            cached.update({k: v for (k, _), v in zip(missing, vecs, strict=True)})
        return keys, np.vstack([cached[k] for k in keys]), len(missing)

    # commit ----------------------------------------------------------------------------------
    def commit(self) -> WriteResult:
        """Write the backend's part and the manifest, then switch the live generation.

        A write that changed nothing (every file unchanged or refused) leaves the live
        generation as it is, so readers are not made to reload an identical index.
        """
        assert self._work is not None
        if not self._changed():
            return self._result()
        self._store.prune_cache()
        self._store.commit()
        live = self._store.chunk_table()[0]
        self._store.close()
        manifest = Manifest(
            format=FORMAT,
            embedder=self.embedder.name,
            dim=self.embedder.dim,
            pipeline=PIPELINE_VERSION,
            chunking=tuple(sorted(self.settings.to_dict().items())),
            documents=tuple(sorted(self._manifest_docs.values(), key=lambda d: d.file_name)),
            backend=self.backend.kind,
        )
        manifest = self._passages.save(self._work, live, manifest)
        (self._work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        work, self._work = self._work, None
        switch_to(self.root, work)
        self._tidy_after_switch()
        return self._result()

    def _tidy_after_switch(self) -> None:
        """The backend's clean-up once the new generation is live: the deletions Milvus owes,
        and what an index that left a backend left there. The write has succeeded by then, and
        a failure here loses nothing (readers skip what is left, the next Milvus writer deletes
        it), so it is logged, not raised."""
        left = self._previous
        try:
            self._passages.committed(self.root)
            if left is not None and left.backend != self.backend.kind:
                chunk_backend(replace(self.backend, kind=left.backend)).retire(self.root, left)
        except Exception as error:  # see the docstring
            log.warning("%s: clean-up after the write failed: %s", self.root, error)

    def _changed(self) -> bool:
        live = self._live_manifest
        return (
            live is None
            or self._moved
            or bool(self._added or self._replaced or self._removed)
            or live.pipeline != PIPELINE_VERSION
            or dict(live.chunking) != self.settings.to_dict()
        )

    def _result(self) -> WriteResult:
        return WriteResult(
            added=tuple(self._added),
            replaced=tuple(self._replaced),
            unchanged=tuple(self._unchanged),
            removed=tuple(self._removed),
            embedded=self._embedded,
        )
