"""Questions that compare one indicator across years or places, answered one plan at a time.

"平江这几年每年打算新招几个老师？17年、18年和20年的数字各是多少" names three years, "崇阳和通城
2020年…" two places, and "这几年 / 近三年 / 逐年 / over the years" means every year the corpus
holds for the place. Each (year, place) is asked as a question of its own through the single
question path (search, candidates, the fitted decision). When the decision shows one slot's
answer, every slot gets one cited line: its figure in the measure the slots share, said of
what the surest slot's figure is said of. The summary holds every line's figure in order and
says up or down and by how much when one place's years agree in unit ("2020年200人 →
2021年180人，减少20人"). A year or place the corpus has no answer for is said so in the
summary, not dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ingest.chinese import SENTENCE_ENDS

from .candidates import Candidate
from .decide import Decision, decide
from .engine import Engine
from .query import Question, region_aliases, wants_of, years_in
from .search import search_question
from .spans import figures, unit_fits

if TYPE_CHECKING:
    from .answer import AnswerLine

# "every year" without naming them: each year the corpus holds for the place
_EVERY_YEAR = re.compile(
    r"这几年|近几年|近[两二三四五]年|历年|逐年|每年|各年|每一年|哪几年|\bover the (?:past |last )?"
    r"(?:\w+ )?years\b|\beach year\b|\bevery year\b|\byear by year\b|\bacross the years\b",
    re.I,
)
SUMMARY_CHARS = 300  # the longest summary the answer may be
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?")


@dataclass(frozen=True, slots=True)
class Slot:
    """One year and place a comparison asks about (None: not narrowed)."""

    year: int | None
    region: str | None
    # what the part of the question naming this year asks for: "target" or "result" ("20年打算
    # …，21年实际…"), else what the whole question asks for
    wants: str | None = None

    @property
    def label(self) -> str:
        parts = [self.region or "", f"{self.year}年" if self.year else ""]
        return "".join(parts)


def slots(engine: Engine, question: Question) -> tuple[Slot, ...]:
    """The (year, place) pairs a question compares: two or more years, two or more places,
    or every year of one place; () for a question about one plan. Places come in the order
    the question names them."""
    years = sorted(set(question.years))
    regions = sorted(dict.fromkeys(question.regions), key=lambda r: _named_at(question.text, r))
    if not years and len(regions) <= 1 and _EVERY_YEAR.search(question.text):
        years = years_of(engine, regions[0] if regions else None)
    wants = _wants_per_year(question)
    if len(years) >= 2:
        pairs = [(y, r) for r in regions or [None] for y in years]
    elif len(regions) >= 2:
        pairs = [(y, r) for r in regions for y in years or [None]]
    else:
        return ()
    return tuple(Slot(y, r, wants.get(y, question.wants)) for y, r in pairs)


_CLAUSE = re.compile(f"[{SENTENCE_ENDS},，]")


def _wants_per_year(question: Question) -> dict[int | None, str | None]:
    """Per year, whether the clause naming it asks for a target or a result; a clause that
    says neither, or a year no clause names, takes the whole question's."""
    wants: dict[int | None, str | None] = {}
    for clause in _CLAUSE.split(question.text):
        said = wants_of(clause)
        for year in years_in(clause):
            wants.setdefault(year, said or question.wants)
    return wants


def _named_at(text: str, region: str) -> int:
    """Where a question first names a place (by any of its names, pinyin in any case)."""
    lower = text.lower()
    at = [lower.find(a.lower()) for a in region_aliases(region) if a.lower() in lower]
    return min(at, default=len(text))


def years_of(engine: Engine, region: str | None) -> list[int]:
    """The years the corpus has plans or summaries for, of one place (of all, without one)."""
    found: set[int] = set()
    for document in engine.index.documents():
        meta = document.meta
        if region is None or meta.region == region:
            found |= set(meta.years) | ({meta.year} if meta.year is not None else set())
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Compared:
    """Each slot's best candidate line (None when the corpus holds no answer for it)."""

    slot: Slot
    line: AnswerLine | None
    confidence: float
    figure: str | None  # the figure of the line that answers, as written
    held: bool = True  # whether the corpus has a plan of the slot's year and place


def compare(engine: Engine, question: Question, pairs: tuple[Slot, ...]) -> list[Compared]:
    """Ask each slot on its own. The comparison is found when the fitted decision shows one
    slot's best span (as the answer or as possibly relevant); then every slot with a
    candidate gets a line. The slots measure one indicator, so their figures share one
    measure (the one the slots' candidates support most, summed over slots), and each slot's
    figure is said of what the surest slot's is: among its most probable figures in that
    measure, the one whose context agrees most with the surest one's ("2860万元" rather than
    the "2.2万人次" ranked above it, "培训教师1万人次" rather than "跟岗学习200人次")."""
    from .answer import line_of  # answer.py dispatches here: imported late

    if question.asks == "statement":  # "有什么变化", "how did it change": its figures do
        question = replace(question, asks="figure")
    decided = [(slot, _decided(engine, question, slot)) for slot in pairs]
    # the fitted decision says whether the comparison is found: when one slot's best span is
    # shown (as the answer or as possibly relevant), every slot with a candidate gets its line,
    # each with its own confidence; the slots back each other up through the shared measure
    ruled = [d for _, d in decided if d is not None and d.best]
    shown = ruled if any(d.found or d.maybe for d in ruled) else []
    measure = _shared_measure([d.ranked for d in shown])
    anchor = _anchor(shown, measure)
    out: list[Compared] = []
    for slot, decision in decided:
        if decision is None:
            out.append(Compared(slot, None, 0.0, None, held=False))
            continue
        if not any(decision is d for d in shown):
            out.append(Compared(slot, None, decision.confidence, None))
            continue
        top = decision.ranked[0][0]  # the best span itself, before its neighbours join it
        chosen = _agreeing(decision.ranked, measure, anchor) or top
        line = line_of(decision.best if chosen is top else chosen)
        if any(c.line is not None and c.line.span == line.span for c in out):
            out.append(Compared(slot, None, decision.confidence, None))  # another slot's line
            continue
        out.append(Compared(slot, line, decision.confidence, _figure(chosen.text, question)))
    return _one_unit(out)


def _decided(engine: Engine, question: Question, slot: Slot) -> Decision | None:
    """The fitted decision on one slot, asked as a question of its own; None when the corpus
    holds nothing of the slot's year and place.

    A slot that asks for a target reads plans, one that asks for a result reads summaries,
    where its year has both. A year without a plan of its own is read from the next year's
    plan where that recounts it ("2019年，全县高考本科上线3105人" in a 2020 plan)."""
    asked = replace(
        question,
        years=(slot.year,) if slot.year else (),
        regions=(slot.region,) if slot.region else question.regions,
        wants=slot.wants,
    )
    result = search_question(engine, asked)
    if not result.in_scope and slot.year:
        later = search_question(engine, replace(asked, years=(slot.year + 1,)))
        named = tuple(h for h in later.hits if f"{slot.year}年" in h.text)
        result = replace(later, hits=named, in_scope=later.in_scope and bool(named))
    if not result.in_scope:
        return None
    if not any(h.kind == slot.wants for h in result.hits if slot.wants):
        return decide(result)  # the year has no part of the asked kind: read what it has
    kept = tuple(h for h in result.hits if not (h.kind and h.kind != slot.wants))
    return decide(replace(result, hits=kept))


# weight of a figure's agreement with the surest slot against its log probability, chosen on
# the train split's 35 comparisons over 0, 1, 2, 4, 8, 16, 64 (compare accuracy .457, .514,
# .543, .543, .571, .571, .571): the smallest that reaches the plateau
AGREEMENT = 8.0
_CHOICES = 5  # a slot's most probable figures in the shared measure that may be chosen


def _anchor(shown: list, measure: str | None) -> Candidate | None:
    """The surest slot's figure: the most probable figure in the shared measure of the slot
    the fitted decision is surest of."""
    if not shown:
        return None
    surest = max(shown, key=lambda d: d.confidence)
    return next((c for c, _ in surest.ranked if _measure_of(c) == measure), surest.ranked[0][0])


def _agreeing(ranked: list, measure: str | None, anchor: Candidate | None):
    """Among a slot's most probable figures in the shared measure, the one whose context
    agrees best with the anchor's, weighed against its probability."""
    choices = [(c, p) for c, p in ranked if _measure_of(c) == measure][:_CHOICES]
    if not choices or anchor is None:
        return None
    said = set(re.findall(r"[\u4e00-\u9fff]", anchor.context))

    def score(choice) -> float:
        candidate, probability = choice
        own = set(re.findall(r"[\u4e00-\u9fff]", candidate.context))
        overlap = len(own & said) / len(own | said) if own | said else 0.0
        return float(np.log(max(probability, 1e-6))) + AGREEMENT * overlap

    return max(choices, key=score)[0]


# units that measure the same thing: 名 and 人 count people, 万元 and 元 are money
_SAME_MEASURE = {"名": "人", "位": "人", "万人": "人", "万元": "元", "亿元": "元", "万亿元": "元",
                 "万平方米": "平方米"}  # fmt: skip


def _measure_of(candidate) -> str | None:
    return _SAME_MEASURE.get(candidate.unit, candidate.unit) if candidate.kind == "figure" else None


def _shared_measure(rankings: list) -> str | None:
    """The measure with the most support: over slots, the sum of each slot's highest
    candidate probability among the figures in that measure."""
    support: dict[str, float] = {}
    for ranked in rankings:
        best: dict[str, float] = {}
        for candidate, probability in ranked:
            measure = _measure_of(candidate)
            if measure and probability > best.get(measure, -1.0):
                best[measure] = probability
        for measure, probability in best.items():
            support[measure] = support.get(measure, 0.0) + probability
    return max(support, key=support.get) if support else None


def _figure(text: str, question: Question) -> str | None:
    """The figure a span answers with: the last one in the asked unit (a candidate's clause
    ends with it), or the last one; without its lead-in verb ("达到1300人" → 1300人)."""
    found = [f for f in figures(text) if not question.units or unit_fits(f.unit, question.units)]
    if not found:
        return None
    return re.sub(r"^(?:达到|达)", "", text[found[-1].start : found[-1].end])


def _one_unit(compared: list[Compared]) -> list[Compared]:
    """When the slots' figures differ in unit, each slot's figure in the unit most of them
    use, where its line has one ("5400万元" rather than the "100%" after it)."""
    units = [value(c.figure)[1] for c in compared if c.figure and value(c.figure)]
    if len(set(units)) <= 1:
        return compared
    common = max(set(units), key=units.count)
    out = []
    for c in compared:
        if c.line is not None and c.figure and value(c.figure) and value(c.figure)[1] != common:
            same = [f for f in figures(c.line.text) if f.unit == common]
            if same:
                c = replace(c, figure=c.line.text[same[-1].start : same[-1].end])
        out.append(c)
    return out


def summary(compared: list[Compared]) -> str:
    """Every slot's figure in order, with the change from the first year to the last when the
    slots are one place's years and the units agree; a slot without an answer, or without a
    plan in the corpus, said so. At most SUMMARY_CHARS characters."""
    parts = [f"{c.slot.label} {_shown(c)}" for c in compared]
    text = " → ".join(parts)
    over_years = len({c.slot.region for c in compared}) == 1
    change = _change([c.figure for c in compared if c.figure]) if over_years else None
    if change:
        text += f"，{change}"
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _shown(c: Compared) -> str:
    if c.figure or c.line:
        return c.figure or c.line.text
    return "语料中未找到" if c.held else "语料中没有这一年（地）的文件"


def _change(shown: list[str]) -> str | None:
    """ "增加95人" / "减少20人" / "持平" from the first figure to the last, when both are
    numbers in one unit."""
    if len(shown) < 2:
        return None
    first, last = value(shown[0]), value(shown[-1])
    if first is None or last is None or first[1] != last[1]:
        return None
    delta = last[0] - first[0]
    if delta == 0:
        return "持平"
    in_wan = all("万" in f for f in (shown[0], shown[-1])) and not last[1].startswith("万")
    amount = f"{abs(delta) / 1e4:g}万" if in_wan else f"{abs(delta):g}"  # as the plans write it
    return f"{'增加' if delta > 0 else '减少'}{amount}{last[1]}"


def value(figure: str) -> tuple[float, str] | None:
    """A figure's number (万 and 亿 applied) and unit ("8600人以上" → (8600.0, "人"))."""
    number = _NUMBER.search(figure)
    units = [f.unit for f in figures(figure)]
    if not number or not units:
        return None
    scale = {"万": 1e4, "亿": 1e8}.get(number.group(2) or "", 1.0)
    unit = units[0]
    if unit.startswith(("万", "亿")):  # "万元": the scale is in the unit
        return float(number.group(1)), unit
    return float(number.group(1)) * scale, unit
