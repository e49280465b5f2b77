"""Scanned pages → text: OCR with the PP-OCR models shipped in the `rapidocr` wheel (ONNX
Runtime, offline), laid out as a text layer would read.

Chosen with numbers (README, "Scanned plans"): on seed pages rendered with a serif CJK font,
rapidocr 3.10's PP-OCRv6 small models read 99.9% of the characters at 150 dpi and 99.7% of a
skewed, speckled, blurred JPEG, against 97.2% and 99.2% for rapidocr-onnxruntime 1.4's
PP-OCRv4, at about the same speed; larger models would be downloaded at run time, which fails
offline.

A page's lines come back as boxes with text and a score. They are joined into paragraphs the
way the page shows them: a line that ends short of the text's right edge, or a next line that
starts indented, ends a paragraph; so headings stand on their own lines and the outline works.
Results are cached by the file's content hash, so a rebuild, a metadata edit or a move to
another backend never reads a page again. Pages are read by worker processes
(`ingest.ocr_worker`), one per core, each loading its engine once: a 30-page scan uses every
core, and the caller's interpreter (a Streamlit server drawing the progress bar) stays free.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .chinese import ITEM_NUMBER
from .errors import OcrUnavailableError

ENGINE = "rapidocr-3.10 PP-OCRv6-small"  # part of the cache key: a new engine reads again
DPI = 200  # a page without a usable text layer is rendered at this resolution
LOW_CONFIDENCE = 0.9  # a page whose mean line score is below this is named as doubtful

# A page reached by `on_page(done, total)` as each page is read.
PageProgress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line the engine read: its text, box (pixels) and score (0–1)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float


@dataclass(frozen=True, slots=True)
class OcrPage:
    """The lines of one page, in reading order."""

    lines: tuple[OcrLine, ...]

    @property
    def confidence(self) -> float:
        """Mean line score, weighted by characters (1.0 for a page without text)."""
        chars = sum(len(line.text) for line in self.lines)
        if not chars:
            return 1.0
        return sum(line.score * len(line.text) for line in self.lines) / chars

    @property
    def text(self) -> str:
        return page_text(self.lines)


def rows_of(page: OcrPage) -> list[dict]:
    """A page as plain rows, for the cache and the worker's channel."""
    return [asdict(line) for line in page.lines]


def page_of(rows: list[dict]) -> OcrPage:
    return OcrPage(tuple(OcrLine(**row) for row in rows))


# --- reading a page ----------------------------------------------------------------------
@functools.cache  # loading the models takes about a second: once per process
def _load_engine(threads: int):
    try:
        from rapidocr import RapidOCR

        return RapidOCR(params={
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "Global.log_level": "critical",
            "Global.use_cls": False,  # see `recognise`
        })  # fmt: skip
    except Exception as error:  # a missing wheel, a broken model file, no ONNX Runtime
        raise OcrUnavailableError("OCR", f"the engine cannot load ({error})") from error


def recognise(image: np.ndarray, threads: int = 1) -> OcrPage:
    """The lines of one page image (RGB or grey), top to bottom; a doubtful page is read
    upside down too, and the surer reading kept.

    The page is turned, not its lines: the engine's line-by-line angle classifier turned whole
    lines of upright print over and lost them (4% of a seed page at 200 and 300 dpi; without
    it the worst page reads 99.8%), while a page fed in upside down reads as doubtful."""
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    page = _read(image, threads)
    if page.confidence < LOW_CONFIDENCE:
        turned = _read(image[::-1, ::-1], threads)
        page = turned if turned.confidence > page.confidence else page
    return page


def _read(image: np.ndarray, threads: int) -> OcrPage:
    out = _load_engine(threads)(np.ascontiguousarray(image[..., ::-1]))  # OpenCV's BGR order
    if out.boxes is None or out.txts is None:
        return OcrPage(())
    lines = [
        OcrLine(text, float(box[:, 0].min()), float(box[:, 1].min()), float(box[:, 0].max()),
                float(box[:, 1].max()), float(score))
        for box, text, score in zip(np.asarray(out.boxes), out.txts, out.scores, strict=True)
        if text.strip()
    ]  # fmt: skip
    return OcrPage(tuple(sorted(lines, key=lambda line: (line.top, line.left))))


def page_text(lines: Sequence[OcrLine]) -> str:
    """A page's lines as a text layer reads: lines of one row joined, rows joined into
    paragraphs, a paragraph ending where a line ends short, or the next one starts indented or
    with a mark of the outline."""
    rows = _rows(lines)
    if not rows:
        return ""
    char = statistics.median(
        (r[-1].right - r[0].left) / max(1, sum(len(x.text) for x in r)) for r in rows
    )
    left = min(r[0].left for r in rows)
    right = max(r[-1].right for r in rows)
    out: list[str] = []
    for i, row in enumerate(rows):
        said = " ".join(x.text for x in row) if len(row) > 1 else row[0].text
        joined = i > 0 and not _ends_paragraph(rows[i - 1], row, left, right, char)
        out.append(said if joined else ("\n" if out else "") + said)
    return "".join(out)


def _rows(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into rows: a line whose middle lies within the previous row's height
    belongs to it (a table's cells, a figure read apart)."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda x: (x.top, x.left)):
        middle = (line.top + line.bottom) / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].bottom:
            rows[-1].append(line)
            rows[-1].sort(key=lambda x: x.left)
        else:
            rows.append([line])
    return rows


# the official outline's marks open a paragraph wherever the line starts (一、（一）1、（1）第X条)
_OUTLINE_MARK = re.compile(f"^{ITEM_NUMBER}")


def _ends_paragraph(
    before: list[OcrLine], row: list[OcrLine], left: float, right: float, char: float
) -> bool:
    short = before[-1].right < right - 1.5 * char
    indented = row[0].left > left + 1.0 * char
    return short or indented or bool(_OUTLINE_MARK.match(row[0].text))


# --- reading a file's pages, once ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Ocr:
    """How pages are read: where results are cached, by how many workers, with what news."""

    cache_dir: Path | None = None  # None: nothing cached
    workers: int = 0  # processes reading pages at once; 0 = one per core
    on_page: PageProgress | None = None

    def processes(self, pages: int) -> int:
        return max(1, min(pages, self.workers or os.cpu_count() or 1))


def cache_key(data: bytes) -> str:
    return hashlib.sha256(data + ENGINE.encode()).hexdigest()


def _cached(ocr: Ocr, key: str) -> dict[int, OcrPage]:
    path = ocr.cache_dir / f"{key}.json" if ocr.cache_dir else None
    if path is None or not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text("utf-8"))
        return {int(n): page_of(rows) for n, rows in raw.items()}
    except (ValueError, TypeError, KeyError):
        return {}  # a damaged cache entry is read again, not trusted


def _keep(ocr: Ocr, key: str, pages: dict[int, OcrPage]) -> None:
    if ocr.cache_dir is None:
        return
    ocr.cache_dir.mkdir(parents=True, exist_ok=True)
    path = ocr.cache_dir / f"{key}.json"
    part = path.with_suffix(f".{os.getpid()}.part")
    rows = {n: rows_of(page) for n, page in pages.items()}
    part.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    part.replace(path)  # whole or not at all: a killed write leaves no half entry


def read_pages(
    data: bytes, pages: Sequence[int], render: Callable[[bytes, int], np.ndarray], ocr: Ocr
) -> dict[int, OcrPage]:
    """OCR the given pages of a file (`render(data, n)` makes page n's image): from the cache
    when this file was read before, else by worker processes, reporting each page."""
    key = cache_key(data)
    found = _cached(ocr, key)
    todo = [n for n in pages if n not in found]
    done = len(pages) - len(todo)
    if ocr.on_page and pages:
        ocr.on_page(done, len(pages))
    if not todo:
        return {n: found[n] for n in pages}
    count = ocr.processes(len(todo))
    workers: list[Worker] = []
    idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
    pool = ThreadPoolExecutor(count, thread_name_prefix="ocr")
    finished = False
    try:
        for _ in range(count):
            workers.append(Worker(max(1, (os.cpu_count() or 1) // count)))
            idle.put(workers[-1])
        jobs = {pool.submit(_read_one, data, n, render, idle): n for n in todo}
        for job in as_completed(jobs):
            found[jobs[job]] = job.result()
            done += 1
            if ocr.on_page:  # on the caller's thread: a Streamlit bar may be drawn here
                ocr.on_page(done, len(pages))
        finished = True
    finally:  # a failed page or a stopped caller ends the reading at once
        for worker in workers:
            worker.stop(at_once=not finished)
        pool.shutdown(wait=True, cancel_futures=True)
        for worker in workers:
            worker.close()
    _keep(ocr, key, found)
    return {n: found[n] for n in pages}


_rendering = threading.Lock()  # PDFium is not thread-safe: one page is rendered at a time


def _read_one(data: bytes, n: int, render, idle: queue.SimpleQueue) -> OcrPage:
    with _rendering:
        image = render(data, n)
    worker = idle.get()
    try:
        return worker.read(image)
    finally:
        idle.put(worker)


_ROOT = Path(__file__).resolve().parents[1]  # where `ingest` is importable from


class Worker:
    """One OCR process (`python -m ingest.ocr_worker`), its engine loaded once for many pages;
    its stderr is kept to say why, should it stop."""

    def __init__(self, threads: int) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        path = os.pathsep.join(filter(None, (str(_ROOT), os.environ.get("PYTHONPATH"))))
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "ingest.ocr_worker", str(threads)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                cwd=_ROOT, env={**os.environ, "PYTHONPATH": path},
            )  # fmt: skip
        except OSError as error:  # no memory for another process, a vanished interpreter
            self._log.close()
            raise OcrUnavailableError("OCR", f"a worker cannot start ({error})") from error

    def read(self, image: np.ndarray) -> OcrPage:
        """The page's lines; ValueError for an image the engine cannot read (the worker goes
        on), OcrUnavailableError when the worker cannot answer."""
        try:
            pickle.dump(np.ascontiguousarray(image), self._process.stdin, protocol=5)
            self._process.stdin.flush()
            kind, value = pickle.load(self._process.stdout)
        except Exception:  # a closed pipe, a dead worker, a garbled reply
            raise OcrUnavailableError(
                "OCR", f"the OCR worker stopped ({self._last_words()})"
            ) from None
        if kind == "unavailable":
            raise OcrUnavailableError("OCR", value)
        if kind == "unreadable":
            raise ValueError(f"OCR cannot read the page: {value}")
        return page_of(value)

    def _last_words(self) -> str:
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it does not answer"
        if self._log.closed:
            return f"exit code {code}"
        self._log.seek(0)
        said = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return said[-1] if said else f"exit code {code}"

    def stop(self, at_once: bool = False) -> None:
        """Tells the process to end (its stdin closes: an idle worker exits), or kills it
        `at_once`, mid-page."""
        with contextlib.suppress(OSError, ValueError):  # the pipe is gone or closed already
            self._process.stdin.close()
        if at_once:
            self._process.kill()

    def close(self) -> None:
        """Ends the process (killed if it does not end within a second) and its pipes."""
        self.stop()
        try:
            self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._log.close()
