"""Metadata of the seed plans against the hand-made answers, and of small made-up plans."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.dates import date_of_line, five_year_anchors, years_in
from ingest.metadata import DOC_TYPES, SUMMARY_AND_PLAN, extract_metadata, find_doc_type
from ingest.places import find_places, find_provinces
from ingest.types import DocumentMeta, RawText

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = json.loads((ROOT / "tests" / "data" / "corpus_meta.json").read_text(encoding="utf-8"))


def _expected(answer: dict) -> DocumentMeta:
    return DocumentMeta(
        title=answer["title"],
        year=answer["year"],
        years=tuple(answer.get("years", [answer["year"]])),
        region=answer["region"],
        province=answer["province"],
        doc_type=answer["doc_type"],
        issuer=answer["issuer"],
        published=answer["published"],
    )


@pytest.mark.parametrize("answer", ANSWERS, ids=[answer["file"] for answer in ANSWERS])
def test_seed_plan_metadata_matches_the_hand_made_answers(answer: dict) -> None:
    raw = (ROOT / "corpus" / answer["file"]).read_text(encoding="utf-8")
    text = clean_text(RawText(raw, "txt", "utf-8"))

    meta = extract_metadata(text, answer["file"])

    expected = _expected(answer)
    for field in fields(DocumentMeta):
        assert getattr(meta, field.name) == getattr(expected, field.name), field.name


def _meta(text: str, file_name: str = "plan.txt") -> DocumentMeta:
    return extract_metadata(text, file_name)


def test_notice_without_its_own_title_line_gives_the_plan_title_and_issuer() -> None:
    text = (
        "株洲市教育局文件\n株教发〔2021〕3号\n株洲市教育局关于2021年教育工作要点的通知\n"
        "各县市区教育局:\n2021年,全市教育工作要坚持立德树人。\n株洲市教育局\n二〇二一年二月十日"
    )
    meta = _meta(text)
    assert meta.title == "2021年教育工作要点"
    assert (meta.year, meta.years) == (2021, (2021,))
    assert (meta.region, meta.issuer) == ("株洲市", "株洲市教育局")
    assert meta.doc_type == "工作要点"
    assert meta.published == "2021-02-10"


def test_quoted_plan_title_inside_an_long_notice_line_is_the_title() -> None:
    text = (
        "中共醴陵市委教育工作领导小组关于印发《醴陵市2022年教育工作要点》的通知\n"
        "各镇党委:\n现将《醴陵市2022年教育工作要点》印发给你们,请遵照执行。"
    )
    meta = _meta(text)
    assert meta.title == "醴陵市2022年教育工作要点"
    assert meta.issuer == "中共醴陵市委教育工作领导小组"
    assert meta.region == "醴陵市"


def test_title_year_contradicted_by_a_five_year_plan_anchor_gives_the_anchor_year() -> None:
    text = "宁乡市2015年教育工作计划\n今年全市教育工作的总体思路是:抓住十四五开局之年的机遇。"
    meta = _meta(text)
    assert (meta.year, meta.years) == (2021, (2021,))


def test_anchor_said_of_another_named_year_does_not_override_the_title() -> None:
    text = "宁乡市2021年教育工作要点\n2020年是十三五收官之年,全市教育取得新成绩。"
    assert _meta(text).year == 2021


def test_anchor_one_year_off_the_title_does_not_override_it() -> None:
    text = "宁乡市2021年教育工作要点\n回顾十三五收官之年,全市教育取得新成绩。"
    assert _meta(text).year == 2021


@pytest.mark.parametrize(
    ("title", "year", "years"),
    [
        ("浏阳市教育局2020年工作总结和2021年工作打算", 2021, (2020, 2021)),
        ("浏阳市教育局2021年工作计划及2020年工作总结", 2021, (2020, 2021)),
        ("浏阳市教育局2020年工作总结及明年工作计划", 2021, (2020, 2021)),
    ],
)
def test_summary_plus_plan_is_about_the_plan_year_and_covers_both(
    title: str, year: int, years: tuple[int, ...]
) -> None:
    meta = _meta(f"{title}\n一、工作总结\n全市教育稳步发展。")
    assert (meta.year, meta.years) == (year, years)
    assert meta.doc_type == SUMMARY_AND_PLAN


@pytest.mark.parametrize(
    ("title", "years"),
    [
        ("平江县教育事业发展规划(2016-2020年)", (2016, 2017, 2018, 2019, 2020)),
        ("湘潭县“十四五”教育发展规划", (2021, 2022, 2023, 2024, 2025)),
    ],
)
def test_multi_year_plan_covers_each_year_and_is_about_the_first(
    title: str, years: tuple[int, ...]
) -> None:
    meta = _meta(f"{title}\n全县教育事业发展的主要目标。")
    assert (meta.year, meta.years) == (years[0], years)
    assert meta.doc_type == "发展规划"


def test_document_naming_no_place_has_no_region_province_or_issuer() -> None:
    text = "2019年教育工作要点\n全县教育工作要加快推进县城学校建设,办好全省示范性高中。"
    meta = _meta(text)
    assert (meta.region, meta.province, meta.issuer) == (None, None, None)
    assert meta.year == 2019


def test_document_without_a_title_falls_back_to_the_file_name() -> None:
    text = "全县教育系统要认真贯彻落实上级部署。\n一、加强党的建设\n推进教育高质量发展。"
    meta = _meta(text, "/corpus/xx县教育计划.txt")
    assert meta.title == "xx县教育计划"
    assert (meta.year, meta.years, meta.doc_type) == (None, (), "工作计划")


def test_region_comes_from_the_body_when_the_title_names_none() -> None:
    text = (
        "2016年工作计划\n以推进湘阴教育内涵发展为中心,为湘阴中小学生创造优质资源。"
        "全县教育系统要落实湘阴县委、县政府的部署。继续抓好《湘阴县教育局工作规则》。"
    )
    meta = _meta(text)
    assert meta.region == "湘阴县"
    assert meta.issuer == "湘阴县教育局"


def test_county_plan_prefers_its_county_over_its_city_named_more_often() -> None:
    text = (
        "2016年工作计划\n按照岳阳市教育局部署,落实岳阳市要求,迎接岳阳市督查。"
        "全县各校要加快湘阴县教育现代化,办好湘阴县一中。"
    )
    assert _meta(text).region == "湘阴县"


def test_title_naming_city_and_district_gives_the_district() -> None:
    meta = _meta("长沙市岳麓区教育局2021年教育\n工作要点\n全区教育工作的总体要求是:立德树人。")
    assert meta.title == "长沙市岳麓区教育局2021年教育工作要点"
    assert (meta.region, meta.issuer) == ("岳麓区", "长沙市岳麓区教育局")


def test_province_is_only_taken_where_the_text_says_it() -> None:
    said = _meta("攸县2017年工作要点\n认真执行《湖南省中小学校管理办法》,办好湖南教育。")
    unsaid = _meta("攸县2017年工作要点\n招录湖北大学、湖北师范大学毕业生,争创省级示范校。")
    assert said.province == "湖南省"
    assert unsaid.province is None


def test_province_the_region_cannot_be_in_is_not_taken() -> None:
    meta = _meta("崇阳县2021年教育工作要点\n组织校长赴湖南省考察学习。")
    assert meta.province is None


def test_portal_date_fields_give_the_publication_date_but_body_dates_do_not() -> None:
    portal = _meta("攸县教育局2017年工作要点\n更新时间:2017-04-01\n2017年3月1日前完成报名。")
    body_only = _meta("攸县教育局2017年工作要点\n2017年3月1日前完成报名。\n全县推进改革。")
    assert portal.published == "2017-04-01"
    assert body_only.published is None


def test_wrapped_letter_spaced_and_markdown_titles_are_read_whole() -> None:
    assert _meta("# 崇阳县2020年教育工作要点\n正文。").title == "崇阳县2020年教育工作要点"
    assert _meta("2 0 2 1 年 工 作 要 点\n正文。").title == "2021年工作要点"


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("崇阳县2020年教育工作要点", "工作要点"),
        ("2016年工作计划", "工作计划"),
        ("县教育部门年度教育开展工作参考方案", "工作方案"),
        ("2019年工作总结与2020年工作计划", SUMMARY_AND_PLAN),
        ("2019年工作总结", "工作总结"),
        ("关于加快教育发展的实施意见", "工作意见"),
        ("教育工作会议纪要", None),
    ],
)
def test_doc_type_is_the_plan_type_the_title_names(title: str, doc_type: str | None) -> None:
    assert find_doc_type(title) == doc_type
    assert doc_type is None or doc_type in DOC_TYPES


def test_place_names_are_told_from_words_ending_in_a_place_suffix() -> None:
    text = "创建教育示范县,办好通道县学校,落实县委部署,加快城区建设,《攸县教育》,部门和县委"
    assert [place.name for place in find_places(text)] == ["通道县", "攸县"]


def test_autonomous_area_matches_its_everyday_short_name() -> None:
    assert [place.name for place in find_places("湘西州和通道县")] == ["湘西州", "通道县"]


def test_province_inside_an_institution_name_is_not_a_mention() -> None:
    assert find_provinces("湖南师大附属学校、《湖南日报》、四川丘区、广西壮族自治区") == [
        "四川省",
        "广西壮族自治区",
    ]


def test_years_and_dates_are_read_in_arabic_and_chinese_numerals() -> None:
    assert years_in("2019年工作总结与二〇二〇年工作计划") == [2019, 2020]
    assert date_of_line("二〇二〇年三月十一日") == "2020-03-11"
    assert date_of_line("2020年3月11日") == "2020-03-11"
    assert date_of_line("2020年13月11日") is None
    assert five_year_anchors("做好十二五开局之年的各项工作。2020年是“十三五”规划收官之年") == [2011]
