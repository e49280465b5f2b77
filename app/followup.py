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
from .followup_rewrite import across, places_pattern, replaced, scoped, spelled_out
from .followup_words import (
    ASKS,
    COMPARE,
    ENTITY,
    EVERY_YEAR,
    FORM_WORDS,
    FRAGMENT,
    KINDS,
    LEAD,
    MEASURE_AFTER,
    NARROW,
    NUMERALS,
    PLAN_AFTER,
    PLAN_BEFORE,
    PRONOUN,
    RELATIVE,
    YEAR_MENTION,
)
from .query import Question
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


def understand(engine: Engine, text: str, thread: Sequence[Turn] = ()) -> Understood:
    """The standalone question a follow-up asks, given the turns before it: the first form of
    follow-up it matches (a comparison, a narrowing, then the forms that lean on the previous
    question) says how."""
    if not thread:
        return Understood(text, text, "standalone")
    said = _Said.of(engine, text, thread[-1])
    return _compared(said) or _narrowed(said) or _leaning(said)


@dataclass(frozen=True, slots=True)
class _Said:
    """A follow-up read beside the turn before it."""

    engine: Engine
    text: str
    asked: Question
    before: Question  # the previous turn's question, as understood
    previous: Turn
    years: tuple[int, ...]
    rest: str  # the follow-up without its years and places
    fragment: bool  # "…呢", "那…": a question that is not whole
    pronoun: bool  # "它", "这所学校"
    things: bool  # it names something of its own

    @classmethod
    def of(cls, engine: Engine, text: str, previous: Turn) -> _Said:
        before = analysed(engine, previous.understood.text)
        asked = analysed(engine, text)
        rest = _strip(text, asked)
        fragment = bool(FRAGMENT.search(text))
        return cls(
            engine, text, asked, before, previous,
            years=tuple(_years(engine, text, asked, before, previous.answer)),
            rest=rest, fragment=fragment, pronoun=bool(PRONOUN.search(text)),
            things=any(asked.nouns) or (bool(rest) and (fragment or asked.is_english)),
        )  # fmt: skip

    def made(self, into: str, form: str, within: str | None = None) -> Understood:
        return Understood(self.text, spelled_out(self.engine, into), form, within)


def _compared(s: _Said) -> Understood | None:
    """ "和去年比呢", "这几年呢": the previous question across years or places."""
    asked, before, text = s.asked, s.before, s.text
    compared = COMPARE.search(text) or EVERY_YEAR.search(text)
    if not compared or _names_own_thing(_strip(text.replace(compared.group(0), ""), asked)):
        return None
    if asked.wants and asked.wants != before.wants and asked.years:
        # "和21年实际完成的比呢": each year keeps what its own clause asks for
        return s.made(f"{before.text.rstrip('？?')}{'，' if not asked.is_english else ', and '}"
                      f"{text}", "compare")  # fmt: skip
    every = bool(EVERY_YEAR.search(text))
    return s.made(across(before, s.years, asked.regions, every), "compare")


def _narrowed(s: _Said) -> Understood | None:
    """ "其中…", "这里面…": the rest, asked in the previous answer's plan."""
    asked, before, text, years = s.asked, s.before, s.text, s.years
    narrowed = NARROW.search(text)
    if not narrowed or not text[narrowed.end() :].strip():
        return None
    inner = text[: narrowed.start()] + text[narrowed.end() :]
    if asked.is_english:
        said = f"{inner.rstrip(' ?')} ({before.text.rstrip(' ?')})?"
    elif kind := _kind_alone(_strip(inner, asked)):  # "其中义务段的呢", in that plan
        said = replaced(replace(before, text=_of_kind(before, kind)), years, asked.regions)
    else:
        said = scoped(inner, asked, before, years)
    return s.made(said, "narrow", _read_in(s.previous.answer))


def _leaning(s: _Said) -> Understood:
    """A year or place alone, a question of its own, a pronoun, a fragment, or a question that
    takes the previous place, year and topic."""
    asked, before, text, years, rest = s.asked, s.before, s.text, s.years, s.rest
    if not rest or (len(rest) < 2 and not asked.is_english and not any(asked.nouns)):
        # "那2021年呢？", "醴陵是多少人？": a place or year alone
        return s.made(replaced(before, years, asked.regions), "scope")
    if asked.regions and asked.years and s.things and not (s.fragment or s.pronoun):
        return Understood(text, text, "standalone")
    if asked.is_english and (s.pronoun or s.fragment or not s.things):
        # English follow-ups lean on the whole previous question, with its scope moved
        moved = replaced(before, years, asked.regions)
        return s.made(f"{text.rstrip(' ?')} ({moved.rstrip(' ?')})?",
                      "pronoun" if s.pronoun else "fragment")  # fmt: skip
    entity = _entity(before)
    if s.pronoun:
        answer = s.previous.answer
        thing = not MEASURE_AFTER.search(text)
        subject = _subject(answer) if answer.found else None
        named = subject if subject and entity and entity in subject else entity or subject
        said = _referred(text, (thing and named) or _topic(before))
        return s.made(scoped(said, asked, before, years), "pronoun")
    if not s.things:  # "实际完成了多少？": the previous topic, asked this way
        return s.made(scoped(_topic(before) + LEAD.sub("", text), asked, before, years),
                      "context")  # fmt: skip
    if s.fragment:
        kind = _kind_alone(rest)
        if kind:  # "初中的呢": a word of a kind, alone
            said = replaced(replace(before, text=_of_kind(before, kind)), years, asked.regions)
            return s.made(said, "fragment")
        said = f"{rest}{ASKS.get(before.asks, '？')}"
        return s.made(scoped(said, asked, before, years), "fragment")
    said = text
    if entity and not (asked.regions or asked.years) and entity not in text:
        said = entity + LEAD.sub("", text)  # "总共要投多少钱？" of the school just asked about
    return s.made(scoped(said, asked, before, years), "context")


def _entity(question: Question) -> str | None:
    """The school or project a question names, if any (its place and year left out)."""
    m = ENTITY.search(YEAR_MENTION.sub("", places_pattern(question.regions).sub("", question.text)))
    return m.group(0) if m else None


def _read_in(previous: Answer) -> str | None:
    """The plan a narrowing reads: the previous answer's, or its best candidate's or passage's."""
    shown = previous.hit or (previous.candidate.hit if previous.candidate else None)
    if shown is None and previous.result.hits:
        shown = previous.result.hits[0]
    return shown.doc_id if shown is not None else None


def _names_own_thing(rest: str) -> bool:
    """Whether a comparison names a thing of its own besides what it compares with."""
    return len(re.sub(r"比|相比|对比|比较|变化|怎样|[A-Za-z ]", "", rest)) >= 2


def _strip(text: str, asked: Question) -> str:
    """What a question says besides its place, year, relative year and follow-up words."""
    rest = YEAR_MENTION.sub("", places_pattern(asked.regions).sub("", text))
    for pattern, _ in RELATIVE:
        rest = pattern.sub("", rest)
    rest = PLAN_AFTER.sub("", PLAN_BEFORE.sub("", rest))
    return FORM_WORDS.sub("", rest)


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
    for pattern, step in RELATIVE:
        m = pattern.search(text)
        if m:
            if isinstance(step, str):
                n = NUMERALS.get(m.group(1).lower()) or int(m.group(1))
                step = n if step == "+n" else -n
            return (base + step,)
    region = before.regions[0] if before.regions else None
    held = years_of(engine, region)
    if PLAN_BEFORE.search(text):
        earlier = [y for y in held if y < base]
        return (earlier[-1],) if earlier else (base - 1,)
    if PLAN_AFTER.search(text):
        later = [y for y in held if y > base]
        return (later[0],) if later else (base + 1,)
    return ()


def _topic(question: Question) -> str:
    """What a question is about: its text without place, year and question words."""
    rest = YEAR_MENTION.sub("", places_pattern(question.regions).sub("", question.text))
    asking = r"(?:多少|几)个?|计划|打算|准备|目标|要|能|一共|总共|共|分别|各"
    rest = re.sub(asking, "", rest)
    return FORM_WORDS.sub("", rest)


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
    m = PRONOUN.search(text)
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
    words = [w for kind in KINDS for w in kind if w in fragment.lower()]
    word = max(words, key=len) if words else None
    return word if word and len(fragment.replace(word, "")) < 2 else None


def _swapped(text: str, word: str) -> str | None:
    """The previous question with a word in place of its word of the same kind ("学前…毛入园率"
    with "初中" → "初中…毛入园率"); None when it has none."""
    kind = next(k for k in KINDS if word in k)
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
