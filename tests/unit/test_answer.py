"""The question path without a model: candidate spans, composition, the JSON contract, and the
shipped fitted models applied to passages whose answer (or near miss) is plain."""

from __future__ import annotations

import re

import pytest

from app.answer import Answer, compose
from app.candidates import extract
from app.decide import Decision, decide
from app.hits import Hit, SearchResult
from app.query import analyse
from app.spans import figures, trimmed
from index.filters import Filters


def hit(text: str, section: tuple[str, ...] = (), start: int = 100, vid: int = 1) -> Hit:
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
        score=0.9,
        dense=0.9,
        vid=vid,
    )


def result(question: str, *hits: Hit, in_scope: bool = True) -> SearchResult:
    return SearchResult(analyse(question), Filters(), in_scope, hits)


def spans(question: str, text: str, kind: str) -> list[str]:
    return [c.text for c in extract(analyse(question), (hit(text),)) if c.kind == kind]


def test_a_figure_is_cut_with_its_own_list_item_not_its_neighbours():
    text = "县内高中招生8100人以上,其中普高5500人、职高2600人(含非全日制)。"
    found = spans("职高那边计划收多少学生？", text, "figure")
    assert "职高2600人" in found
    assert "县内高中招生8100人以上" in found


def test_a_figure_question_competes_only_among_figures():
    kinds = {c.kind for c in extract(analyse("招聘教师多少人？"), (hit("公开招聘教师240人。"),))}
    assert kinds == {"figure"}


def test_what_a_figure_counts_after_it_belongs_to_the_figure():
    found = spans("能多出多少学位？", "该校设计规模54个班,新增学位2520个。", "figure")
    assert found == ["该校设计规模54个班", "新增学位2520个"]


@pytest.mark.parametrize(
    ("question", "text", "kind", "expected"),
    [
        ("把2016年定为什么年？", "2016年为教师队伍建设年,全年培训。", "year", "教师队伍建设年"),
        ("以什么为主题？", "以“家园行动”为主题,以提升队伍素质为重点。", "quoted", "家园行动"),
        ("出台了什么文件？", "出台《某县教师交流办法》,推进轮岗。", "title", "某县教师交流办法"),
        ("由哪个部门牵头？", "由县教育局牵头,县财政局配合,完成规划编制。", "lead", "县教育局"),
        ("有哪几所学校？", "重点抓好通城一中、通城二中、通城三中备考。", "list",
         "通城一中、通城二中、通城三中"),
        ("要赶着建哪几所学校？", "加快推进醴陵市第二中学新校区、城南学校、西山学校建设。",
         "list", "醴陵市第二中学新校区、城南学校、西山学校建设"),
        ("还出哪几块专项规划？", "印发学前教育、义务教育、普通高中、职业教育4个专项规划。",
         "list", "印发学前教育、义务教育、普通高中、职业教育"),  # 4 items: 4个 counts them
        ("补充哪几科的老师？", "补充数学、英语、物理教师120人。",  # 120 counts no items
         "list", "补充数学、英语、物理教师120人"),
        ("文号是多少？", "出台《某县义务教育优质均衡实施方案》(某政办发〔2020〕11号)。",
         "docno", "某政办发〔2020〕11号"),
    ],
)  # fmt: skip
def test_names_are_candidates_without_their_quotes_and_lead_in(question, text, kind, expected):
    assert expected in spans(question, text, kind)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10月举办全县第十二届中小学生田径运动会。", "第十二届"),  # an ordinal in words
        ("储备口罩60万只、消毒液25吨。", "60万只"),
        ("体育科目分值由50分提高到60分。", "60分"),
        ("印发通知的日期是2020年3月11日。", "2020年3月11日"),  # a date, not 3月
    ],
)
def test_ordinals_dates_and_everyday_units_are_figures(text, expected):
    assert any(f.endswith(expected) for f in spans("有多少？", text, "figure"))


@pytest.mark.parametrize("text", ["这项工作十分重要。", "一部分学校已完成。", "二期工程开工。"])
def test_words_that_merely_hold_a_numeral_are_not_figures(text):
    assert spans("有多少？", text, "figure") == []


def test_an_items_own_number_is_neither_part_of_a_statement_nor_a_figure_anywhere():
    text = "一、总体目标。\n2、新建学校3所。\n(三)招聘教师120人。"
    starts = [m.start() for m in re.finditer(r"2、|\(三\)", text)]

    assert [text[slice(*trimmed(text, s, text.index("。", s) + 1))] for s in starts] == [
        "新建学校3所。", "招聘教师120人。",
    ]  # fmt: skip
    assert [text[f.start : f.end] for f in figures(text, starts[0])] == ["3所", "120人"]


def test_candidate_offsets_are_exact_spans_of_the_passage():
    passage = hit("12、抓好教师招聘引进。招录义务段教师200人,招录公办幼儿教师30人。")
    for c in extract(analyse("教师招聘多少人？"), (passage,)):
        assert passage.text[c.start : c.end] == c.text


def test_out_of_scope_results_have_no_candidates_and_no_answer():
    passage = hit("三年学前教育毛入园率达到85%以上。")
    decision = decide(result("三年学前教育毛入园率要达到多少？", passage, in_scope=False))
    assert decision.best is None and not decision.found and decision.confidence == 0.0


def decision(found: bool, maybe: bool, confidence: float) -> tuple[SearchResult, Decision]:
    passage = hit("三年学前教育毛入园率达到85%以上。", section=("二、工作目标", "学前教育"))
    res = result("三年学前教育毛入园率要达到多少？", passage)
    best = next(c for c in extract(res.question, res.hits) if c.kind == "figure")
    return res, Decision(best, confidence, found, maybe, 0.5, ((best, confidence),))


def test_answer_json_follows_the_contract_when_found():
    res, d = decision(found=True, maybe=False, confidence=0.8)
    data = compose(res, d).to_dict()
    assert data["found"] is True and "85%以上" in data["answer"]
    assert data["confidence"] == 0.8 and data["maybe"] is None
    assert data["citation"]["doc"] == "plan.txt"
    assert data["citation"]["section"] == "二、工作目标 › 学前教育"
    assert set(data["hits"][0]) >= {"doc", "text", "score", "start", "end", "title", "year",
                                    "region", "section"}  # fmt: skip


def test_a_middle_band_answer_is_a_maybe_not_an_answer_and_keeps_its_confidence():
    res, d = decision(found=False, maybe=True, confidence=0.3)
    data = compose(res, d).to_dict()
    assert data["found"] is False and data["answer"] is None and data["citation"] is None
    assert data["confidence"] == 0.3
    assert "85%以上" in data["maybe"]["text"] and data["maybe"]["doc"] == "plan.txt"


def test_below_the_band_there_is_neither_answer_nor_maybe_but_still_a_confidence():
    res, d = decision(found=False, maybe=False, confidence=0.05)
    ans: Answer = compose(res, d)
    assert ans.to_dict()["maybe"] is None and ans.to_dict()["confidence"] == 0.05
    assert ans.candidate is not None  # the evaluation still judges the best candidate
