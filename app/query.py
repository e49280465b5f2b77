"""What a question says about where to look: years, regions, and the words that matter.

Years ("2020年", "16年", "二〇二〇年", "in 2019") and places ("崇阳", "怀化市", "Huaihua") become
filters; a place the corpus does not hold is still recognised, so "长沙市…" is not answered from
another city's plan.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import rjieba
from pypinyin import lazy_pinyin

from index.lexical import tokenize
from ingest.chinese import CN_YEAR, digits_value
from ingest.places import find_places, find_provinces, province_names, province_short

from .asked import asked_kind, asks_total
from .lexicon import Lexicon
from .words import Words

_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_YEAR2 = re.compile(r"(?<![\d.])(\d\d)年")
# a list of years sharing one 年: "18、19年", "2018和2019年", "17、18、20年"
_YEAR_LIST = re.compile(r"(?<![\d.])((?:(?:19|20)?\d\d[、,，和与及]\s*)+)(?:19|20)?\d\d年")
_YEAR_CN = re.compile(rf"({CN_YEAR})年")
# Words of the question form, not of the thing asked about.
_STOP_TEXT = """
的 了 是 在 和 与 及 对 把 为 要 有 吗 呢 啊 哪 哪些 哪个 哪所 哪一 什么 多少 几 几所 几个 怎样 如何
怎么 是否 目标 计划 年 今年 全年 各 各地 地方 提到 提出 这份 这个 该 其 中 个 所 名 人 项 达到 实现
实际 主要 期间 具体 一共 总共 分别 大约 大概 当年 年度 有关 相关 方面 情况 工作 等 共 了 多 少
举措 做法
what how many much which who the a an of in to is was were did does do for and by
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
# "定为什么年" / "以什么为主题": the answer is a name that ends in that category word
_CATEGORIES = "年|主题|重点|抓手|工程|行动|活动|机制|模式|理念|思路|品牌|制度"
# "定为什么年", "以什么为主题", "年度主题是什么": the answer is a name of that category
_CATEGORY = re.compile(
    rf"(?:(?:什么|啥)[“\"]?(?:主题)?|以什么为)({_CATEGORIES})|(?:年度|主题)(年)?(主题)?"
    rf"(?:是|叫|定的是|定为)(?:个)?(?:什么|啥)|({_CATEGORIES})(?:是|叫)(?:什么|啥)"
)
_TARGET_WORDS = re.compile(r"目标|计划|要|将|力争|确保|拟|打算|争取|\b(?:plan|target|aim)", re.I)
_RESULT_WORDS = re.compile(
    r"完成了|实现了|达到了|取得|成效|成绩|已经|获评|被评为|"
    r"多少.{0,6}了|了(?:几|多少)|实际|最终|最后|结果|到底|"
    r"\b(?:achieved|completed|took part|actually|in the end|did .{0,40} reach)\b",
    re.I,
)
_ACROSS = re.compile(
    r"哪些(?:地方|县|市|区|地区|计划|文件|单位|学校)|哪几个|各地|各县|各市|"
    r"\bwhich (?:counties|cities|regions|plans|places)\b",
    re.I,
)
_EN_CATEGORIES = {"theme": "主题", "focus": "重点", "priority": "重点"}
_CATEGORY_EN = re.compile(r"\bthe (theme|focus|priority)\b", re.I)


@dataclass(frozen=True, slots=True)
class Region:
    """A region of the corpus and the ways a question may name it."""

    name: str  # "崇阳县"
    aliases: tuple[str, ...]  # "崇阳县", "崇阳", "chongyang"


def region_aliases(name: str) -> tuple[str, ...]:
    """Names a question may use: full, without 县/市/区 (when ≥2 chars remain), and pinyin."""
    out = [name]
    stem = re.sub(r"(自治县|自治州|县|市|区)$", "", name)
    if len(stem) >= 2:
        out.append(stem)
        out.append("".join(lazy_pinyin(stem)).lower())
    return tuple(dict.fromkeys(out))


class Vocabulary(Protocol):
    """What analysis asks of the corpus: does it use a word, and how rare is it."""

    def known(self, token: str) -> bool: ...

    def idf(self, tokens: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class Question:
    """A question as every later stage needs it, made once by `analyse`.

    Scope (years, places) becomes filters; `groups` are the asked-about concepts, each met by
    any of its words (the question's own word first, then the corpus words equivalent to it),
    weighted by how rare the own word is in the corpus; `asks` and `units` say what kind of span
    answers it.
    """

    text: str
    years: tuple[int, ...]
    regions: tuple[str, ...]  # known regions named in it
    provinces: tuple[str, ...]  # provinces named in it ("四川")
    unknown_places: tuple[str, ...]  # places named that no document is about
    terms: tuple[str, ...]  # lexical query: content tokens (no place, year or question words)
    groups: tuple[tuple[str, ...], ...]  # what is asked about: each group is met by any member
    weights: tuple[float, ...]  # idf of each group's own word in this corpus (1 without one)
    nouns: tuple[bool, ...]  # whether each group names a thing (what a figure measures)
    chars: str  # the content terms' characters, for matching words the plans write otherwise
    asks: str  # "figure", "name", "list" or "statement": the kind of span that answers
    units: tuple[str, ...]  # units a figure that answers may have (() when any will do)
    total: bool  # asks for a total ("一共"), not one of its parts ("其中…")
    category: str | None  # "什么年" asks for a name ending in 年 (教师队伍建设年)
    wants: str | None  # "target" (目标/计划/要…) or "result" (完成了/共…), as passages' kind
    across: bool  # asks across documents ("哪些地方…", "各地…"): one line per plan
    is_english: bool

    @property
    def is_quantity(self) -> bool:
        return self.asks == "figure"

    @property
    def core(self) -> str:
        """The question without its years, places and punctuation: what a phrase search says."""
        text = re.sub(r"(?:19|20)?\d\d年|[^\w%.]", "", self.text)
        for place in (*self.regions, *self.provinces, *self.unknown_places):
            for alias in region_aliases(place):
                text = text.replace(alias, "")
        return text

    @property
    def key(self) -> int | None:
        """The group of the rarest own word the corpus holds (None without one)."""
        known = [i for i, w in enumerate(self.weights) if w > 0]
        return max(known, key=lambda i: self.weights[i]) if known else None


def _category(question: str) -> str | None:
    """The category word of an asked-for name; a year's theme ("年度主题", "主题年") is 年."""
    m = _CATEGORY.search(question)
    if m:
        if "年度" in m.group(0) or m.group(2):
            return "年"
        return next((g for g in m.groups() if g), "主题")
    m = _CATEGORY_EN.search(question)
    return _EN_CATEGORIES.get(m.group(1).lower(), m.group(1)) if m else None


def wants_of(question: str) -> str | None:
    """Whether a question asks what a plan set out to do or what a summary says was done."""
    if _RESULT_WORDS.search(question):
        return "result"
    if _TARGET_WORDS.search(question):
        return "target"
    return None


def years_in(question: str) -> list[int]:
    """The years a text names: "2020年", "20年", "18、19年", "二〇二〇年"."""
    years = [int(y) for y in _YEAR4.findall(question)]
    listed = [y for m in _YEAR_LIST.finditer(question) for y in re.findall(r"\d+", m.group(1))]
    for yy in _YEAR2.findall(question) + [y for y in listed if len(y) == 2]:
        if not any(str(y).endswith(yy) for y in years):
            years.append(2000 + int(yy))
    for cn in _YEAR_CN.findall(question):
        years.append(digits_value(cn))
    return sorted(set(years))


def _mentions(question: str, alias: str) -> bool:
    """Whether a question names a place by this alias; in pinyin, "Xi'an"-style apostrophes
    and hyphens between syllables are ignored ("Xian'an" is xianan)."""
    if alias.isascii():
        joined = re.sub(r"(?<=[A-Za-z])['’\-](?=[A-Za-z])(?!s\b)", "", question)
        return re.search(rf"\b{re.escape(alias)}\b", joined, re.I) is not None
    return alias in question


# Parts of speech that carry no topic: pronouns (什么, 这), prepositions (把, 给), conjunctions,
# particles (了, 的), localisers (以后, 期间), adverbs (还, 几晚), classifiers (个), punctuation.
_FORM_POS = re.compile(r"^(?:r|p|c|u.*|y|e|o|x|w|f|d|q|zg)$")
# what names a thing rather than an action or a quantity: nouns, nominal verbs, idioms, places,
# and numerals that are names ("一本", "高一") rather than counts ("三年", "一个")
_NOUN_POS = re.compile(r"^(?:n.*|vn|l|j|i|s|b|an|m)$")
_COUNT_WORD = re.compile(r"^[\d一二两三四五六七八九十百千万]+[个所年名人次项条]?$")


def _content_terms(
    question: str, drop: set[str], vocabulary: Vocabulary | None
) -> list[tuple[str, bool]]:
    """The question's own content words, each with whether it names a thing (a noun).

    A word the corpus never uses is split into the characters it does use: jieba cuts
    question phrasing into odd words ("核准率要达到" → 核准/率要/达到), and "率要" would
    otherwise look like a rare concept the plans lack. A word with no known character (师生比
    in a corpus without it) is kept, so it counts as missing."""
    asked = _ACROSS.sub(" ", question)  # "哪些地方…": the form of the question, not its topic
    terms: dict[str, bool] = {}
    for word, pos in rjieba.tag(asked, False):
        if _FORM_POS.match(pos):
            continue
        noun = bool(_NOUN_POS.match(pos)) and not _COUNT_WORD.match(word)
        for term in tokenize(word):
            if term in drop or re.fullmatch(r"\d+", term):
                continue
            if vocabulary is not None and not vocabulary.known(term) and len(term) > 1:
                parts = [ch for ch in term if vocabulary.known(ch) and ch not in STOPWORDS]
                if parts and len(parts) < len(term):
                    for part in parts:
                        terms.setdefault(part, noun)
                    continue
            terms.setdefault(term, noun)
    return list(terms.items())


def _groups(
    terms: list[str], vocabulary: Vocabulary | None, lexicon: Lexicon | None
) -> tuple[tuple[str, ...], ...]:
    """Each term with the corpus words CC-CEDICT glosses alike. A one-character word keeps
    only equivalents that contain it ("招" → 招聘, 招录): alone, a character's glosses are too
    many to trust."""
    if vocabulary is None or lexicon is None:
        return tuple((t,) for t in terms)
    return tuple((t, *lexicon.equivalents(t, vocabulary.known, len(t) == 1)) for t in terms)


def _weights(
    groups: tuple[tuple[str, ...], ...], vocabulary: Vocabulary | None, words: Words | None
) -> tuple[float, ...]:
    """How much each group counts: the idf of its word (of its rarest known equivalent when
    the corpus never uses the word itself), times how often answers hold that word."""
    if vocabulary is None:
        return tuple(1.0 for _ in groups)
    out = []
    for group in groups:
        known = [t for t in group if vocabulary.known(t)]
        if not known:
            out.append(0.0)
            continue
        idf = vocabulary.idf(known[:1] if known[0] == group[0] else known)
        factor = words.factor(group[0]) if words is not None else 1.0
        out.append(float(idf.max()) * factor)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Places:
    """The places a question names: corpus regions, provinces, a place no plan is about, and
    the words that named them (dropped from its content words)."""

    regions: list[str]
    provinces: list[str]
    unknown: list[str]
    words: list[str]


def _places(question: str, regions: Iterable[Region]) -> _Places:
    """The corpus's regions by their aliases; provinces, and a place no plan is about (only
    when neither of those is named), by the gazetteer (`ingest/places.py`)."""
    found: list[str] = []
    words: list[str] = []
    for region in regions:
        hit = [a for a in region.aliases if _mentions(question, a)]
        if hit:
            found.append(region.name)
            words.extend(hit)
    provinces = [province_short(p) for p in find_provinces(question, asked=True)]
    provinces += [p for p, pinyin in _province_pinyin().items() if _mentions(question, pinyin)]
    provinces = list(dict.fromkeys(provinces))
    for p in provinces:  # "四川丘区县…": a description of the place, not another filter
        described = re.search(rf"{p}省?([\u4e00-\u9fff]{{1,3}}?(?:市|县|区|州))", question)
        if described:
            words.append(described.group(1))
    unknown = [] if found or provinces else [m.name for m in find_places(question)]
    return _Places(found, provinces, unknown, words)


@functools.cache
def _province_pinyin() -> dict[str, str]:
    """Provinces by their pinyin: "Sichuan" names 四川."""
    return {p: "".join(lazy_pinyin(p)) for p in province_names()}


def _english_terms(
    question: str, vocabulary: Vocabulary | None, lexicon: Lexicon | None
) -> tuple[tuple[str, ...], tuple[bool, ...], tuple[tuple[str, ...], ...]]:
    """An English question's terms, which are all nouns, and their groups: the Chinese words
    CC-CEDICT glosses its phrases by."""
    known = vocabulary.known if vocabulary is not None else (lambda _: True)
    rarity = (lambda w: float(vocabulary.idf([w])[0])) if vocabulary is not None else None
    groups = (
        lexicon.english_terms(question, known, rarity or (lambda _: 0.0))
        if lexicon is not None
        else ()
    )
    terms = tuple(dict.fromkeys(t for g in groups for t in g))
    return terms, tuple(True for _ in groups), groups


def analyse(
    question: str,
    regions: Iterable[Region] = (),
    vocabulary: Vocabulary | None = None,
    lexicon: Lexicon | None = None,
    words: Words | None = None,
) -> Question:
    """Describe a question once: its scope, what it asks about and what kind of span answers.

    `regions` are the corpus's; `vocabulary` (the index) weighs words by rarity and `lexicon`
    adds the corpus words a question's word may appear as; `words` (fitted on QA data) says how
    much a word of asking is worth and what answers say instead. Without them every word weighs
    1 and stands for itself (enough for scope, as the UI and tests use it).
    """
    places = _places(question, regions)
    years = years_in(question)
    drop = set(STOPWORDS)
    for word in places.words + places.provinces + places.unknown:
        drop.update(tokenize(word))
    drop.update(str(y) for y in years)
    is_english = sum(ch.isascii() and ch.isalpha() for ch in question) > len(question) / 3
    if is_english:
        terms, nouns, groups = _english_terms(question, vocabulary, lexicon)
    else:
        tagged = _content_terms(question, drop, vocabulary)
        terms = tuple(t for t, _ in tagged)
        nouns = tuple(noun for _, noun in tagged)
        groups = _groups(list(terms), vocabulary, lexicon)
    weights = _weights(groups, vocabulary, words)
    chars = "".join(dict.fromkeys(ch for t in terms for ch in t if "\u4e00" <= ch <= "\u9fff"))
    category = _category(question)
    asks, units = asked_kind(question)
    return Question(
        text=question,
        years=tuple(years),
        regions=tuple(dict.fromkeys(places.regions)),
        provinces=tuple(places.provinces),
        unknown_places=tuple(places.unknown),
        terms=terms,
        groups=groups,
        weights=weights,
        nouns=nouns,
        chars=chars,
        asks=asks,
        units=units,
        total=asks_total(question),
        category=category,
        wants=wants_of(question),
        # "哪些县…" asks across plans; "平江县有哪些学校…" asks one plan for a list
        across=_ACROSS.search(question) is not None and not places.regions and not places.unknown,
        is_english=is_english,
    )
