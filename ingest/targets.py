"""Quantitative statements of a plan: one `Target` row per figure, with its clause and offsets.

A figure is a number with a unit ("85%", "5.2万平方米", "3-4个", "两万人次"); years, dates,
outline numbers and names such as "十三五" or "四个六工程" carry no unit from `TARGET_UNITS` (or are
ruled out by their context) and are skipped. Values are in base units: "万平方米" gives
value×10000 in 平方米.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .chinese import ITEM_NUMBER, NUMBER, NUMERALS, PAUSES, SENTENCE_ENDS, TARGET_UNITS, trim_span
from .types import Chunk, Document, Target

_NUMBER = rf"{NUMBER}[万亿]?"
_FIGURE = re.compile(
    rf"(?:百分之(?P<pct>{_NUMBER}))"
    rf"|(?P<num>{_NUMBER})(?:%?\s*[-—–~～至到]\s*(?P<num2>{_NUMBER}))?"
    rf"(?P<approx>余|多)?(?P<unit>{'|'.join(map(re.escape, TARGET_UNITS))})"
)
_MULTIPLIER = {"万": 10_000, "亿": 100_000_000}
# the figure's own suffix wins: "达到85%以上" is qualified by 以上
_SUFFIX_QUALIFIER = re.compile(r"^(?:及以上|以上|以内|以下|左右)")
_SHARED_SUFFIXES = ("以上", "以内", "以下", "左右")
_PREFIX_QUALIFIERS = (
    ("控制在", "控制在"),
    ("不低于", "不低于"),
    ("不少于", "不少于"),
    ("不超过", "不超过"),
    ("超过", "超过"),
    ("突破", "超过"),
    ("达到", "达到"),
    ("达", "达到"),
    ("完成", "完成"),
)
# words between the indicator and its figure that say nothing about what is measured
_FILLER_TAIL = re.compile(
    r"(?:分别|均|都|共|累计|约|近|保持在?|稳定在|为|是|已有|已经|已|"
    r"(?:下降|降低|降|提高|提升|增加|增长|减少|上升)(?:到|至))+$"
)
# an item's own number: "2.招聘新教师120人" measures 招聘新教师
_OUTLINE_NUMBER = re.compile(f"^{ITEM_NUMBER}")
_FILLER_HEAD = re.compile(
    r"^(?:其中|并且?|和|及|以及|与|同时|确保|力争|争取|实现|做到|顺利|全面|积极|推进|将|把|共|累计)+"
)
# a verb alone is no indicator: "建设1所实事项目幼儿园" measures 实事项目幼儿园 being built
_ACTION_ONLY = re.compile(
    r"^(?:新增|新建|改建|扩建|改扩建|建设|建成|创建|完成|开展|配备|添置|培育|培训|招录|招聘|"
    r"引进|选送|选录|消除|维修|打造|建立|命名表彰|表彰|实现|组织|发放|募集|申创|)$"
)
_ACTION_WORDS = (
    r"新增|新建|改建|扩建|改扩建|建设|建成|创建|创办|完成|开展|配备|添置|培育|培训|招录|招聘|引进|"
    r"选送|选录|消除|维修|打造|建立|表彰|组织|发放|募集|申创|核实|排查|督促指导|指导|约谈|资助|"
    r"评选|认定|遴选|录用|改造|开工|化解|查处|接收|帮扶|举办|争创|创成|评为|命名"
)
_ACTION = re.compile(_ACTION_WORDS)
_ENDS_WITH_ACTION = re.compile(rf"(?:{_ACTION_WORDS})$")
_NOMINAL = re.compile(r"(?:率|数|量|度|面积|比例)$")
_LEADING_PREPOSITION = re.compile(r"^(?:对|为|将|向|把|给|让)")
_LONG_INDICATOR = 12  # characters; longer ones are usually a whole clause, not a measure
_SLOGAN_COUNT = re.compile(r"[一二两三四五六七八九十]个$")
_CLASS_SIZE_LINE = re.compile(r"(?:及)?以上的?(?:超)?大班额")
_REPEATED_DIGITS = re.compile(r"[一二两三四五六七八九]{2}")
# a preposition alone is no indicator: "对11所市直学校开展…" is about 市直学校
_PREPOSITION_ONLY = re.compile(r"^(?:对|为|将|向|有|.)?$")
_CLAUSE_BREAK = re.compile(f"[{SENTENCE_ENDS}{PAUSES}\n]")
_CONNECTOR = re.compile(r"[和及与、]")
_POST_NOUN_END = re.compile(
    r"[和与、,，;；。:：\n(（\d]|并|确保|已|全部|均|进行|给予|投入|按期|参加|参与"
)
# a quantity of years only where a standard is set ("受教育年限达到9.5年以上"), not a horizon
_YEAR_QUALIFIED = re.compile(r"^(?:以上|以下|左右|以内)")


_SCOPE_PREFIX = re.compile(
    r"^(?:(?:19|20)\d\d年|全年|当年|今年|明年|年度|全[县市区省州旗]|[我本][县市区省州旗]|县域|市域|共|累计)+"
)
_KEY_DROP = re.compile(r"[\s\"'“”‘’()（）《》〈〉【】\[\]]|的$")


def indicator_key(indicator: str) -> str:
    """An indicator as grouping compares it: without brackets, quotes, the year and the scope.

    "2016年全县学前三年毛入园率" and "学前三年毛入园率" measure the same thing; what is left
    still differs between 学前三年毛入园率 and 三年学前教育毛入园率, which grouping matches by
    meaning.
    """
    return _SCOPE_PREFIX.sub("", _KEY_DROP.sub("", indicator)) or indicator


def extract_targets(doc: Document) -> tuple[Target, ...]:
    """Every figure of `doc` as a `Target`, in text order, each (clause, figure) once."""
    seen: set[tuple[int, int]] = set()
    rows: list[Target] = []
    for chunk in doc.chunks:
        for row in _chunk_targets(doc.doc_id, chunk):
            key = (row.start, row.figure_start)
            if key not in seen:
                seen.add(key)
                rows.append(row)
    rows.sort(key=lambda row: (row.figure_start, row.start))
    return tuple(rows)


def parse_figure(figure: str) -> tuple[float, float | None, str] | None:
    """Value, upper value and base unit of a figure string ("5.2万平方米" → 52000, None, 平方米).

    None when the string is not one whole figure.
    """
    match = _FIGURE.fullmatch(figure)
    if match is None:
        return None
    return _values(match)


def _values(match: re.Match[str]) -> tuple[float, float | None, str] | None:
    if match.group("pct") is not None:
        value = _number(match.group("pct"))
        return None if value is None else (value, None, "%")
    value = _number(match.group("num"))
    if value is None:
        return None
    value_max = None
    if match.group("num2") is not None:
        value_max = _number(match.group("num2"))
        if value_max is None or value_max <= value:
            return None
    return value, value_max, match.group("unit")


def _number(token: str) -> float | None:
    multiplier = _MULTIPLIER.get(token[-1], 1)
    digits = token[:-1] if multiplier != 1 else token
    if not digits:
        return None
    if digits[0].isdigit():
        number = float(digits)
    else:
        import cn2an  # 0.2 s to import: only plans with Chinese numerals pay it

        try:
            number = float(cn2an.cn2an(digits, "smart"))
        except ValueError:  # "百", "千" alone or a malformed run such as "二二"
            return None
    return round(number * multiplier, 6)


def _chunk_targets(doc_id: str, chunk: Chunk) -> list[Target]:
    rows: list[Target] = []
    text = chunk.text
    clause_start = 0
    for brk in [*_CLAUSE_BREAK.finditer(text), None]:
        clause_end = brk.start() if brk else len(text)
        rows.extend(_clause_targets(doc_id, chunk, clause_start, clause_end))
        clause_start = brk.end() if brk else len(text)
    return rows


def _clause_targets(doc_id: str, chunk: Chunk, start: int, end: int) -> list[Target]:
    text = chunk.text
    figures = [m for m in _FIGURE.finditer(text, start, end) if _is_quantity(text, m, start)]
    rows: list[Target] = []
    previous_indicator = ""
    shares: list[str] | None = None  # "大班额和超大班额分别…16%、31%": one indicator per figure
    sub_start = start
    previous_end: int | None = None
    for match in figures:
        # "、" splits a clause only where it separates figures: "100%、99%以上"
        if previous_end is not None:
            comma = text.rfind("、", previous_end, match.start())
            if comma != -1:
                sub_start = comma + 1
                previous_end = None
        values = _values(match)
        if values is None:
            continue
        value, value_max, unit = values
        sub_end = _sub_clause_end(text, figures, match, end)
        pre_from = sub_start if previous_end is None else previous_end
        indicator, prefix_qualifier = _indicator(text, pre_from, match, sub_end, previous_end)
        if shares is None and "分别" in text[pre_from : match.start()]:
            shares = _shares(indicator, len(figures))
        if shares is not None and len(rows) < len(shares):
            indicator = shares[len(rows)]
        elif not indicator:
            indicator = previous_indicator
        after = text[match.end() : sub_end]
        suffix = _SUFFIX_QUALIFIER.match(after)
        qualifier = suffix.group(0).removeprefix("及") if suffix else prefix_qualifier
        if qualifier is None and match.group("approx"):
            qualifier = "以上"  # "161万余人": more than the figure
        clause_from, clause_to = trim_span(text, sub_start, sub_end)
        offset = chunk.start
        rows.append(
            Target(
                doc_id=doc_id,
                indicator=indicator,
                value=value,
                value_max=value_max,
                unit=unit,
                qualifier=qualifier,
                kind=chunk.kind,
                year=chunk.year,
                section=chunk.section,
                text=text[clause_from:clause_to],
                start=offset + clause_from,
                end=offset + clause_to,
                figure_start=offset + match.start(),
                figure_end=offset + match.end(),
            )
        )
        previous_indicator = indicator
        previous_end = match.end()
    if shares is not None and rows and rows[-1].qualifier in _SHARED_SUFFIXES:
        # "分别控制在16%、31%以内": the last figure's suffix bounds them all ("达到100%" keeps 达到)
        bound = rows[-1].qualifier
        rows = [replace(r, qualifier=bound) if r.qualifier in (None, "控制在") else r for r in rows]
    return rows


def _shares(indicator: str, figures: int) -> list[str] | None:
    """The indicators "分别" hands out in order, when there is one per figure.

    A bare stage borrows the measure of the last one: "小学、初中入学率" → 小学入学率, 初中入学率.
    """
    parts = [p for p in _CONNECTOR.split(indicator) if p]
    if figures < 2 or len(parts) != figures:
        return None
    last = parts[-1]
    return [p + last[2:] if len(p) == 2 < len(last) else p for p in parts[:-1]] + [last]


def _sub_clause_end(text: str, figures: list[re.Match[str]], match: re.Match[str], end: int) -> int:
    following = [m for m in figures if m.start() >= match.end()]
    if following:
        comma = text.rfind("、", match.end(), following[0].start())
        if comma != -1:
            return comma
    return end


def _is_quantity(text: str, match: re.Match[str], clause_start: int) -> bool:
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if before == "第" or before.isdigit() or before == ".":
        return False  # ordinals ("第32个"), the tail of a longer number
    if _SLOGAN_COUNT.search(text, max(0, match.start() - 2), match.start()):
        return False  # "巩固三个100%工作成果": a named set of goals, not a figure
    if _CLASS_SIZE_LINE.match(text, match.end()) and match.group("unit") == "人":
        return False  # "消除56人以上大班额": the national definition of a large class
    if match.group("unit") == "年":
        value = _number(match.group("num") or "")
        standard = _YEAR_QUALIFIED.match(text[match.end() :])
        return value is not None and value < 100 and standard is not None
    number = match.group("num") or match.group("pct") or ""
    if number[0].isdigit() or match.group("pct") is not None:
        return True
    # Chinese numerals: names ("四个六工程", "“三个必须”", "三个100%") and articles ("一名")
    # and counts of named things ("四个意识", "八项规定"): only runs worth ten or more count
    if before in "“《" or after in "“" or after.isdigit() or after in NUMERALS:
        return False
    if _REPEATED_DIGITS.search(number):  # "唯一一所" is "the only one", not 11
        return False
    value = _number(number)
    return value is not None and value >= 10


def _indicator(
    text: str, pre_from: int, match: re.Match[str], sub_end: int, previous_end: int | None
) -> tuple[str, str | None]:
    pre = text[pre_from : match.start()].strip()
    if previous_end is not None:  # "52所合格学校和1所…": start after the last connector
        parts = _CONNECTOR.split(pre)
        pre = parts[-1]
    pre = _FILLER_HEAD.sub("", _OUTLINE_NUMBER.sub("", pre))
    qualifier = None
    changed = True
    while changed:
        changed = False
        stripped = _FILLER_TAIL.sub("", pre)
        if stripped != pre:
            pre, changed = stripped, True
        for word, name in _PREFIX_QUALIFIERS:
            if pre.endswith(word) and not _ACTION_ONLY.match(pre):
                pre, changed = pre[: -len(word)], True
                qualifier = qualifier or name
                break
    pre = pre.removesuffix("了")
    if _SCOPE_PREFIX.fullmatch(pre):  # "全县8个学生社会实践基地": the scope measures nothing
        pre = ""
    if _ACTION_ONLY.match(pre) or _PREPOSITION_ONLY.match(pre):
        if pre == "完成" and qualifier is None:
            qualifier = "完成"
            pre = ""
        if _PREPOSITION_ONLY.match(pre):
            pre = ""
        post = _post_noun(text, match.end(), sub_end)
        pre = f"{pre}{post}" if post else pre
    elif (verb := _ENDS_WITH_ACTION.search(pre)) or pre.endswith("的"):
        # the figure counts what follows: "职业教育打造3-4个优质品牌专业", "有违师德的27名教师"
        post = _post_noun(text, match.end(), sub_end)
        if post:
            head = verb.group(0) if verb else _LEADING_PREPOSITION.sub("", pre)
            pre = head + post
    return _shorten(pre.strip(" “”\"'()（）")), qualifier


def _shorten(indicator: str) -> str:
    """A long indicator keeps what follows its last "的" or its last action verb.

    "由县人社局…招录…一本以上大学师范专业的本科毕业生或研究生" measures 本科毕业生或研究生;
    "联合交警部门约谈校车违法责任人" measures 约谈校车违法责任人.
    """
    if len(indicator) <= _LONG_INDICATOR:
        return indicator
    cut = indicator.rfind("的", 0, len(indicator) - 1)
    if cut != -1 and len(indicator) - cut > 2:
        return indicator[cut + 1 :]
    # "命名表彰…建设示范学校": the verb already leads; "…培训完成率": a rate, not an action
    if _ACTION.match(indicator) or _NOMINAL.search(indicator):
        return indicator
    verbs = [m.start() for m in _ACTION.finditer(indicator) if m.start() > 0]
    return indicator[verbs[-1] :] if verbs else indicator


def _post_noun(text: str, start: int, end: int) -> str:
    rest = text[start:end]
    rest = re.sub(r"^(?:及以上|以上|以内|以下|左右)", "", rest).removeprefix("的")
    stop = _POST_NOUN_END.search(rest)
    return rest[: stop.start()] if stop else rest
