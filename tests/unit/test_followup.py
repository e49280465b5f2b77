"""The grammar of follow-ups: how a question that leans on the thread is made to stand alone.

The engine is a stand-in holding the corpus's places and years (what the grammar reads of it);
answering the understood question is tested on the real index in
tests/integration/test_followups.py."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from app.followup import Turn, Understood, understand
from app.query import Region, region_aliases

PLACES = ("崇阳县", "通城县", "平江县", "怀化市", "湘乡市")


class Corpus:
    """What the grammar asks of an index: its plans' places and years, and its words."""

    plans = {"崇阳县": (2019, 2020, 2022), "通城县": (2020,), "平江县": (2016, 2018),
             "怀化市": (2019, 2020), "湘乡市": (2017, 2019)}  # fmt: skip

    def documents(self):
        return [SimpleNamespace(meta=SimpleNamespace(region=r, year=y, years=(y,)))
                for r, ys in self.plans.items() for y in ys]  # fmt: skip

    def known(self, token: str) -> bool:
        return True

    def idf(self, tokens):
        return np.ones(len(tokens))


ENGINE = SimpleNamespace(
    regions=tuple(Region(n, region_aliases(n)) for n in PLACES), index=Corpus(), lexicon=None
)


def said(text: str, answer: str = "", subject: str = "") -> Turn:
    """A turn that was understood as `text`; `answer` is its found answer, said after
    `subject` in its passage."""
    passage = f"{subject}，{answer}。"
    hit = SimpleNamespace(text=passage, start=100, doc_id="doc-1", year=None, doc="plan.txt")
    span = SimpleNamespace(start=100 + len(subject) + 1, doc="plan.txt")
    line = SimpleNamespace(hit=hit, span=span, text=answer) if answer else None
    found = SimpleNamespace(found=bool(answer), hit=hit if answer else None, candidate=line,
                            result=SimpleNamespace(hits=(hit,)))  # fmt: skip
    return Turn(Understood(text, text, "standalone"), found)


def follow(*turns: str) -> Understood:
    thread = [said(t) for t in turns[:-1]]
    return understand(ENGINE, turns[-1], thread)


@pytest.mark.parametrize(
    ("before", "asked", "expected", "form"),
    [
        # a year or a place alone: the previous question with it replaced
        ("崇阳县2020年计划招录多少义务段教师？", "那2021年呢？",
         "崇阳县2021年计划招录多少义务段教师？", "scope"),
        ("崇阳县2020年计划招录多少义务段教师？", "通城县呢？",
         "通城县2020年计划招录多少义务段教师？", "scope"),
        ("崇阳19年计划招多少个义务段老师？", "那20年呢？", "崇阳县2020年计划招多少个义务段老师？",
         "scope"),
        ("湘乡市2019年打算招多少老师？", "要是在崇阳呢？", "崇阳县2019年打算招多少老师？", "scope"),
        ("湘乡市2019年打算招多少老师？", "同一年平江县呢？", "平江县2019年打算招多少老师？",
         "scope"),
        ("湘乡市2019年打算招多少老师？", "崇阳是多少人？", "崇阳县2019年打算招多少老师？", "scope"),
        # relative years count from the previous year; a plan before is the corpus's
        ("怀化市2020年新增学位多少？", "去年呢？", "怀化市2019年新增学位多少？", "scope"),
        ("崇阳县2020年新增学位多少？", "两年后呢？", "崇阳县2022年新增学位多少？", "scope"),
        ("崇阳县2022年新增学位多少？", "上一个计划里呢？", "崇阳县2020年新增学位多少？", "scope"),
        ("How many teachers did Chongyang plan to hire in 2020?", "And the year before?",
         "How many teachers did Chongyang plan to hire in 2019?", "scope"),
        ("How many teachers did Chongyang plan to hire in 2020?", "What about Tongcheng?",
         "How many teachers did Tongcheng plan to hire in 2020?", "scope"),
        # a comparison across the previous year and the named one, or every year
        ("崇阳县2020年计划招录多少义务段教师？", "和前一年比呢？",
         "崇阳县2019年和2020年计划招录多少义务段教师？", "compare"),
        ("平江县学前一年入园率的目标是多少？", "这几年呢？",
         "这几年平江县学前一年入园率的目标是多少？", "compare"),
        ("崇阳县2020年计划招录多少义务段教师？", "跟通城比呢？",
         "崇阳县和通城县2020年计划招录多少义务段教师？", "compare"),
        # a word of a kind takes the place of the previous question's word of that kind
        ("平江县2018年小学生均图书要到多少册？", "初中的呢？",
         "平江县2018年初中生均图书要到多少册？", "fragment"),
        ("崇阳县2022年乡村教师补助最高一档给多少？", "最低那档呢？",
         "崇阳县2022年乡村教师补助最低一档给多少？", "fragment"),
        # a fragment of its own topic is asked as the previous question asked
        ("湘乡市2019年公办园占比要多少？", "那普惠园覆盖率呢？", "湘乡市2019年普惠园覆盖率是多少？",
         "fragment"),
        # no thing of its own: the previous topic, asked this way
        ("崇阳县2020年高考本科上线目标是多少？", "实际完成了多少？",
         "崇阳县2020年高考本科上线实际完成了多少？", "context"),
        # a question of its own about the school or project just asked about
        ("崇阳县2022年城北新区那所学校能提供多少学位？", "总共要投多少钱？",
         "崇阳县2022年城北新区那所学校总共要投多少钱？", "context"),
        # a question of its own that names no place or year takes the previous ones
        ("崇阳县2020年计划招录多少义务段教师？", "高中招多少学生？", "崇阳县2020年高中招多少学生？",
         "context"),
    ],
)  # fmt: skip
def test_a_follow_up_is_understood_as_a_question_that_stands_alone(before, asked, expected, form):
    understood = follow(before, asked)

    assert (understood.text, understood.form) == (expected, form)
    assert understood.asked == asked and understood.rewritten


def test_a_question_that_stands_on_its_own_is_answered_as_typed() -> None:
    for alone in ("通城县2020年新增多少个学位？", "How many teachers did Tongcheng hire in 2020?"):
        understood = follow("崇阳县2020年计划招录多少义务段教师？", alone)
        assert (understood.text, understood.form, understood.rewritten) == (alone, "standalone",
                                                                           False)  # fmt: skip
    assert follow("崇阳县2020年计划招录多少义务段教师？").form == "standalone"  # no thread


def test_a_narrowing_is_read_in_the_previous_answers_plan() -> None:
    thread = [said("崇阳县2020年计划招录多少义务段教师？", "招录义务段教师200人", "全年补充教师")]

    understood = understand(ENGINE, "其中公办幼儿教师多少人？", thread)

    assert understood.text == "崇阳县2020年公办幼儿教师多少人？"
    assert (understood.form, understood.within) == ("narrow", "doc-1")


def test_a_pronoun_stands_for_what_the_previous_answer_is_said_of() -> None:
    thread = [said("崇阳县2022年城北新区学校总投资多少？", "总投资3.5亿元", "城北新区学校建设项目")]

    understood = understand(ENGINE, "这个项目今年要完成多少投资？", thread)

    assert understood.text == "崇阳县2022年城北新区学校建设项目今年要完成多少投资？"
    assert understood.form == "pronoun"


def test_each_turn_leans_on_the_one_before_it_as_understood() -> None:
    first = said("崇阳县2019年计划招录多少义务段教师？")
    second = understand(ENGINE, "那2020年呢？", [first])
    third = understand(ENGINE, "通城县呢？", [first, Turn(second, first.answer)])

    assert third.text == "通城县2020年计划招录多少义务段教师？"
