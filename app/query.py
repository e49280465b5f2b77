"""What a question says about where to look: years, regions, and the words that matter.

Years ("2020年", "16年", "二〇二〇年", "in 2019") and places ("崇阳", "怀化市", "Huaihua") become
filters; a place the corpus does not hold is still recognised, so "长沙市…" is not answered from
another city's plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from pypinyin import lazy_pinyin

from index.lexical import tokenize

from .glossary import GENERIC, chinese_terms

_CN_YEAR_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                   "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip
_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_YEAR2 = re.compile(r"(?<![\d.])(\d\d)年")
_YEAR_CN = re.compile(r"([〇零一二三四五六七八九]{4})年")
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
             "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
             "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
             "宁夏", "新疆", "香港", "澳门")  # fmt: skip
# An unknown place named at the start of a question ("长沙市2021年…"): 2–4 characters and a
# county/city suffix. Only used when no known region or province matched; "哪些县…", "各市…"
# and "全县…" ask about every place, not about one named place.
_PLACE = re.compile(r"^(?![哪各每全本这该])([\u4e00-\u9fff]{1,4}?(?:市|县|区|州))")
# Words of the question form, not of the thing asked about.
_STOP_TEXT = """
的 了 是 在 和 与 及 对 把 为 要 有 吗 呢 啊 哪 哪些 哪个 哪所 哪一 什么 多少 几 几所 几个 怎样 如何
怎么 是否 目标 计划 年 今年 全年 各 各地 地方 提到 提出 这份 这个 该 其 中 个 所 名 人 项 达到 实现
实际 主要 期间 具体 一共 总共 分别 大约 大概 当年 年度 有关 相关 方面 情况 工作 等 共 了 多 少
举措 做法
what how many much which who the a an of in to is was were did does do for and by
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
# Words plans use interchangeably; a question's word is met by any of them.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "招": ("招聘", "招录", "招考", "招生"),
    "建": ("建设", "新建", "建成", "创建"),
    "招聘": ("招录", "招考", "补充"),
    "招录": ("招聘", "招考"),
    "新建": ("建设", "建成", "新增"),
    "建成": ("建设", "完成", "新建"),
    "建设": ("新建", "建成"),
    "完工": ("竣工", "建成", "完成"),
    "老师": ("教师",),
    "教师": ("老师",),
    "比例": ("比率",),
    "控制": ("控制在", "下降到", "降至"),
    "资助": ("帮扶", "补助"),
    "消除": ("化解",),
    "化解": ("消除",),
}
# "定为什么年" / "以什么为主题": the answer is a name that ends in that category word
_CATEGORY = re.compile(
    r"(?:什么[“\"]?|以什么为)(年|主题|重点|抓手|工程|行动|活动|机制|模式|理念|思路|品牌|制度)"
)
_TARGET_WORDS = re.compile(r"目标|计划|要|将|力争|确保|拟|打算|争取|\b(?:plan|target|aim)", re.I)
_RESULT_WORDS = re.compile(
    r"完成了|实现了|达到了|取得|成效|成绩|已经|(?<!公)共[有计]?[^\s]{0,12}多少|获评|被评为|"
    r"多少.{0,6}了|\b(?:achieved|completed|took part)\b",
    re.I,
)
_ACROSS = re.compile(
    r"哪些(?:地方|县|市|区|地区|计划|文件|单位|学校)|哪几个|各地|各县|各市|"
    r"\bwhich (?:counties|cities|regions|plans|places)\b",
    re.I,
)
_EN_CATEGORIES = {"theme": "主题", "focus": "重点", "priority": "重点"}
_CATEGORY_EN = re.compile(r"\bthe (theme|focus|priority)\b", re.I)
QUANTITY = re.compile(
    r"多少|几[所个人名项万次套间]?|比例|比率|百分之|how many|how much|percent|rate", re.I
)


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


@dataclass(frozen=True, slots=True)
class QueryIntent:
    """A question's scope and content."""

    question: str
    years: tuple[int, ...]
    regions: tuple[str, ...]  # known regions named in it
    provinces: tuple[str, ...]  # provinces named in it ("四川")
    unknown_places: tuple[str, ...]  # places named that no document is about
    terms: tuple[str, ...]  # lexical query: content tokens (no place, year or question words)
    groups: tuple[tuple[str, ...], ...]  # what is asked about: each group is met by any member
    category: str | None  # "什么年" asks for a name ending in 年 (教师队伍建设年)
    wants: str | None  # "target" (目标/计划/要…) or "result" (完成了/共…), as passages' kind
    across: bool  # asks across documents ("哪些地方…", "各地…"): one line per plan
    is_quantity: bool
    is_english: bool


def repair_terms(intent: QueryIntent, known: Callable[[str], bool]) -> QueryIntent:
    """Split question words the corpus never uses into parts it does use.

    jieba cuts question phrasing into odd words ("核准率要达到" → 核准/率要/达到); "率要" then
    looks like a rare, missing concept. Its known characters ("率") stand in for it; a word
    with no known part (a concept the corpus lacks, like 师生比) is kept, so it still counts as
    missing.
    """
    if intent.is_english:
        return intent
    terms: list[str] = []
    for term in intent.terms:
        if known(term) or len(term) == 1:
            terms.append(term)
            continue
        parts = [ch for ch in term if known(ch) and ch not in STOPWORDS]
        terms.extend(parts if parts and len(parts) < len(term) else [term])
    terms = list(dict.fromkeys(terms))
    groups = tuple((t, *SYNONYMS.get(t, ())) for t in terms)
    return replace(intent, terms=tuple(terms), groups=groups)


def _wants(question: str) -> str | None:
    """Whether a question asks what a plan set out to do or what a summary says was done."""
    if _RESULT_WORDS.search(question):
        return "result"
    if _TARGET_WORDS.search(question):
        return "target"
    return None


def _years(question: str) -> list[int]:
    years = [int(y) for y in _YEAR4.findall(question)]
    for yy in _YEAR2.findall(question):
        if not any(str(y).endswith(yy) for y in years):
            years.append(2000 + int(yy))
    for cn in _YEAR_CN.findall(question):
        years.append(int("".join(_CN_YEAR_DIGITS[c] for c in cn)))
    return sorted(set(years))


def _mentions(question: str, alias: str) -> bool:
    if alias.isascii():
        return re.search(rf"\b{re.escape(alias)}\b", question, re.I) is not None
    return alias in question


def analyse(question: str, regions: Iterable[Region]) -> QueryIntent:
    """Scope and content of a question, given the regions the corpus holds."""
    found_regions: list[str] = []
    place_words: list[str] = []
    for region in regions:
        hit = [a for a in region.aliases if _mentions(question, a)]
        if hit:
            found_regions.append(region.name)
            place_words.extend(hit)
    provinces = [p for p in PROVINCES if p in question]
    unknown: list[str] = []
    for p in provinces:  # "四川丘区县…": a description of the place, not another filter
        described = re.search(rf"{p}省?([\u4e00-\u9fff]{{1,3}}?(?:市|县|区|州))", question)
        if described:
            place_words.append(described.group(1))
    place = _PLACE.match(question.strip())
    if place and not found_regions and not provinces:
        unknown.append(place.group(1))
    years = _years(question)
    drop = set(STOPWORDS)
    for word in place_words + provinces + unknown:
        drop.update(tokenize(word))
    drop.update(str(y) for y in years)
    is_english = sum(ch.isascii() and ch.isalpha() for ch in question) > len(question) / 3
    if is_english:
        translated = chinese_terms(question)
        groups = tuple(g for g in translated if not set(g) <= GENERIC)
        terms = tuple(dict.fromkeys(t for g in translated for t in g))
    else:
        asked = _ACROSS.sub(" ", question)  # "哪些地方…": the form of the question, not its topic
        terms = tuple(t for t in tokenize(asked) if t not in drop and not re.fullmatch(r"\d\d", t))
        groups = tuple((t, *SYNONYMS.get(t, ())) for t in terms)
    category = _CATEGORY.search(question) or _CATEGORY_EN.search(question)
    return QueryIntent(
        question=question,
        years=tuple(years),
        regions=tuple(dict.fromkeys(found_regions)),
        provinces=tuple(provinces),
        unknown_places=tuple(unknown),
        terms=terms,
        groups=groups,
        category=_EN_CATEGORIES.get(category.group(1).lower(), category.group(1))
        if category
        else None,
        wants=_wants(question),
        across=_ACROSS.search(question) is not None,
        is_quantity=QUANTITY.search(question) is not None,
        is_english=is_english,
    )
