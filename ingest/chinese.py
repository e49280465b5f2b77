"""The rules of Chinese plan text that ingest and app share: numbers and the units of figures,
numerals, an outline item's number, sentences and clauses, what counts as a letter, what is
garbage, how lines end.

Cleaned text is NFKC-normalised, so the full-width ，：；！？ arrive as ASCII; 。 and 、 stay. The
character sets below hold both forms, for the questions, which are not cleaned.
"""

from __future__ import annotations

import re
import unicodedata

# Numerals of a count ("两百", "八十五") and of a number written digit by digit ("二〇二〇").
NUMERALS = "零一二两三四五六七八九十百千"
DIGIT_NUMERALS = "〇零一二三四五六七八九"
# a number as plans write it: digits (with a decimal point) or Chinese numerals
NUMBER = rf"(?:\d+(?:\.\d+)?|[{NUMERALS}]+)"
# a year digit by digit ("二〇二〇"), also typed with a letter O ("二O二O"); `digits_value` reads it
CN_YEAR = rf"[{DIGIT_NUMERALS}Oo]{{4}}"

# The units of figures, for three readers, each longest first ("人次" before "人"; 万/亿 belong
# to the number). Candidate answers take any counted thing (FIGURE_UNITS). The targets table
# keeps fewer (TARGET_UNITS): the units of a plan's quantities, not of scores, days or rounds
# (分, 天, 届). A generated answer's figures are checked with a wide net (CHECKED_UNITS, a
# regex alternation), so that few of its figures go unchecked.
FIGURE_UNITS = (
    "万平方米", "平方米", "万亿元", "亿元", "万元", "元", "人次", "万人", "公里", "课时", "学时",
    "小时", "人", "名", "位", "所", "个", "套", "间", "台", "件", "项", "次", "班", "座", "处",
    "家", "支", "亩", "册", "本", "节", "晚", "天", "周", "月", "条", "张", "种", "批", "期", "届",
    "场", "门", "块", "辆", "只", "吨", "篇", "首", "份", "部", "分", "米", "倍", "年", "%",
)  # fmt: skip
TARGET_UNITS = (
    "平方米", "公里", "人次", "元", "人", "名", "所", "个", "套", "间", "台", "件", "项", "次",
    "班", "座", "处", "家", "亩", "册", "节", "起", "条", "年", "%",
)  # fmt: skip
CHECKED_UNITS = (
    "平方公里|平方米|公里|千米|万元|亿元|元|人次|课时|学时|学分|小时|人|名|所|个|项|次|期|班|座|"
    "间|套|台|张|册|本|篇|天|年|月|日|岁|家|户|条|件|批|类|种|门|位|节|分|%"
)

_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def letters(text: str) -> int:
    """Chinese characters and Latin letters: what words are made of in a plan."""
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or c.isascii() and c.isalpha())


def garbage_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for char in text if _is_garbage(char)) / len(text)


def _is_garbage(char: str) -> bool:
    if char == "\ufffd":
        return True
    # Cc: control, Cs: lone surrogate, Co: private use, Cn: unassigned.
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in _TEXT_CONTROLS


# a digit as plans write it; "O" for 〇 is a typing habit ("二O二O年"), "两" a spoken 2
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "o": 0, "两": 2}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"  # ① … ⑳, the numbers of a list's items


def digits_value(digits: str) -> int:
    """A number written digit by digit, as years are: "二〇二〇" → 2020.

    Raises KeyError for a character that is not a digit."""
    return int("".join(str(_DIGITS[c]) for c in digits))


def numeral_value(numeral: str) -> int:
    """A small number as outlines, months, days and counts write it: "十二" → 12, "一百零三"
    → 103, "两" → 2, "③" → 3, "12" → 12.

    Read here rather than by cn2an, which the figures' large numerals need (两万, 百分之八十五;
    `ingest/targets.py`, `app/generate.py` import it when they meet one): measured, cn2an
    takes 0.1 s to import and 11 µs a call, this 4.5 µs, on the question's path.

    Raises KeyError for a character that is not part of a numeral."""
    if numeral in CIRCLED:
        return CIRCLED.index(numeral) + 1
    if numeral.isdecimal():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        if ch in "百十":
            total += (current or 1) * (100 if ch == "百" else 10)
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


# An outline item's own number where a paragraph opens: 一、 (一) 一) 1. 1、 1) (1) 第一章 ①, also
# before a year ("26.2022年…"), but not "1.5万" or "83.25%" (a decimal).
ITEM_NUMBER = (
    r"(?:[一二三四五六七八九十]{1,3}[、.．)）]|[(（][一二三四五六七八九十\d]{1,3}[)）]"
    r"|\d{1,2}(?:[、)）]|[.．](?!\d{1,3}(?!\d)))"
    rf"|第[一二三四五六七八九十百\d]{{1,4}}[章条节]|[{CIRCLED}])"
)

# Where sentences and clauses end.
SENTENCE_ENDS = "。!?;！？；"
PAUSES = ",，:："  # commas and colons end a clause; 、 ends a list's item
_SENTENCE = re.compile(
    rf"[^{SENTENCE_ENDS}\n]*(?:[{SENTENCE_ENDS}]+[”’]?|\n)|[^{SENTENCE_ENDS}\n]+"
)
_CLAUSE = re.compile(rf"[^{PAUSES}、]*[{PAUSES}、]|[^{PAUSES}、]+")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the sentences of text[start:end], end to end: a sentence runs to its end
    marks (with a closing quote) or to the line end, which it keeps."""
    return _pieces(_SENTENCE, text, start, len(text) if end is None else end)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the clauses of text[start:end], end to end, each with its mark."""
    return _pieces(_CLAUSE, text, start, len(text) if end is None else end)


def _pieces(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, start, end)]


# what str.isspace calls whitespace (all of it lies below U+3001), for str.strip
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def trim_span(text: str, start: int, end: int, chars: str = WHITESPACE) -> tuple[int, int]:
    """The span without `chars` (whitespace unless told) at its ends."""
    piece = text[start:end]
    body = piece.lstrip(chars)
    start += len(piece) - len(body)
    return start, start + len(body.rstrip(chars))
