"""Follow-up questions: a question that leans on the thread before it, made to stand alone.

Staff ask "崇阳县2020年计划招录多少义务段教师？" and then "那2021年呢？", "通城县呢？",
"其中公办幼儿教师多少人？", "和前一年比呢？". A follow-up lacks a topic, a place or a year: it
takes them from the previous turn's understood question and replaces only what it names itself.
The grammar, first match wins:

- a comparison ("和去年比呢", "跟通城比", "这几年呢", "compared with 2019"): the previous question
  across the previous and the named year or place, or every year (the comparison path answers);
- a narrowing ("其中…", "这里面…", "of them"): the new question in the previous scope, read in the
  plan of the previous answer;
- nothing of its own but a year or place ("那2021年呢", "去年呢", "通城县呢", "And in 2022?"): the
  previous question with that year or place replaced;
- a pronoun ("这个目标实现了吗"): it stands for the previous question's topic;
- a fragment ("初中的呢", "那学前教育呢"): its word replaces the previous question's word of the
  same kind (a stage of schooling by a stage, …), or else it is asked as the previous question
  asked ("…是多少？");
- no thing of its own ("实际完成了多少？"): the previous topic, asked this way;
- else: the question itself, with the previous place and year where it names none.

Relative years ("去年", "前一年", "明年", "两年后", "the year before") count from the previous
question's year; "上一个计划" is the place's nearest earlier plan in the corpus. A question
that names its topic, place and year is answered exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.filters import Filters

from .answer import Answer, answer
from .comparison import years_of
from .engine import Engine
from .query import Question, region_aliases
from .search import analysed


@dataclass(frozen=True, slots=True)
class Understood:
    """A question as typed and the standalone question that was answered for it."""

    asked: str
    text: str  # what was answered: equal to `asked` for a question that stands on its own
    form: str  # which rule of the grammar made it ("standalone" for none)
    within: str | None = None  # document id a narrowing reads: the previous answer's plan

    @property
    def rewritten(self) -> bool:
        return self.text != self.asked


@dataclass(frozen=True, slots=True)
class Turn:
    """One question of a conversation: how it was understood and what it was answered."""

    understood: Understood
    answer: Answer


# --- the words of the grammar ------------------------------------------------------------
_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "one": 1, "two": 2, "three": 3}
_N = r"(\d|[一两二三四五]|one|two|three)"
_RELATIVE = (
    (re.compile(r"再下一年|再往后一年|下一年|后一年|第二年|次年|明年|来年"), 1),
    (re.compile(r"大前年"), -3),
    (re.compile(r"前年"), -2),
    (re.compile(r"后年"), 2),
    (re.compile(r"去年|上一年|前一年|上年|头一年|再前一年|再往前一年"), -1),
    (re.compile(rf"{_N}年(?:以)?后"), "+n"),
    (re.compile(rf"{_N}年(?:以)?前"), "-n"),
    (re.compile(r"\b(?:the )?(?:year before|previous year|prior year|preceding year)\b|"
                r"\ba year (?:earlier|before)\b|\blast year\b", re.I), -1),
    (re.compile(r"\b(?:the )?(?:next|following) year\b|\ba year later\b|\bthe year after\b",
                re.I), 1),
    (re.compile(rf"\b{_N} years? (?:later|after)\b", re.I), "+n"),
    (re.compile(rf"\b{_N} years? (?:earlier|before|ago)\b", re.I), "-n"),
)  # fmt: skip
_PLAN_BEFORE = re.compile(r"上一个计划|上一份|上个计划|上一个要点|之前的计划|前一个计划|"
                          r"\b(?:the )?(?:previous|last|earlier) plan\b", re.I)  # fmt: skip
_PLAN_AFTER = re.compile(r"下一个计划|下一份|下个计划|之后的计划|\b(?:the )?next plan\b", re.I)
_COMPARE = re.compile(r"(?:和|跟|与|同).{1,10}?(?:比|相比|对比|比较)|比(?:去年|上年|前一年)|"
                      r"\bcompared? (?:with|to)\b|\bversus\b|\bvs\.?", re.I)  # fmt: skip
_EVERY_YEAR = re.compile(r"这几年|近几年|历年|逐年|每年|各年|近[两二三四五]年|"
                         r"\bover the years\b|\beach year\b|\bevery year\b", re.I)  # fmt: skip
_NARROW = re.compile(
    r"^\s*(?:那|那么)?(?:其中|这里面|这里头|这当中|这其中|里面|里头|当中|这些里面)|"
    r"\b(?:of (?:them|these|those|which)|among (?:them|these|those))\b", re.I)  # fmt: skip
_PRONOUN = re.compile(r"它们|它|这个|那个|这项|这些|那些|这笔|这一|该项|此项|"
                      r"\b(?:it|its|this|that one|these|those|they|them)\b", re.I)  # fmt: skip
# a pronoun before these means the previous figure's measure, not the thing it is said of
_MEASURE_AFTER = re.compile(r"(?:这个|那个|这一)(?:数|数字|目标|比例|指标|比率|率)")
_FRAGMENT = re.compile(r"呢\s*[？?]?\s*$|^\s*(?:那|那么|还有|换成|换到|如果是|要是)|"
                       r"^\s*(?:and|what about|how about|what of)\b", re.I)  # fmt: skip
# what a follow-up says besides its topic: particles, question words, the follow-up's own verbs
_FORM_WORDS = re.compile(r"那边|这边|那里|那儿|这块|这一块|方面|那个数|这个数|数字|情况|"
                         r"全市|全县|全区|计划|目标|要点|总结|定的|定了|里(?=呢|[？?]|$)|"
                         r"同一年|同年|当年|那一年|这一年|要是在|如果在|在(?=呢|[？?]|$)|"
                         r"那么|那|呢|吧|啊|呀|吗|么|的|了|还有|又|再|也|换成|换到|如果是|要是|"
                         r"怎么样|如何|情况|多少|几|是|有|[？?。，,！!：:\s]|"
                         r"\b(?:and|what|about|how|in|the|for|of|is|was|were|are|did|does|do|then|"
                         r"year|years|plan|there|same)\b", re.I)  # fmt: skip
# words a fragment swaps for their kind's word in the previous question
_KINDS = (
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
_ASKS = {"figure": "是多少？", "name": "是什么？", "list": "有哪些？"}


def understand(engine: Engine, text: str, thread: Sequence[Turn] = ()) -> Understood:
    """The standalone question a follow-up asks, given the turns before it."""
    if not thread:
        return Understood(text, text, "standalone")
    previous = thread[-1]
    before = analysed(engine, previous.understood.text)
    asked = analysed(engine, text)
    years = _years(engine, text, asked, before, previous.answer)
    rest = _strip(text, asked)
    fragment = bool(_FRAGMENT.search(text))
    pronoun = bool(_PRONOUN.search(text))
    things = any(asked.nouns) or (bool(rest) and (fragment or asked.is_english))

    def made(into: str, form: str, within: str | None = None) -> Understood:
        return Understood(text, _spelled_out(engine, into), form, within)

    compared = _COMPARE.search(text) or _EVERY_YEAR.search(text)
    if compared and not _names_own_thing(_strip(text.replace(compared.group(0), ""), asked)):
        if asked.wants and asked.wants != before.wants and asked.years:
            # "和21年实际完成的比呢": each year keeps what its own clause asks for
            return made(f"{before.text.rstrip('？?')}{'，' if not asked.is_english else ', and '}"
                        f"{text}", "compare")  # fmt: skip
        every = bool(_EVERY_YEAR.search(text))
        return made(_across(before, years, asked.regions, every), "compare")
    narrowed = _NARROW.search(text)
    if narrowed and text[narrowed.end() :].strip():  # the rest, asked in the previous plan
        inner = text[: narrowed.start()] + text[narrowed.end() :]
        if asked.is_english:
            said = f"{inner.rstrip(' ?')} ({before.text.rstrip(' ?')})?"
        elif kind := _kind_alone(_strip(inner, asked)):  # "其中义务段的呢", in that plan
            said = _replaced(replace(before, text=_of_kind(before, kind)), years, asked.regions)
        else:
            said = _scoped(inner, asked, before, years)
        return made(said, "narrow", _read_in(previous.answer))
    if not rest or (len(rest) < 2 and not asked.is_english and not any(asked.nouns)):
        # "那2021年呢？", "醴陵是多少人？": a place or year alone
        return made(_replaced(before, years, asked.regions), "scope")
    if asked.regions and asked.years and things and not (fragment or pronoun):
        return Understood(text, text, "standalone")
    if asked.is_english and (pronoun or fragment or not things):
        # English follow-ups lean on the whole previous question, with its scope moved
        moved = _replaced(before, years, asked.regions)
        return made(f"{text.rstrip(' ?')} ({moved.rstrip(' ?')})?",
                    "pronoun" if pronoun else "fragment")  # fmt: skip
    entity = _entity(before)
    if pronoun:
        thing = not _MEASURE_AFTER.search(text)
        subject = _subject(previous.answer) if previous.answer.found else None
        named = subject if subject and entity and entity in subject else entity or subject
        said = _referred(text, (thing and named) or _topic(before))
        return made(_scoped(said, asked, before, years), "pronoun")
    if not things:  # "实际完成了多少？": the previous topic, asked this way
        return made(_scoped(_topic(before) + _LEAD.sub("", text), asked, before, years), "context")
    if fragment:
        kind = _kind_alone(rest)
        if kind:  # "初中的呢": a word of a kind, alone
            said = _replaced(replace(before, text=_of_kind(before, kind)), years, asked.regions)
            return made(said, "fragment")
        said = f"{rest}{_ASKS.get(before.asks, '？')}"
        return made(_scoped(said, asked, before, years), "fragment")
    said = text
    if entity and not (asked.regions or asked.years) and entity not in text:
        said = entity + _LEAD.sub("", text)  # "总共要投多少钱？" of the school just asked about
    return made(_scoped(said, asked, before, years), "context")


# a thing a conversation is about: a school, a campus, a project ("城北新区那所学校")
_ENTITY = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:学校|小学|中学|幼儿园|校区|项目|工程|中心)")


def _entity(question: Question) -> str | None:
    """The school or project a question names, if any (its place and year left out)."""
    m = _ENTITY.search(_YEAR_MENTION.sub("", _places(question.regions).sub("", question.text)))
    return m.group(0) if m else None


def _read_in(previous: Answer) -> str | None:
    """The plan a narrowing reads: the previous answer's, or its best candidate's or passage's."""
    shown = previous.hit or (previous.candidate.hit if previous.candidate else None)
    if shown is None and previous.result.hits:
        shown = previous.result.hits[0]
    return shown.doc_id if shown is not None else None


_LEAD = re.compile(r"^\s*(?:那么|那|还有|另外)")


def _spelled_out(engine: Engine, text: str) -> str:
    """A rewritten question with its places by their full names and its years in four digits
    ("崇阳19年…" → "崇阳县2019年…"), as a reader of the understood question expects."""
    asked = analysed(engine, text)
    if asked.is_english:
        return text
    text = _places(asked.regions).sub(lambda m: _full_name(asked.regions, m.group(0)), text)
    return re.sub(r"(?<![\d.])(\d\d)年", lambda m: f"20{m.group(1)}年", text)


def _full_name(regions: Sequence[str], said: str) -> str:
    return next((r for r in regions if said.lower() in map(str.lower, region_aliases(r))), said)


def _names_own_thing(rest: str) -> bool:
    """Whether a comparison names a thing of its own besides what it compares with."""
    return len(re.sub(r"比|相比|对比|比较|变化|怎样|[A-Za-z ]", "", rest)) >= 2


def _places(regions: Sequence[str]) -> re.Pattern:
    """Any name of the places, longest first; pinyin with or without "'" and "-" ("Xian'an")."""
    names = sorted({a for r in regions for a in region_aliases(r)}, key=len, reverse=True)
    said = [r"\b" + "['’-]?".join(map(re.escape, a)) + r"\b" if a.isascii() else re.escape(a)
            for a in names]  # fmt: skip
    return re.compile("|".join(said) or r"(?!)", re.I)


def _strip(text: str, asked: Question) -> str:
    """What a question says besides its place, year, relative year and follow-up words."""
    rest = _YEAR_MENTION.sub("", _places(asked.regions).sub("", text))
    for pattern, _ in _RELATIVE:
        rest = pattern.sub("", rest)
    rest = _PLAN_AFTER.sub("", _PLAN_BEFORE.sub("", rest))
    return _FORM_WORDS.sub("", rest)


def _years(
    engine: Engine, text: str, asked: Question, before: Question, previous: Answer
) -> tuple[int, ...]:
    """The years a follow-up is about: those it names, else the one it counts from the
    previous question's year, else ()."""
    if asked.years:
        return asked.years
    base = max(before.years) if before.years else (previous.hit.year if previous.hit else None)
    if base is None:
        return ()
    for pattern, step in _RELATIVE:
        m = pattern.search(text)
        if m:
            if isinstance(step, str):
                n = _NUMERALS.get(m.group(1).lower()) or int(m.group(1))
                step = n if step == "+n" else -n
            return (base + step,)
    region = before.regions[0] if before.regions else None
    held = years_of(engine, region)
    if _PLAN_BEFORE.search(text):
        earlier = [y for y in held if y < base]
        return (earlier[-1],) if earlier else (base - 1,)
    if _PLAN_AFTER.search(text):
        later = [y for y in held if y > base]
        return (later[0],) if later else (base + 1,)
    return ()


_YEAR_MENTION = re.compile(
    r"(?<![\d.])(?:(?:19|20)?\d\d[、,，和与及到至~\-]\s*)*(?:19|20)?\d\d年|"
    r"(?<![\d.])(?:19|20)\d\d(?![\d%])(?:\s*(?:and|to|,|-)\s*(?:19|20)\d\d(?!\d))*"
)


def _year_words(years: Sequence[int], english: bool) -> str:
    if english:
        return " and ".join(str(y) for y in years)
    return "和".join(f"{y}年" for y in years)


def _place_word(region: str, english: bool) -> str:
    if not english:
        return region
    ascii_names = [a for a in region_aliases(region) if a.isascii()]
    return ascii_names[0].capitalize() if ascii_names else region


def _replaced(before: Question, years: Sequence[int], regions: Sequence[str]) -> str:
    """The previous question with its year and place replaced by the ones given."""
    text = before.text
    if years:
        text = _put_years(text, _year_words(years, before.is_english), before)
    if regions:
        text = _put_place(text, "和".join(_place_word(r, before.is_english) for r in regions),
                          before)  # fmt: skip
    return text


def _put_years(text: str, words: str, before: Question) -> str:
    m = _YEAR_MENTION.search(text) or _EVERY_YEAR.search(text)
    if m:
        return text[: m.start()] + words + text[m.end() :]
    return _with_scope(text, before, years=words)


def _put_place(text: str, words: str, before: Question) -> str:
    m = _places(before.regions).search(text)
    if m:
        return text[: m.start()] + words + text[m.end() :]
    return _with_scope(text, before, place=words)


def _with_scope(text: str, question: Question, place: str = "", years: str = "") -> str:
    """A question with a place or year it does not name put where a reader expects it."""
    if question.is_english:
        said = ", ".join(w for w in (place, years) if w)
        return f"{text.rstrip(' ?')} ({said})?" if said else text
    return f"{place}{years}{text}"


def _across(before: Question, years: Sequence[int], regions: Sequence[str], every: bool) -> str:
    """The previous question across its year and the named one, its place and the named
    one, or every year."""
    english = before.is_english
    if every:
        words = "over the years" if english else "这几年"
        return _put_years(before.text, words, before) if before.years else f"{words}{before.text}"
    if regions:
        named = list(dict.fromkeys([*before.regions, *regions]))
        return _replaced(replace(before, years=()), (), named)
    together = sorted(set(before.years) | set(years))
    return _replaced(before, together, ()) if len(together) >= 2 else before.text


def _scoped(text: str, asked: Question, before: Question, years: Sequence[int]) -> str:
    """A question with the previous place and year where it names none (a relative year
    replaced by the one it counts to)."""
    english = asked.is_english
    place = "" if asked.regions else "和".join(_place_word(r, english) for r in before.regions)
    year_words = ""
    if not asked.years:
        year_words = _year_words(years or before.years, english)
        for pattern, _ in _RELATIVE:
            text = pattern.sub("", text)
        text = _PLAN_AFTER.sub("", _PLAN_BEFORE.sub("", text))
    return _with_scope(_LEAD.sub("", text).strip(), asked, place, year_words)


def _topic(question: Question) -> str:
    """What a question is about: its text without place, year and question words."""
    rest = _YEAR_MENTION.sub("", _places(question.regions).sub("", question.text))
    asking = r"(?:多少|几)个?|计划|打算|准备|目标|要|能|一共|总共|共|分别|各"
    rest = re.sub(asking, "", rest)
    return _FORM_WORDS.sub("", rest)


def _subject(previous: Answer) -> str | None:
    """What the previous answer's statement is about: its words before the first figure
    ("城北新区学校建设项目，总投资3.5亿元" → 城北新区学校建设项目)."""
    line = previous.candidate
    if line is None or line.hit is None:
        return None
    text, at = line.hit.text, line.span.start - line.hit.start
    opened = max(text.rfind(mark, 0, at) for mark in "。；;！？\n") + 1
    figure = r"[\d一二两三四五六七八九十百千万]+[个名人所家项次元台套万亿%]"
    said = re.split(figure, text[opened:at])[0]
    said = re.sub(r"^[\s\d（(一二三四五六七八九十、.)）]+|[，,、：:\s]+$", "", said)
    return said[-20:] if len(said) >= 2 else None


def _referred(text: str, referent: str) -> str:
    """A question with its pronoun replaced by what it refers to; a word after the pronoun
    that the referent ends with is not said twice ("这个项目" → "…建设项目")."""
    m = _PRONOUN.search(text)
    if m is None:
        return text
    after = m.end()
    for k in (3, 2, 1):
        if referent.endswith(text[after : after + k]) and text[after : after + k].strip():
            after += k
            break
    return text[: m.start()] + referent + text[after:]


def _kind_alone(fragment: str) -> str | None:
    """The word of a kind (a stage of schooling, …) a fragment says and little else."""
    words = [w for kind in _KINDS for w in kind if w in fragment.lower()]
    word = max(words, key=len) if words else None
    return word if word and len(fragment.replace(word, "")) < 2 else None


def _swapped(text: str, word: str) -> str | None:
    """The previous question with a word in place of its word of the same kind ("学前…毛入园率"
    with "初中" → "初中…毛入园率"); None when it has none."""
    kind = next(k for k in _KINDS if word in k)
    old = next((w for w in sorted(kind, key=len, reverse=True) if w in text.lower() and w != word),
               None)  # fmt: skip
    if old is None:
        return None
    at = text.lower().find(old)
    return text[:at] + word + text[at + len(old) :]


def _of_kind(question: Question, word: str) -> str:
    """The previous question with a word of a kind in place of its own word of that kind, or
    put before its topic when it has none ("特岗占多少" with "幼儿园")."""
    swapped = _swapped(question.text, word)
    if swapped is not None:
        return swapped
    topic = _topic(question)
    at = question.text.find(topic[:2]) if topic else -1
    return question.text[:at] + word + question.text[at:] if at >= 0 else word + question.text


def ask(engine: Engine, text: str, thread: Sequence[Turn] = (), **search_options) -> Turn:
    """Answer a question in a conversation: understood against the thread, then answered as a
    standalone question (a narrowing only in the previous answer's plan)."""
    understood = understand(engine, text, thread)
    if understood.within is not None:
        filters = search_options.pop("filters", None) or Filters()
        search_options["filters"] = replace(filters, doc_ids=(understood.within,))
    return Turn(understood, answer(engine, understood.text, **search_options))


def converse(engine: Engine, questions: Sequence[str], **search_options) -> list[Turn]:
    """Ask questions in order, each leaning on the ones before it: a conversation's turns."""
    thread: list[Turn] = []
    for text in questions:
        thread.append(ask(engine, text, thread, **search_options))
    return thread
