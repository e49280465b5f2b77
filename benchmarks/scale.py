"""The dense side at 100k and 1M passages: build, memory, disk, latency, recall against exact.

    python -m benchmarks.scale [--sizes 100000 1000000] [--out evals/reports/scale.json]

Vectors: the real e5 embeddings of the seed corpus' passages (read from an index of corpus/,
built if missing) and of the dev questions; the rest are derived from them — a random blend of
two real passages plus a little noise, renormalised — so the corpus keeps the clustered shape of
real embeddings instead of uniform noise, on which approximate search would look worse than it
is. Each size runs in its own process (peak memory is that size's alone) with the layout eduqa
would choose (`index.vectors.layout_for`) and, for comparison, exact search. "add 100 plans" is
3,000 new vectors added to the built index without re-laying it out.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUERIES = 200
ADDED = 3_000  # vectors of 100 plans of ~30 passages
FILTER_SHARES = (0.01, 0.1)  # a region's or a year's share of the corpus


def _real_vectors() -> tuple[np.ndarray, np.ndarray]:
    """(passage vectors, question vectors) from the model, via an index of the seed corpus."""
    from app.corpus import build, load_model
    from app.evaluate import load_qa
    from app.settings import load_settings
    from index.backend import Backend
    from index.reader import Index

    # its own FAISS index of the seeds, whichever backend and index the user has set up
    settings = replace(
        load_settings().with_paths(ROOT / ".eduqa" / "bench-index", ROOT / "corpus"),
        backend=Backend(),
    )
    embedder = load_model(settings)
    build(settings, embedder)  # brings it up to date; a no-op when it is
    index = Index.open(settings.index_dir, embedder.name, settings.backend)
    rows = [r for d in index.documents() for r in index.document_chunks(d.doc_id)]
    passages = index.passage_vectors(rows)
    questions = embedder.embed_query([i.question for i in load_qa(ROOT / "evals/qa_dev.jsonl")])
    index.close()
    return passages, questions


def _derived(base: np.ndarray, n: int, noise: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a, b = rng.integers(0, len(base), m), rng.integers(0, len(base), m)
        w = rng.uniform(0.5, 1.0, (m, 1)).astype(np.float32)
        rows = w * base[a] + (1 - w) * base[b] + noise * rng.normal(size=(m, base.shape[1]))
        out[start : start + m] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def _exact_top(corpus: np.ndarray, queries: np.ndarray, k: int, allowed=None) -> np.ndarray:
    ids = np.arange(len(corpus)) if allowed is None else allowed
    scores = np.concatenate(
        [corpus[ids[s : s + 200_000]] @ queries.T for s in range(0, len(ids), 200_000)]
    )
    return ids[np.argsort(-scores, axis=0)[:k].T]


def _latency(index, queries: np.ndarray, allowed=None) -> tuple[dict, list[np.ndarray]]:
    found, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        ids, _ = index.search(q, 10, allowed)
        times.append(time.perf_counter() - t0)
        found.append(ids)
    ordered = sorted(times)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
    }, found


def _recall(found: list[np.ndarray], exact: np.ndarray) -> float:
    return round(
        float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)])), 4
    )


def _rss_mb() -> float:
    """Resident memory now (not the peak): what the built index holds on to."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(size: int, workdir: Path) -> dict:
    from index.vectors import VectorIndex, layout_for

    passages, questions = (np.load(workdir / f"{n}.npy") for n in ("passages", "questions"))
    corpus = _derived(passages, size, 0.02, seed=1)
    queries = _derived(questions, QUERIES, 0.01, seed=2)
    vids = np.arange(size, dtype=np.int64)
    layout = layout_for(size)
    before = _rss_mb()
    started = time.perf_counter()
    index = VectorIndex.with_layout(layout, vids, corpus)
    build_s = time.perf_counter() - started
    path = workdir / f"vectors-{size}.faiss"
    index.save(path)
    held = _rss_mb() - before
    result = {"size": size, "layout": layout, "build_s": round(build_s, 1),
              "disk_mb": round(path.stat().st_size / 2**20, 1)}  # fmt: skip
    exact = _exact_top(corpus, queries, 10)
    result["search"], found = _latency(index, queries)
    result["recall@10"] = _recall(found, exact)
    rng = np.random.default_rng(3)
    for share in FILTER_SHARES:
        allowed = np.sort(rng.choice(size, int(size * share), replace=False)).astype(np.int64)
        stats, found = _latency(index, queries, allowed)
        stats["recall@10"] = _recall(found, _exact_top(corpus, queries, 10, allowed))
        result[f"filtered {share:.0%}"] = stats
    added = _derived(passages, ADDED, 0.02, seed=4)
    started = time.perf_counter()
    index.add(np.arange(size, size + ADDED, dtype=np.int64), added)
    result["add_100_plans_s"] = round(time.perf_counter() - started, 3)
    if layout != "flat":
        flat = VectorIndex.with_layout("flat", vids, corpus)
        result["exact search"], _ = _latency(flat, queries[:50])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peak_rss_mb"] = round(peak / 1024, 1)
    result["index_rss_mb"] = round(held, 1)
    return result


def sized_benchmark(
    module: str, doc: str, sizes: list[int], out: Path, worker, prepare, table
) -> None:
    """The command line both scale benchmarks share: with `--worker SIZE`, measure one size and
    print its JSON; else `prepare(workdir)`, then one fresh process per size (its own peak
    memory), the rows written to `--out` and printed as a table."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=sizes)
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--worker", type=int)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.workdir)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="eduqa-scale-") as tmp:
        workdir = Path(tmp)
        prepare(workdir)
        for size in args.sizes:
            done = subprocess.run(
                [sys.executable, "-m", module, "--worker", str(size), "--workdir", str(workdir)],
                cwd=ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(table(rows))


def _save_real_vectors(workdir: Path) -> None:
    passages, questions = _real_vectors()
    np.save(workdir / "passages.npy", passages)
    np.save(workdir / "questions.npy", questions)


def main() -> None:
    sized_benchmark(
        "benchmarks.scale",
        __doc__,
        [100_000, 1_000_000],
        ROOT / "evals" / "reports" / "scale.json",
        worker,
        _save_real_vectors,
        table,
    )


def table(rows: list[dict]) -> str:
    lines = [
        "| passages | layout | build (s) | disk (MB) | memory (MB) | search p50 / p95 (ms) | "
        "recall@10 | 1% filter p95 (ms) / recall | 10% filter p95 (ms) / recall | "
        "exact p50 / p95 (ms) | add 100 plans (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        exact = r.get("exact search", r["search"])
        f1, f10 = r["filtered 1%"], r["filtered 10%"]
        lines.append(
            f"| {r['size']:,} | {r['layout']} | {r['build_s']} | {r['disk_mb']} | "
            f"{r['index_rss_mb']} | {r['search']['p50_ms']} / {r['search']['p95_ms']} | "
            f"{r['recall@10']} | {f1['p95_ms']} / {f1['recall@10']} | "
            f"{f10['p95_ms']} / {f10['recall@10']} | {exact['p50_ms']} / {exact['p95_ms']} | "
            f"{r['add_100_plans_s']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
