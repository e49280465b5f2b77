"""The "milvus" backend: the passages of an index in one Milvus collection.

The same code serves a laptop and a cluster: a file URI runs the embedded Milvus Lite (from the
`milvus-lite` package, no server to start), an `http://host:19530` URI talks to a Milvus server.
The collection holds each passage's text, analysed by Milvus's jieba tokenizer into a BM25
sparse field by Milvus's BM25 function, its e5 vector, and the metadata filters test as scalar
fields. A search sends Milvus a dense and a BM25 request under one filter expression; eduqa
fuses the two lists itself (`app/search.py`), because Milvus's weighted ranker normalises
scores differently on Lite (min-max) and on a server (arctan), and the fusion measured best
needs BM25 scaled by its maximum, not squashed.

The document store and manifest stay in the index directory's generations. Milvus is shared by
every generation, so a write keeps readers of the live one safe this way:

- new passages get vector ids above every committed one, and readers only ask for ids up to
  their generation's last id;
- removed passages are deleted only after the new generation is live, and a reader drops any
  id its generation does not hold;
- a rebuild writes a new collection, and a collection no generation names is dropped.

A crash between the store and Milvus is repaired when the next writer opens the index: ids
above the live generation's last one are deleted, the deletions the live generation still owes
are made again, and stray collections are dropped.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import IndexMismatchError, MilvusUnavailableError
from ingest.errors import ConfigError

from . import milvus_collection as fields
from .backend import Backend, Candidates, IndexedChunk, Scope, lexical_text
from .generations import carry, generation_manifests, next_generation_name
from .lexical import tokenize
from .manifest import Manifest
from .store import STORE_FILE, Store
from .terms import TermStats

LITE_FILE = "milvus.db"  # Milvus Lite's data directory inside the index directory
_PREFIX_FILE = ".milvus-prefix"
_RETIRED = "retired.npy"  # vector ids a generation removed, deleted from Milvus once it is live
_BATCH = 1_000  # passages per upsert
_MAX_UNHELD = 100  # extra hits asked for, at most, to make up for removed passages
_MIN_EF = 64  # HNSW's search breadth at the least (ef ≥ k)
_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def client_for(backend: Backend, root: Path) -> Any:
    """A connected `MilvusClient`, one per URI per process.

    Raises:
        ConfigError: pymilvus is not installed.
        MilvusUnavailableError: the server does not answer, or the Lite file cannot be opened.
    """
    try:
        from pymilvus import MilvusClient, MilvusException
    except ImportError as exc:
        raise ConfigError(
            "EDUQA_BACKEND", "'milvus' needs pymilvus; install it with pip install 'eduqa[milvus]'"
        ) from exc
    uri = backend.milvus_uri or str((root / LITE_FILE).resolve())
    with _clients_lock:  # the web app's sessions may all ask at once
        if uri not in _clients:
            _clients[uri] = _connect(MilvusClient, MilvusException, uri, backend.milvus_token)
    return _clients[uri]


def _connect(client_type: Any, error_type: Any, uri: str, token: str | None) -> Any:
    local = "://" not in uri
    if local:
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return client_type(uri=uri, token=token or "", timeout=10)
    except error_type as exc:
        reason = (
            f"cannot open this Milvus Lite database ({exc.message}); if another process (the "
            "web app?) has it open: Milvus Lite serves one process at a time, so stop that "
            "process, or run a Milvus server and set EDUQA_MILVUS_URI to it"
            if local
            else f"cannot reach Milvus: {exc.message}"
        )
        raise MilvusUnavailableError(uri, reason) from exc


def collection_name(root: Path, generation: str, live: Manifest | None) -> str:
    """A new collection for the generation `generation` ("gen-000007") of this index.

    Names share the index's prefix, drawn at random once per index (kept in its manifests, and
    in `.milvus-prefix` before the first one exists): that is how the collections of this
    index, and only of this index, are found on a server that holds others.
    """
    return f"{_prefix(root, live)}_{generation.split('-')[1]}"


def _prefix(root: Path, live: Manifest | None) -> str:
    if live is not None and live.collection:
        return live.collection.rsplit("_", 1)[0]
    drawn = root / _PREFIX_FILE
    if not drawn.exists():
        drawn.write_text(f"eduqa_{uuid.uuid4().hex[:16]}", encoding="utf-8")
    return drawn.read_text(encoding="utf-8").strip()


def has_collection(client: Any, root: Path, name: str) -> None:
    """Raises IndexMismatchError when the Milvus the settings name lacks the index's collection
    (a URI other than the one the index was built on)."""
    if not client.has_collection(name):
        raise IndexMismatchError(
            root,
            f"its passages are in the Milvus collection '{name}', which the Milvus at "
            "EDUQA_MILVUS_URI does not have; point EDUQA_MILVUS_URI at the Milvus it was "
            "built on, or rebuild it there with `eduqa build --rebuild`",
        )


class MilvusSearch:
    """The passages of one generation in its Milvus collection."""

    def __init__(
        self, client: Any, generation: Path, manifest: Manifest, vids: np.ndarray, store: Store
    ) -> None:
        has_collection(client, generation.parent, manifest.collection)
        self._client = client
        self._store = store
        self._name = manifest.collection
        self.vids = vids
        self._last = int(vids[-1]) if len(vids) else 0
        self._terms = TermStats.load(generation, len(vids))
        # passages this generation removed may still be in Milvus (they go once it is live, or
        # at the next write if that failed): asking for that many more keeps k hits
        self._unheld = min(len(np.load(generation / _RETIRED)), _MAX_UNHELD)
        client.load_collection(self._name)

    def candidates(
        self, query: np.ndarray | None, tokens: Sequence[str], k: int, scope: Scope
    ) -> Candidates:
        expression = fields.expression(scope.filters, self._last)
        dense = lexical = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        if query is not None:
            params = {"metric_type": "IP", "params": {"ef": max(k, _MIN_EF)}}
            dense = self._search([query.tolist()], "vector", k, expression, params)
        text = fields.query_text(tokens)
        if text:
            params = {"metric_type": "BM25"}
            lexical = self._search([text], "sparse", k, expression, params)
        found = Candidates.of(*dense, *lexical)
        if not tokens:
            return found
        # Milvus chose the BM25 shortlist; every candidate is scored here with the statistics
        # of the whole corpus, so scores match the FAISS backend's and dense-only ones get one
        rows = self._store.chunks(self.vids[found.rows].tolist())
        lexical = self._terms.scores(tokens, [tokenize(lexical_text(r.chunk)) for r in rows])
        # a shortlisted passage that only matched a part of a compound holds no query token
        kept = ~np.isnan(found.dense) | (lexical > 0)
        return Candidates(found.rows[kept], found.dense[kept], lexical[kept])

    def _search(
        self, data: list, field: str, k: int, expression: str, params: dict
    ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of one request; ids this generation does not hold are dropped."""
        hits = self._client.search(
            self._name,
            data=data,
            anns_field=field,
            limit=k + self._unheld,
            filter=expression,
            search_params=params,
        )[0]
        vids = np.array([h["vid"] for h in hits], dtype=np.int64)
        scores = np.array([h["distance"] for h in hits], dtype=np.float32)
        if field == "sparse":
            # BM25 comes back as a positive score from a server and as its negative, a
            # distance, from Milvus Lite; either way its size is the score
            scores = np.abs(scores)
        rows = np.searchsorted(self.vids, vids)
        held = (rows < len(self.vids)) & (self.vids[np.minimum(rows, len(self.vids) - 1)] == vids)
        return rows[held][:k], scores[held][:k]

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        return self._terms.idf(tokens)

    def known(self, token: str) -> bool:
        return self._terms.known(token)


class MilvusWriter:
    """Changes to the collection, and the word table of the generation being written."""

    def __init__(self, client: Any, name: str, terms: TermStats) -> None:
        self._client = client
        self.name = name
        self._terms = terms
        self._rows: list[dict] = []
        self._retired: list[int] = []

    @classmethod
    def create(cls, client: Any, name: str, dim: int) -> MilvusWriter:
        """A writer into a new, empty collection (one left by a crashed rebuild is replaced)."""
        if client.has_collection(name):
            client.drop_collection(name)
        client.create_collection(
            name,
            schema=fields.schema(client, dim),
            index_params=fields.index_params(client),
            consistency_level="Strong",  # a plan added in one process is found by the next
        )
        return cls(client, name, TermStats.empty())

    @classmethod
    def load(cls, client: Any, work: Path, manifest: Manifest, passages: int) -> MilvusWriter:
        """A writer continuing the live collection, with the word table copied into `work`."""
        has_collection(client, work.parent, manifest.collection)
        return cls(client, manifest.collection, TermStats.load(work, passages))

    def add(self, passages: Sequence[IndexedChunk], vectors: np.ndarray) -> None:
        self._terms.add(tokenize(p.text) for p in passages)
        for passage, vector in zip(passages, vectors, strict=True):
            self._rows.append(fields.row(passage, vector))
            if len(self._rows) >= _BATCH:
                self._flush()

    def remove(self, passages: Sequence[IndexedChunk]) -> None:
        """Count the words out now; delete from Milvus once the new generation is live."""
        self._terms.remove(tokenize(p.text) for p in passages)
        self._retired += [p.vid for p in passages]

    def save(self, work: Path, live: np.ndarray, manifest: Manifest) -> Manifest:
        self._flush()
        # seal what this write added: Milvus Lite re-indexes unsealed rows on every search
        self._client.flush(self.name)
        self._terms.save(work)
        np.save(work / _RETIRED, np.array(self._retired, dtype=np.int64))
        return replace(manifest, backend="milvus", collection=self.name)

    def committed(self, root: Path) -> None:
        _delete(self._client, self.name, self._retired)
        _drop_unnamed(self._client, root, self.name)

    def _flush(self) -> None:
        if self._rows:
            self._client.upsert(self.name, self._rows)
            self._rows = []


class MilvusBackend:
    """One collection per index on the Milvus `config` names (see the module's docstring)."""

    def __init__(self, config: Backend) -> None:
        self.config = config

    def open(
        self, root: Path, generation: Path, manifest: Manifest, store: Store, vids: np.ndarray
    ) -> MilvusSearch:
        return MilvusSearch(client_for(self.config, root), generation, manifest, vids, store)

    def create(self, root: Path, live: Manifest | None, dim: int) -> MilvusWriter:
        on_milvus = live if live is not None and live.backend == "milvus" else None
        name = collection_name(root, next_generation_name(root), on_milvus)
        return MilvusWriter.create(client_for(self.config, root), name, dim)

    def carry(self, live: Path, work: Path) -> None:
        carry(live, work)

    def resume(self, root: Path, work: Path, manifest: Manifest, vids: np.ndarray) -> MilvusWriter:
        return MilvusWriter.load(client_for(self.config, root), work, manifest, len(vids))

    def repair(self, root: Path, live: Path, manifest: Manifest) -> None:
        store = Store(live / STORE_FILE, readonly=True)
        try:
            last = store.last_vid()
        finally:
            store.close()
        _repair(client_for(self.config, root), root, live, manifest, last)

    def retire(self, root: Path, manifest: Manifest) -> None:
        client = client_for(self.config, root)
        if client.has_collection(manifest.collection):
            client.drop_collection(manifest.collection)


def _repair(client: Any, root: Path, generation: Path, manifest: Manifest, last_vid: int) -> None:
    """Undo what a crashed writer left in Milvus: passages no generation committed, deletions
    the live generation still owes, collections no generation names."""
    if client.has_collection(manifest.collection):
        client.delete(manifest.collection, filter=f"vid > {last_vid}")
        if (generation / _RETIRED).exists():
            _delete(client, manifest.collection, np.load(generation / _RETIRED).tolist())
    _drop_unnamed(client, root, manifest.collection)


def _delete(client: Any, name: str, vids: Sequence[int]) -> None:
    for i in range(0, len(vids), _BATCH):
        client.delete(name, ids=[int(v) for v in vids[i : i + _BATCH]])


def _drop_unnamed(client: Any, root: Path, live: str) -> None:
    """Drop this index's collections that no generation on disk names."""
    named = {m.collection for m in generation_manifests(root)} | {live}
    prefix = live.rsplit("_", 1)[0] + "_"
    for name in client.list_collections():
        if name.startswith(prefix) and name not in named:
            client.drop_collection(name)
