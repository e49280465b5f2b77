"""Comparisons asked in the ask box, on the real seed index with the real model: one cited
line per year, a summary that holds every figure, and a year the corpus lacks said so."""

from __future__ import annotations

import pytest

from app.answer import answer, answer_markdown
from app.comparison import SUMMARY_CHARS

pytestmark = pytest.mark.integration


def test_two_years_of_one_plan_are_compared_with_each_figure_cited(seed_engine) -> None:
    ans = answer(seed_engine, "怀化市2019年和2020年新增学位各多少？")

    assert ans.found
    assert ans.text == "怀化市2019年 4.07万个 → 怀化市2020年 2.86万个以上，减少1.21万个"
    assert [(ln.hit.year, ln.span.doc) for ln in ans.lines] == [
        (2019, "003_74b69ab3a17d35dc.txt"), (2020, "003_74b69ab3a17d35dc.txt")
    ]  # fmt: skip
    text = seed_engine.index.document_text(ans.lines[0].hit.doc_id)
    for line, figure in zip(ans.lines, ("4.07万个", "2.86万个"), strict=True):
        assert text[line.span.start : line.span.end] == line.text and figure in line.text
    assert len(ans.to_dict()["answer"]) <= SUMMARY_CHARS
    assert f"**答案**：{ans.text}" in answer_markdown(ans)  # the export holds the summary


def test_a_year_the_corpus_lacks_is_said_so_not_dropped(seed_engine) -> None:
    ans = answer(seed_engine, "崇阳县2020年和2021年教师招聘目标有什么变化？")

    assert "崇阳县2021年 语料中没有这一年（地）的文件" in ans.text
    assert [ln.hit.year for ln in ans.lines] == [2020]


def test_a_question_about_one_plan_is_no_comparison(seed_engine) -> None:
    ans = answer(seed_engine, "崇阳县2020年教师招聘目标是多少？")

    assert ans.compared == ()
    assert ans.found and "200人" in ans.text
