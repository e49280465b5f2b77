"""Extractive answers: the span of a retrieved passage that answers the question, or the plain
statement that the corpus holds none.

A question's path: `query.analyse` (what is asked) → `search.retrieve` and `search.rerank`
(which passages) → `candidates.extract` (which spans could answer) → `decide.decide` (the
fitted, calibrated choice: answer, "maybe", or abstain) → `compose` here (the answer with its
exact span and citation; one line per plan for a question across plans; the targets-table row
of a figure).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from index.filters import Filters

from .candidates import Candidate
from .comparison import Compared, compare, slots, summary
from .decide import Decision, decide
from .engine import Engine
from .features import coverage
from .hits import Hit, SearchResult
from .search import search
from .spans import figures, unit_fits
from .targets import TargetRow, table


@dataclass(frozen=True, slots=True)
class Span:
    """An exact stretch of a document's cleaned text."""

    doc: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One plan's line of an answer across plans, or a possibly relevant statement."""

    text: str
    span: Span
    hit: Hit


def _citation(span: Span, hit: Hit) -> dict:
    return {
        "doc": span.doc,
        "title": hit.title,
        "year": hit.year,
        "region": hit.region,
        "section": " › ".join(hit.section),
        "start": span.start,
        "end": span.end,
    }


def line_of(candidate: Candidate) -> AnswerLine:
    """A candidate as a cited line: its text and exact span in the document."""
    hit = candidate.hit
    span = Span(hit.doc, hit.start + candidate.start, hit.start + candidate.end, candidate.text)
    return AnswerLine(candidate.text, span, hit)


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to a question, with its source, or the plain fact that the corpus lacks it."""

    question: str
    found: bool
    text: str | None
    span: Span | None
    hit: Hit | None  # the passage the answer comes from
    result: SearchResult
    confidence: float = 0.0  # probability that the best candidate answers
    candidate: AnswerLine | None = None  # the best candidate, whether shown or not
    maybe: AnswerLine | None = None  # the best candidate, shown as possibly relevant
    lines: tuple[AnswerLine, ...] = ()  # one per plan for a question across plans
    figure: TargetRow | None = None  # the targets-table row of a figure answer
    compared: tuple[Compared, ...] = ()  # a comparison's years and places, each with its line

    def to_dict(self) -> dict:
        found = self.found and self.span is not None and self.hit is not None
        maybe = self.maybe
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.text if self.found else None,
            "confidence": round(self.confidence, 4),
            "citation": _citation(self.span, self.hit) if found else None,
            "maybe": {"text": maybe.text, **_citation(maybe.span, maybe.hit)} if maybe else None,
            "lines": [{"text": ln.text, **_citation(ln.span, ln.hit)} for ln in self.lines],
            "target": self.figure.to_dict() if self.figure and self.found else None,
            "hits": [h.to_dict() for h in self.result.hits],
        }


def answer_markdown(ans: Answer, passages: int = 3) -> str:
    """An answer with its citations as Markdown, to copy or save."""
    lines = [f"**问题**：{ans.question}", ""]
    if ans.found and ans.lines:
        lines += [f"**答案**：{ans.text if ans.compared else ''}", ""]
        for ln in ans.lines:
            h = ln.hit
            lines += [f"- {ln.text}（{h.title}，{h.region or '—'}，{h.year or '—'}）"
                      f" `{ln.span.doc}` [{ln.span.start}:{ln.span.end}]"]  # fmt: skip
        lines.append("")
    elif ans.found and ans.hit and ans.span:
        h = ans.hit
        lines += [f"**答案**：{ans.text}（置信度 {ans.confidence:.0%}）", ""]
        lines += [f"> 来源：{h.title}（{h.year or '—'}，{h.region or '—'}）{' › '.join(h.section)}"]
        lines += [f"> `{ans.span.doc}` [{ans.span.start}:{ans.span.end}]", ""]
    else:
        lines += ["**答案**：语料中未找到", ""]
        if ans.maybe:
            m = ans.maybe
            lines += [f"**可能相关**：{m.text}（置信度 {ans.confidence:.0%}）"
                      f" `{m.span.doc}` [{m.span.start}:{m.span.end}]", ""]  # fmt: skip
    lines.append("**引用段落**：")
    for i, h in enumerate(ans.result.hits[:passages], 1):
        where = f"{h.title}（{h.year or '—'}，{h.region or '—'}）{' › '.join(h.section)}"
        lines += ["", f"{i}. {where} — `{h.doc}` [{h.start}:{h.end}]", f"   > {h.text}"]
    return "\n".join(lines) + "\n"


def answer_figures(ans: Answer) -> tuple[tuple[int, int], ...]:
    """(start, end) in `ans.text` of the figures that answer a figure question: those in the
    unit asked for ("200人" for "多少人"), or every figure when no unit is asked; () when the
    answer was not found or the question asks for no figure."""
    question = ans.result.question
    if not (ans.found and ans.text and question.is_quantity):
        return ()
    return tuple(
        (f.start, f.end)
        for f in figures(ans.text)
        if not question.units or unit_fits(f.unit, question.units)
    )


def _across(result: SearchResult, decision: Decision) -> tuple[AnswerLine, ...]:
    """Each plan's most probable candidate whose statement (with its heading) holds every
    thing the question names: "哪些县提到大班额" is answered by the plans that say 大班额."""
    question = result.question
    best: dict[str, Candidate] = {}
    for candidate, _ in decision.ranked:
        said = candidate.statement + " ".join(candidate.hit.section)
        if candidate.hit.doc not in best and coverage(question, said, nouns=True) == 1.0:
            best[candidate.hit.doc] = candidate
    return tuple(line_of(c) for c in sorted(best.values(), key=lambda c: c.rank))


def compose(result: SearchResult, decision: Decision) -> Answer:
    """The answer a decision gives: the best span with its citation when found, the best
    candidate as "maybe" in the middle band, one line per plan for a question across plans."""
    base = Answer(result.text, False, None, None, None, result, decision.confidence)
    best = decision.best
    if best is None:
        return base
    if result.question.across:
        lines = _across(result, decision)
        if not lines:
            return base
        text = "\n".join(f"{ln.hit.region or ln.hit.title}：{ln.text}" for ln in lines)
        first = lines[0]
        return replace(base, found=True, text=text, span=first.span, hit=first.hit, lines=lines)
    line = line_of(best)
    base = replace(base, candidate=line)
    if decision.found:
        return replace(base, found=True, text=line.text, span=line.span, hit=line.hit)
    return replace(base, maybe=line) if decision.maybe else base


def compared(result: SearchResult, slots_compared: list[Compared]) -> Answer:
    """A comparison's answer: one line per year or place that has one, the summary as the
    answer's text (which says what is missing); found when any slot has a line."""
    shown = [c for c in slots_compared if c.line is not None]
    confidence = min((c.confidence for c in shown), default=0.0)
    base = Answer(result.text, False, None, None, None, result, confidence,
                  compared=tuple(slots_compared))  # fmt: skip
    if not shown:
        return base
    lines = tuple(c.line for c in shown)
    first = lines[0]
    return replace(base, found=True, text=summary(slots_compared), span=first.span,
                   hit=first.hit, lines=lines)  # fmt: skip


def answer_with(engine: Engine, result: SearchResult) -> Answer:
    """Decide and compose, plus the targets-table row of the figure an answer states (the one
    whose indicator the question names best, when it states several). A question comparing
    years or places is answered one slot at a time (`app/comparison.py`)."""
    pairs = slots(engine, result.question)
    if pairs:
        return compared(result, compare(engine, result.question, pairs))
    ans = compose(result, decide(result))
    if not (ans.found and ans.span and not ans.lines):
        return ans
    inside = [r for r in _hit_figures(engine, result, ans.span.doc)
              if ans.span.start <= r.start + r.text.find(r.figure) < ans.span.end]  # fmt: skip
    if not inside:
        return ans
    row = max(inside, key=lambda r: coverage(result.question, f"{r.indicator} {r.group}"))
    return replace(ans, figure=row)


def _hit_figures(engine: Engine, result: SearchResult, doc: str) -> list[TargetRow]:
    """Targets-table rows of one document whose clause lies in one of the hits."""
    doc_ids = tuple(d.doc_id for d in engine.index.documents() if d.file_name == doc)
    hits = [h for h in result.hits if h.doc == doc]
    return [
        row
        for row in table(engine, filters=Filters(doc_ids=doc_ids))
        if any(h.start <= row.start and row.end <= h.end for h in hits)
    ]


def answer(engine: Engine, question: str, k: int = 10, **search_options) -> Answer:
    """Search, then decide and compose the answer with its citation."""
    return answer_with(engine, search(engine, question, k=k, **search_options))
