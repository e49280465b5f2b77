"""The web app end to end: a real `streamlit run` on the seed index, driven in Chromium.

Tests run in file order: the upload test adds a document to the app's (private) index.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.evaluate import evaluate, load_qa
from tests.conftest import DEV_QA, ROOT
from tests.filemakers import cjk_font, make_pdf, make_scan_pdf, scanned_pages

from .harness import (
    CHROMIUM_MISSING,
    LONG_TIMEOUT,
    ask,
    chromium_path,
    open_page,
    run_evaluation,
    table_rows,
    targets,
    upload,
    wait_idle,
)

# Also `integration`: the app loads the real model, so `make test-fast` leaves these out.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.skipif(chromium_path() is None, reason=CHROMIUM_MISSING),
]

PLANS = ROOT / "tests" / "data" / "plans"
SCANNED_PLAN = (
    "湘乡市2019年教育工作要点\n一、办学条件\n"
    "1、新建改扩建城区学校3所，新增学位2400个，完成农村薄弱学校改造项目16个。\n"
    "二、教师队伍\n2、公开招聘中小学教师150名，其中农村特岗教师60名。\n"
    "3、组织教师全员培训，培训教师4800人次。\n三、教育质量\n"
    "4、学前三年毛入园率达到88%以上，高考本科上线人数力争突破3000人。\n"
)
LILING_PLAN = (
    "醴陵市2019年教育工作要点\n"
    "一、办学条件\n"
    "1、新建改扩建城区学校3所，新增学位2400个。\n"
    "2、完成农村薄弱学校改造项目16个。\n"
    "二、教师队伍\n"
    "3、公开招聘中小学教师150名，其中农村特岗教师60名。\n"
    "4、组织教师全员培训，培训教师4800人次。"
)


def test_question_without_region_is_answered_from_chongyang_plan_with_highlight(
    page: Page, app_url: str
):
    open_page(page, app_url)
    ask(page, "2020年教师招聘目标是多少")

    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("200人")
    expect(page.get_by_role("main")).to_contain_text("崇阳县2020年教育工作要点")
    expect(page.locator("mark").filter(has_text="200人").first).to_be_visible()


def test_targets_table_is_filtered_and_charted_in_the_browser(page: Page, app_url: str):
    open_page(page, app_url, "compare")
    targets(page, "入园率")

    panel = page.get_by_role("tabpanel", name="指标表")
    rows = table_rows(panel.get_by_test_id("stDataFrame").first)
    assert sorted((r["年份"], r["数值"]) for r in rows) == [
        ("2011", "83"),
        ("2011", "95"),
        ("2016", "85"),
        ("2016", "99"),
    ]
    expect(panel.get_by_test_id("stVegaLiteChart")).to_be_visible()
    expect(panel.get_by_role("button", name="下载 Excel")).to_be_visible()


def test_evaluation_of_dev_set_shows_the_numbers_the_library_computes(
    page: Page, app_url: str, seed_engine
):
    """Runs before the upload test: the app's index is then the seed index the library scores."""
    expected = evaluate(seed_engine, DEV_QA, "hybrid")
    open_page(page, app_url, "evaluation")
    run_evaluation(page)

    tables = page.get_by_test_id("stDataFrame")
    expect(tables.first).to_be_visible()
    rows = table_rows(tables.first)
    overall = next(row for row in rows if row["题型"] == "全部")
    assert int(overall["题数"]) == len(load_qa(DEV_QA))
    for label, metric in (
        ("召回@5", "recall@5"),
        ("MRR@10", "mrr@10"),
        ("答案准确率", "answer_accuracy"),
        ("无答案准确率", "unanswerable_accuracy"),
    ):
        assert overall[label] == f"{expected.overall[metric]:.3f}", (label, overall)
    reliability = table_rows(tables.nth(1))
    assert sum(int(r["题数"]) for r in reliability) == sum(
        b.questions for b in expected.confidence.reliability
    )
    expect(page.get_by_role("main")).to_contain_text(f"AUC {expected.confidence.auc:.3f}")


def test_a_question_in_everyday_words_is_answered_with_its_figure_marked(page: Page, app_url: str):
    open_page(page, app_url)
    ask(page, "平江县2016年职高那边计划收多少学生？")

    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("2600人")
    expect(page.get_by_role("main")).to_contain_text("置信度")
    expect(page.locator("mark").filter(has_text="2600人").first).to_be_visible()


def test_a_comparison_shows_the_summary_the_lines_and_each_years_figure_marked(
    page: Page, app_url: str
):
    open_page(page, app_url)
    ask(page, "怀化市2019年和2020年新增学位各多少？")

    summary = page.get_by_test_id("stAlertContentSuccess")
    expect(summary).to_contain_text("怀化市2019年 4.07万个 → 怀化市2020年 2.86万个以上")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    for figure in ("4.07万个", "2.86万个以上"):  # each in its own cited passage
        expect(page.locator("mark").filter(has_text=figure).first).to_be_visible()


def test_uploaded_pdf_is_listed_and_its_figures_are_answered(page: Page, app_url: str, tmp_path):
    pdf = make_pdf(tmp_path / "醴陵市2019年教育工作要点.pdf", [LILING_PLAN])

    open_page(page, app_url, "documents")
    upload(page, pdf)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"已加入：{pdf.name}")
    listed = table_rows(page.get_by_test_id("stDataFrame").first)
    row = next((row for row in listed if row["文件"] == pdf.name), None)
    assert row is not None, listed
    assert row["标题"] == "醴陵市2019年教育工作要点"
    assert (row["年份"], row["地区"]) == ("2019", "醴陵市")

    open_page(page, app_url)
    ask(page, "醴陵市2019年计划新增多少个学位？")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("2400个")
    expect(page.get_by_role("main")).to_contain_text("醴陵市2019年教育工作要点")
    expect(page.locator("mark").filter(has_text="2400个").first).to_be_visible()


def test_a_follow_up_is_answered_from_the_next_years_plan_under_its_understanding(
    page: Page, app_url: str, tmp_path
):
    plan = tmp_path / "cy2021.txt"  # a short name: the uploader shows long ones cut
    plan.write_bytes((PLANS / "chongyang_2021_points.txt").read_bytes())
    open_page(page, app_url, "documents")
    upload(page, plan)
    open_page(page, app_url)
    ask(page, "崇阳县2020年计划招录多少义务段教师？")
    ask(page, "那2021年呢？")

    turns = page.get_by_test_id("stChatMessage")
    expect(turns).to_have_count(4)
    last = turns.nth(3)
    expect(last).to_contain_text("崇阳县2021年计划招录多少义务段教师？")  # the understanding
    expect(last.get_by_test_id("stAlertContentSuccess")).to_contain_text("180人")
    expect(turns.nth(1).get_by_test_id("stAlertContentSuccess")).to_contain_text("200人")
    expect(last.get_by_test_id("stCaptionContainer").first).to_contain_text("崇阳县2021年")
    expect(last.locator("mark").filter(has_text="180人").first).to_be_visible()  # 2021's alone

    page.get_by_role("button", name="新对话").click()
    expect(turns).to_have_count(0)


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font to print a scan with")
def test_a_scanned_pdf_is_read_page_by_page_and_answered_from_its_third_page(
    page: Page, app_url: str, tmp_path
):
    scan = make_scan_pdf(tmp_path / "xx2019.pdf", SCANNED_PLAN, lines_per_page=3)  # 3 pages
    open_page(page, app_url, "documents")
    uploader = page.get_by_test_id("stFileUploader")
    uploader.locator('input[type="file"]').set_input_files(scan)
    expect(uploader).to_contain_text(scan.name)
    page.get_by_role("button", name="上传并加入索引").click()
    # the bar counts the pages OCR reads
    expect(page.get_by_text(re.compile(r"OCR 识别 xx2019\.pdf：第 \d/3 页")).first).to_be_visible(
        timeout=LONG_TIMEOUT
    )
    wait_idle(page, LONG_TIMEOUT)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"已加入：{scan.name}")

    open_page(page, app_url)
    ask(page, "湘乡2019年学前三年毛入园率要达到多少？")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("88%以上")
    expect(page.locator("mark").filter(has_text="88%").first).to_be_visible()
    page.get_by_role("button", name="在文档中查看").first.click()
    document = page.frame_locator("iframe").first
    expect(document.locator("mark")).to_contain_text("88%")  # the OCR text, marked
    expect(document.locator("body")).to_contain_text("三、教育质量")


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font to print a scan with")
def test_page_photos_uploaded_as_one_plan_become_one_document(page: Page, app_url: str, tmp_path):
    photos = []
    plan = SCANNED_PLAN.replace("湘乡市2019", "湘潭县2020")  # another plan: not a duplicate
    for n, photo in enumerate(scanned_pages(plan, lines_per_page=4)[:2], 1):
        photo.save(tmp_path / f"xy-p{n}.jpg", quality=85)
        photos.append(tmp_path / f"xy-p{n}.jpg")
    open_page(page, app_url, "documents")
    page.get_by_test_id("stFileUploader").locator('input[type="file"]').set_input_files(photos)
    page.get_by_text("图片是同一份计划的各页").click()
    page.get_by_role("button", name="上传并加入索引").click()
    wait_idle(page, LONG_TIMEOUT)

    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("已加入：xy-p1.pdf")
    expect(page.get_by_test_id("stAlertContentSuccess")).not_to_contain_text("xy-p2")
