"""Years and dates as Chinese plans write them: "2020年", "二〇二〇年三月十一日", "十三五"."""

from __future__ import annotations

import datetime
import re

from .chinese import CN_YEAR, DIGIT_NUMERALS, digits_value, numeral_value

_YEAR = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})(?!\d)|({CN_YEAR})年")
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[-—–~至到]\s*((?:19|20)\d{2})(?!\d)")
_MAX_SPAN = 10  # years: a longer "range" is two unrelated years, not a plan period

# Five-year plans by their first year; "开局之年" is the first year, "收官之年" the last.
_FIVE_YEAR_PLANS = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_FIVE_YEAR_NAME = re.compile(r"十[一二三四五]五")
_FIVE_YEAR_ANCHOR = re.compile(
    r"(十[一二三四五]五)[\"”」』]?(?:发展)?(?:规划|时期)?的?"
    r"(开局|起步|开篇|收官|最后一)[^,，。;；]{0,4}?年"
)
_OPENING_WORDS = ("开局", "起步", "开篇")
_ANCHOR_REACH = 40  # chars: how far back "2016年是…" may name the year an anchor speaks of
# Another time named before the anchor; "今年" (this year) is the plan's own year, so not here.
_OTHER_TIME = re.compile(r"(?:19|20)\d{2}年|去年|明年|上一?年|下一?年")

_CN_NUMBER = f"[{DIGIT_NUMERALS}十]"  # a month or a day: "三月十一日"
_DATE = (
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    rf"|({CN_YEAR})年({_CN_NUMBER}{{1,2}})月({_CN_NUMBER}{{1,3}})日"
)
_DATE_LINE = re.compile(rf"^(?:{_DATE})$")
# Date fields in the order they are trusted: the signing date, publication, then the last edit.
_DATE_FIELDS = (
    re.compile(rf"(?:成文日期|发文日期)\s*[:：]?\s*(?:{_DATE})"),
    re.compile(rf"(?:发布时间|发布日期|印发日期|公开日期|生成日期)\s*[:：]?\s*(?:{_DATE})"),
    re.compile(rf"(?:更新时间|更新日期)\s*[:：]?\s*(?:{_DATE})"),
    re.compile(rf"(?:{_DATE})\s*印发"),
)


def years_in(text: str) -> list[int]:
    """Every year written in `text`, in order: "2019年…二〇二〇年" -> [2019, 2020]."""
    return [
        int(digits) if digits else digits_value(chinese) for digits, chinese in _YEAR.findall(text)
    ]


def year_span(title: str) -> tuple[int, ...] | None:
    """Every year of a multi-year title ("2016-2020年…", "“十四五”…规划"), else None."""
    span = _YEAR_RANGE.search(title)
    if span:
        first, last = int(span.group(1)), int(span.group(2))
        if first < last <= first + _MAX_SPAN:
            return tuple(range(first, last + 1))
    five_year = _FIVE_YEAR_NAME.search(title)
    if five_year and not years_in(title):
        first = _FIVE_YEAR_PLANS[five_year.group()]
        return tuple(range(first, first + 5))
    return None


def five_year_anchors(text: str) -> list[int]:
    """Years that "X五开局之年 / 收官之年" phrases name, unless said of another time.

    "做好十二五开局之年的各项工作" and "今年是十二五开局之年" -> 2011; "2016年是十三五开局之年" is
    left out: a sentence about a named year (or 去年, 明年) does not say which year the plan is for.
    """
    years = []
    for match in _FIVE_YEAR_ANCHOR.finditer(text):
        before = text[max(0, match.start() - _ANCHOR_REACH) : match.start()]
        if _OTHER_TIME.search(re.split(r"[。;；\n]", before)[-1]):
            continue
        first = _FIVE_YEAR_PLANS[match.group(1)]
        years.append(first if match.group(2) in _OPENING_WORDS else first + 4)
    return years


def date_of_line(line: str) -> str | None:
    """The ISO date when `line` is nothing but a date ("2020年3月11日" -> "2020-03-11")."""
    return _parse_date(_DATE_LINE.match(line))


def dated_field(lines: list[str]) -> str | None:
    """The ISO date of the most trusted date field ("发布时间:2020-09-02 09:51") in `lines`."""
    for pattern in _DATE_FIELDS:
        for line in lines:
            date = _parse_date(pattern.search(line))
            if date:
                return date
    return None


def _parse_date(found: re.Match[str] | None) -> str | None:
    if found is None:
        return None
    year, month, day, cn_year, cn_month, cn_day = found.groups()[-6:]
    try:
        if year:
            return datetime.date(int(year), int(month), int(day)).isoformat()
        return datetime.date(
            digits_value(cn_year), _cn_number(cn_month), _cn_number(cn_day)
        ).isoformat()
    except (ValueError, KeyError):
        return None


def _cn_number(numeral: str) -> int:
    """A month or day: "十一" → 11, "二十" → 20, "三" and "〇三" → 3."""
    return numeral_value(numeral) if "十" in numeral else digits_value(numeral)
