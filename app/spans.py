"""What a stretch of plan text holds that can answer a question: statements, figures, names.

An answer is an exact span of a passage: a statement (a sentence, or a run of clauses of a long
one), a figure with its unit and qualifier ("8100人以上", "不少于1700人"), or a name — a quoted
name (“家园行动”), a document title (《…》) or number ("浏政办发〔2020〕11号"), a designated
year ("为教师队伍建设年") or a list ("电子商务、制造、旅游服务"). A date is a figure in 日.
Offsets are into the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chinese import (
    FIGURE_UNITS,
    ITEM_NUMBER,
    NUMBER,
    PAUSES,
    SENTENCE_ENDS,
    WHITESPACE,
    trim_span,
)

_CLAUSE_BREAK = re.compile(f"[{SENTENCE_ENDS}{PAUSES}\n()（）]")
_ITEM_BREAK = re.compile(f"[{SENTENCE_ENDS}{PAUSES}\n()（）、]")
_COUNTED = re.compile(r"[\u4e00-\u9fff]{1,6}")  # what a figure counts, written after it
# units that follow a Chinese numeral in ordinary words too ("十分重要", "一部分", "一份力量"):
# figures in them need digits
_DIGITS_ONLY = ("分", "部", "份", "本", "首", "米")
_FIGURE = re.compile(
    rf"(?:不少于|不低于|不超过|超过|控制在|达到|达|约|近|第)?"
    rf"(?:百分之{NUMBER}|{NUMBER}(?:[万亿])?(?:%?\s*[-—–~～至到]\s*{NUMBER}[万亿]?)?"
    rf"(?:余|多)?(?:{'|'.join(FIGURE_UNITS)}))"
    rf"(?:及以上|以上|以内|以下|左右)?"
)
# a date: "2020年3月11日", "3月11日" (a figure whose unit is 日)
_DATE = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}[日号]")
_OUTLINE_MARK = re.compile(rf"\s*{ITEM_NUMBER}")
# a span starts after any punctuation mark; at its end it loses pauses, list marks and ;
# (a clause's marks), and keeps 。!? (a sentence's own end)
_LEADING_MARKS = f"{WHITESPACE}{PAUSES}、{SENTENCE_ENDS}"
_TRAILING_MARKS = f"{WHITESPACE}{PAUSES}、;；"
_QUOTED = re.compile(r"“([^“”]{2,40})”|《([^《》]{2,60})》|\"([^\"]{2,40})\"")
# who leads a task: "由县教育局牵头", "由市教育体育局人事科负责"
_LEAD = re.compile(r"由([\u4e00-\u9fff、和]{2,30}?)(?:牵头|负责|主抓|组织实施|统筹)")
# a designated year: "2016年为教师队伍建设年", "确定为“教育质量提升年”"
_DESIGNATED = re.compile(r"(?:为|是|定为|确定为|作为)“?([\u4e00-\u9fff]{3,12}年)”?")
# a document's number: "浏政办发〔2020〕11号", "崇委教育[2020]1号"
_DOCNO = re.compile(r"[\u4e00-\u9fff]{2,10}[〔\[【(（]\d{4}[〕\]】)）]\s*\d{1,4}\s*号")
_LIST = re.compile(r"[\u4e00-\u9fff“”《》0-9]{2,20}(?:、[\u4e00-\u9fff“”《》0-9]{2,20}){1,8}"
                   r"(?:(?:和|及|与)[\u4e00-\u9fff“”0-9]{2,20})?")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with its unit, as written, with any qualifier ("8100人以上")."""

    start: int
    end: int
    unit: str


def figures(text: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """The figures of text[start:end]; an item's own number ("12、") is not one."""
    end = len(text) if end is None else end
    skip = _OUTLINE_MARK.match(text, start)
    dates = [Figure(m.start(), m.end(), "日") for m in _DATE.finditer(text, start, end)]
    out = list(dates)
    for m in _FIGURE.finditer(text, start, end):
        if skip and m.start() < skip.end() or any(d.start <= m.start() < d.end for d in dates):
            continue
        core = re.sub(r"(?:及以上|以上|以内|以下|左右)$", "", m.group())
        unit = next((u for u in FIGURE_UNITS if core.endswith(u)), "")
        digits = bool(re.search(r"\d", core))
        if unit == "年" and not re.search(r"(?:以上|以下|左右|以内)$", m.group()):
            continue  # "2016年", "三年": a year or a horizon, not a measured figure
        if unit in ("期", "届") and not digits and not core.startswith("第"):
            continue  # "二期工程", "十届": a name, not a count ("第十二届" says which one)
        if unit in _DIGITS_ONLY and not digits:
            continue
        if core == f"一{unit}" and unit not in ("倍",):
            continue  # "一名", "一个": an article ("一课一名师", "一个中心"), not a count
        out.append(Figure(m.start(), m.end(), unit))
    return sorted(out, key=lambda f: f.start)


def counted(text: str, figure: Figure) -> int:
    """Where what a figure counts ends when it follows the figure ("54个教学班", "30个教学点"):
    the figure's end when a clause mark or another figure comes first, or nothing follows."""
    m = _COUNTED.match(text, figure.end)
    if not m or figure.unit in ("%", "元", "万元", "亿元", "万亿元"):
        return figure.end
    end = m.end()
    clash = [f.start for f in figures(text, figure.end, end)]
    if clash:
        end = clash[0]
    following = _ITEM_BREAK.search(text, end)
    at_break = following is not None and following.start() == end or end == len(text)
    return end if at_break and end > figure.end else figure.end


def unit_fits(unit: str, asked: tuple[str, ...]) -> bool:
    """Whether a figure's unit is one a question asks for ("万元" is money, as "元" asks)."""
    return any(unit == a or unit.endswith(a) for a in asked)


def clause_bounds(text: str, start: int, end: int, items: bool = False) -> list[int]:
    """Where the clauses (with `items`, also list items) of text[start:end] begin, and `end`."""
    breaks = _ITEM_BREAK if items else _CLAUSE_BREAK
    inner = [m.end() for m in breaks.finditer(text, start, end) if m.end() < end]
    return [start, *inner, end]


def clause_around(
    text: str, start: int, end: int, within: tuple[int, int], items: bool = False
) -> tuple[int, int]:
    """The clause (between breaks, inside `within`) that holds text[start:end]; with `items`,
    list items count as clauses ("其中普高5500人、职高2600人": each figure has its own)."""
    lo, hi = within
    breaks = _ITEM_BREAK if items else _CLAUSE_BREAK
    left = max((m.end() for m in breaks.finditer(text, lo, start)), default=lo)
    right = breaks.search(text, end, hi)
    return left, right.start() if right else hi


@dataclass(frozen=True, slots=True)
class Name:
    """A named thing in a text: a quoted name, a title, a designated year or a list."""

    start: int
    end: int
    kind: str  # "quoted", "title", "year", "list", "lead" (who leads a task), "docno"


def names(text: str, start: int = 0, end: int | None = None) -> list[Name]:
    """The names of text[start:end], without their quotation marks."""
    end = len(text) if end is None else end
    out = []
    for m in _QUOTED.finditer(text, start, end):
        group = next(g for g in (1, 2, 3) if m.group(g))
        kind = "title" if group == 2 else "quoted"
        out.append(Name(m.start(group), m.end(group), kind))
    for m in _DESIGNATED.finditer(text, start, end):
        if not any(n.start <= m.start(1) < n.end for n in out):
            out.append(Name(m.start(1), m.end(1), "year"))
    for m in _LIST.finditer(text, start, end):
        out.append(Name(m.start(), m.end(), "list"))
    for m in _LEAD.finditer(text, start, end):
        out.append(Name(m.start(1), m.end(1), "lead"))
    for m in _DOCNO.finditer(text, start, end):
        out.append(Name(m.start(), m.end(), "docno"))
    return sorted(out, key=lambda n: (n.start, -n.end))


# a year named for what it is to achieve: "为教师队伍建设年", "“教育质量提升年”" (not "关键之年")
_DESIGNATED_YEAR = re.compile(
    r"(?:为|是)“?[\u4e00-\u9fff]{4,10}(?<!之)年|“[\u4e00-\u9fff]{3,10}年”"
)


def names_category(text: str, category: str | None) -> float:
    """How surely a text names something of the asked category: 1 for "以“家园行动”为主题" or
    "2016年为教师队伍建设年", 0.5 for a compound such as "“先锋先行”主题实践活动", else 0."""
    if not category:
        return 0.0
    if category == "年":  # a designated year, not 全年/今年/2016年
        return 1.0 if _DESIGNATED_YEAR.search(text) else 0.0
    if f"为{category}" in text:
        return 1.0
    return 0.5 if re.search(rf"[\u4e00-\u9fff”]{{2,}}{category}", text) else 0.0


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without the spaces, clause marks and outline number at its ends."""
    mark = _OUTLINE_MARK.match(text, start, end)
    if mark and mark.end() < end:
        start = mark.end()
    start, _ = trim_span(text, start, end, _LEADING_MARKS)
    return trim_span(text, start, end, _TRAILING_MARKS)
