"""clean_text: raw loader text in, the text users read and offsets point into out."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.types import RawText

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
BODY = "全年教育工作的总体要求是:深入学习贯彻党的十九大精神,推动全县教育全面、协调、健康发展。"


def txt(text: str) -> str:
    return clean_text(RawText(text, "txt", "utf-8"))


def pdf(*pages: str) -> str:
    return clean_text(RawText("\f".join(pages), "pdf"))


@cache
def cleaned_file(file_name: str) -> str:
    return txt((CORPUS / file_name).read_text(encoding="utf-8"))


def seed(number: str) -> str:
    return cleaned_file(next(CORPUS.glob(f"{number}_*.txt")).name)


def squash(text: str) -> str:
    """How the evaluation compares passages: NFKC, then no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# --- characters and spaces


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("㈠以队伍素质为重点", "(一)以队伍素质为重点"),
        ("入园率达到８５％以上", "入园率达到85%以上"),
        ("工作目标：全面发展；稳步推进！", "工作目标:全面发展;稳步推进!"),
        ("第一\u3000条", "第一条"),
        ("\ufeff标\u200b题", "标题"),
        ("①加强党建", "①加强党建"),
        ("新增面积5000m²", "新增面积5000m²"),
        ("新增面积5000㎡", "新增面积5000m²"),
    ],
)
def test_characters_are_nfkc_normalised_except_outline_circles_and_exponents(raw, cleaned):
    assert txt(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("2019 年工作总结", "2019年工作总结"),
        ("第 3 批 试点", "第3批试点"),
        ("逐步化解 “入学难”问题", "逐步化解“入学难”问题"),
        ("等项目建设。 启动普通高中", "等项目建设。启动普通高中"),
        ("《 手机报》教育动态", "《手机报》教育动态"),
        ("深入   学习\t贯彻", "深入学习贯彻"),
        ("\u00a0\u00a0  1.推进改革。  ", "1.推进改革。"),
        ("open source software", "open source software"),
        ("学校 | 督导室 | 2016年", "学校 | 督导室 | 2016年"),
        ("# 工作目标", "# 工作目标"),
    ],
)
def test_extraction_spaces_next_to_cjk_go_but_latin_and_table_spaces_stay(raw, cleaned):
    assert txt(raw) == cleaned


def test_lines_are_stripped_and_blank_lines_collapsed_to_single_newlines():
    raw = "\n\n  标题  \r\n\r\n\r\n\n第一段。\r第二段。\n\n\n"
    assert txt(raw) == "标题\n第一段。\n第二段。"


def test_form_feeds_outside_pdf_are_line_breaks():
    assert txt("第一页。\f第二页。") == "第一页。\n第二页。"


def test_text_lines_outside_pdf_are_never_joined():
    assert txt("推进教育\n事业发展") == "推进教育\n事业发展"


@pytest.mark.parametrize(
    "raw", ["", "   \n\t\n", "\f\f", "[bookmark: _GoBack]", "【打印】【关闭】"]
)
def test_nothing_left_after_cleaning_gives_an_empty_string(raw):
    assert txt(raw) == ""
    assert pdf(raw) == ""


# --- Word artefacts


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("[bookmark: _GoBack]2020年是决胜之年。", "2020年是决胜之年。"),
        ("全面[bookmark: _Toc12345]推进。", "全面推进。"),
        ("［bookmark: _GoBack］标题", "标题"),
        ("[]{#_GoBack .anchor}标题", "标题"),
    ],
)
def test_word_bookmark_markers_are_removed(raw, cleaned):
    assert txt(raw) == cleaned


# --- portal chrome


@pytest.mark.parametrize(
    "chrome",
    [
        "返回攸县人民政府门户网站 >",
        "返回首页",
        "您当前的位置: 首页 > 行政部门 > 教育局 > 信息公开 > 计划规划",
        "当前位置：首页 » 通知公告",
        "您现在的位置是：网站首页>政务公开",
        "首页 > 新闻中心 > 通知公告",
        "【打印】【关闭】",
        "[打印本页] [关闭窗口]",
        "打印 | 关闭",
        "分享到：微信 微博 QQ空间",
        "[大 中 小]",
        "【字体：大 中 小】",
        "浏览次数：1234",
        "来源: 作者: 字体[ ]",
        "上一篇：关于做好2017年春季开学工作的通知",
        "版权所有：攸县人民政府 湘ICP备12345678号",
        "网站标识码：4302230001 湘公网安备 43022302000123号",
    ],
)
def test_portal_chrome_lines_around_the_body_are_dropped(chrome):
    raw = f"{chrome}\n攸县教育局2017年工作要点\n{BODY}\n{chrome}"
    assert txt(raw) == f"攸县教育局2017年工作要点\n{BODY}"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("更新时间:2017-04-01 来源: 作者: 字体[ ]", "更新时间:2017-04-01"),
        (
            "发布时间:2020-09-02 09:51 信息来源:怀化市教育局",
            "发布时间:2020-09-02 09:51 信息来源:怀化市教育局",
        ),
        ("发布日期：2020-03-11  浏览次数：88 【打印】【关闭】", "发布日期:2020-03-11"),
        ("时间: 2019年5月6日 来源: 县教育局", "时间:2019年5月6日 来源:县教育局"),
    ],
)
def test_publication_lines_keep_their_date_and_source_but_lose_widgets(raw, cleaned):
    assert txt(f"标题\n{raw}\n{BODY}") == f"标题\n{cleaned}\n{BODY}"


@pytest.mark.parametrize(
    "sentence",
    [
        "要把好的经验分享到每一所学校,返回家长满意的答卷。",
        "位置:县城东区",
        "打印机、复印机等办公设备统一采购",
        "组织规范汉字书写、字体规范比赛",
        "首页设置学校文化专栏",
        "二、主办单位:县教育局",
    ],
)
def test_body_lines_that_mention_chrome_words_are_kept(sentence):
    raw = f"标题\n{sentence}\n{BODY}\n{sentence}"
    assert txt(raw) == f"标题\n{sentence}\n{BODY}\n{sentence}"


def test_chrome_like_lines_inside_the_body_are_left_alone():
    raw = f"{BODY}\n首页 > 新闻\n{BODY}"
    assert txt(raw) == raw


# --- PDF pages

LINE_A = "1、加强党的政治建设。在党组织、党员干部中开展"
LINE_B = "好对照政治意识抓自省,对照政治纪律抓监管,"
LINE_C = "对照政治规矩抓转变、对照政治责任抓问责的"
LINE_D = "“四个对照”活动。"
JOINED = LINE_A + LINE_B + LINE_C + LINE_D


@pytest.mark.parametrize(
    "number",
    [
        "{n}",
        "- {n} -",
        "—{n}—",
        "第 {n} 页",
        "第{n}页 共2页",
        "共2页 第{n}页",
        "{n}/2",
        "Page {n} of 2",
    ],
)
@pytest.mark.parametrize("at_top", [False, True], ids=["bottom", "top"])
def test_pdf_page_numbers_are_removed_and_the_paragraph_joined_across_the_page(number, at_top):
    def page(n: int, body: str) -> str:
        mark = number.format(n=n)
        return f"{mark}\n{body}" if at_top else f"{body}\n{mark}"

    cleaned = pdf(page(1, f"{LINE_A}\n{LINE_B}"), page(2, f"{LINE_C}\n{LINE_D}"))
    assert cleaned == JOINED


def test_pdf_running_header_is_dropped_but_the_title_on_page_one_is_kept():
    title = "崇阳县2020年教育工作要点"
    cleaned = pdf(
        f"{title}\n一、提升从严治党管党能力\n{LINE_A}\n{LINE_B}\n1",
        f"{title}\n{LINE_C}\n{LINE_D}\n2、强化党的思想引领。大力加强意识形态工作,\n2",
    )
    assert cleaned == (
        f"{title}\n一、提升从严治党管党能力\n{JOINED}\n2、强化党的思想引领。大力加强意识形态工作,"
    )


def test_pdf_title_is_kept_when_the_first_page_is_blank():
    title = "崇阳县2020年教育工作要点"
    cleaned = pdf("", f"{title}\n{LINE_A}\n{LINE_B}", f"{title}\n{LINE_C}\n{LINE_D}")
    assert cleaned == f"{title}\n{JOINED}"


def test_pdf_running_footer_with_a_page_number_inside_is_dropped_on_every_page():
    pages = [
        f"{LINE_A}\n{LINE_B}\n崇阳县教育局办公室 第1页",
        f"{LINE_C}\n{LINE_D}\n崇阳县教育局办公室 第2页",
        f"{BODY}\n崇阳县教育局办公室 第3页",
    ]
    assert pdf(*pages) == f"{JOINED}\n{BODY}"


def test_pdf_line_that_repeats_on_few_pages_is_kept():
    pages = [f"{BODY}\n小结", f"{BODY}\n小结", BODY, BODY, BODY]
    assert pdf(*pages).count("小结") == 2


ITEM = "(二)以深化教育综合改革为重点,进一步提高综合实力"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # A short line ending a sentence ends the paragraph …
        (f"{LINE_D}\n{LINE_B}\n{LINE_C}", f"{LINE_D}\n{LINE_B}{LINE_C}"),
        # … but a sentence that ends where a full line ends usually goes on in the next line.
        (f"{LINE_C}。\n{LINE_B}\n{LINE_C}", f"{LINE_C}。{LINE_B}{LINE_C}"),
        # The next line starts an outline item.
        (f"{LINE_B}\n{ITEM}", f"{LINE_B}\n{ITEM}"),
        (f"{LINE_B}\n3.推进教师专业发展。加强培训", f"{LINE_B}\n3.推进教师专业发展。加强培训"),
        (
            f"{LINE_B}\n第三条 学校应当建立健全安全管理制度",
            f"{LINE_B}\n第三条学校应当建立健全安全管理制度",
        ),
        (f"{LINE_B}\n①加强党的政治建设,强化思想引领", f"{LINE_B}\n①加强党的政治建设,强化思想引领"),
        # A short line is a heading or the end of a paragraph.
        (f"二、工作目标\n{LINE_B}\n{LINE_C}", f"二、工作目标\n{LINE_B}{LINE_C}"),
        # A figure broken over two lines is one figure; "2.86万" is no item number.
        (
            f"{LINE_B}\n力争一般高中高一年级招生人数达到520\n0人,新增学位",
            f"{LINE_B}力争一般高中高一年级招生人数达到5200人,新增学位",
        ),
        (
            f"{LINE_B}\n确保全市新增学位达到五千多人和\n2.86万个学位",
            f"{LINE_B}确保全市新增学位达到五千多人和2.86万个学位",
        ),
    ],
)
def test_pdf_wrapped_lines_join_only_inside_a_paragraph(raw, cleaned):
    assert pdf(raw) == cleaned


def test_pdf_join_puts_a_space_between_latin_words_only():
    raw = "The plan aims to improve teaching in all\nschools of the county, and its\n2020 budget.\n"
    cleaned = "The plan aims to improve teaching in all schools of the county, and its 2020 budget."
    assert pdf(raw) == cleaned


def test_pdf_blank_line_is_a_paragraph_break():
    assert pdf(f"{LINE_B}\n\n{LINE_C}") == f"{LINE_B}\n{LINE_C}"


def test_pdf_blank_lines_between_every_line_are_ignored():
    assert pdf(f"{LINE_A}\n\n{LINE_B}\n\n{LINE_C}\n\n{LINE_D}") == JOINED


def test_pdf_markdown_heading_is_never_joined():
    assert pdf(f"# {LINE_B}\n{LINE_C}") == f"# {LINE_B}\n{LINE_C}"


# --- converter line counters

PARAGRAPH = (
    "2023年,教育工作的总体思路是:深化落实科学发展观,全面贯彻党的教育方针,以促进公平为重点,"
    "以提高质量为核心,加快从人口大县向教育强县、从人力资源大县向人力资源强县迈进。定时与不定时"
    "进展平安指导、检查,保证重建平安,杜绝平安事故。力争一般高中高一年级招生人数达5200人,筑高平台,"
    "磨练精品,高中升大学本科上线人数稳步增长。加强双师型老师和实训老师队伍建立,为企业输送一大批"
    "技能型、有用型人才。"
)


@pytest.mark.parametrize("width", [23, 37, 60])
def test_converter_counters_on_fixed_width_lines_are_removed_and_lines_rejoined(width):
    pieces = [PARAGRAPH[i : i + width] for i in range(0, len(PARAGRAPH), width)]
    raw = "\n".join(f"{n}、{piece}" for n, piece in enumerate(pieces, start=1))
    assert txt(raw) == PARAGRAPH


def test_converter_counters_that_break_words_and_figures_are_removed():
    raw = "1、我们要从人\n2、力资源大县迈进,招生人数达520\n3、0人,定时进展平安指导\n4、、检查工作。"
    assert txt(raw) == "我们要从人力资源大县迈进,招生人数达5200人,定时进展平安指导、检查工作。"


def test_converter_counters_keep_a_short_line_that_ends_a_paragraph():
    lines = [
        PARAGRAPH[:40],
        PARAGRAPH[40:80],
        "第一部分到此结束。",
        PARAGRAPH[80:120],
        PARAGRAPH[120:],
    ]
    raw = "\n".join(f"{n}、{line}" for n, line in enumerate(lines, start=1))
    assert txt(raw) == f"{PARAGRAPH[:80]}第一部分到此结束。\n{PARAGRAPH[80:]}"


@pytest.mark.parametrize(
    "raw",
    [
        # Real items on consecutive lines from the start of the document.
        "1、加强党的政治建设。\n2、强化党的思想引领。\n3、推进全面从严治党。\n二、提升解决突出问题的能力",
        "1、加强党的政治建设。\n2、强化党的思想引领。\n3、推进全面从严治党。",
        # Short items without punctuation.
        "1、学前教育\n2、义务教育\n3、高中教育\n4、职业教育",
        # Long items without final punctuation, of varying length.
        "1、加强党的政治建设,在党组织中开展好对照政治意识抓自省\n2、强化党的思想引领,加强意识形态工作\n"
        "3、推进全面从严治党,进一步健全党风廉政建设体系,严格落实一岗双责主体责任",
        # Items numbered on through headings, as in a 工作要点.
        "一、提升从严治党管党能力\n1、加强党的政治建设。\n2、强化党的思想引领。\n二、提升解决突出问题的能力\n"
        "3、化解城区学校大班额。扩建第五小学;改造大集中学。\n4、抓好校园疫情防控。",
        # Numbering with a gap is not a counter.
        "1、我们要从人\n2、力资源大县迈进\n4、、检查工作。",
    ],
)
def test_real_outline_numbers_at_line_starts_are_kept(raw):
    assert txt(raw) == raw


# --- the seed documents


def test_portal_page_starts_with_its_title_and_keeps_its_date():
    lines = seed("001").split("\n")
    assert lines[:2] == ["攸县教育局2017年工作要点", "更新时间:2017-04-01"]
    assert not any(word in seed("001") for word in ("返回攸县", "您当前的位置", "字体", "来源:"))


def test_publication_line_of_a_saved_page_is_kept_whole():
    assert "\n发布时间:2020-09-02 09:51 信息来源:怀化市教育局\n" in seed("003")


def test_word_export_has_no_bookmark_left():
    assert "[bookmark" not in seed("004")
    assert "\n2020年是全面建成小康社会的决胜之年" in seed("004")


def test_converter_counters_of_the_seed_are_gone_and_its_words_whole():
    text = seed("002")
    for phrase in (
        "从人力资源大县",
        "招生人数达5200人",
        "进展平安指导、检查",
        "一季度完工43所工程学校",
    ):
        assert phrase in text
    assert not any(re.match(r"\d+、", line) for line in text.split("\n"))
    assert text.startswith("县教育部门年度教育开展工作参考方案范文2023年")


def test_real_item_numbers_of_the_seed_are_kept():
    lines = seed("004").split("\n")
    assert any(line.startswith("1、加强党的政治建设") for line in lines)
    assert any(line.startswith("21、落实教育精准扶贫") for line in lines)
    assert sum(bool(re.match(r"\d+、", line)) for line in lines) == 21


def test_enclosed_ideograph_numbers_become_parenthesised():
    text = seed("000")
    assert "\n(一)以“全面提升队伍素质”为重点" in text
    assert "㈠" not in text
    assert text.startswith("2016年工作计划\n一、指导思想\n")


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_seed_cleaning_is_stable_when_repeated(name):
    assert txt(seed(name)) == seed(name)


def _evidence_cases() -> list:
    cases = []
    for line in (ROOT / "evals" / "qa_dev.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        docs = [item["doc"]] if isinstance(item["doc"], str) else item["doc"] or []
        for k, evidence in enumerate(item["evidence"]):
            # Multi-document questions list one evidence string per document, in order.
            candidates = (docs[k],) if len(docs) == len(item["evidence"]) else tuple(docs)
            cases.append(pytest.param(evidence, candidates, id=f"{item['id']}-{k}"))
    return cases


@pytest.mark.parametrize(("evidence", "docs"), _evidence_cases())
def test_every_evidence_string_survives_cleaning(evidence, docs):
    assert any(squash(evidence) in squash(cleaned_file(doc)) for doc in docs)
