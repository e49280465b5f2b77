"""The 对比 and 评测 pages through Streamlit's AppTest, on a copy of the seed index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.integration


def compare_page() -> None:
    from ui.compare import render

    render()


def evaluation_page() -> None:
    from ui.evaluation import render

    render()


@pytest.fixture
def seed_copy(seed_index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed index and corpus copied, so a page can never change the shared ones."""
    shutil.copytree(seed_index.index_dir, tmp_path / "index")
    shutil.copytree(seed_index.corpus_dir, tmp_path / "corpus")
    monkeypatch.setenv("EDUQA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("EDUQA_CORPUS", str(tmp_path / "corpus"))
    return tmp_path


def test_compare_shows_region_groups_with_highlighted_passages(seed_copy) -> None:
    at = AppTest.from_function(compare_page, default_timeout=120).run()
    at.text_input(key="compare_topic").input("大班额").run()

    assert not at.exception
    assert not at.error
    topic_tab = at.tabs[0]
    assert [h.value for h in topic_tab.subheader] == [
        "崇阳县",
        "怀化市",
        "平江县",
        "攸县",
        "指标走势",
    ]
    assert any("📊 **城区大班额**：16 % (以内)" in m.value for m in topic_tab.markdown)
    passages = [m.value for m in at.markdown if "<mark>大班额</mark>" in m.value]
    assert 4 <= len(passages) <= 8  # at most two per plan
    assert any("崇阳县2020年教育工作要点" in m.value for m in at.markdown)


def test_an_example_topic_button_fills_the_topic(seed_copy) -> None:
    at = AppTest.from_function(compare_page, default_timeout=120).run()
    at.button(key="compare_example_教师招聘").click().run()

    assert at.text_input(key="compare_topic").value == "教师招聘"
    assert any("<mark>" in m.value for m in at.markdown)


def test_compare_says_so_when_no_plan_names_the_topic(seed_copy) -> None:
    at = AppTest.from_function(compare_page, default_timeout=120).run()
    at.text_input(key="compare_topic").input("人工智能实验室").run()

    assert "人工智能实验室" in at.tabs[0].info[0].value
    assert not at.tabs[0].subheader


def test_targets_tab_filters_exports_and_charts_an_indicator(seed_copy) -> None:
    at = AppTest.from_function(compare_page, default_timeout=120).run()
    tab = at.tabs[1]
    everything = tab.dataframe[0].value
    assert len(everything) > 100

    tab.text_input(key="targets_indicator").input("入园率").run()

    tab = at.tabs[1]
    frame = tab.dataframe[0].value
    assert sorted(zip(frame["年份"], frame["数值"], strict=True)) == [
        (2011, 83),
        (2011, 95),
        (2016, 85),
        (2016, 99),
    ]
    assert {b.label for b in tab.get("download_button")} == {"下载 CSV", "下载 Excel"}
    assert tab.selectbox(key="targets_chart").value.startswith("学前一年入园率")
    assert tab.get("vega_lite_chart")


def test_a_merge_on_the_targets_tab_is_saved_beside_the_corpus(seed_copy) -> None:
    at = AppTest.from_function(compare_page, default_timeout=120).run()
    at.multiselect(key="groups_merge").set_value(["招录义务段教师", "公开招聘和人才引进教师"]).run()
    at.button(key="groups_merge_button").click().run()

    assert not at.exception
    saved = json.loads((seed_copy / "corpus" / "indicator_groups.json").read_text("utf-8"))
    assert saved["merged"] == [["招录义务段教师", "公开招聘和人才引进教师"]]
    at.tabs[1].text_input(key="targets_indicator").input("招录义务段教师").run()
    assert len(at.tabs[1].dataframe[0].value) == 2


def test_diff_tab_shows_changed_figures_and_aligned_sections(seed_copy) -> None:
    at = AppTest.from_function(compare_page, default_timeout=120).run()
    at.selectbox(key="diff_old").set_value("002_da9a2d427325ff29.txt").run()
    at.selectbox(key="diff_new").set_value("000_6e8b3975040a17d5.txt").run()

    tab = at.tabs[2]
    assert not at.exception
    figures = tab.dataframe[0].value
    changed = figures[figures["变化"] == "数值改变"]
    assert list(zip(changed["A"], changed["B"], strict=True)) == [("95 % (以上)", "99 % (以上)")]
    titles = [e.label for e in tab.expander]
    assert any(
        "30.推进人事制度改革 ⇒" in title and "4.深化人事制度改革" in title for title in titles
    )


def qa_file(tmp_path: Path) -> Path:
    items = [
        {"id": "ok-1", "question": "崇阳县2020年教师招聘目标是多少？", "answers": ["200人"],
         "doc": "004_3048a19dee19119f.txt", "evidence": ["招录义务段教师200人"],
         "type": "number", "year": 2020, "region": "崇阳县"},
        {"id": "ok-2", "question": "平江县2016年三年学前教育毛入园率要达到多少？",
         "answers": ["85%以上"], "doc": "000_6e8b3975040a17d5.txt",
         "evidence": ["三年学前教育毛入园率达到85%以上"], "type": "number", "year": 2016,
         "region": "平江县"},
        # deliberately wrong: the plan says 200人, and the evidence is in no plan
        {"id": "wrong-1", "question": "崇阳县2020年教师招聘目标是多少？", "answers": ["999人"],
         "doc": "004_3048a19dee19119f.txt", "evidence": ["招录义务段教师999人"],
         "type": "number", "year": 2020, "region": "崇阳县"},
    ]  # fmt: skip
    path = tmp_path / "qa_tiny.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    return path


def run_evaluation(at: AppTest, path: Path, mode: str = "hybrid") -> AppTest:
    at.text_input(key="eval_path").input(str(path))
    at.selectbox(key="eval_mode").select(mode)
    return at.button[0].click().run()


def test_evaluation_shows_metrics_and_what_was_retrieved_for_a_missed_question(
    seed_copy,
) -> None:
    at = AppTest.from_function(evaluation_page, default_timeout=120).run()
    run_evaluation(at, qa_file(seed_copy))

    assert not at.exception
    assert not at.error
    table = at.dataframe[0].value
    assert list(table["题型"]) == ["全部", "数值", "中文提问"]
    assert list(table["题数"]) == [3, 3, 3]
    assert table["答案准确率"][0] == "0.667"
    missed = [e.label for e in at.expander]
    assert len(missed) == 1 and missed[0].startswith("wrong-1")
    shown = [m.value for m in at.expander[0].markdown]
    assert any("999人" in v for v in shown)  # expected
    assert any("200人" in v for v in shown)  # given, and among the retrieved passages
    assert len(at.expander[0].caption) == 3  # the top 3 retrieved passages


def test_evaluation_in_all_modes_has_a_row_per_mode_and_type(seed_copy) -> None:
    at = AppTest.from_function(evaluation_page, default_timeout=120).run()
    run_evaluation(at, qa_file(seed_copy), mode="all")

    table = at.dataframe[0].value
    assert len(table) == 9  # three modes × (all, number, asked in Chinese)
    assert len(set(table["检索方式"])) == 3


def test_a_malformed_qa_file_is_named_with_its_line(seed_copy) -> None:
    bad = seed_copy / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q"}\n{"id": "b"}\n', encoding="utf-8")
    at = AppTest.from_function(evaluation_page, default_timeout=120).run()
    run_evaluation(at, bad)

    assert f"{bad}:2" in at.error[0].value
    assert not at.dataframe


def test_a_missing_qa_file_says_what_to_do(seed_copy) -> None:
    at = AppTest.from_function(evaluation_page, default_timeout=120).run()
    run_evaluation(at, seed_copy / "nothing.jsonl")

    assert "nothing.jsonl" in at.error[0].value
