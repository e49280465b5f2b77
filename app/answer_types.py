"""What kind of thing a question asks for, and whether a text holds one.

Quantity questions want a figure in the unit they ask about ("多少所" → "35所"); "什么年" wants a
designated name ("教师队伍建设年"). Search uses these to rerank passages, `ask` to pick and accept
a statement.
"""

from __future__ import annotations

import re

_NUMBER = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)(?:余|多)?(?:万|亿)?"
_UNITS = (
    "万平方米|平方米|万元|亿元|元|人次|万人|人|名|所|个|套|间|台|件|项|次|班|座|处|家|支|亩|公里|%"
)
FIGURE = re.compile(rf"{_NUMBER}(?:余|多)?(?:{_UNITS})")
# the unit a quantity question asks for, by the words it uses
ASKED_UNIT = (
    (re.compile(r"率|比例|百分之|percent|rate", re.I), ("%",)),
    (re.compile(r"面积"), ("平方米",)),
    (re.compile(r"多少人次|几人次"), ("人次",)),
    (re.compile(r"多少(?:名|位)|几名"), ("名", "人")),
    (re.compile(r"多少人|几人|人数|how many people", re.I), ("人", "名")),
    (re.compile(r"多少所|几所"), ("所",)),
    (re.compile(r"多少个|几个"), ("个",)),
    (re.compile(r"多少套|几套"), ("套",)),
)


def asked_units(question: str) -> tuple[str, ...]:
    """Units a quantity question asks for (() when any figure will do)."""
    for pattern, units in ASKED_UNIT:
        if pattern.search(question):
            return units
    return ()


_OUTLINE_MARK = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.])"
)


def has_figure(text: str, units: tuple[str, ...]) -> bool:
    """Whether a text holds a figure in one of `units` (any figure when `units` is empty)."""
    text = _OUTLINE_MARK.sub("", text)  # "12、" numbers an item, it is no figure
    figures = FIGURE.findall(text)
    if not units:
        return bool(figures) or bool(re.search(r"\d", text))
    return any(f.endswith(u) for f in figures for u in units)


def names_category(text: str, category: str | None) -> float:
    """How surely a text names something of the asked category: 1 for "以“家园行动”为主题" or
    "2016年为教师队伍建设年", 0.5 for a compound such as "“先锋先行”主题实践活动", else 0."""
    if not category:
        return 0.0
    if category == "年":  # a designated year, not 全年/今年/2016年
        designated = r"(?:为|是|的)“?[\u4e00-\u9fff]{3,}年|“[\u4e00-\u9fff]{2,}年”"
        return 1.0 if re.search(designated, text) else 0.0
    if re.search(rf"为{category}", text):
        return 1.0
    return 0.5 if re.search(rf"[\u4e00-\u9fff”]{{2,}}{category}", text) else 0.0
