"""Warm `ask` latency at two corpus sizes: the five seeds and the 45-plan evaluation corpus.

    python -m benchmarks.ask_latency [--rounds 3] [--out evals/reports/ask_latency.json]

Each corpus is indexed once (outside the timing), an engine is opened and warmed with three
questions, then every question of its QA set is asked `rounds` times through `answer` (search,
rerank, candidates, decision, composition: what the CLI and the page call). Questions in
English and in Chinese alike; the p95 is over all asks. Wall-clock time on whatever machine runs
it, so run it idle.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "seeds (5 plans)": (("corpus",), "evals/qa_dev.jsonl"),
    "evaluation (45 plans)": (("corpus", "tests/data/plans", "evals/plans"), "evals/qa_test.jsonl"),
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(folders: tuple[str, ...], qa: str, rounds: int, base: Path) -> dict:
    from app.answer import answer
    from app.corpus import build, load_model
    from app.engine import Engine
    from app.evaluate import load_qa
    from app.settings import load_settings

    settings = load_settings().with_paths(base / "index", base / "corpus")
    settings.corpus_dir.mkdir(parents=True)
    for folder in folders:
        for plan in sorted((ROOT / folder).glob("*.txt")):
            shutil.copy(plan, settings.corpus_dir / plan.name)
    embedder = load_model(settings)
    build(settings, embedder)
    engine = Engine.open(settings, embedder)
    questions = [item.question for item in load_qa(ROOT / qa)]
    for question in questions[:3]:
        answer(engine, question)
    times = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            answer(engine, question)
            times.append((time.perf_counter() - start) * 1000)
    plans = len(engine.index.documents())
    engine.close()
    return {
        "plans": plans,
        "qa": qa,
        "asks": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("evals/reports/ask_latency.json"))
    args = parser.parse_args()
    results = {}
    for name, (folders, qa) in CORPORA.items():
        with tempfile.TemporaryDirectory(prefix="eduqa-latency-") as tmp:
            results[name] = measure(folders, qa, args.rounds, Path(tmp))
        r = results[name]
        print(f"{name}: {r['asks']} asks, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
              f"max {r['max_ms']} ms")  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
