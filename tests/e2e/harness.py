"""The real web app in a real browser: start Streamlit, launch Chromium, act on the pages.

Shared by the browser tests (`test_browser.py`) and the screenshot script (`screenshots.py`).
Chromium is the system one (`apt-get install chromium fonts-noto-cjk`): `playwright install`
downloads browsers and is never needed.
"""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Playwright, ViewportSize, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    "Chromium not installed: apt-get install chromium fonts-noto-cjk (`.ci/run` does this)"
)
# Headless and quiet: no GPU, no sandbox (CI runs as root), no calls home (there is no network).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WIDE: ViewportSize = {"width": 1400, "height": 1000}
NARROW: ViewportSize = {"width": 420, "height": 900}
# s: a cold start imports streamlit, faiss and the app before the health check answers
START_TIMEOUT = 90
# ms: the first answer of a server loads the embedding model
FIRST_ANSWER_TIMEOUT = 60_000
# ms: a page rerun that does no indexing or evaluation
RERUN_TIMEOUT = 30_000
# ms: indexing an upload or evaluating the dev set (49 questions)
LONG_TIMEOUT = 180_000
TOOLBAR_ATTEMPTS = 5


def chromium_path() -> Path | None:
    """The Chromium to drive (`EDUQA_CHROMIUM`, else /usr/bin/chromium); None when absent."""
    path = Path(os.environ.get("EDUQA_CHROMIUM") or DEFAULT_CHROMIUM)
    return path if path.is_file() else None


def launch_chromium(playwright: Playwright) -> Browser:
    """A headless system Chromium with a fresh temporary profile (Playwright's default)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(CHROMIUM_MISSING)
    return playwright.chromium.launch(executable_path=str(path), args=list(CHROMIUM_ARGS))


def new_page(browser: Browser, viewport: ViewportSize = WIDE) -> Page:
    """A page in its own browser context (so its own Streamlit session), Chinese locale.

    Without the File System Access API a table's "Download as CSV" falls back to an ordinary
    download, which Playwright can catch; headless Chromium would open a save dialog instead.
    """
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    context.add_init_script("delete window.showSaveFilePicker")
    context.set_default_timeout(RERUN_TIMEOUT)
    return context.new_page()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(log_path: Path, lines: int = 40) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _wait_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {process.returncode} before answering {url}; "
                f"log {log_path}:\n{_log_tail(log_path)}"
            )
        with suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            if reply.read().decode().strip() == "ok":
                return
        time.sleep(0.5)
    raise RuntimeError(
        f"streamlit did not answer {url}/_stcore/health within {START_TIMEOUT} s; "
        f"log {log_path}:\n{_log_tail(log_path)}"
    )


def _stop(process: subprocess.Popen) -> None:
    """End the server and everything it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running_app(index_dir: Path, corpus_dir: Path, log_path: Path) -> Iterator[str]:
    """`streamlit run streamlit_app.py` on a free local port over the given index and corpus.

    Yields the base URL once `/_stcore/health` answers "ok"; the server's process group is
    killed on exit, also when the body fails. Its output goes to `log_path`.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "EDUQA_INDEX": str(index_dir), "EDUQA_CORPUS": str(corpus_dir)}
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # The code under test does not change during a run; a watcher would only add a
        # "File change" banner when someone edits the tree meanwhile.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_healthy(url, process, log_path)
        yield url
    finally:
        _stop(process)


def wait_idle(page: Page, timeout: float = RERUN_TIMEOUT) -> None:
    """Wait until the app has finished its rerun: script not running, status widget gone.

    A rerun starts a moment after the click or key press that asks for it, so first give it
    up to a second to start.
    """
    app = page.locator('[data-testid="stApp"]')
    with suppress(Exception):
        expect(app).not_to_have_attribute("data-test-script-state", "notRunning", timeout=1_000)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=timeout)


def open_page(
    page: Page, base_url: str, path: str = "", timeout: float = FIRST_ANSWER_TIMEOUT
) -> None:
    """Load one of the app's pages ("" is the default page, 问答) and wait for it to render.

    The first page a server shows loads the embedding model, hence the long default.
    """
    page.goto(f"{base_url}/{path}")
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=timeout)
    # attached, not visible: a narrow window collapses the sidebar
    expect(page.get_by_test_id("stSidebarNav")).to_be_attached(timeout=timeout)
    wait_idle(page, timeout)


def ask(page: Page, question: str, timeout: float = FIRST_ANSWER_TIMEOUT) -> None:
    """Type a question in the Ask page's chat box and press Enter."""
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    wait_idle(page, timeout)


def compare(page: Page, topic: str, timeout: float = FIRST_ANSWER_TIMEOUT) -> None:
    """Type a topic on the Compare page and press Enter."""
    box = page.get_by_role("textbox", name="主题")
    box.fill(topic)
    box.press("Enter")
    wait_idle(page, timeout)


def targets(page: Page, indicator: str, timeout: float = FIRST_ANSWER_TIMEOUT) -> None:
    """On the Compare page, open the targets table and filter it by an indicator."""
    page.get_by_role("tab", name="指标表").click()
    box = page.get_by_role("textbox", name="指标")
    box.fill(indicator)
    box.press("Enter")
    wait_idle(page, timeout)


def plan_diff(page: Page, timeout: float = FIRST_ANSWER_TIMEOUT) -> None:
    """On the Compare page, open the plan diff of the first two plans."""
    page.get_by_role("tab", name="计划对照").click()
    wait_idle(page, timeout)


def upload(page: Page, path: Path, timeout: float = LONG_TIMEOUT) -> None:
    """On the Documents page, choose a file in the uploader and add it to the index."""
    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator('input[type="file"]').set_input_files(path)
    expect(uploader).to_contain_text(path.name)  # the chosen file is listed
    page.get_by_role("button", name="上传并加入索引").click()
    wait_idle(page, timeout)


def run_evaluation(page: Page, timeout: float = LONG_TIMEOUT) -> None:
    """On the Evaluation page, run the evaluation with the form's defaults (the dev set)."""
    page.get_by_role("button", name="开始评测").click()
    wait_idle(page, timeout)


def table_rows(table: Locator) -> list[dict[str, str]]:
    """The rows of an `st.dataframe` as its header names them, through its CSV download.

    The grid draws its cells on a canvas, so the text is not in the page; the table's own
    "Download as CSV" gives exactly what it shows. Needs a page from `new_page`.
    """
    button = table.get_by_role("button", name="Download as CSV")
    for attempt in range(TOOLBAR_ATTEMPTS):
        table.hover()  # the toolbar shows on hover, and hides when the grid redraws under it
        try:
            with table.page.expect_download() as download:
                button.click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == TOOLBAR_ATTEMPTS - 1:
                raise
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


_CONTENT_HEIGHT = """() => Math.max(
    document.documentElement.scrollHeight,
    ...[...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"],'
        + ' [data-testid="stSidebarContent"]'
    )].map((e) => e.scrollHeight))"""


def _settled_height(page: Page, timeout: float = 10_000, still: int = 3) -> int:
    """The content's height once it stops changing: tables and other components load and
    draw a moment after the script run has ended. Checked every 250 ms, at most `timeout` ms."""
    heights = [page.evaluate(_CONTENT_HEIGHT)]
    for _ in range(int(timeout // 250)):
        page.wait_for_timeout(250)
        heights.append(page.evaluate(_CONTENT_HEIGHT))
        if len(set(heights[-still:])) == 1 and len(heights) > still:
            break
    return heights[-1]


def full_page_screenshot(page: Page, path: Path) -> None:
    """A PNG of the whole page at the current width.

    Streamlit scrolls inside its main block, not the document, so the viewport is stretched
    to the content's height for the shot and then restored.
    """
    size = page.viewport_size or WIDE
    height = _settled_height(page)
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        _settled_height(page)  # what fills the taller viewport (lazy rows) has drawn
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
