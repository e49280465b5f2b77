"""Question analysis: years, places, content words, what kind of answer is asked for."""

from __future__ import annotations

import numpy as np
import pytest

from app.asked import asked_kind
from app.lexicon import load_lexicon
from app.query import Region, analyse, region_aliases
from app.words import Words

REGIONS = tuple(Region(n, region_aliases(n)) for n in ("崇阳县", "怀化市", "平江县", "攸县"))


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("崇阳县2020年教师招聘目标是多少？", (2020,)),
        ("平江县16年的目标", (2016,)),
        ("二〇一九年怀化市高考录取率", (2019,)),
        ("How many people took part in Huaihua's campaign in 2019?", (2019,)),
        ("哪些地方提到教育扶贫？", ()),
        ("新增学位2.86万个", ()),
    ],
)
def test_years_named_in_a_question_are_found(question, years):
    assert analyse(question, REGIONS).years == years


@pytest.mark.parametrize(
    ("question", "regions"),
    [
        ("崇阳县2020年教师招聘目标是多少？", ("崇阳县",)),
        ("崇阳的教师招聘", ("崇阳县",)),
        ("怀化市2019年高考录取率", ("怀化市",)),
        ("What is Huaihua's teacher-student ratio target?", ("怀化市",)),
        ("攸县2017年要创建多少所标准化学校？", ("攸县",)),
        ("What did Pingjiang County plan?", ("平江县",)),
        ("哪些计划提到集团化办学？", ()),
    ],
)
def test_regions_are_recognised_by_name_stem_or_pinyin(question, regions):
    assert analyse(question, REGIONS).regions == regions


def test_a_one_character_stem_is_not_matched_as_pinyin():
    assert analyse("What do you plan for schools?", REGIONS).regions == ()


def test_a_place_the_corpus_lacks_is_reported_as_unknown():
    intent = analyse("长沙市2021年中考招生政策是什么？", REGIONS)
    assert intent.regions == () and intent.unknown_places == ("长沙市",)


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("今年在长沙市要新建几所学校？", ("长沙市",)),  # named anywhere, not only first
        ("城区学校2020年要扩多少学位？", ()),  # 城区 is a word of plans, not a place
        ("城市学校2020年要扩多少学位？", ()),
        ("全县2020年要扩多少学位？", ()),
        ("攸县呢？", ()),  # a corpus region
    ],
)
def test_places_no_plan_is_about_are_found_by_the_gazetteer(question, unknown):
    assert analyse(question, REGIONS).unknown_places == unknown


@pytest.mark.parametrize(
    ("question", "provinces"),
    [
        ("北京2020年教师招聘多少人？", ("北京",)),  # a municipality as users say it
        ("香港2020年的教育规划有哪些？", ("香港",)),  # no plan's province, still a place
        ("What did the hilly Sichuan county plan?", ("四川",)),
        ("湖南师范大学附属学校要扩建吗？", ()),  # an institution's name places nothing
    ],
)
def test_provinces_are_found_in_chinese_and_pinyin(question, provinces):
    assert analyse(question, REGIONS).provinces == provinces


def test_a_province_is_a_province_not_an_unknown_place():
    intent = analyse("四川丘区县灾后重建工程中，一季度要完工多少所工程学校？", REGIONS)
    assert intent.provinces == ("四川",) and intent.unknown_places == ()


def test_content_terms_drop_place_year_and_question_words():
    asked = analyse("崇阳县2020年教师招聘目标是多少？", REGIONS)
    assert asked.terms == ("教师", "招聘")
    assert asked.is_quantity and not asked.is_english


class Corpus:
    """A vocabulary of a few plan words, as an index would answer for them."""

    WORDS = {"教师": 1.0, "招聘": 2.0, "招录": 2.5, "师生比": 4.0, "学前教育": 3.0, "入园率": 3.5}

    def known(self, token: str) -> bool:
        return token in self.WORDS

    def idf(self, tokens):
        return np.array([self.WORDS.get(t, 0.0) for t in tokens])


def test_english_question_terms_come_from_the_dictionary_limited_to_corpus_words():
    asked = analyse("How many teachers will be recruited?", REGIONS, Corpus(), load_lexicon())
    assert asked.is_english
    assert any("教师" in g for g in asked.groups)
    assert any({"招聘", "招录"} & set(g) for g in asked.groups)
    assert all(Corpus().known(t) for g in asked.groups for t in g)


def test_a_word_the_corpus_lacks_meets_its_dictionary_equivalent_the_corpus_holds():
    asked = analyse("要进多少老师？", (), Corpus(), load_lexicon())
    teacher = next(g for g in asked.groups if g[0] == "老师")
    assert "教师" in teacher
    assert asked.weights[asked.groups.index(teacher)] > 0  # weighed by its equivalent's idf


def test_words_of_asking_weigh_what_answers_showed_them_worth():
    plain = analyse("招聘教师打算多少人？", (), Corpus())
    words = Words({"招聘": 1.0, "教师": 1.0}, prior=0.2)
    learned = analyse("招聘教师打算多少人？", (), Corpus(), words=words)
    assert learned.weights[learned.terms.index("招聘")] == plain.weights[plain.terms.index("招聘")]


@pytest.mark.parametrize(
    ("question", "asks", "units"),
    [
        ("平江2018年准备进多少新老师？", "figure", ("人", "名")),
        ("怀化市2019年高考录取率是多少？", "figure", ("%",)),
        ("醴陵2019年要多出多少个学位？", "figure", ("个",)),
        ("要投多少钱？", "figure", ("元",)),
        ("房子面积有多大？", "figure", ("平方米",)),
        ("校长一个星期要在学校住几晚？", "figure", ("晚",)),
        ("通城2018年高三备考重点抓哪几所学校？", "list", ()),
        ("攸县2017年准备出个什么文件？", "name", ()),
        ("是由哪个部门牵头？", "name", ()),
        ("怎样推进集团化办学？", "statement", ()),
        ("运动会是第几届？", "figure", ("届",)),
        ("那份要点是几月几号发的？", "figure", ("日",)),
        ("发文字号是多少？", "name", ()),
        ("中考体育满分多少分？", "figure", ("分",)),
        ("How many school buses did Chongyang plan to add?", "figure", ("台", "辆")),
        ("How many new teachers did Jiayu County plan to add in total?", "figure", ("人", "名")),
        ("What was the budget for the project?", "figure", ("元",)),
        ("Which schools pilot the reform?", "list", ()),
        ("What was the theme of the plan?", "name", ()),
        ("What is the document number of the plan?", "name", ()),
        ("On what date was the plan issued?", "figure", ("日",)),
    ],
)
def test_what_kind_of_span_answers_is_read_from_the_question_words(question, asks, units):
    assert asked_kind(question) == (asks, units)


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("平江县把2016年定为什么年？", "年"),
        ("以什么为主题？", "主题"),
        ("岳阳市2019年教育定的年度主题是什么？", "年"),
        ("教师招聘多少人？", None),
    ],
)
def test_the_category_of_a_named_answer_is_found(question, category):
    assert analyse(question, REGIONS).category == category
