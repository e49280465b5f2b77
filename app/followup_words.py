"""The words of follow-up questions, which `followup.py` reads a follow-up by: relative years
("去年", "两年后"), the plan before or after, comparing ("和去年比"), every year ("这几年"),
narrowing ("其中"), pronouns, fragments ("…呢"), words of asking and of a kind ("初中的")."""

from __future__ import annotations

import re

# --- the words of the grammar ------------------------------------------------------------
NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "one": 1, "two": 2, "three": 3}

COUNT = r"(\d|[一两二三四五]|one|two|three)"

RELATIVE = (
    (re.compile(r"再下一年|再往后一年|下一年|后一年|第二年|次年|明年|来年"), 1),
    (re.compile(r"大前年"), -3),
    (re.compile(r"前年"), -2),
    (re.compile(r"后年"), 2),
    (re.compile(r"去年|上一年|前一年|上年|头一年|再前一年|再往前一年"), -1),
    (re.compile(rf"{COUNT}年(?:以)?后"), "+n"),
    (re.compile(rf"{COUNT}年(?:以)?前"), "-n"),
    (re.compile(r"\b(?:the )?(?:year before|previous year|prior year|preceding year)\b|"
                r"\ba year (?:earlier|before)\b|\blast year\b", re.I), -1),
    (re.compile(r"\b(?:the )?(?:next|following) year\b|\ba year later\b|\bthe year after\b",
                re.I), 1),
    (re.compile(rf"\b{COUNT} years? (?:later|after)\b", re.I), "+n"),
    (re.compile(rf"\b{COUNT} years? (?:earlier|before|ago)\b", re.I), "-n"),
)  # fmt: skip

PLAN_BEFORE = re.compile(r"上一个计划|上一份|上个计划|上一个要点|之前的计划|前一个计划|"
                          r"\b(?:the )?(?:previous|last|earlier) plan\b", re.I)  # fmt: skip

PLAN_AFTER = re.compile(r"下一个计划|下一份|下个计划|之后的计划|\b(?:the )?next plan\b", re.I)

COMPARE = re.compile(r"(?:和|跟|与|同).{1,10}?(?:比|相比|对比|比较)|比(?:去年|上年|前一年)|"
                      r"\bcompared? (?:with|to)\b|\bversus\b|\bvs\.?", re.I)  # fmt: skip

EVERY_YEAR = re.compile(r"这几年|近几年|历年|逐年|每年|各年|近[两二三四五]年|"
                         r"\bover the years\b|\beach year\b|\bevery year\b", re.I)  # fmt: skip

NARROW = re.compile(
    r"^\s*(?:那|那么)?(?:其中|这里面|这里头|这当中|这其中|里面|里头|当中|这些里面)|"
    r"\b(?:of (?:them|these|those|which)|among (?:them|these|those))\b", re.I)  # fmt: skip

PRONOUN = re.compile(r"它们|它|这个|那个|这项|这些|那些|这笔|这一|该项|此项|"
                      r"\b(?:it|its|this|that one|these|those|they|them)\b", re.I)  # fmt: skip

# a pronoun before these means the previous figure's measure, not the thing it is said of
MEASURE_AFTER = re.compile(r"(?:这个|那个|这一)(?:数|数字|目标|比例|指标|比率|率)")

FRAGMENT = re.compile(r"呢\s*[？?]?\s*$|^\s*(?:那|那么|还有|换成|换到|如果是|要是)|"
                       r"^\s*(?:and|what about|how about|what of)\b", re.I)  # fmt: skip

# what a follow-up says besides its topic: particles, question words, the follow-up's own verbs
FORM_WORDS = re.compile(r"那边|这边|那里|那儿|这块|这一块|方面|那个数|这个数|数字|情况|"
                         r"全市|全县|全区|计划|目标|要点|总结|定的|定了|里(?=呢|[？?]|$)|"
                         r"同一年|同年|当年|那一年|这一年|要是在|如果在|在(?=呢|[？?]|$)|"
                         r"那么|那|呢|吧|啊|呀|吗|么|的|了|还有|又|再|也|换成|换到|如果是|要是|"
                         r"怎么样|如何|情况|多少|几|是|有|[？?。，,！!：:\s]|"
                         r"\b(?:and|what|about|how|in|the|for|of|is|was|were|are|did|does|do|then|"
                         r"year|years|plan|there|same)\b", re.I)  # fmt: skip

# words a fragment swaps for their kind's word in the previous question
KINDS = (
    ("学前教育", "学前", "幼儿园", "幼儿", "小学", "初中", "普通高中", "普高", "高中", "中职",
     "职高", "职业教育", "义务教育", "义务段", "特殊教育", "特教", "高校"),
    ("公办", "民办", "普惠"),
    ("城区", "城镇", "县城", "城里", "农村", "乡村", "乡镇"),
    ("教师", "老师", "校长", "学生", "班主任"),
    ("一本", "二本", "本科", "专科"),
    ("最高", "最低", "最多", "最少", "最大", "最小"),
    ("kindergarten", "preschool", "primary", "junior high", "senior high", "high school",
     "vocational", "compulsory"),
)  # fmt: skip

ASKS = {"figure": "是多少？", "name": "是什么？", "list": "有哪些？"}

# a thing a conversation is about: a school, a campus, a project ("城北新区那所学校")
ENTITY = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:学校|小学|中学|幼儿园|校区|项目|工程|中心)")

LEAD = re.compile(r"^\s*(?:那么|那|还有|另外)")

YEAR_MENTION = re.compile(
    r"(?<![\d.])(?:(?:19|20)?\d\d[、,，和与及到至~\-]\s*)*(?:19|20)?\d\d年|"
    r"(?<![\d.])(?:19|20)\d\d(?![\d%])(?:\s*(?:and|to|,|-)\s*(?:19|20)\d\d(?!\d))*"
)
