"""Extractive answers from given passages (no model): statement choice, figures, near misses."""

from __future__ import annotations

import pytest

from app.answer import answer_from
from app.query import analyse
from app.search import Hit, SearchResult
from index.filters import Filters


def hit(text: str, section: tuple[str, ...] = (), score: float = 1.0, start: int = 100) -> Hit:
    return Hit(
        doc="plan.txt",
        doc_id="d1",
        title="某县2020年教育工作要点",
        year=2020,
        region="某县",
        kind="target",
        section=section,
        start=start,
        end=start + len(text),
        text=text,
        score=score,
    )


def result(
    question: str, *hits: Hit, in_scope: bool = True, rare: str | None = None
) -> SearchResult:
    """A search result of given passages; `rare` is the question word the corpus has least."""
    intent = analyse(question, ())
    weights = tuple(3.0 if rare in g else 1.0 for g in intent.groups)
    key = next((i for i, g in enumerate(intent.groups) if rare in g), None)
    return SearchResult(question, intent, Filters(), in_scope, hits, weights, key)


def test_quantity_question_gets_the_clause_with_the_figure_and_its_exact_span():
    passage = hit(
        "12、抓好教师招聘引进。推进教师交流任教。招录义务段教师200人,招录公办幼儿教师30人。",
        section=("四、提升教师队伍治理能力", "12、抓好教师招聘引进"),
    )
    ans = answer_from(result("教师招聘目标是多少人？", passage))
    assert ans.found
    assert "200人" in ans.text and len(ans.text) <= 100
    assert ans.span.start == passage.start + passage.text.index(ans.text)
    assert ans.span.end - ans.span.start == len(ans.text)


def test_a_bare_heading_is_never_the_answer():
    passage = hit(
        "4.推进教师培训机制改革。开展全员培训。成立教师发展中心。",
        section=("4.推进教师培训机制改革",),
    )
    ans = answer_from(result("推进教师培训机制改革要成立什么机构？", passage))
    assert ans.text != "4.推进教师培训机制改革"
    assert "成立教师发展中心" in ans.text


def test_figure_about_something_else_is_a_near_miss_not_an_answer():
    passage = hit("高考二本以上上线人数不少于1900人,一本上线率和名校录取人数实现新突破。")
    assert not answer_from(result("高考一本上线多少人？", passage, rare="一本")).found
    assert answer_from(result("高考二本以上上线多少人？", passage, rare="二本")).found


def test_quantity_question_without_any_figure_in_the_passages_is_not_found():
    passage = hit("进一步加强全县名师工作室、学科中心组建设,发挥示范引领作用。")
    assert not answer_from(result("要建多少个名师工作室？", passage)).found


def test_out_of_scope_result_is_never_an_answer():
    passage = hit("三年学前教育毛入园率达到85%以上。")
    assert not answer_from(
        result("三年学前教育毛入园率要达到多少？", passage, in_scope=False)
    ).found


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (
            "把2016年定为什么年？",
            "队伍建设:2016年为教师队伍建设年,全年组织各类培训3000人次以上。",
            "教师队伍建设年",
        ),
        (
            "以什么为主题？",
            "以推进教育内涵发展为中心,以“家园行动”为主题,以提升队伍素质为重点。",
            "家园行动",
        ),
    ],
)
def test_named_answers_are_found_by_their_category(question, text, expected):
    ans = answer_from(result(question, hit(text)))
    assert ans.found and expected in ans.text


def test_answer_to_dict_follows_the_output_contract():
    passage = hit("三年学前教育毛入园率达到85%以上。", section=("二、工作目标", "学前教育"))
    data = answer_from(result("三年学前教育毛入园率要达到多少？", passage)).to_dict()
    assert data["found"] is True and "85%以上" in data["answer"]
    assert data["citation"]["doc"] == "plan.txt"
    assert data["citation"]["section"] == "二、工作目标 › 学前教育"
    assert set(data["hits"][0]) >= {"doc", "text", "score", "start", "end", "title", "year",
                                    "region", "section"}  # fmt: skip
