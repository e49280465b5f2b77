"""Extractive answers: the shortest statement of a retrieved passage that answers the question.

No language model: candidate statements (sentences, or runs of clauses when a sentence is long)
are cut from the best passages and scored on how much of what the question asks about they
cover, on the passage's retrieval score and, for quantity questions, on holding a figure with
the unit asked for. `found` needs the asked-about words in the statement itself (or the heading
it sits under), not only shared words elsewhere in the passage, so near misses ("本科上线人数"
vs "本科上线率") read as "not in the corpus".

A question across plans ("哪些县提到消除大班额") is answered with one cited line per plan: each
plan's best statement that covers the question. A quantity answer carries the targets-table row
of its figure (indicator, value in base units, unit, kind), and when no statement answers, a
row of the retrieved passages whose indicator group covers the question answers instead: the
table knows that 学前三年毛入园率 and 三年学前教育毛入园率 are one indicator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.filters import Filters

from .answer_types import FIGURE, asked_units, has_figure, names_category
from .engine import Engine
from .search import Hit, SearchResult, search
from .targets import TargetRow, table

MAX_ANSWER = 100  # chars: a statement read at a glance
_CANDIDATE_HITS = 5  # passages whose statements compete
FOUND_COVERAGE = 0.6  # share of the question's term weight the statement must cover
_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")
_CLAUSE = re.compile(r"[^,，、:]+[,，、:]?")


@dataclass(frozen=True, slots=True)
class Span:
    """An exact stretch of a document's cleaned text."""

    doc: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One plan's line of an answer across plans."""

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


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to a question, with its source, or the plain fact that the corpus lacks it."""

    question: str
    found: bool
    text: str | None
    span: Span | None
    hit: Hit | None  # the passage the answer comes from
    result: SearchResult
    lines: tuple[AnswerLine, ...] = ()  # one per plan for a question across plans
    figure: TargetRow | None = None  # the targets-table row of a quantity answer

    def to_dict(self) -> dict:
        found = self.found and self.span is not None and self.hit is not None
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.text if self.found else None,
            "citation": _citation(self.span, self.hit) if found else None,
            "lines": [{"text": ln.text, **_citation(ln.span, ln.hit)} for ln in self.lines],
            "target": self.figure.to_dict() if self.figure and self.found else None,
            "hits": [h.to_dict() for h in self.result.hits],
        }


def answer_markdown(ans: Answer, passages: int = 3) -> str:
    """An answer with its citations as Markdown, to copy or save."""
    lines = [f"**问题**：{ans.question}", ""]
    if ans.found and ans.lines:
        lines += ["**答案**：", ""]
        for ln in ans.lines:
            h = ln.hit
            lines += [f"- {ln.text}（{h.title}，{h.region or '—'}，{h.year or '—'}）"
                      f" `{ln.span.doc}` [{ln.span.start}:{ln.span.end}]"]  # fmt: skip
        lines.append("")
    elif ans.found and ans.hit and ans.span:
        h = ans.hit
        lines += [f"**答案**：{ans.text}", ""]
        lines += [f"> 来源：{h.title}（{h.year or '—'}，{h.region or '—'}）{' › '.join(h.section)}"]
        lines += [f"> `{ans.span.doc}` [{ans.span.start}:{ans.span.end}]", ""]
    else:
        lines += ["**答案**：语料中未找到", ""]
    lines.append("**引用段落**：")
    for i, h in enumerate(ans.result.hits[:passages], 1):
        where = f"{h.title}（{h.year or '—'}，{h.region or '—'}）{' › '.join(h.section)}"
        lines += ["", f"{i}. {where} — `{h.doc}` [{h.start}:{h.end}]", f"   > {h.text}"]
    return "\n".join(lines) + "\n"


def answer_figures(ans: Answer) -> tuple[tuple[int, int], ...]:
    """(start, end) in `ans.text` of the figures that answer a quantity question: those in the
    unit asked for ("200人" for "多少人"), or every figure when no unit is asked; () when the
    answer was not found or the question asks for no quantity."""
    if not (ans.found and ans.text and ans.result.intent.is_quantity):
        return ()
    units = asked_units(ans.question)
    return tuple(
        (m.start(), m.end())
        for m in FIGURE.finditer(ans.text)
        if not units or any(m.group().endswith(u) for u in units)
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    hit: Hit
    rank: int
    start: int  # offsets within hit.text
    end: int
    coverage: float
    score: float


def _statements(text: str) -> list[tuple[int, int]]:
    """Sentences of a passage; a sentence over MAX_ANSWER becomes runs of its clauses."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        if e - s <= MAX_ANSWER:
            out.append((s, e))
            continue
        clauses = [(c.start(), c.end()) for c in _CLAUSE.finditer(text, s, e)]
        for i, (cs, _) in enumerate(clauses):
            end = i
            while end + 1 < len(clauses) and clauses[end + 1][1] - cs <= MAX_ANSWER:
                end += 1
            out.append((cs, min(clauses[end][1], cs + MAX_ANSWER)))
    return out


def coverage(
    groups: tuple[tuple[str, ...], ...],
    weights: tuple[float, ...],
    text: str,
    key: int | None = None,
) -> float:
    """Share of the question's term weight present in a text (a group counts if any member
    is). Rare words weigh more, and without the `key` group (the rarest word the corpus has,
    "一本" in "高考一本上线多少人") the share stays below the answer threshold."""
    total = sum(weights)
    if not groups or total <= 0:
        return 0.0
    hits = [any(t in text for t in g) for g in groups]
    share = sum(w for w, hit in zip(weights, hits, strict=True) if hit) / total
    if key is not None and not hits[key]:
        # the most specific word asked about is missing: a near miss, never an answer
        return min(share, FOUND_COVERAGE * 0.99)
    return share


def _figure_context(statement: str, units: tuple[str, ...]) -> list[str]:
    """For each figure in the asked unit: the statement up to the end of the figure's clause,
    what the figure measures ("…上线人数不少于1900人", not the "一本上线率" after it)."""
    out = []
    for m in FIGURE.finditer(statement):
        if units and not any(m.group().endswith(u) for u in units):
            continue
        clause_end = re.search(r"[,，;；。]|$", statement[m.end() :])
        out.append(statement[: m.end() + (clause_end.start() if clause_end else 0)])
    return out


def _figure_clause(statement: str, result: SearchResult, path: str) -> tuple[int, int]:
    """The shortest run of clauses around the figure that answers (offsets in `statement`):
    the figure's clause, widened leftwards only while that adds asked-about words
    ("…总录取22609人,录取率90.21%" → "录取率90.21%")."""
    intent = result.intent
    units = asked_units(intent.question)
    best: tuple[float, int, int] | None = None
    for m in FIGURE.finditer(statement):
        if units and not any(m.group().endswith(u) for u in units):
            continue
        tail = re.search(r"[,，;；。]|$", statement[m.end() :])
        end = m.end() + (tail.start() if tail else 0)
        starts = [0] + [b.end() for b in re.finditer(r"[,，;；]", statement[: m.start()])]
        full = coverage(intent.groups, result.weights, statement[:end] + path, result.key)
        start = next(
            st
            for st in reversed(starts)
            if coverage(intent.groups, result.weights, statement[st:end] + path, result.key) >= full
        )
        if best is None or full > best[0]:
            best = (full, start, end)
    return (best[1], best[2]) if best else (0, len(statement))


def _candidates(result: SearchResult, depth: int = _CANDIDATE_HITS) -> list[_Candidate]:
    intent, hits = result.intent, result.hits
    groups, weights, key = intent.groups, result.weights, result.key
    units = asked_units(intent.question)
    top = hits[0].score if hits else 1.0
    out = []
    for rank, hit in enumerate(hits[:depth]):
        heading = hit.section[-1] if hit.section else ""
        path = " ".join(hit.section)
        for s, e in _statements(hit.text):
            statement = hit.text[s:e]
            if statement.rstrip("。:;") == heading and not has_figure(statement, ()):
                continue  # the item's heading names a topic; the answer is what follows it
            cov = coverage(groups, weights, statement + path, key)
            own = coverage(groups, weights, statement)
            if intent.is_quantity:
                contexts = _figure_context(statement, units)
                # the asked-about words must sit with the figure, not elsewhere in the sentence
                cov = max((coverage(groups, weights, c + path, key) for c in contexts), default=0.0)
            score = cov + 0.5 * own + 0.3 * (hit.score / top if top else 0) - 0.05 * rank
            named = names_category(statement, intent.category)
            if named:
                score += 0.5 * named
                cov = max(cov, FOUND_COVERAGE)
            if intent.is_quantity:
                score += 0.4 if has_figure(statement, units) else -0.4
            if intent.wants and hit.kind and hit.kind != intent.wants:
                # "2020年计划招聘" is not answered by what a 2020 summary reports, nor the reverse
                score -= 0.5
                cov = min(cov, FOUND_COVERAGE * 0.99)
            score -= 0.001 * (e - s)
            out.append(_Candidate(hit, rank, s, e, cov, score))
    return sorted(out, key=lambda c: -c.score)


def _trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \n,，、;。":
        s += 1
    while e > s and text[e - 1] in " \n,，、:":
        e -= 1
    return s, e


def answer_from(result: SearchResult) -> Answer:
    """Pick the answering statement from a search result, or say there is none."""
    intent = result.intent
    if not result.in_scope or not result.hits:
        return Answer(result.question, False, None, None, None, result)
    ranked = _candidates(result)
    if not ranked:
        return Answer(result.question, False, None, None, None, result)
    best = ranked[0]
    hit = best.hit
    s, e = best.start, best.end
    if intent.is_quantity:
        inner_start, inner_end = _figure_clause(hit.text[s:e], result, " ".join(hit.section))
        s, e = s + inner_start, s + inner_end
    s, e = _trimmed(hit.text, s, e)
    units = asked_units(intent.question)
    statement = hit.text[s:e]
    found = best.coverage >= FOUND_COVERAGE
    if intent.is_quantity and not has_figure(statement, units):
        found = False
    span = Span(hit.doc, hit.start + s, hit.start + e, statement)
    return Answer(result.question, found, statement, span, hit, result)


def _cross_lines(result: SearchResult) -> tuple[AnswerLine, ...]:
    """Each plan's best statement among the hits, for plans whose statement covers the question."""
    best: dict[str, _Candidate] = {}
    for candidate in _candidates(result, depth=len(result.hits)):
        if candidate.coverage >= FOUND_COVERAGE and candidate.hit.doc not in best:
            best[candidate.hit.doc] = candidate
    lines = []
    for c in sorted(best.values(), key=lambda c: c.rank):
        s, e = _narrowed(c.hit.text, c.start, c.end, result)
        s, e = _trimmed(c.hit.text, s, e)
        text = c.hit.text[s:e]
        lines.append(
            AnswerLine(text, Span(c.hit.doc, c.hit.start + s, c.hit.start + e, text), c.hit)
        )
    return tuple(lines)


def _narrowed(text: str, s: int, e: int, result: SearchResult) -> tuple[int, int]:
    """The shortest run of clauses of text[s:e] that covers the question as well as all of it
    (the heading is left out: a clause must hold the asked-about words itself)."""
    intent = result.intent
    bounds = [s] + [m.end() for m in re.finditer(r"[,，;；]", text[s:e]) if s + m.end() < e]
    bounds = [s] + [s + b for b in bounds[1:]] + [e]
    full = coverage(intent.groups, result.weights, text[s:e])
    best = (s, e)
    for i in range(len(bounds) - 1):
        for j in range(i + 1, len(bounds)):
            a, b = bounds[i], bounds[j]
            if b - a >= best[1] - best[0]:
                break
            if coverage(intent.groups, result.weights, text[a:b]) >= full:
                best = (a, b)
                break
    return best


def answer_with(engine: Engine, result: SearchResult) -> Answer:
    """`answer_from`, plus what needs the index: one line per plan for a question across plans,
    and the targets table for a quantity question."""
    ans = answer_from(result)
    intent = result.intent
    if intent.across and result.in_scope:
        lines = _cross_lines(result)
        if lines:
            first = lines[0]
            text = "\n".join(f"{ln.hit.region or ln.hit.title}：{ln.text}" for ln in lines)
            return replace(ans, found=True, text=text, span=first.span, hit=first.hit, lines=lines)
        return replace(ans, found=False)
    if not result.in_scope or not result.hits:
        return ans
    rows = _hit_figures(engine, result)
    if ans.found and ans.span is not None:
        inside = [r for r in rows if r.doc == ans.span.doc and
                  ans.span.start <= r.start + r.text.find(r.figure) < ans.span.end]  # fmt: skip
        return replace(ans, figure=_best_figure(result, inside, 0.0)) if inside else ans
    if not intent.is_quantity:
        return ans
    row = _best_figure(result, rows)
    if row is None:
        return ans
    hit = next(h for h in result.hits if h.doc == row.doc and h.start <= row.start < h.end)
    span = Span(row.doc, row.start, row.end, row.text)
    return replace(ans, found=True, text=row.text, span=span, hit=hit, figure=row)


def _hit_figures(engine: Engine, result: SearchResult) -> list[TargetRow]:
    """Targets-table rows whose clause lies in one of the top passages."""
    hits = result.hits[:_CANDIDATE_HITS]
    names = {h.doc for h in hits}
    doc_ids = tuple(d.doc_id for d in engine.index.documents() if d.file_name in names)
    return [
        row
        for row in table(engine, filters=Filters(doc_ids=doc_ids))
        if any(h.doc == row.doc and h.start <= row.start and row.end <= h.end for h in hits)
    ]


def _best_figure(
    result: SearchResult, rows: Sequence[TargetRow], floor: float = FOUND_COVERAGE
) -> TargetRow | None:
    """The row whose indicator (with its group's label), clause and heading cover the question
    best, in the unit and kind asked; None below the answer threshold."""
    intent = result.intent
    units = asked_units(intent.question)
    best, best_cov = None, floor
    for row in rows:
        if units and not any(row.figure.endswith(u) or row.unit == u for u in units):
            continue
        if intent.wants and row.kind and row.kind != intent.wants:
            continue
        text = " ".join((row.indicator, row.group, row.text, row.section))
        cov = coverage(intent.groups, result.weights, text, result.key)
        if cov >= best_cov:
            best, best_cov = row, cov
    return best


def answer(engine: Engine, question: str, k: int = 10, **search_options) -> Answer:
    """Search, then extract the answer statement with its citation."""
    return answer_with(engine, search(engine, question, k=k, **search_options))
