"""Full-page screenshots of every page of the web app, wide (1400×1000) and narrow (420×900).

    python -m tests.e2e.screenshots [OUT] [--url URL]      (`make screenshots`)

Without --url it indexes a copy of corpus/ in a temp dir and serves it with `streamlit run`;
with --url it shoots an app already running there. Each page is shown in use: Ask with an
answer, Compare with a topic, Documents, Evaluation with results. Needs the system Chromium
(`apt-get install chromium fonts-noto-cjk`; fonts-noto-color-emoji for the page icons).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from .harness import (
    NARROW,
    ROOT,
    WIDE,
    ask,
    compare,
    full_page_screenshot,
    launch_chromium,
    new_page,
    open_page,
    plan_diff,
    run_evaluation,
    running_app,
    targets,
)

# (file name, URL path, what to do on the page before the shots)
SHOTS: tuple[tuple[str, str, Callable[[Page], None]], ...] = (
    ("ask", "", lambda page: ask(page, "崇阳县2020年教师招聘目标是多少？")),
    ("compare", "compare", lambda page: compare(page, "大班额")),
    ("compare-targets", "compare", lambda page: targets(page, "入园率")),
    ("compare-diff", "compare", plan_diff),
    ("documents", "documents", lambda page: None),
    ("evaluation", "evaluation", run_evaluation),
)


@contextmanager
def _seed_app() -> Iterator[str]:
    """The app over a fresh index of a copy of corpus/ (the project's own index is not touched)."""
    from app.corpus import build, load_model
    from app.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="eduqa-shots-") as tmp:
        base = Path(tmp)
        corpus = shutil.copytree(ROOT / "corpus", base / "corpus")
        settings = load_settings().with_paths(base / "index", corpus)
        print("indexing a copy of corpus/ …", flush=True)
        build(settings, load_model(settings))
        with running_app(settings.index_dir, corpus, base / "streamlit.log") as url:
            yield url


def take(url: str, out: Path) -> list[Path]:
    """Shoot every page of the app at `url` into `out`; the PNGs written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for name, path, act in SHOTS:
                page = new_page(browser, WIDE)
                open_page(page, url, path)
                act(page)
                for label, size in (("wide", WIDE), ("narrow", NARROW)):
                    page.set_viewport_size(size)  # the session keeps its state: no rerun
                    shot = out / f"{name}-{label}.png"
                    full_page_screenshot(page, shot)
                    written.append(shot)
                    print(shot, flush=True)
                page.context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "evals" / "screenshots")
    parser.add_argument("--url", help="an app already running, e.g. http://localhost:8501")
    args = parser.parse_args()
    if args.url:
        take(args.url.rstrip("/"), args.out)
        return
    with _seed_app() as url:
        take(url, args.out)


if __name__ == "__main__":
    main()
