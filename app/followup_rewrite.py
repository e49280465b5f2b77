"""A question written out again with another year or place: the previous question moved to
the year or place a follow-up names (`replaced`), across several (`across`), or a follow-up
given the previous place and year (`scoped`), with full place names and four-digit years
(`spelled_out`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .engine import Engine
from .followup_words import EVERY_YEAR, LEAD, PLAN_AFTER, PLAN_BEFORE, RELATIVE, YEAR_MENTION
from .query import Question, region_aliases
from .search import analysed


def spelled_out(engine: Engine, text: str) -> str:
    """A rewritten question with its places by their full names and its years in four digits
    ("崇阳19年…" → "崇阳县2019年…"), as a reader of the understood question expects."""
    asked = analysed(engine, text)
    if asked.is_english:
        return text
    text = places_pattern(asked.regions).sub(lambda m: _full_name(asked.regions, m.group(0)), text)
    return re.sub(r"(?<![\d.])(\d\d)年", lambda m: f"20{m.group(1)}年", text)


def _full_name(regions: Sequence[str], said: str) -> str:
    return next((r for r in regions if said.lower() in map(str.lower, region_aliases(r))), said)


def places_pattern(regions: Sequence[str]) -> re.Pattern:
    """Any name of the places, longest first; pinyin with or without "'" and "-" ("Xian'an")."""
    names = sorted({a for r in regions for a in region_aliases(r)}, key=len, reverse=True)
    said = [r"\b" + "['’-]?".join(map(re.escape, a)) + r"\b" if a.isascii() else re.escape(a)
            for a in names]  # fmt: skip
    return re.compile("|".join(said) or r"(?!)", re.I)


def _year_words(years: Sequence[int], english: bool) -> str:
    if english:
        return " and ".join(str(y) for y in years)
    return "和".join(f"{y}年" for y in years)


def _place_word(region: str, english: bool) -> str:
    if not english:
        return region
    ascii_names = [a for a in region_aliases(region) if a.isascii()]
    return ascii_names[0].capitalize() if ascii_names else region


def replaced(before: Question, years: Sequence[int], regions: Sequence[str]) -> str:
    """The previous question with its year and place replaced by the ones given."""
    text = before.text
    if years:
        text = _put_years(text, _year_words(years, before.is_english), before)
    if regions:
        text = _put_place(text, "和".join(_place_word(r, before.is_english) for r in regions),
                          before)  # fmt: skip
    return text


def _put_years(text: str, words: str, before: Question) -> str:
    m = YEAR_MENTION.search(text) or EVERY_YEAR.search(text)
    if m:
        return text[: m.start()] + words + text[m.end() :]
    return _with_scope(text, before, years=words)


def _put_place(text: str, words: str, before: Question) -> str:
    m = places_pattern(before.regions).search(text)
    if m:
        return text[: m.start()] + words + text[m.end() :]
    return _with_scope(text, before, place=words)


def _with_scope(text: str, question: Question, place: str = "", years: str = "") -> str:
    """A question with a place or year it does not name put where a reader expects it."""
    if question.is_english:
        said = ", ".join(w for w in (place, years) if w)
        return f"{text.rstrip(' ?')} ({said})?" if said else text
    return f"{place}{years}{text}"


def across(before: Question, years: Sequence[int], regions: Sequence[str], every: bool) -> str:
    """The previous question across its year and the named one, its place and the named
    one, or every year."""
    english = before.is_english
    if every:
        words = "over the years" if english else "这几年"
        return _put_years(before.text, words, before) if before.years else f"{words}{before.text}"
    if regions:
        named = list(dict.fromkeys([*before.regions, *regions]))
        return replaced(replace(before, years=()), (), named)
    together = sorted(set(before.years) | set(years))
    return replaced(before, together, ()) if len(together) >= 2 else before.text


def scoped(text: str, asked: Question, before: Question, years: Sequence[int]) -> str:
    """A question with the previous place and year where it names none (a relative year
    replaced by the one it counts to)."""
    english = asked.is_english
    place = "" if asked.regions else "和".join(_place_word(r, english) for r in before.regions)
    year_words = ""
    if not asked.years:
        year_words = _year_words(years or before.years, english)
        for pattern, _ in RELATIVE:
            text = pattern.sub("", text)
        text = PLAN_AFTER.sub("", PLAN_BEFORE.sub("", text))
    return _with_scope(LEAD.sub("", text).strip(), asked, place, year_words)
