"""Comparisons in the ask box: which years and places a question compares, and the summary
that holds every figure (the per-slot answers come from the fitted single-question path)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.answer import AnswerLine, Span
from app.comparison import SUMMARY_CHARS, Compared, Slot, slots, summary
from app.hits import SearchResult
from app.query import Region, analyse, region_aliases
from index.filters import Filters

REGIONS = tuple(Region(n, region_aliases(n)) for n in ("平江县", "攸县", "崇阳县", "通城县"))


class Corpus:
    """An engine's index as `slots` reads it: the plans' regions and years."""

    def __init__(self, plans: dict[str, tuple[int, ...]]) -> None:
        self.plans = plans

    def documents(self):
        return [SimpleNamespace(meta=SimpleNamespace(region=r, year=y, years=(y,)))
                for r, ys in self.plans.items() for y in ys]  # fmt: skip


ENGINE = SimpleNamespace(index=Corpus({"平江县": (2016, 2017, 2018), "崇阳县": (2020, 2021)}))


def asked(question: str):
    return slots(ENGINE, analyse(question, REGIONS))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("崇阳县2020年和2021年教师招聘目标有什么变化？", [(2020, "崇阳县"), (2021, "崇阳县")]),
        ("平江这几年每年打算招几个老师？17、18年各多少", [(2017, "平江县"), (2018, "平江县")]),
        ("平江县学前一年入园率的目标这几年是多少", [(y, "平江县") for y in (2016, 2017, 2018)]),
        ("2016年攸县和平江县各招多少教师？", [(2016, "攸县"), (2016, "平江县")]),
        ("How did Chongyang's teacher hiring change across 2020 and 2021?",
         [(2020, "崇阳县"), (2021, "崇阳县")]),
        ("崇阳县2020年教师招聘目标是多少？", []),
        ("平江县有哪几所学校？", []),
    ],
)  # fmt: skip
def test_the_years_and_places_a_question_compares(question, expected) -> None:
    assert [(s.year, s.region) for s in asked(question)] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("崇阳20年实际招了多少老师？21年又打算招多少？", [(2020, "result"), (2021, "target")]),
        ("平江17、18年看计划，16年看实际完成，各招几个老师", [(2016, "result"), (2017, "target"),
                                                     (2018, "target")]),
        ("崇阳县2020年和2021年教师招聘目标有什么变化？", [(2020, "target"), (2021, "target")]),
        ("Chongyang planned to hire how many teachers in 2020, and how many did it actually hire"
         " in 2021?", [(2020, "target"), (2021, "result")]),
        ("崇阳县2020年和2021年招几个老师？", [(2020, None), (2021, None)]),
    ],
)  # fmt: skip
def test_each_year_asks_for_a_target_or_a_result_as_its_own_clause_says(question, expected):
    assert [(s.year, s.wants) for s in asked(question)] == expected


def test_a_year_without_a_plan_is_read_from_the_next_plan_where_it_recounts_it(monkeypatch):
    import app.comparison as comparison

    def hit(text: str, kind: str = "target"):
        return SimpleNamespace(text=text, kind=kind)

    def search(engine, question):
        if question.years == (2019,):  # no plan of 2019: the corpus scope is not the asked one
            return SearchResult(question, Filters(), False, (hit("2019年的别处"),))
        return SearchResult(question, Filters(), True, (
            hit("2020年力争本科上线3300人"), hit("2019年，全县高考本科上线3105人"),
        ))  # fmt: skip

    monkeypatch.setattr(comparison, "search_question", search)
    monkeypatch.setattr(comparison, "decide", lambda result: result)
    question = analyse("崇阳2019年和2020年考上本科的各多少人？", REGIONS)

    read = comparison._decided(ENGINE, question, Slot(2019, "崇阳县", "result"))

    assert [h.text for h in read.hits] == ["2019年，全县高考本科上线3105人"]


def test_a_slot_reads_plans_for_a_target_and_summaries_for_a_result(monkeypatch):
    import app.comparison as comparison

    found = (SimpleNamespace(text="计划招录200人", kind="target"),
             SimpleNamespace(text="实际招录180人", kind="result"))  # fmt: skip
    monkeypatch.setattr(
        comparison, "search_question", lambda e, q: SearchResult(q, Filters(), True, found)
    )
    monkeypatch.setattr(comparison, "decide", lambda result: result)
    question = analyse("崇阳县2020年和2021年招了几个老师？", REGIONS)

    for wants, text in (("target", "计划招录200人"), ("result", "实际招录180人")):
        read = comparison._decided(ENGINE, question, Slot(2020, "崇阳县", wants))
        assert [h.text for h in read.hits] == [text]
    assert len(comparison._decided(ENGINE, question, Slot(2020, "崇阳县", None)).hits) == 2
    plans_only = (found[0], SimpleNamespace(text="发布时间:2020-09-02", kind=None))
    monkeypatch.setattr(comparison, "search_question",
                        lambda e, q: SearchResult(q, Filters(), True, plans_only))  # fmt: skip
    read = comparison._decided(ENGINE, question, Slot(2020, "崇阳县", "result"))
    assert read.hits == plans_only  # a year without a summary is read from what it has


def line(text: str) -> AnswerLine:
    return AnswerLine(text, Span("plan.txt", 0, len(text), text), hit=None)


def compared(*rows) -> list[Compared]:
    return [Compared(Slot(y, r), line(t) if t else None, 0.8, f, held=h) for y, r, t, f, h in rows]


def test_a_summary_over_years_holds_every_figure_and_the_change() -> None:
    text = summary(compared(
        (2020, "崇阳县", "招录义务段教师200人", "200人", True),
        (2021, "崇阳县", "招录义务段教师180人", "180人", True),
    ))  # fmt: skip

    assert text == "崇阳县2020年 200人 → 崇阳县2021年 180人，减少20人"


def test_a_summary_reads_wan_and_says_a_missing_year_is_missing() -> None:
    text = summary(compared(
        (2016, "平江县", "新增学位1.2万个", "1.2万个", True),
        (2017, "平江县", None, None, False),
        (2018, "平江县", "新增学位1.5万个", "1.5万个", True),
    ))  # fmt: skip

    assert text == ("平江县2016年 1.2万个 → 平江县2017年 语料中没有这一年（地）的文件 → "
                    "平江县2018年 1.5万个，增加0.3万个")  # fmt: skip


def test_places_are_compared_without_a_change_and_units_that_differ_without_one() -> None:
    places = summary(compared(
        (2019, "湘乡市", "资助资金5400万元", "5400万元", True),
        (2019, "通城县", "资助资金3860万元", "3860万元", True),
    ))  # fmt: skip
    units = summary(compared(
        (2020, "崇阳县", "新增学位1200个", "1200个", True),
        (2021, "崇阳县", "入园率85%", "85%", True),
    ))  # fmt: skip

    assert places == "湘乡市2019年 5400万元 → 通城县2019年 3860万元"
    assert units == "崇阳县2020年 1200个 → 崇阳县2021年 85%"


def test_a_summary_is_never_longer_than_the_contract_allows() -> None:
    rows = [(2000 + i, "平江县", "长" * 80, None, True) for i in range(10)]

    assert len(summary(compared(*rows))) <= SUMMARY_CHARS


def test_a_slot_takes_the_figure_said_of_what_the_surest_slot_measures() -> None:
    from app.comparison import _agreeing

    def figure(context: str, unit: str = "人次"):
        return SimpleNamespace(kind="figure", unit=unit, context=context)

    ranked = [
        (figure("组织乡村教师到名校跟岗学习200人次"), 0.5),
        (figure("全年培训教师1万人次"), 0.2),
        (figure("新增学位1200个", unit="个"), 0.9),  # another measure: never chosen
    ]

    chosen = _agreeing(ranked, "人次", anchor=figure("培训教师8000人次以上"))

    assert chosen.context == "全年培训教师1万人次"
