"""The 文档 (Documents) page on a copy of the seed index, through Streamlit's AppTest."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from app.engine import Engine
from app.search import search
from app.settings import Settings
from tests.filemakers import make_pdf, make_random_bytes

pytestmark = pytest.mark.integration

NEW_PLAN = (
    "临湘市教育局2021年工作计划\n"
    "一、工作目标\n"
    "全年新建公办幼儿园8所，\n"
    "新增学前教育学位2400个。\n"
    "二、主要任务\n"
    "1.招聘农村特岗教师150人。\n"
)


def documents_page() -> None:
    from ui.documents import render

    render()


@pytest.fixture
def copied(seed_index, tmp_path, monkeypatch) -> Settings:
    """Settings of a private copy of the seed index and corpus (this page writes to them)."""
    shutil.copytree(seed_index.index_dir, tmp_path / "ui-index")
    shutil.copytree(seed_index.corpus_dir, tmp_path / "ui-corpus")
    monkeypatch.setenv("EDUQA_INDEX", str(tmp_path / "ui-index"))
    monkeypatch.setenv("EDUQA_CORPUS", str(tmp_path / "ui-corpus"))
    return Settings(index_dir=tmp_path / "ui-index", corpus_dir=tmp_path / "ui-corpus")


@pytest.fixture
def page(copied) -> AppTest:
    return AppTest.from_function(documents_page, default_timeout=120).run()


def table(at: AppTest):
    return at.dataframe[0].value


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def upload(at: AppTest, name: str, data: bytes, mime: str = "application/pdf") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime))
    return button(at, "上传并加入索引").click().run()


def test_table_lists_the_five_seed_plans(page, seed_index):
    assert not page.exception
    files = sorted(table(page)["文件"])
    assert files == sorted(p.name for p in seed_index.corpus_dir.glob("*.txt"))
    assert "崇阳县2020年教育工作要点" in set(table(page)["标题"])
    assert "2019, 2020" in set(table(page)["年份"])  # a summary+plan covers both years


def test_uploaded_pdf_is_listed_and_searchable(page, copied, tmp_path, e5):
    pdf = make_pdf(tmp_path / "plan.pdf", [NEW_PLAN])
    upload(page, "临湘市2021年工作计划.pdf", pdf.read_bytes())
    assert not page.exception
    assert any("已加入：临湘市2021年工作计划.pdf" in s.value for s in page.success)
    assert len(table(page)) == 6
    assert (copied.corpus_dir / "临湘市2021年工作计划.pdf").exists()
    engine = Engine.open(copied, e5)
    try:
        hits = search(engine, "临湘市2021年新建公办幼儿园多少所？").hits
    finally:
        engine.close()
    assert hits[0].doc == "临湘市2021年工作计划.pdf"
    assert "8所" in hits[0].text


def test_refused_upload_shows_its_reason_and_leaves_the_table_unchanged(page, copied, tmp_path):
    junk = make_random_bytes(tmp_path / "junk.pdf")
    upload(page, "junk.pdf", junk.read_bytes())
    assert not page.exception
    assert len(page.error) == 1
    assert page.error[0].value.startswith("未加入 — junk.pdf: ")
    assert len(table(page)) == 5
    assert not (copied.corpus_dir / "junk.pdf").exists()


def test_upload_name_is_sanitised(page, copied, tmp_path):
    pdf = make_pdf(tmp_path / "plan.pdf", [NEW_PLAN])
    upload(page, "../../.临湘.pdf", pdf.read_bytes())
    assert not page.exception
    assert "临湘.pdf" in set(table(page)["文件"])
    assert (copied.corpus_dir / "临湘.pdf").exists()


def test_removing_asks_for_confirmation_then_removes(page, copied):
    name = page.selectbox(key="docs_selected").value
    button(page, "删除这篇文档…").click().run()
    assert name in page.warning[0].value
    assert len(table(page)) == 5  # nothing removed before the confirmation

    button(page, "确认删除").click().run()
    assert not page.exception
    assert any(f"已删除：{name}" in s.value for s in page.success)
    assert len(table(page)) == 4
    assert name not in set(table(page)["文件"])
    assert not (copied.corpus_dir / name).exists()


def test_a_system_error_while_removing_is_one_line_on_the_page(page, monkeypatch):
    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/srv/index/gen-000007")

    monkeypatch.setattr("ui.documents.remove_documents", fail)
    button(page, "删除这篇文档…").click().run()
    button(page, "确认删除").click().run()

    assert not page.exception
    assert [e.value for e in page.error] == ["/srv/index/gen-000007: Permission denied"]
    assert len(table(page)) == 5


def test_cancelled_removal_keeps_the_document(page):
    button(page, "删除这篇文档…").click().run()
    button(page, "取消").click().run()
    assert not page.warning
    assert len(table(page)) == 5


def test_metadata_edit_shows_in_the_table(page, copied):
    name = page.selectbox(key="docs_selected").value
    next(w for w in page.text_input if w.label == "地区").input("岳阳市")
    next(w for w in page.text_input if w.label == "标题").input("改过的标题")
    button(page, "保存并重新索引").click().run()
    assert not page.exception
    assert any(name in s.value and "改过的标题" in s.value for s in page.success)
    row = table(page).set_index("文件").loc[name]
    assert (row["标题"], row["地区"]) == ("改过的标题", "岳阳市")
    assert (copied.corpus_dir / f"{name}.meta.json").exists()


def test_document_text_and_passages_are_shown(page):
    assert any("<br>" in m.value for m in page.markdown)  # the cleaned text, line breaks kept
    passages = page.dataframe[1].value
    assert list(passages.columns)[:3] == ["#", "标题路径", "年份"]
    assert len(passages) > 10


def test_missing_index_offers_to_build_it(seed_index, tmp_path, monkeypatch):
    shutil.copytree(seed_index.corpus_dir, tmp_path / "fresh-corpus")
    monkeypatch.setenv("EDUQA_INDEX", str(tmp_path / "fresh-index"))
    monkeypatch.setenv("EDUQA_CORPUS", str(tmp_path / "fresh-corpus"))
    at = AppTest.from_function(documents_page, default_timeout=300).run()
    assert "5 个文件" in at.info[0].value
    button(at, "建立索引").click().run()
    assert not at.exception
    assert "索引已建立" in at.success[0].value
    assert len(table(at)) == 5


def test_empty_corpus_explains_how_to_add_documents(tmp_path, monkeypatch):
    at = AppTest.from_function(documents_page, default_timeout=60).run()
    assert "make build" in at.info[0].value
    assert at.file_uploader
