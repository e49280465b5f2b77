"""The on-disk index: read views and the one writer.

An index directory holds numbered generations (`gen-000001/`: manifest, SQLite store, FAISS
vectors, BM25) and a `CURRENT` file naming the live one. A writer takes a file lock, copies the
live generation, changes the copy and switches `CURRENT` with an atomic rename, so a crash at any
point leaves the previous generation whole and readers never see a half-written index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from ingest.chunking import ChunkSettings
from ingest.errors import (
    DocumentNotFoundError,
    DuplicateDocumentError,
    IndexLockedError,
    IndexMismatchError,
    IndexMissingError,
)
from ingest.pipeline import PIPELINE_VERSION
from ingest.targets import indicator_key
from ingest.types import Chunk, Document, DocumentMeta, Target

from .embedders import Embedder
from .lexical import LexicalIndex, tokenize
from .manifest import FORMAT, Manifest, ManifestDocument
from .store import ChunkRow, Store, StoredDocument
from .vectors import VectorIndex, layout_for

CURRENT = "CURRENT"
_STORE, _VECTORS, _LEXICAL, _MANIFEST = "store.sqlite", "vectors.faiss", "lexical", "manifest.json"
# passages whose lexical tokens are held as strings before they are packed into a segment
_LEXICAL_BATCH = 50_000
_PASSING_KEPT = 256  # document masks kept per filter (a bool per document each)
_KEEP_GENERATIONS = 2  # the live one and the one before (a reader may still hold it)
_LOCK_TIMEOUT = 30.0  # seconds a writer waits for another writer before giving up


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


def _lexical_tokens(chunk: Chunk) -> list[str]:
    """BM25 sees the heading path and the passage (the title would add the same words to all)."""
    return tokenize(" ".join(chunk.section) + "\n" + chunk.text)


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


def _check_compatible(root: Path, manifest: Manifest, embedder_name: str | None) -> None:
    if manifest.format != FORMAT:
        raise IndexMismatchError(
            root,
            f"built by another eduqa version (index format {manifest.format}, this one reads "
            f"{FORMAT}); rebuild it with `eduqa build --rebuild`",
        )
    if embedder_name is not None and manifest.embedder != embedder_name:
        raise IndexMismatchError(
            root,
            f"built with embedder '{manifest.embedder}', not '{embedder_name}'; rebuild it with "
            "`eduqa build --rebuild` or use the model it was built with",
        )


def live_manifest(root: Path) -> Manifest | None:
    """The manifest of the live generation, or None when there is no index yet."""
    generation = _live_generation(root)
    if generation is None or not (generation / _MANIFEST).exists():
        return None
    return Manifest.read(generation / _MANIFEST)


def _live_generation(root: Path) -> Path | None:
    pointer = root / CURRENT
    if not pointer.exists():
        return None
    return root / pointer.read_text(encoding="utf-8").strip()


@dataclass(frozen=True, slots=True)
class Filters:
    """Metadata restrictions of a search; None means any."""

    years: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()  # short or full names ("四川" matches "四川省")
    doc_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()  # one plan at a time: comparing a topic across plans

    def __bool__(self) -> bool:
        return bool(self.years or self.regions or self.provinces or self.doc_types or self.doc_ids)


class Index:
    """A read-only view of the live generation of an index directory."""

    def __init__(self, root: Path, generation: Path) -> None:
        self.root = root
        self.generation = generation
        self.manifest = Manifest.read(generation / _MANIFEST)
        self.store = Store(generation / _STORE, readonly=True)
        self.vectors = VectorIndex.load(
            generation / _VECTORS, self.manifest.vectors, self.manifest.trained
        )
        self.vids, row_docs, self.row_years = self.store.chunk_table()
        self.lexical = LexicalIndex.load(generation / _LEXICAL, self.vids)
        self._documents = {d.doc_id: d for d in self.store.documents()}
        doc_order = list(self._documents)
        position = {doc_id: i for i, doc_id in enumerate(doc_order)}
        self.row_doc = np.array([position[d] for d in row_docs], dtype=np.int32)
        self._doc_order = doc_order
        self._passing: dict[Filters, np.ndarray] = {}

    @classmethod
    def open(cls, root: Path, embedder_name: str | None = None) -> Index:
        """Open the live generation; refuse an index built by another embedder."""
        generation = _live_generation(root)
        if generation is None or not generation.exists():
            raise IndexMissingError(root, "no index here yet; run `eduqa build` first")
        _check_compatible(root, Manifest.read(generation / _MANIFEST), embedder_name)
        return cls(root, generation)

    def close(self) -> None:
        self.store.close()

    def is_live(self) -> bool:
        """False once a writer has switched the index to a newer generation."""
        return _live_generation(self.root) == self.generation

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

    def document_chunks(self, doc_id: str) -> list[ChunkRow]:
        return self.store.document_chunks(doc_id)

    def passage_vectors(self, rows: Sequence[ChunkRow]) -> np.ndarray:
        """The embeddings of these passages as indexed (no model needed)."""
        return self.vectors.vectors(np.array([r.vid for r in rows], dtype=np.int64))

    # search ----------------------------------------------------------------------------------
    def mask(self, filters: Filters) -> np.ndarray:
        """Boolean row mask of the passages that pass the filters."""
        keep = np.ones(len(self.vids), dtype=bool)
        if filters.years:
            keep &= np.isin(self.row_years, np.array(filters.years, dtype=np.int32))
        if filters.doc_ids or filters.regions or filters.provinces or filters.doc_types:
            keep &= self._documents_passing(replace(filters, years=()))[self.row_doc]
        return keep

    def _documents_passing(self, filters: Filters) -> np.ndarray:
        """Which documents pass, in document order; kept per filter, as questions about one
        place repeat it."""
        if filters not in self._passing:
            if len(self._passing) >= _PASSING_KEPT:
                self._passing.clear()
            self._passing[filters] = np.array(
                [_document_passes(i, self._documents[i].meta, filters) for i in self._doc_order],
                dtype=bool,
            )
        return self._passing[filters]

    def dense(self, query: np.ndarray, k: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosine scores) of the top-k passages among the masked rows."""
        allowed = None if mask.all() else self.vids[mask]
        vids, scores = self.vectors.search(query, k, allowed)
        return np.searchsorted(self.vids, vids), scores

    def lexical_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row."""
        return self.lexical.scores(tokens)

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        """How rare each token is among the passages (BM25 idf)."""
        return self.lexical.idf(tokens)

    def known(self, token: str) -> bool:
        """Whether any passage holds the token."""
        return self.lexical.known(token)

    def rows(self, rows: Sequence[int]) -> list[ChunkRow]:
        return self.store.chunks(self.vids[np.asarray(rows, dtype=np.int64)].tolist())

    # targets ---------------------------------------------------------------------------------
    def targets(self, filters: Filters | None = None) -> list[Target]:
        """The targets table, restricted like passages: by the documents and the figure's year."""
        filters = filters or Filters()
        rows, by_doc = self._targets[0], self._targets_by_doc
        docs = [
            d
            for d in (filters.doc_ids or self._doc_order)
            if d in self._documents and _document_passes(d, self._documents[d].meta, filters)
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


def _document_passes(doc_id: str, meta: DocumentMeta, filters: Filters) -> bool:
    province = meta.province or ""
    return (
        (not filters.doc_ids or doc_id in filters.doc_ids)
        and (not filters.regions or meta.region in filters.regions)
        and (not filters.provinces or any(p and province.startswith(p) for p in filters.provinces))
        and (not filters.doc_types or meta.doc_type in filters.doc_types)
    )


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
    ) -> None:
        self.root = root
        self.lock_timeout = lock_timeout
        self.embedder = embedder
        self.settings = settings
        self.rebuild = rebuild
        self._lock = FileLock(str(root / ".lock"))
        self._work: Path | None = None
        self._live_manifest: Manifest | None = None
        self._manifest_docs: dict[str, ManifestDocument] = {}
        self._added: list[str] = []
        self._replaced: list[str] = []
        self._unchanged: list[str] = []
        self._removed: list[str] = []
        self._embedded = 0
        self._pending_vids: list[int] = []
        self._pending_tokens: list[list[str]] = []

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
            self._lock.release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self._work is not None and self._work.exists():
                self._store.close()
                shutil.rmtree(self._work, ignore_errors=True)
        finally:
            self._lock.release()

    def _start(self) -> None:
        for stale in self.root.glob(".tmp-*"):  # left by a writer that crashed
            shutil.rmtree(stale, ignore_errors=True)
        live = _live_generation(self.root)
        self._work = self.root / f".tmp-{os.getpid()}-{datetime.now().strftime('%H%M%S%f')}"
        start_empty = self.rebuild or live is None or not live.exists()
        if not start_empty:
            manifest = Manifest.read(live / _MANIFEST)
            _check_compatible(self.root, manifest, self.embedder.name)
            shutil.copytree(live, self._work, copy_function=_link_or_copy)
            self._live_manifest = manifest
            self._manifest_docs = {d.file_name: d for d in manifest.documents}
            self._store = Store(self._work / _STORE)
            self._vectors = VectorIndex.load(
                self._work / _VECTORS, manifest.vectors, manifest.trained
            )
            self._lexical = LexicalIndex.load(self._work / _LEXICAL, self._store.chunk_table()[0])
        else:
            self._work.mkdir()
            self._store = Store(self._work / _STORE)
            if live is not None and (live / _STORE).exists():
                # cache keys name the embedder, so a rebuild re-embeds only texts it never saw
                self._store.import_cache(live / _STORE)
            self._vectors = VectorIndex.empty(self.embedder.dim)
            self._lexical = LexicalIndex.empty()
        self._by_name = {d.file_name: d for d in self._store.documents()}

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
            doc.doc_id, doc.file_name, doc.source_format, doc.text, doc.meta, now
        )
        vids = self._store.add_chunks(doc.chunks, keys)
        self._pending_vids += vids
        self._pending_tokens += [_lexical_tokens(c) for c in doc.chunks]
        if len(self._pending_vids) >= _LEXICAL_BATCH:
            self._fold_pending()
        self._store.add_targets(doc.targets, self._embed_indicators(doc))
        self._vectors.add(np.array(vids, dtype=np.int64), vecs)
        self._manifest_docs[doc.file_name] = ManifestDocument(
            doc.file_name, doc.doc_id, _fingerprint(doc), len(doc.chunks)
        )
        self._by_name[doc.file_name] = StoredDocument(
            doc.doc_id, doc.file_name, doc.source_format, doc.meta, now, len(doc.chunks)
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
        vids = self._store.remove_document(doc.doc_id)
        self._vectors.remove(np.array(vids, dtype=np.int64))
        self._manifest_docs.pop(file_name, None)

    def _embed(self, doc: Document) -> tuple[list[str], np.ndarray]:
        """Cache keys and vectors of a document's passages."""
        texts = [passage_for_embedding(doc.meta, c) for c in doc.chunks]
        keys, vectors, fresh = self._cached_embeddings(texts, "", self.embedder.embed_passages)
        self._embedded += fresh
        return keys, vectors

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
        """Write the lexical index and manifest, then switch the live generation atomically.

        A write that changed nothing (every file unchanged or refused) leaves the live
        generation as it is, so readers are not made to reload an identical index.
        """
        assert self._work is not None
        if not self._changed():
            return self._result()
        self._store.prune_cache()
        self._store.commit()
        live = np.setdiff1d(self._store.chunk_table()[0], self._pending_vids)
        self._lexical = self._lexical.with_live(live)  # what was removed since the start
        self._fold_pending()
        self._store.close()
        self._lexical.save(self._work / _LEXICAL)
        self._relayout()
        self._vectors.save(self._work / _VECTORS)
        manifest = Manifest(
            format=FORMAT,
            embedder=self.embedder.name,
            dim=self.embedder.dim,
            pipeline=PIPELINE_VERSION,
            chunking=tuple(sorted(self.settings.to_dict().items())),
            documents=tuple(sorted(self._manifest_docs.values(), key=lambda d: d.file_name)),
            vectors=self._vectors.layout,
            trained=self._vectors.trained,
        )
        (self._work / _MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        _fsync_tree(self._work)
        generation = self.root / _next_generation_name(self.root)
        os.rename(self._work, generation)
        self._work = None
        pointer_tmp = self.root / f"{CURRENT}.tmp"
        pointer_tmp.write_text(generation.name, encoding="utf-8")
        _fsync_file(pointer_tmp)
        os.replace(pointer_tmp, self.root / CURRENT)
        _fsync_dir(self.root)
        _drop_old_generations(self.root, generation)
        return self._result()

    def _fold_pending(self) -> None:
        """Move the passages added since the last fold into a lexical segment."""
        self._lexical = self._lexical.with_passages(self._pending_vids, self._pending_tokens)
        self._pending_vids, self._pending_tokens = [], []

    def _relayout(self) -> None:
        """Move the vectors to the layout the corpus size now calls for (flat or IVF)."""
        vectors = self._vectors
        wanted = layout_for(vectors.size, vectors.layout, vectors.trained)
        if wanted != vectors.layout:
            vids, rows = vectors.all_vectors()
            self._vectors = VectorIndex.with_layout(wanted, vids, rows)

    def _changed(self) -> bool:
        live = self._live_manifest
        return (
            live is None
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


def _link_or_copy(source: str, target: str) -> None:
    """Copy a generation's file for the next one; lexical segments never change, so link them."""
    if f"{os.sep}{_LEXICAL}{os.sep}seg-" in source:
        os.link(source, target)
    else:
        shutil.copy2(source, target)


def _next_generation_name(root: Path) -> str:
    numbers = [int(p.name.split("-")[1]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _drop_old_generations(root: Path, live: Path) -> None:
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    for old in gens[:-_KEEP_GENERATIONS]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    _fsync_file(path)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            _fsync_file(path)
    for path in sorted(p for p in root.rglob("*") if p.is_dir()):
        _fsync_dir(path)
    _fsync_dir(root)
