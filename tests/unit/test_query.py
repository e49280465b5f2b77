"""Question analysis: years, places, content words, what kind of answer is asked for."""

from __future__ import annotations

import pytest

from app.query import Region, analyse, region_aliases

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


def test_a_province_is_a_province_not_an_unknown_place():
    intent = analyse("四川丘区县灾后重建工程中，一季度要完工多少所工程学校？", REGIONS)
    assert intent.provinces == ("四川",) and intent.unknown_places == ()


def test_content_terms_drop_place_year_and_question_words():
    intent = analyse("崇阳县2020年教师招聘目标是多少？", REGIONS)
    assert intent.terms == ("教师", "招聘")
    assert intent.is_quantity and not intent.is_english


def test_english_question_terms_come_from_the_glossary():
    intent = analyse("What is Huaihua's teacher-student ratio target?", REGIONS)
    assert intent.is_english
    assert ("师生比",) in intent.groups


@pytest.mark.parametrize(
    ("question", "category"),
    [("平江县把2016年定为什么年？", "年"), ("以什么为主题？", "主题"), ("教师招聘多少人？", None)],
)
def test_the_category_of_a_named_answer_is_found(question, category):
    assert analyse(question, REGIONS).category == category
