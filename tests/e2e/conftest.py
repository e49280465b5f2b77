"""The web app served by a real `streamlit run` over a copy of the seed index, and a browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .harness import RERUN_TIMEOUT, launch_chromium, new_page, running_app

# An assertion right after an action may see the page before its rerun has begun.
expect.set_options(timeout=RERUN_TIMEOUT)


@pytest.fixture(scope="session")
def app_url(seed_index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app over private copies of the seed index and corpus (uploads go there)."""
    base = tmp_path_factory.mktemp("e2e")
    index_dir = shutil.copytree(seed_index.index_dir, base / "index")
    corpus_dir = shutil.copytree(seed_index.corpus_dir, base / "corpus")
    log_path = base / "streamlit.log"
    with running_app(index_dir, corpus_dir, log_path) as url:
        yield url
    print(f"\nstreamlit log: {log_path}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so `page` can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path) -> Iterator[Page]:
    """A fresh page (its own Streamlit session) at the wide size; on failure, a screenshot."""
    page = new_page(browser)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot of the failed page: {shot}")
    page.context.close()
