"""Where the time goes: pyinstrument profiles of a fresh build of the seeds and of warm asks.

    python -m benchmarks.profile [--corpus corpus] [--qa evals/qa_dev.jsonl] [--out evals/reports]

The build runs on a copy of the corpus into a new index (nothing cached); the asks are every dev
question once, after a warm-up, so the profile shows a steady state rather than model loading.
Writes profile-build.txt and profile-ask.txt and prints the top of each.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks import ROOT, repo_relative

SHOWN_LINES = 40


def _write(profiler, path: Path) -> None:
    text = repo_relative(profiler.output_text(unicode=True, color=False))
    path.write_text(text, encoding="utf-8")
    print(f"--- {path}")
    print("\n".join(text.splitlines()[:SHOWN_LINES]))


def run(corpus: Path, qa: Path, out: Path) -> None:
    from pyinstrument import Profiler

    from app.answer import answer
    from app.corpus import build, load_model
    from app.engine import Engine
    from app.evaluate import load_qa
    from app.settings import load_settings

    out.mkdir(parents=True, exist_ok=True)
    questions = [item.question for item in load_qa(qa)]
    with tempfile.TemporaryDirectory(prefix="eduqa-profile-") as tmp:
        base = Path(tmp)
        settings = load_settings().with_paths(base / "index", base / "corpus")
        shutil.copytree(corpus, settings.corpus_dir)
        embedder = load_model(settings)
        profiler = Profiler(interval=0.001)
        with profiler:
            build(settings, embedder)
        _write(profiler, out / "profile-build.txt")

        engine = Engine.open(settings, embedder)
        for question in questions[:3]:
            answer(engine, question)
        profiler = Profiler(interval=0.0005)
        with profiler:
            for question in questions:
                answer(engine, question)
        _write(profiler, out / "profile-ask.txt")
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--qa", type=Path, default=ROOT / "evals" / "qa_dev.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "reports")
    args = parser.parse_args()
    run(args.corpus, args.qa, args.out)


if __name__ == "__main__":
    main()
