"""Scanned plans read by OCR with the real engine (the PP-OCR models of the `rapidocr` wheel):
a scanned PDF and a page photo become text with their outline, are indexed and answered; a
rebuild reads no page again; a corrupt scan is refused with nothing else lost; without the
engine, scans are refused with that reason and text still loads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import ingest.ocr
from app.answer import answer
from app.cli import cli
from app.corpus import add_files, build
from app.engine import Engine
from app.settings import Settings
from ingest.chunking import ChunkSettings
from ingest.errors import OcrUnavailableError, ScannedPdfError
from ingest.loaders import load_file
from ingest.ocr import Ocr
from ingest.pipeline import read_document
from tests.filemakers import cjk_font, make_scan_pdf, make_text_file, scanned_pages
from tests.sample_plans import CHONGYANG

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(cjk_font() is None, reason="no CJK font to print a scan with"),
]

PLAN = (
    "湘乡市2019年教育工作要点\n"
    "一、办学条件\n"
    "1、新建改扩建城区学校3所，新增学位2400个，完成农村薄弱学校改造项目16个。\n"
    "二、教师队伍\n"
    "2、公开招聘中小学教师150名，其中农村特岗教师60名。\n"
    "3、组织教师全员培训，培训教师4800人次。\n"
    "三、教育质量\n"
    "4、学前三年毛入园率达到88%以上，高考本科上线人数力争突破3000人。\n"
)


def test_a_scanned_pdf_reads_like_a_text_layer_with_its_outline(tmp_path: Path) -> None:
    scan = make_scan_pdf(tmp_path / "scan.pdf", PLAN, lines_per_page=6)
    pages: list[tuple[int, int]] = []

    doc = read_document(
        scan, ChunkSettings(), ocr=Ocr(tmp_path / "ocr", 0, lambda d, n: pages.append((d, n)))
    )

    lines = doc.text.split("\n")
    assert "一、办学条件" in lines and "二、教师队伍" in lines  # headings on their own lines
    assert "2、公开招聘中小学教师150名,其中农村特岗教师60名。" in lines
    assert (doc.meta.region, doc.meta.year) == ("湘乡市", 2019)
    assert any(c.section[:1] == ("二、教师队伍",) and "150名" in c.text for c in doc.chunks)
    assert pages[-1] == (2, 2) and len(pages) == 3  # page progress: 0, 1 and 2 of 2 read


def test_a_page_scanned_upside_down_is_read_turned() -> None:
    page = np.asarray(scanned_pages(PLAN, lines_per_page=4)[1].rotate(180))

    read = ingest.ocr.recognise(page)

    assert "公开招聘中小学教师150名" in read.text and read.confidence > ingest.ocr.LOW_CONFIDENCE


def test_a_file_read_before_is_not_read_again(tmp_path: Path, monkeypatch) -> None:
    scan = make_scan_pdf(tmp_path / "scan.pdf", PLAN, lines_per_page=6)
    first = load_file(scan, Ocr(tmp_path / "ocr"))

    def never(*_args, **_kwargs):
        raise AssertionError("a cached page was read again")

    monkeypatch.setattr(ingest.ocr, "Worker", never)
    pages: list[tuple[int, int]] = []
    again = load_file(scan, Ocr(tmp_path / "ocr", on_page=lambda d, n: pages.append((d, n))))

    assert again.text == first.text and again.ocr == first.ocr
    assert pages == [(2, 2)]  # every page from the cache at once
    assert [page for page, _ in first.ocr] == [1, 2] and min(c for _, c in first.ocr) > 0.9


def test_a_page_photo_is_indexed_and_answered_and_a_rebuild_reads_it_once(
    tmp_path: Path, e5, monkeypatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (photo,) = scanned_pages(PLAN, lines_per_page=40, skew=1.5, noise=True)
    photo.save(corpus / "xiangxiang.jpg", quality=60)
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, ocr_cache=tmp_path / "ocr")

    report = build(settings, e5)

    assert not report.refused, report.refused
    engine = Engine.open(settings, e5)
    ans = answer(engine, "湘乡2019年公开招聘多少中小学教师？")
    (doc,) = engine.index.documents()
    engine.close()
    assert ans.found and "150名" in ans.text
    assert [page for page, _ in doc.ocr] == [1] and doc.source_format == "image"
    assert doc.doubtful_pages == () and doc.ocr[0][1] > 0.9  # a clear photo

    monkeypatch.setattr(ingest.ocr, "Worker", None)  # any reading now fails
    again = build(settings, e5, rebuild=True)
    assert not again.refused and again.result.added == ("xiangxiang.jpg",)


def test_page_photos_added_as_one_plan_are_one_document_in_page_order(tmp_path: Path) -> None:
    first, second = scanned_pages(PLAN, lines_per_page=5)
    second.save(tmp_path / "p10.png")  # named so that a plain sort would put it first
    first.save(tmp_path / "p2.png")
    env = {"EDUQA_INDEX": str(tmp_path / "index"), "EDUQA_CORPUS": str(tmp_path / "corpus"),
           "EDUQA_OCR_CACHE": str(tmp_path / "ocr")}  # fmt: skip

    added = CliRunner().invoke(
        cli, ["add", "--one-plan", "xiangxiang", str(tmp_path / "p10.png"),
              str(tmp_path / "p2.png")], env=env)  # fmt: skip
    asked = CliRunner().invoke(cli, ["ask", "--json", "湘乡2019年培训教师多少人次？"], env=env)

    assert added.exit_code == 0, added.output
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == ["xiangxiang.pdf"]
    said = json.loads(asked.stdout)
    assert said["citation"]["doc"] == "xiangxiang.pdf" and "4800人次" in said["answer"]
    text = read_document(tmp_path / "corpus" / "xiangxiang.pdf", ChunkSettings(),
                         ocr=Ocr(tmp_path / "ocr")).text  # fmt: skip
    assert text.index("湘乡市2019年教育工作要点") < text.index("4800人次")  # p2 before p10


def test_a_broken_photo_of_one_plan_is_refused_by_name_and_nothing_is_added(
    tmp_path: Path,
) -> None:
    (page,) = scanned_pages(PLAN, lines_per_page=40)
    page.save(tmp_path / "p1.png")
    (tmp_path / "p2.jpg").write_bytes((tmp_path / "p1.png").read_bytes()[:3000])  # cut short
    env = {"EDUQA_INDEX": str(tmp_path / "index"), "EDUQA_CORPUS": str(tmp_path / "corpus")}

    added = CliRunner().invoke(
        cli, ["add", "--one-plan", "plan", str(tmp_path / "p1.png"), str(tmp_path / "p2.jpg")],
        env=env)  # fmt: skip

    assert added.exit_code == 1 and "Traceback" not in added.output
    assert "error: p2.jpg: cannot read image" in added.stderr
    assert not (tmp_path / "index" / "CURRENT").exists()
    corpus = tmp_path / "corpus"
    assert not corpus.exists() or not any(corpus.iterdir())


def test_a_corrupt_scan_is_refused_with_its_reason_and_nothing_else_is_lost(
    tmp_path: Path, e5
) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus",
                        ocr_cache=tmp_path / "ocr")  # fmt: skip
    good = make_text_file(tmp_path / "chongyang.txt", CHONGYANG)
    add_files(settings, e5, [good])
    (page,) = scanned_pages(PLAN, lines_per_page=40)
    page.save(tmp_path / "cut.png")
    cut = tmp_path / "cut.png"
    cut.write_bytes(cut.read_bytes()[:5000])  # a photo whose upload broke off

    report = add_files(settings, e5, [cut])

    (refusal,) = report.refused
    assert "cut.png" in str(refusal) and "cannot read image" in str(refusal)
    engine = Engine.open(settings, e5)
    assert [d.file_name for d in engine.index.documents()] == ["chongyang.txt"]
    engine.close()
    assert not (settings.corpus_dir / "cut.png").exists()


def test_without_the_engine_scans_are_refused_with_the_reason_and_text_still_loads(
    tmp_path: Path, monkeypatch
) -> None:
    broken = tmp_path / "site" / "rapidocr"  # a broken install, as the worker processes see it
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError(\"no module named 'onnxruntime'\")\n")
    monkeypatch.setenv("PYTHONPATH", str(broken.parent))
    scan = make_scan_pdf(tmp_path / "scan.pdf", PLAN, lines_per_page=40)

    with pytest.raises(ScannedPdfError) as refused:
        load_file(scan, Ocr(workers=1))

    assert "scan.pdf" in str(refused.value)
    assert "scanned pages need OCR, and the engine cannot load" in str(refused.value)
    assert "onnxruntime" in str(refused.value)
    assert "150名" in load_file(make_text_file(tmp_path / "plan.txt", PLAN)).text


def test_a_stopped_reading_ends_its_workers_and_a_dead_worker_is_named(
    tmp_path: Path, monkeypatch
) -> None:
    started: list[ingest.ocr.Worker] = []

    class Counted(ingest.ocr.Worker):
        def __init__(self, threads: int) -> None:
            super().__init__(threads)
            started.append(self)

    def stop(done: int, _total: int) -> None:
        if done:
            raise KeyboardInterrupt  # the user left the page after the first page was read

    monkeypatch.setattr(ingest.ocr, "Worker", Counted)
    scan = make_scan_pdf(tmp_path / "scan.pdf", PLAN, lines_per_page=3)

    with pytest.raises(KeyboardInterrupt):
        load_file(scan, Ocr(workers=2, on_page=stop))

    assert len(started) == 2
    assert all(worker._process.poll() is not None for worker in started)  # none left running

    dead = ingest.ocr.Worker(1)
    dead._process.kill()
    with pytest.raises(OcrUnavailableError, match="the OCR worker stopped"):
        dead.read(np.zeros((32, 32, 3), np.uint8))
    dead.close()


def test_a_page_the_engine_cannot_read_is_refused_and_the_worker_goes_on() -> None:
    worker = ingest.ocr.Worker(1)
    try:
        with pytest.raises(ValueError, match="OCR cannot read the page"):
            worker.read(np.zeros((0, 0, 3), np.uint8))
        page = worker.read(np.asarray(scanned_pages(PLAN, lines_per_page=4)[1]))
    finally:
        worker.close()

    assert "公开招聘中小学教师150名" in page.text
