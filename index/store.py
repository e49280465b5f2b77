"""The document and passage store: one SQLite file per index generation.

SQLite keeps the cleaned texts (what citations point into), the metadata, the passages with
their offsets (the live passages are the ones here: the lexical index scores only these), the
targets table (every figure with its clause offsets) and an embedding cache keyed by (embedder,
embedded text), so a rebuild re-embeds only what changed; indicator vectors and the vectors of
each passage's statements live there too.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.ocr import LOW_CONFIDENCE
from ingest.types import Chunk, DocumentMeta, Target

_SCHEMA = (Path(__file__).parent / "store.sql").read_text(encoding="utf-8")


_CHUNK_COLUMNS = "c.vid, c.chunk_id, c.doc_id, c.ordinal, c.start, c.end, c.section, c.year, c.kind"


def _chunk_row(row: sqlite3.Row, text: str) -> StoredChunk:
    """A passage from a row of _CHUNK_COLUMNS and its text."""
    return StoredChunk(
        vid=row["vid"],
        chunk=Chunk(
            chunk_id=row["chunk_id"],
            doc_id=row["doc_id"],
            ordinal=row["ordinal"],
            start=row["start"],
            end=row["end"],
            text=text,
            section=tuple(json.loads(row["section"])),
            year=row["year"],
            kind=row["kind"],
        ),
    )


STORE_FILE = "store.sqlite"  # the store of a generation, inside its folder
# columns read as they are into a field of the same name
_META_COLUMNS = ("title", "year", "region", "province", "doc_type", "issuer", "published")
_TARGET_COLUMNS = ("doc_id", "indicator", "value", "value_max", "unit", "qualifier", "kind",
                   "year", "text", "start", "end", "figure_start", "figure_end")  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document row: metadata and bookkeeping, without its text."""

    doc_id: str
    file_name: str
    source_format: str
    meta: DocumentMeta
    added: str
    chunks: int
    ocr: tuple[tuple[int, float], ...] = ()  # (page number, confidence) of each page OCR read

    @property
    def doubtful_pages(self) -> tuple[int, ...]:
        """Pages OCR read with a confidence below LOW_CONFIDENCE: worth a look by a person."""
        return tuple(page for page, confidence in self.ocr if confidence < LOW_CONFIDENCE)


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """A chunk as the store holds it: the chunk and its id (`vid`)."""

    vid: int
    chunk: Chunk


class Store:
    """Thin typed access to one SQLite file.

    Each thread gets its own connection: the web app serves several sessions from one open
    index, and one SQLite connection must not run two queries at once.
    """

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self._path = path
        self._readonly = readonly
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if not readonly:
            self._db.executescript(_SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            if self._readonly:
                uri = f"file:{self._path}?mode=ro"
                db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                db = sqlite3.connect(self._path, check_same_thread=False)
            db.execute("PRAGMA foreign_keys = ON")
            db.row_factory = sqlite3.Row  # columns by name
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    def commit(self) -> None:
        self._db.commit()

    # documents -------------------------------------------------------------------------------
    def add_document(
        self,
        doc_id: str,
        file_name: str,
        source_format: str,
        text: str,
        meta: DocumentMeta,
        added: str,
        ocr: Sequence[tuple[int, float]] = (),
    ) -> None:
        self._db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc_id,
                file_name,
                source_format,
                text,
                meta.title,
                meta.year,
                json.dumps(list(meta.years)),
                meta.region,
                meta.province,
                meta.doc_type,
                meta.issuer,
                meta.published,
                added,
                json.dumps([[page, round(confidence, 4)] for page, confidence in ocr]),
            ),
        )

    def remove_document(self, doc_id: str) -> list[int]:
        """Delete a document and its passages; returns the removed vector ids."""
        found = self._db.execute("SELECT vid FROM chunks WHERE doc_id=?", (doc_id,))
        vids = [r["vid"] for r in found]
        self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM targets WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        return vids

    def documents(self) -> list[StoredDocument]:
        rows = self._db.execute(
            "SELECT d.doc_id, d.file_name, d.source_format, d.title, d.year, d.years, d.region,"
            " d.province, d.doc_type, d.issuer, d.published, d.added,"
            " (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.doc_id) AS chunks, d.ocr"
            " FROM documents d ORDER BY d.file_name"
        )
        return [
            StoredDocument(
                doc_id=r["doc_id"],
                file_name=r["file_name"],
                source_format=r["source_format"],
                meta=DocumentMeta(
                    **{name: r[name] for name in _META_COLUMNS}, years=tuple(json.loads(r["years"]))
                ),
                added=r["added"],
                chunks=r["chunks"],
                ocr=tuple((int(p), float(c)) for p, c in json.loads(r["ocr"])),
            )
            for r in rows
        ]

    def document_text(self, doc_id: str) -> str:
        row = self._db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row["text"] if row else ""

    # chunks ----------------------------------------------------------------------------------
    def add_chunks(self, chunks: Sequence[Chunk], embed_keys: Sequence[str]) -> list[int]:
        """Insert passages; returns their new vector ids (never reused after a delete)."""
        vids = []
        for chunk, key in zip(chunks, embed_keys, strict=True):
            cur = self._db.execute(
                "INSERT INTO chunks (chunk_id, doc_id, ordinal, start, end, section, year, kind,"
                " embed_key) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    chunk.chunk_id,
                    chunk.doc_id,
                    chunk.ordinal,
                    chunk.start,
                    chunk.end,
                    json.dumps(list(chunk.section), ensure_ascii=False),
                    chunk.year,
                    chunk.kind,
                    key,
                ),
            )
            vids.append(int(cur.lastrowid))
        return vids

    def add_statements(self, vids: Sequence[int], embed_keys: Sequence[Sequence[str]]) -> None:
        """The embedding keys of each passage's statements, in statement order."""
        self._db.executemany(
            "INSERT INTO statements (vid, ordinal, embed_key) VALUES (?,?,?)",
            [(v, i, k) for v, keys in zip(vids, embed_keys, strict=True)
             for i, k in enumerate(keys)],
        )  # fmt: skip

    def statement_vectors(self, vids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        """Each passage's statement vectors (one row per statement, in order)."""
        wanted = sorted({int(v) for v in vids})
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT vid, embed_key FROM statements WHERE vid IN ({marks}) ORDER BY vid, ordinal",
            wanted,
        ).fetchall()
        vectors = self.cached_vectors(sorted({k for _, k in rows}), dim)
        out: dict[int, list[np.ndarray]] = {}
        for vid, key in rows:
            out.setdefault(vid, []).append(vectors[key])
        return {vid: np.vstack(v) for vid, v in out.items()}

    def last_vid(self) -> int:
        """The highest vector id ever handed out (0 for none): ids above it belong to no
        committed generation."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name='chunks'").fetchone()
        return int(row["seq"]) if row else 0

    def passage_vectors(self, vids: Sequence[int], dim: int) -> np.ndarray:
        """The embeddings of these passages, in the order asked, from the embedding cache."""
        wanted = [int(v) for v in vids]
        keys: dict[int, str] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            keys.update(
                self._db.execute(
                    f"SELECT vid, embed_key FROM chunks WHERE vid IN ({marks})", part
                ).fetchall()
            )
        vectors = self.cached_vectors(sorted(set(keys.values())), dim)
        rows = [vectors[keys[v]] for v in wanted]
        return np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)

    def chunk_table(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """(vids, doc_id per row, passage year per row, -1 when unknown), in vid order."""
        rows = self._db.execute("SELECT vid, doc_id, year FROM chunks ORDER BY vid").fetchall()
        vids = np.array([r["vid"] for r in rows], dtype=np.int64)
        years = np.array([-1 if r["year"] is None else r["year"] for r in rows], dtype=np.int32)
        return vids, [r["doc_id"] for r in rows], years

    def chunks(self, vids: Iterable[int]) -> list[StoredChunk]:
        """Passages by vector id, in the order asked, with their text cut from the document."""
        wanted = [int(v) for v in vids]
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT {_CHUNK_COLUMNS}, substr(d.text, c.start + 1, c.end - c.start) AS text"
            " FROM chunks c"
            f" JOIN documents d ON d.doc_id = c.doc_id WHERE c.vid IN ({marks})",
            wanted,
        ).fetchall()
        by_vid = {r["vid"]: _chunk_row(r, r["text"]) for r in rows}
        return [by_vid[v] for v in wanted if v in by_vid]

    def document_chunks(self, doc_id: str) -> list[StoredChunk]:
        """A document's passages in order. Its text is read once and cut here: `substr` in
        SQL would read the whole document again for every passage (a remove of a document of
        150k passages took minutes)."""
        found = self._db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if found is None:
            return []
        rows = self._db.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks c WHERE c.doc_id=? ORDER BY c.ordinal", (doc_id,)
        )
        text = found["text"]
        return [_chunk_row(r, text[r["start"] : r["end"]]) for r in rows]

    # targets ---------------------------------------------------------------------------------
    def add_targets(self, targets: Sequence[Target], embed_keys: Sequence[str]) -> None:
        self._db.executemany(
            "INSERT INTO targets (doc_id, indicator, value, value_max, unit, qualifier, kind, year,"
            " section, start, end, figure_start, figure_end, embed_key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    t.doc_id,
                    t.indicator,
                    t.value,
                    t.value_max,
                    t.unit,
                    t.qualifier,
                    t.kind,
                    t.year,
                    json.dumps(list(t.section), ensure_ascii=False),
                    t.start,
                    t.end,
                    t.figure_start,
                    t.figure_end,
                    key,
                )
                for t, key in zip(targets, embed_keys, strict=True)
            ],
        )

    def targets(self) -> list[tuple[Target, str]]:
        """Every target with its indicator's embedding-cache key, in document and text order."""
        rows = self._db.execute(
            "SELECT t.doc_id, t.indicator, t.value, t.value_max, t.unit, t.qualifier, t.kind,"
            " t.year, t.section, substr(d.text, t.start + 1, t.end - t.start) AS text,"
            " t.start, t.end, t.figure_start, t.figure_end, t.embed_key FROM targets t"
            " JOIN documents d ON d.doc_id = t.doc_id ORDER BY d.file_name, t.figure_start"
        )
        return [
            (
                Target(
                    **{name: r[name] for name in _TARGET_COLUMNS},
                    section=tuple(json.loads(r["section"])),
                ),
                r["embed_key"],
            )
            for r in rows
        ]

    # embedding cache -------------------------------------------------------------------------
    def cached_vectors(self, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self._db.execute(
                f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", part
            ):
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == dim:
                    out[key] = vec
        return out

    def cache_vectors(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
            [
                (k, np.asarray(v, dtype=np.float32).tobytes())
                for k, v in zip(keys, vectors, strict=True)
            ],
        )

    def import_cache(self, other: Path) -> None:
        """Copy the embedding cache of another store (an older generation) into this one."""
        self._db.execute("ATTACH DATABASE ? AS old", (str(other),))
        try:
            self._db.execute(
                "INSERT OR IGNORE INTO embeddings SELECT key, vector FROM old.embeddings"
            )
            self._db.commit()
        finally:
            self._db.execute("DETACH DATABASE old")

    def prune_cache(self) -> None:
        """Forget vectors no passage uses any more, so the cache does not grow without bound."""
        self._db.execute(
            "DELETE FROM embeddings WHERE key NOT IN"
            " (SELECT embed_key FROM chunks UNION SELECT embed_key FROM targets"
            " UNION SELECT embed_key FROM statements)"
        )
