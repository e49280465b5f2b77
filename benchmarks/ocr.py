"""OCR quality and speed on the seeds printed and scanned by our own renderer.

    python -m benchmarks.ocr [--pages 2] [--what quality,dev,speed] [--out evals/reports/ocr.json]

Each seed's text is printed on A4 pages in a serif CJK font at 12 pt (`tests.filemakers.
scanned_pages`) at 150, 200 and 300 dpi, and at 150 dpi skewed by 1.5°, speckled, blurred and
saved as JPEG quality 60; the first `pages` pages of each are read back by eduqa's OCR
(`ingest.ocr`). Character accuracy is 1 − CER: the edit distance between the printed text and
the text read, both NFKC-normalised without whitespace, over the printed text's length, per
page. The dev set is then scored on the seeds with two of them (000 and 004) as scanned PDFs
at 200 dpi, beside the all-text seeds. Speed is seconds per page reading ten 200 dpi pages as one
file with one worker process and with one per core, the workers' start and model loading
included (a file's reading starts them). Wall-clock time: run it on an idle machine.
`make eval` runs quality and dev, `make bench` speed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image

from ingest.ocr import Ocr, read_pages, recognise
from tests.filemakers import scanned_pages, wrapped_lines

SEEDS = sorted(Path("corpus").glob("*.txt"))
LINES = 30  # lines of print per page
VARIANTS = {
    "150 dpi": {"dpi": 150},
    "200 dpi": {"dpi": 200},
    "300 dpi": {"dpi": 300},
    "150 dpi, skewed, speckled, blurred, JPEG": {"dpi": 150, "skew": 1.5, "noise": True},
}


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def distance(a: str, b: str) -> int:
    """Levenshtein distance, one row at a time (pages are a thousand characters or so)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        before, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            before, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, before + (x != y))
    return row[-1]


def printed(text: str, options: dict) -> list[tuple[str, Image.Image]]:
    """Pages of a text with the text each shows (the renderer's own lines, `LINES` a page);
    the degraded variant saved and read back as JPEG."""
    lines = wrapped_lines(text, options.get("dpi", 150))
    shown = ["".join(lines[i : i + LINES]) for i in range(0, len(lines), LINES)]
    out = []
    for words, page in zip(shown, scanned_pages(text, lines_per_page=LINES, **options),
                           strict=True):  # fmt: skip
        if options.get("noise"):
            buffer = io.BytesIO()
            page.save(buffer, "JPEG", quality=60)
            page = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
        out.append((words, page))
    return out


def quality(pages_per_seed: int) -> dict:
    results = {}
    for name, options in VARIANTS.items():
        accuracies = []
        for seed in SEEDS:
            for words, page in printed(seed.read_text("utf-8"), options)[:pages_per_seed]:
                read = recognise(np.asarray(page), threads=os.cpu_count() or 1).text
                truth = _plain(words)
                accuracies.append(1 - distance(truth, _plain(read)) / max(1, len(truth)))
        results[name] = {
            "pages": len(accuracies),
            "mean": round(statistics.mean(accuracies), 4),
            "worst": round(min(accuracies), 4),
        }
        print(f"{name}: character accuracy mean {results[name]['mean']:.4f}, "
              f"worst page {results[name]['worst']:.4f} ({len(accuracies)} pages)")  # fmt: skip
    return results


def speed(pages: int) -> dict:
    text = "\n".join(seed.read_text("utf-8") for seed in SEEDS)
    images = [np.asarray(p) for _, p in printed(text, {"dpi": 200})[:pages]]
    out = {}
    for workers in sorted({1, os.cpu_count() or 1}):
        start = time.perf_counter()
        read_pages(b"timed", range(len(images)), lambda _d, n: images[n], Ocr(workers=workers))
        out[f"{workers} worker(s)"] = round((time.perf_counter() - start) / len(images), 2)
        print(f"{workers} worker(s): {out[f'{workers} worker(s)']} s per page at 200 dpi")
    return out


SCANNED = ("000", "004")  # seeds replaced by their scans in the dev-set corpus


def dev() -> dict:
    """The dev set on the seeds with two of them scanned, beside the all-text seeds."""
    from app.corpus import build
    from app.engine import Engine
    from app.evaluate import evaluate
    from app.settings import Settings
    from index.embedders import load_embedder
    from tests.filemakers import make_scan_pdf

    embedder = load_embedder()
    out = {}
    with tempfile.TemporaryDirectory(prefix="eduqa-ocr-") as temp:
        base = Path(temp)
        for corpus_name in ("text", "scanned"):
            corpus = base / corpus_name / "corpus"
            corpus.mkdir(parents=True)
            names = {}
            for seed in SEEDS:
                if corpus_name == "scanned" and seed.name[:3] in SCANNED:
                    scan = make_scan_pdf(corpus / f"{seed.stem}.pdf", seed.read_text("utf-8"),
                                         dpi=200)  # fmt: skip
                    names[seed.name] = scan.name
                else:
                    shutil.copy(seed, corpus)
            qa = base / corpus_name / "qa.jsonl"
            qa.write_text("".join(_renamed(line, names) for line in DEV.open(encoding="utf-8")),
                          "utf-8")  # fmt: skip
            settings = Settings(index_dir=base / corpus_name / "index", corpus_dir=corpus,
                                ocr_cache=None)  # fmt: skip
            report = build(settings, embedder)
            assert not report.refused, report.refused
            engine = Engine.open(settings, embedder)
            overall = evaluate(engine, qa, "hybrid").overall
            engine.close()
            out[corpus_name] = {k: overall[k] for k in ("recall@5", "mrr@10", "answer_accuracy",
                                                        "unanswerable_accuracy")}  # fmt: skip
            print(f"dev set, seeds {corpus_name}: " + ", ".join(
                f"{k} {v:.3f}" for k, v in out[corpus_name].items()))  # fmt: skip
    return out


DEV = Path("evals/qa_dev.jsonl")


def _renamed(line: str, names: dict[str, str]) -> str:
    if not line.strip():
        return ""
    item = json.loads(line)
    doc = item.get("doc")
    item["doc"] = [names.get(d, d) for d in doc] if isinstance(doc, list) else names.get(doc, doc)
    return json.dumps(item, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2, help="pages of each seed per variant")
    parser.add_argument("--what", default="quality,dev,speed", help="parts to run, by comma")
    parser.add_argument("--out", type=Path, default=Path("evals/reports/ocr.json"))
    args = parser.parse_args()
    parts = {"quality": lambda: quality(args.pages), "dev": dev, "speed": lambda: speed(10)}
    results = json.loads(args.out.read_text("utf-8")) if args.out.exists() else {}
    for part in args.what.split(","):
        results[part] = parts[part]()
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
