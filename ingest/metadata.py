"""What a plan is: title, year, place, type, issuer and date, read from its cleaned text.

Each field has its own small rule set; none knows a particular file. The header zone (the first
lines, where portals, red headers and cover notices put their metadata) is read for the title,
the issuer and the date; the whole text only for the year anchors, the region and the province.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.chinese import ITEM_NUMBER, PAUSES, SENTENCE_ENDS
from ingest.dates import date_of_line, dated_field, five_year_anchors, year_span, years_in
from ingest.places import find_places, find_provinces, place_stem, provinces_of
from ingest.types import DocumentMeta

SUMMARY_AND_PLAN = "工作总结与计划"
# Plan-type word in a title -> doc_type. Forward-looking words pair with 总结 as SUMMARY_AND_PLAN.
_DOC_TYPE_OF_WORD = {
    "要点": "工作要点",
    "计划": "工作计划",
    "打算": "工作计划",
    "方案": "工作方案",
    "总结": "工作总结",
    "意见": "工作意见",
    "安排": "工作安排",
    "思路": "工作思路",
    "规划": "发展规划",
}
_FORWARD_WORDS = ("计划", "要点", "打算", "安排", "思路")
DOC_TYPES = (SUMMARY_AND_PLAN, *dict.fromkeys(_DOC_TYPE_OF_WORD.values()))
_PLAN_WORD = re.compile("|".join(_DOC_TYPE_OF_WORD))

_HEADER_LINES = 30  # cover notice, red header and portal lines all sit above this
_TAIL_LINES = 8  # a closing signature (issuer, date) sits below this
_TITLE_MAX = 40  # chars: a longer line is a paragraph, not a title
_NOTICE_MAX = 90  # chars: "…关于印发《…》的通知" runs longer than a title
_TITLE_WRAP_MIN = 6  # chars: a title wraps because it is long; a shorter line is a label
_TITLE_CONNECTORS = ("与", "和", "及", "暨", "、", "的", "关于", "印发")
_LETTER_SPACED = re.compile(r"(?:\S\s+){3,}\S")  # "2 0 2 1 年 工 作 要 点"

_STATED_YEAR = re.compile(r"((?:19|20)\d{2})年(?:是|为)")
# A paragraph opening with its year: "2021年,全县教育工作的总体要求是…"
_OPENING_YEAR = re.compile(r"^((?:19|20)\d{2})年", re.MULTILINE)
_NEXT_YEAR = re.compile(r"明年|来年|下一?年度?")
# years: a title one year off an anchor may be a plan written late or early, not a wrong stamp
_OVERRIDE_GAP = 2

_OUTLINE_START = re.compile(ITEM_NUMBER)
_DOC_NUMBER = re.compile(r"[〔\[(【]\s*(?:19|20)\d{2}\s*[〕\])】]\s*\d+\s*号")
_PORTAL_LINE = re.compile(
    r"发布时间|更新时间|发布日期|成文日期|来源[:：]|当前.{0,3}位置|门户网站|>"
)
_NOTICE = re.compile(r"^(.*?)关于(?:印发|转发|下发|公布)?(.+?)的通知$")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")
_PUNCTUATION = re.compile(f"[{SENTENCE_ENDS}{PAUSES}]")  # a title may hold 、 and quotes, not these
_CLAUSE_END = re.compile(f'[{SENTENCE_ENDS}{PAUSES}、“”"]')
# A first paragraph that opens with its title starts like a title, not like a sentence.
_SENTENCE_OPENER = re.compile(
    r"(?:根据|按照|为了?|在|以|围绕|结合|坚持|贯彻|认真|进一步|全面|今年|本年)"
)

# How education bodies' names end: 教育局, 教育体育局, 教体局, 教育委员会, 县委教育工作领导小组…
_BUREAU = r"(?:教育(?:和体育|体育|科技|科学技术|文体|文化体育)?局|教体局|文教局|教文体局)"
_ORG_END = (
    rf"(?:{_BUREAU}|教育(?:工作)?委员会|教委|教育工委|教育厅|人民政府(?:办公室)?|政府办公室"
    r"|领导小组(?:办公室)?)"
)
_ORG = re.compile(rf"[^\s,，。;；:：《》]{{0,24}}?{_ORG_END}")
# An org at the start of a title or right after its year: "2020年平江县教育局工作计划".
_TITLE_ISSUER = re.compile(rf"(?:^|(?<=[\d年]))([^\s\d年,，。;；:：《》“”]{{0,24}}?{_ORG_END})")
_ISSUER_FIELD = re.compile(
    rf"(?:信息来源|来源|发文机关|发布机构|发布单位)\s*[:：]\s*({_ORG.pattern})"
)

# Words that name a place without naming it ("全县", "我市") never become a region.
_GENERIC_PLACE = re.compile(r"[全我本该]?[县市区旗]")
_BODY_REGION_MIN = 2  # mentions: one passing mention of a place does not make it the plan's
_SELF_REFERENCE = re.compile(r"(?:全|我|本)([县市区旗])|([县市区旗])(?:委|政府)")


@dataclass(frozen=True, slots=True)
class _Title:
    text: str
    line: str  # the line it came from, which may say more (a year after the title)


def extract_metadata(text: str, file_name: str) -> DocumentMeta:
    """Read a plan's metadata from its cleaned text (`ingest.clean.clean_text`)."""
    lines = [_tidy_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    header = lines[:_HEADER_LINES]
    title = _find_title(header) or _Title(Path(file_name).stem, "")
    published = _find_published(header, lines[-_TAIL_LINES:])
    year, years = _find_years(title, text, published)
    issuer = _issuer_from_header(title, header, lines[-_TAIL_LINES:])
    region = _find_region(title.text, issuer, text)
    if issuer is None and region is not None:
        issuer = _issuer_from_body(region, text)
    return DocumentMeta(
        title=title.text,
        year=year,
        years=years,
        region=region,
        province=_find_province(text, region),
        doc_type=find_doc_type(title.text),
        issuer=issuer,
        published=published,
    )


def _tidy_line(line: str) -> str:
    """Strip Markdown heading marks and the spaces of letter-spaced titles ("工 作 要 点")."""
    line = line.strip().lstrip("#").strip()
    if _LETTER_SPACED.fullmatch(line):
        return re.sub(r"\s+", "", line)
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", line)


# --- title


def _find_title(header: list[str]) -> _Title | None:
    """The title among the header lines, or None.

    A title line wins over the 《…》 inside a "关于印发《…》的通知" notice, which wins over the
    start of a first paragraph that opens with its title.
    """
    notice_title = None
    for i, line in enumerate(header):
        following = header[i + 1] if i + 1 < len(header) else ""
        candidates = [line + following, line] if _wraps(line, following) else [line]
        for candidate in candidates:
            inner = _notice_title(candidate)
            if inner is not None:
                notice_title = notice_title or _Title(_unquote(inner), candidate)
                break  # its first line alone is no title
            if _is_title(candidate):
                return _Title(_unquote(candidate), candidate)
    if notice_title is not None:
        return notice_title
    return _title_opening_paragraph(header[0]) if header else None


def _is_title(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX
        and _PLAN_WORD.search(line) is not None
        and not _PUNCTUATION.search(line)
        and not _OUTLINE_START.match(line)
        and not _is_furniture(line)
    )


def _wraps(line: str, following: str) -> bool:
    """Whether a title (or notice) goes on from `line` onto `following`, as PDFs wrap them."""
    if not following or len(line + following) > _NOTICE_MAX:
        return False
    if any(_is_furniture(part) or _PUNCTUATION.search(part) for part in (line, following)):
        return False
    if _OUTLINE_START.match(line) or _OUTLINE_START.match(following):
        return False
    if line.endswith(_TITLE_CONNECTORS) or following.startswith("的"):
        return True  # "…2019年工作总结与" + "2020年工作计划", "…工作要点" + "的通知"
    # "…教育局2021年教育" + "工作要点"; not a label line above a whole title of its own
    return (
        len(line) >= _TITLE_WRAP_MIN
        and _PLAN_WORD.search(line) is None
        and not _ORG.fullmatch(line)
        and not (_is_title(following) and years_in(following))
    )


def _is_furniture(line: str) -> bool:
    """Red header, document number, portal, date, addressee or table line: never a title."""
    return (
        line.endswith("文件")
        or _DOC_NUMBER.search(line) is not None
        or _PORTAL_LINE.search(line) is not None
        or date_of_line(line) is not None
        or "|" in line
        or line.endswith((":", "："))
    )


def _unquote(title: str) -> str:
    return title.strip('《》“”"')


def _notice_title(line: str) -> str | None:
    """ "X关于印发《Y》的通知" -> "Y" when Y names a plan type."""
    found = _NOTICE.match(line) if len(line) <= _NOTICE_MAX else None
    if found is None:
        return None
    quoted = _QUOTED_TITLE.search(found.group(2))
    inner = quoted.group(1) if quoted else found.group(2).strip('“”"')
    return inner if _PLAN_WORD.search(inner) else None


def _title_opening_paragraph(line: str) -> _Title | None:
    """The title a first paragraph opens with, up to its last plan-type word before punctuation.

    "县教育部门年度教育开展工作参考方案范文2023年,…" -> "县教育部门年度教育开展工作参考方案".
    """
    head = _CLAUSE_END.split(line, maxsplit=1)[0][: _TITLE_MAX + 10]
    ends = [match.end() for match in _PLAN_WORD.finditer(head) if match.end() <= _TITLE_MAX]
    if not ends or _SENTENCE_OPENER.match(head) or _OUTLINE_START.match(head):
        return None
    title = head[: ends[-1]]
    return _Title(title, line) if len(title) >= 4 else None


# --- year


def _find_years(
    title: _Title, text: str, published: str | None
) -> tuple[int | None, tuple[int, ...]]:
    """The year a plan is about and every year it covers.

    The title's year, unless the text anchors the plan elsewhere: a five-year-plan anchor
    ("做好十二五开局之年的各项工作") that no "YYYY年是" statement ties to another year overrides
    a title year at least two years off (a template's stamp, a wrong page date). A summary plus
    plan is about its plan year and covers both; a span ("2016-2020年", "十四五") covers each year.
    """
    span = year_span(title.text)
    if span:
        return span[0], span
    title_years = years_in(title.text)
    if find_doc_type(title.text) == SUMMARY_AND_PLAN and title_years:
        if len(set(title_years)) == 1 and _NEXT_YEAR.search(title.text):
            title_years.append(title_years[0] + 1)  # "2020年工作总结及明年工作计划"
        if len(set(title_years)) >= 2:
            return max(title_years), tuple(sorted(set(title_years)))
    anchors = five_year_anchors(text)
    claimed = title_years[0] if title_years else next(iter(years_in(title.line)), None)
    if claimed is None:
        year = _unclaimed_year(anchors, text, published)
    elif _overrides(anchors, claimed, text):
        year = Counter(anchors).most_common(1)[0][0]
    else:
        year = claimed
    return year, (year,) if year is not None else ()


def _overrides(anchors: list[int], claimed: int, text: str) -> bool:
    """Whether five-year-plan anchors outvote the title's year."""
    if not anchors or claimed in anchors:
        return False
    if claimed in {int(year) for year in _STATED_YEAR.findall(text)}:
        return False  # "2020年是…": the text confirms the title
    return min(abs(anchor - claimed) for anchor in anchors) >= _OVERRIDE_GAP


def _unclaimed_year(anchors: list[int], text: str, published: str | None) -> int | None:
    """A year for an undated title: anchors, "YYYY年是…", an opening "YYYY年,…", the page date."""
    if anchors:
        return Counter(anchors).most_common(1)[0][0]
    for pattern in (_STATED_YEAR, _OPENING_YEAR):
        found = pattern.search(text)
        if found:
            return int(found.group(1))
    return int(published[:4]) if published else None


# --- doc type


def find_doc_type(title: str) -> str | None:
    """The plan type a title names: its last plan-type word, or SUMMARY_AND_PLAN for both."""
    words = _PLAN_WORD.findall(title)
    if not words:
        return None
    if "总结" in words and any(word in _FORWARD_WORDS for word in words):
        return SUMMARY_AND_PLAN
    return _DOC_TYPE_OF_WORD[words[-1]]


# --- issuer


def _issuer_from_header(title: _Title, header: list[str], tail: list[str]) -> str | None:
    """The issuer named by the title, a red header, a notice, a signature or a source field."""
    found = _TITLE_ISSUER.search(title.text)
    if found:
        return found.group(1)
    for line in header:
        if line.endswith("文件") and _ORG.fullmatch(line[:-2]):
            return line[:-2]
    for line in (title.line, *header):
        notice = _NOTICE.match(line)
        if notice and _ORG.fullmatch(notice.group(1)):
            return notice.group(1)
    signer = _signature(header) or _signature(tail)
    if signer:
        return signer[0]
    for line in header:
        field = _ISSUER_FIELD.search(line)
        if field:
            return field.group(1)
    for line in header:
        if _ORG.fullmatch(line) and _named_place(line):  # "XX县教育局" above the title
            return line
    return None


def _issuer_from_body(region: str, text: str) -> str | None:
    """The region's education bureau when the body names it ("《平江县教育局工作规则》")."""
    pattern = re.compile(re.escape(region) + _BUREAU)
    named = Counter(pattern.findall(text))
    return named.most_common(1)[0][0] if named else None


def _signature(lines: list[str]) -> tuple[str, str] | None:
    """(issuer, ISO date) of an issuer line directly above a date line."""
    for above, line in zip(lines, lines[1:], strict=False):
        date = date_of_line(line)
        if date and _ORG.fullmatch(above):
            return above, date
    return None


# --- region and province


def _find_region(title: str, issuer: str | None, text: str) -> str | None:
    """The county or city a plan is about: from its title, its issuer, else the body's main place.

    Returned as the text writes it ("通道县", not the gazetteer's "通道侗族自治县").
    """
    for source in (title, issuer or ""):
        place = _named_place(source)
        if place:
            return place
    return _main_place(text)


def _named_place(source: str) -> str | None:
    """The most specific place a title or issuer starts naming: "长沙市岳麓区教育局" -> "岳麓区"."""
    places = find_places(source, municipalities=True)
    if places:
        place = places[0]
        for following in places[1:]:
            if following.start != place.start + len(place.name):
                break
            place = following
        return place.name
    before_org = re.match(r"(?:中共)?([^\s,，。《》\d]{2,8}?[县市区旗])(?:委)?" + _ORG_END, source)
    if before_org and not _GENERIC_PLACE.fullmatch(before_org.group(1)):
        return before_org.group(1)
    return None


def _main_place(text: str) -> str | None:
    """The place the body names most, counting its short form ("平江教育") once it is named in full.

    A county plan says 全县/县委 and a city plan 全市/市委: places of that level go first, so a
    county plan that often cites its city still gets the county.
    """
    named = Counter(place.name for place in find_places(text))
    scores = {name: _mentions(name, count, text) for name, count in named.items()}
    scores = {name: score for name, score in scores.items() if score >= _BODY_REGION_MIN}
    own_level = Counter(a or b for a, b in _SELF_REFERENCE.findall(text))
    if own_level:
        suffix = own_level.most_common(1)[0][0]
        scores = {name: score for name, score in scores.items() if name.endswith(suffix)} or scores
    return max(scores, key=lambda name: scores[name]) if scores else None  # ties: the first named


def _mentions(name: str, full_mentions: int, text: str) -> int:
    """Mentions of a place, short form included; a one-character stem ("攸") is no name alone."""
    stem = place_stem(name)
    return text.count(stem) if len(stem) >= 2 else full_mentions


def _find_province(text: str, region: str | None) -> str | None:
    """The province the text names most, among those the region can be in when it is known."""
    mentions = find_provinces(text)
    possible = provinces_of(region) if region else frozenset()
    if possible:
        mentions = [province for province in mentions if province in possible]
    counted = Counter(mentions)
    return counted.most_common(1)[0][0] if counted else None


# --- publication date


def _find_published(header: list[str], tail: list[str]) -> str | None:
    """ISO date of signing or publication: a signature, else a portal's date fields."""
    signed = _signature(header) or _signature(tail)
    return signed[1] if signed else dated_field([*header, *tail])
