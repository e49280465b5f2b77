"""What kind of span answers a question, read from its question words: the grammar of asking.

"多少/几 + measure word" asks for a figure in that unit ("几所" → 所, "多少个老师" → 人), a
money word with 多少 asks for 元, a rate for %; "叫什么 / 什么主题 / 哪个文件 / 谁" asks for a
name; "哪几 / 哪些 / 分别" for a list; anything else for a statement. English questions are read
by the same rules in English ("how many teachers", "how much funding", "which schools").
These are the forms of questions in general, not of particular ones.
"""

from __future__ import annotations

import re

_PEOPLE = ("人", "名")
_MONEY = ("元",)
_PERSON_NOUN = r"(?:老师|教师|学生|孩子|娃|人|幼儿|毕业生|校长|干部|名师|特岗|师范生|残疾)"
# measure word after 多少/几 → the units of a figure that answers
_MEASURE = (
    ("人次", ("人次",)),
    ("平方米", ("平方米",)),
    ("平米", ("平方米",)),
    ("亩", ("亩",)),
    ("公里", ("公里",)),
    ("课时", ("课时", "学时")),
    ("学时", ("学时", "课时")),
    ("小时", ("小时",)),
    ("人", _PEOPLE),
    ("名", _PEOPLE),
    ("位", _PEOPLE),
    ("所", ("所",)),
    ("套", ("套",)),
    ("间", ("间",)),
    ("台", ("台",)),
    ("件", ("件",)),
    ("项", ("项",)),
    ("次", ("次",)),
    ("班", ("班", "个")),
    ("座", ("座",)),
    ("处", ("处", "个")),
    ("家", ("家", "个")),
    ("支", ("支",)),
    ("册", ("册",)),
    ("本", ("册", "本")),
    ("只", ("只",)),
    ("吨", ("吨",)),
    ("篇", ("篇",)),
    ("首", ("首",)),
    ("份", ("份",)),
    ("部", ("部",)),
    ("分", ("分",)),
    ("米", ("米",)),
    ("节", ("节",)),
    ("晚", ("晚",)),
    ("天", ("天",)),
    ("周", ("周",)),
    ("条", ("条",)),
    ("张", ("张",)),
    ("种", ("种",)),
    ("批", ("批",)),
    ("期", ("期",)),
    ("届", ("届",)),
    ("场", ("场",)),
    ("门", ("门",)),
    ("块", ("块",)),
    ("辆", ("辆",)),
    ("倍", ("倍",)),
    ("钱", _MONEY),
    ("元", _MONEY),
    ("块钱", _MONEY),
    ("万", ()),
    ("个月", ("个月", "月")),
    ("月", ("月",)),
    ("年", ("年",)),
    ("个", ("个",)),
)
_COUNT = re.compile(
    r"(?:多少|(?<![这近哪])几)(?:万|千|百)?(" + "|".join(re.escape(m) for m, _ in _MEASURE) + r")?"
    rf"([\u4e00-\u9fff]{{0,3}}?{_PERSON_NOUN}(?![\u4e00-\u9fff])|"
    rf"[\u4e00-\u9fff]{{0,3}}?{_PERSON_NOUN}(?=[呢吗啊了要能会将可的在]))?"
)  # the person noun ends the phrase: "多少个学生社会实践基地" counts 基地, not 学生
_MONEY_WORDS = re.compile(r"钱|资金|经费|投入|投资|预算|拨款|花了|花费|补助标准|多少元|多少万元|款")
_RATE_WORDS = re.compile(r"率|比例|比率|百分之|占比|百分比|覆盖面|几成|百分几")
_AREA_WORDS = re.compile(r"面积|平方")
_DATE_WORDS = re.compile(r"几号|几日|哪天|哪一天|哪日|日期|什么日子")
_QUANTITY = re.compile(
    r"多少|(?<![这近])几(?!乎)|哪天|哪一天|日期|百分之|比例|比率|几成|多大|多高|多长|多远|多久|多重"
)
_NAME = re.compile(
    r"叫什么|叫啥|什么名|名称|名字|称号|称作|什么(?:主题|口号|精神|思路|理念|模式|品牌|工程|活动|"
    r"行动|计划|文件|制度|机制|机构|荣誉|专业|项目|基调|方针|年|课堂|平台|试点|基地|课程|方案|"
    r"办法|规划|示范|要求|标准|目标|重点|抓手)|哪(?:个|份|项|家|所|一|位|种|类)|谁|什么部门|"
    r"什么单位|什么学校|啥|是什么|文号|字号|文件号"
)
# "文号是多少" asks for a name, not a figure
_DOCUMENT_NUMBER = re.compile(
    r"文号|字号|文件号|\b(?:document|file|reference) (?:number|no)\b", re.I
)
_ASKING = re.compile(r"什么|啥|怎么|怎样|如何|为什么|哪|谁|是否|吗|呢|？|\?")
_LIST = re.compile(r"哪几|哪些|有哪|分别是|包括哪|包括什么|都有什么|都是什么|哪两|哪三|哪四")

_EN_UNITS = (
    (re.compile(r"\bperson[- ]times?\b|\bparticipations?\b", re.I), ("人次",)),
    (re.compile(r"\bsquare (?:met(?:er|re)s?)\b|\bfloor (?:area|space)\b|\barea\b", re.I),
     ("平方米",)),
    (re.compile(r"\bhow much\b|\bfunding\b|\bbudget\b|\byuan\b|\bmoney\b|\binvest|\bcost\b",
                re.I), _MONEY),
    (re.compile(r"\bpercent|\brate\b|\bratio\b|\bproportion\b|\bshare\b|%", re.I), ("%",)),
)  # fmt: skip
# "how many <words> <noun> did/were/…": the noun before the verb is what is counted
_EN_COUNTED = re.compile(
    r"\b(?:how many|number of) ((?:[\w'-]+ ){0,4}?)([a-z]+?)s?\b"
    r"(?= (?:did|do|does|were|are|was|is|will|would|has|have|had|can|could|should|in|for|"
    r"to|at|of|under)\b|\s*\?|$)",
    re.I,
)
_EN_NOUN_UNITS = {
    "teacher": _PEOPLE, "student": _PEOPLE, "people": _PEOPLE, "pupil": _PEOPLE,
    "graduate": _PEOPLE, "children": _PEOPLE, "child": _PEOPLE, "staff": _PEOPLE,
    "principal": _PEOPLE, "hire": _PEOPLE, "recruit": _PEOPLE, "person": _PEOPLE,
    "candidate": _PEOPLE, "trainee": _PEOPLE, "member": _PEOPLE, "admission": _PEOPLE,
    "school": ("所",), "kindergarten": ("所",), "college": ("所",),
    "unit": ("套",), "apartment": ("套",), "flat": ("套",), "dormitory": ("套", "间"),
    "dormitorie": ("套", "间"), "classroom": ("间",), "lab": ("间", "个"),
    "laboratorie": ("间", "个"), "laboratory": ("间", "个"), "bus": ("台", "辆"),
    "buse": ("台", "辆"), "vehicle": ("台", "辆"), "book": ("册",), "volume": ("册",),
    "time": ("次",), "session": ("次", "期"), "acre": ("亩",), "mu": ("亩",),
    "place": ("个",), "seat": ("个",), "class": ("个", "班"), "classe": ("个", "班"),
    "studio": ("个",), "base": ("个",), "group": ("个",), "project": ("个", "项"),
    "lesson": ("节",), "night": ("晚",), "day": ("天",), "month": ("个月", "月"),
    "institution": ("家", "个"), "companie": ("家",), "company": ("家",),
}  # fmt: skip
_EN_DATE = re.compile(r"\b(?:what|which) (?:date|day)\b|\bon what day\b", re.I)
_EN_QUANTITY = re.compile(
    r"\b(?:what|which) (?:date|day)\b|\bhow (?:many|much|large|big|long)\b|"
    r"\bwhat (?:percentage|share|rate|ratio)|\bnumber of\b|"
    r"\bwhat (?:was|is|were) (?:the |[\w' ]{0,30}?)(?:budget|funding|investment|cost|rate|ratio|"
    r"total|amount|percentage)\b",
    re.I,
)
_EN_LIST = re.compile(r"\bwhich (?:\w+ )?(?:schools|subjects|towns|majors|programmes|programs|"
                      r"projects|three|two|four)\b|\blist\b|\bwhat are the\b", re.I)  # fmt: skip
_EN_NAME = re.compile(r"\bwhat (?:was|is|were|are) (?:the )?(?:name|theme|title|slogan|motto)|"
                      r"\bwhat (?:\w+ ){0,3}(?:called|named)\b|\bwhich\b|\bwho\b|\bwhat \w+ "
                      r"(?:theme|slogan|document|programme|program|campaign|activity|project|"
                      r"plan|title|honou?r|model|mechanism)\b", re.I)  # fmt: skip


_TOTAL = re.compile(r"一共|总共|共计|合计|总计|加起来|加在一起|总数|总量|总额|全部|\bin total\b|"
                    r"\baltogether\b|\btotal\b", re.I)  # fmt: skip


def asks_total(question: str) -> bool:
    """Whether a question asks for a total rather than one of its parts ("一共进了多少老师")."""
    return bool(_TOTAL.search(question))


def _figure_units(question: str) -> tuple[str, ...]:
    """Units of the figure a Chinese quantity question asks for (() when any will do)."""
    if _MONEY_WORDS.search(question):
        return _MONEY
    if _AREA_WORDS.search(question):
        return ("平方米",)
    if _DATE_WORDS.search(question):
        return ("日",)
    for m in _COUNT.finditer(question):
        measure, person = m.group(1), m.group(2)
        if person and measure in (None, "个", "位", "名"):
            return _PEOPLE
        if measure:
            return next(units for word, units in _MEASURE if word == measure)
    if _RATE_WORDS.search(question):
        return ("%",)
    return ()


def asked_kind(question: str) -> tuple[str, tuple[str, ...]]:
    """("figure" | "name" | "list" | "statement", the units of an answering figure)."""
    if _DOCUMENT_NUMBER.search(question):
        return "name", ()
    if re.search(r"[\u4e00-\u9fff]", question) and not _is_mostly_ascii(question):
        if _QUANTITY.search(question) and not _LIST.search(question):
            return "figure", _figure_units(question)
        if _LIST.search(question):
            return "list", ()
        if _NAME.search(question):
            return "name", ()
        if _RATE_WORDS.search(question) and not _ASKING.search(question):
            return "figure", ("%",)  # "学前三年毛入园率目标": a rate, named without asking
        return "statement", ()
    if _EN_QUANTITY.search(question):
        return "figure", _english_units(question)
    if _EN_LIST.search(question):
        return "list", ()
    if _EN_NAME.search(question):
        return "name", ()
    return "statement", ()


def _english_units(question: str) -> tuple[str, ...]:
    """Units of the figure an English quantity question asks for."""
    if _EN_DATE.search(question):
        return ("日",)
    for pattern, units in _EN_UNITS:
        if pattern.search(question):
            return units
    counted = _EN_COUNTED.search(question)
    if counted:
        return _EN_NOUN_UNITS.get(counted.group(2).lower(), ())
    return ()


def _is_mostly_ascii(question: str) -> bool:
    return sum(ch.isascii() and ch.isalpha() for ch in question) > len(question) / 3
