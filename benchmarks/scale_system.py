"""The whole index at scale: SQLite, segmented BM25 and FAISS through the real writer and search.

    python -m benchmarks.scale_system [--sizes 100000 1000000] [--out FILE]
    EDUQA_BACKEND=milvus python -m benchmarks.scale_system --out evals/reports/scale_milvus.json

benchmarks/scale.py measures FAISS alone; this writes a synthetic province through
`IndexWriter` and asks through `search`/`answer`, so every part a user waits on is in the numbers.
Documents: the seed plans and the test plans, each copied many times with every number replaced
by another of the same length drawn from the plans' own numbers (offsets hold; new figures and
content ids, a vocabulary of realistic size) and another year. Passage vectors are derived from
real e5 vectors (a blend of two real passages plus noise, seeded by the text, as in scale.py),
because embedding a million passages for real would take days on two cores and is measured
elsewhere; questions are embedded for real. The build time therefore excludes passage
embedding. Each size runs in its own process, on the backend EDUQA_BACKEND names (Milvus Lite
runs inside that process, so its memory is in the numbers).

Reported: build (documents, seconds, peak memory), index on disk, open time and resident memory
of a reader, search and ask p50/p95 over the dev questions (real query embedding included), BM25
retrieval alone (top 100, no embedding), and adding then removing 100 plans (each a full write:
copy-on-write generation, new segment and FAISS add or Milvus upserts and deletes, commit).
"""

from __future__ import annotations

import hashlib
import random
import re
import resource
import statistics
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from .scale import _rss_mb, _save_real_vectors, sized_benchmark

ROOT = Path(__file__).resolve().parents[1]
BASES = (ROOT / "corpus", ROOT / "tests" / "data" / "plans")
ADDED_PLANS = 100
_NUMBER = re.compile(r"\d+")


class DerivedEmbedder:
    """Real e5 for questions; passages get a vector derived from real ones, seeded by the text."""

    def __init__(self, real, passages: np.ndarray) -> None:
        self.real, self.base = real, passages
        self.name, self.dim = real.name, real.dim

    def embed_query(self, texts):
        return self.real.embed_query(texts)

    def embed_passages(self, texts):
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            rng = np.random.default_rng(int(hashlib.sha1(text.encode()).hexdigest()[:12], 16))
            a, b = rng.integers(0, len(self.base), 2)
            w = rng.uniform(0.5, 1.0)
            row = w * self.base[a] + (1 - w) * self.base[b] + 0.02 * rng.normal(size=self.dim)
            out[i] = row / np.linalg.norm(row)
        return out


def _base_documents():
    from ingest.chunking import ChunkSettings
    from ingest.pipeline import read_document

    paths = sorted(p for base in BASES for p in base.glob("*.txt"))
    return [read_document(p, ChunkSettings()) for p in paths]


def _numbers_by_length(bases) -> dict[int, list[str]]:
    pool: dict[int, list[str]] = {}
    for doc in bases:
        for found in _NUMBER.findall(doc.text):
            pool.setdefault(len(found), []).append(found)
    return pool


def _variant(doc, number: int, rng: random.Random, pool: dict[int, list[str]]):
    """The document with its numbers redrawn and another year, under a new name and id."""
    text = _NUMBER.sub(lambda m: rng.choice(pool[len(m.group())]), doc.text)
    doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    year = rng.randrange(2010, 2026)
    chunks = tuple(
        replace(
            c,
            doc_id=doc_id,
            text=text[c.start : c.end],
            year=year,
            chunk_id=hashlib.sha1(f"{doc_id}{c.start}".encode()).hexdigest()[:16],
        )
        for c in doc.chunks
    )
    targets = tuple(replace(t, doc_id=doc_id, text=text[t.start : t.end]) for t in doc.targets)
    meta = replace(doc.meta, year=year, years=(year,))
    name = f"{Path(doc.file_name).stem}-{number:06d}.txt"
    return replace(
        doc, doc_id=doc_id, file_name=name, text=text, meta=meta, chunks=chunks, targets=targets
    )


def _documents(bases, passages: int, rng: random.Random, start: int = 0):
    """Variants of the base documents, round robin, until `passages` passages."""
    made, number, pool = 0, start, _numbers_by_length(bases)
    while made < passages:
        doc = _variant(bases[number % len(bases)], number, rng, pool)
        made += len(doc.chunks)
        number += 1
        yield doc


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def _timed(function, items) -> dict[str, float]:
    times = []
    for item in items:
        started = time.perf_counter()
        function(item)
        times.append(time.perf_counter() - started)
    return _percentiles(times)


def worker(passages: int, workdir: Path) -> dict:
    from app.answer import answer
    from app.corpus import chunk_settings, load_model
    from app.engine import Engine
    from app.evaluate import load_qa
    from app.search import search
    from app.settings import load_settings
    from index.filters import Filters
    from index.lexical import tokenize
    from index.milvus import LITE_FILE
    from index.writer import IndexWriter

    settings = load_settings().with_paths(workdir / f"index-{passages}", workdir / "corpus")
    embedder = DerivedEmbedder(load_model(settings), np.load(workdir / "passages.npy"))
    bases = _base_documents()
    rng = random.Random(1)
    started = time.perf_counter()
    documents = 0
    with IndexWriter(
        settings.index_dir, embedder, chunk_settings(settings), backend=settings.backend
    ) as writer:
        for doc in _documents(bases, passages, rng):
            writer.add(doc)
            documents += 1
        writer.commit()
    result = {
        "backend": settings.backend.kind,
        "passages": passages,
        "documents": documents,
        "build_s": round(time.perf_counter() - started, 1),
        "build_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }

    before = _rss_mb()
    started = time.perf_counter()
    engine = Engine.open(settings, embedder)
    result["open_s"] = round(time.perf_counter() - started, 2)
    result["reader_mb"] = round(_rss_mb() - before)
    result["layout"] = engine.index.manifest.vectors
    parts = [engine.index.generation, settings.index_dir / LITE_FILE]
    result["disk_mb"] = round(
        sum(p.stat().st_size for part in parts for p in part.rglob("*") if p.is_file()) / 2**20
    )
    questions = [item.question for item in load_qa(ROOT / "evals" / "qa_dev.jsonl")]
    for question in questions[:3]:
        answer(engine, question)
    result["search"] = _timed(lambda q: search(engine, q), questions * 2)
    result["ask"] = _timed(lambda q: answer(engine, q), questions * 2)
    token_lists = [tokenize(q) for q in questions]
    result["bm25"] = _timed(
        lambda tokens: engine.index.candidates(None, tokens, 100, Filters()), token_lists * 2
    )

    new = list(_documents(bases, ADDED_PLANS * 30, random.Random(2), start=documents))[:ADDED_PLANS]
    started = time.perf_counter()
    with IndexWriter(
        settings.index_dir, embedder, chunk_settings(settings), backend=settings.backend
    ) as writer:
        for doc in new:
            writer.add(doc)
        writer.commit()
    result["add_100_plans_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with IndexWriter(
        settings.index_dir, embedder, chunk_settings(settings), backend=settings.backend
    ) as writer:
        for doc in new:
            writer.remove(doc.file_name)
        writer.commit()
    result["remove_100_plans_s"] = round(time.perf_counter() - started, 2)
    engine.refresh()
    result["search_after_writes"] = _timed(lambda q: search(engine, q), questions)
    engine.close()
    return result


def table(rows: list[dict]) -> str:
    lines = [
        "| backend | passages (plans) | build (s) | build peak (MB) | disk (MB) | open (s) | "
        "reader (MB) | search p50 / p95 (ms) | ask p50 / p95 (ms) | BM25 p50 / p95 (ms) | "
        "add 100 plans (s) | remove 100 plans (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.get('backend', 'faiss')} | {r['passages']:,} ({r['documents']:,}) | "
            f"{r['build_s']} | {r['build_peak_mb']} | "
            f"{r['disk_mb']} | {r['open_s']} | {r['reader_mb']} | "
            f"{r['search']['p50_ms']} / {r['search']['p95_ms']} | "
            f"{r['ask']['p50_ms']} / {r['ask']['p95_ms']} | "
            f"{r['bm25']['p50_ms']} / {r['bm25']['p95_ms']} | "
            f"{r['add_100_plans_s']} | {r['remove_100_plans_s']} |"
        )
    return "\n".join(lines)


def main() -> None:
    sized_benchmark(
        "benchmarks.scale_system",
        __doc__,
        [100_000],
        ROOT / "evals" / "reports" / "scale_system.json",
        worker,
        _save_real_vectors,
        table,
    )


if __name__ == "__main__":
    main()
