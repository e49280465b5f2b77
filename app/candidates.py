"""Candidate answers: every span of the best passages that could be what a question asks for.

Each statement of a passage is a candidate; so is each figure (with the clause that says what it
measures: "其中普高5500人、职高2600人" gives "职高2600人" for 职高) and each name (a quoted
name, a title, a designated year, a list). Which one answers, if any, is for the fitted model
of `decide.py`; this module only cuts them, with the context its features read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import rjieba

from ingest.chinese import numeral_value
from ingest.statements import statements

from .hits import Hit
from .query import Question
from .spans import clause_around, clause_bounds, counted, figures, names, names_category, trimmed

DEPTH = 5  # passages whose spans compete: the reranked top 5 hold the answer for 97% of train
_LIST_ITEM_SLACK = 2  # chars a list's first item may exceed its longest other item by
_VERB_TAGS = ("v", "vd")  # jieba's verb tags: 加快, 推进
_MIN_ITEM = 2  # chars a list item keeps


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span of a hit that may answer, and the context that says what it is about."""

    hit: Hit
    rank: int  # the hit's rank, 0-based
    kind: str  # "statement", "figure" or a name's kind ("quoted", "title", "year", "list")
    start: int  # the answer span, offsets in hit.text
    end: int
    sentence: tuple[int, int]  # the statement it sits in
    clause: tuple[int, int]  # the clauses that say what it is (the statement, for a statement)
    ordinal: int  # which statement of the hit it sits in (`ingest.statements`)
    unit: str = ""  # a figure's unit
    # what the statement says before its first figure ("宁州学校为九年一贯制学校,"): the topic
    # every figure of the statement is about, whichever clause holds it
    topic: tuple[int, int] = (0, 0)

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]

    @property
    def context(self) -> str:
        """The statement's topic and the clauses that say what the span is."""
        topic = self.hit.text[self.topic[0] : min(self.topic[1], self.clause[0])]
        return topic + self.hit.text[self.clause[0] : self.clause[1]]

    @property
    def statement(self) -> str:
        return self.hit.text[self.sentence[0] : self.sentence[1]]

    @property
    def place(self) -> tuple[int, int]:
        """(passage vid, statement ordinal): which statement of the index it comes from."""
        return self.hit.vid, self.ordinal

    @property
    def similarity(self) -> float:
        """e5 cosine of the question and the statement this span sits in."""
        sims = self.hit.statements
        return sims[self.ordinal] if self.ordinal < len(sims) else self.hit.dense


def _holds(question: Question, text: str) -> int:
    return sum(any(w in text for w in g) for g in question.groups)


def _figure_clause(question: Question, text: str, sentence: tuple[int, int], start: int,
                   end: int) -> tuple[int, int]:  # fmt: skip
    """The figure's clause, widened leftwards clause by clause while that adds asked-about
    words ("县内高中招生8100人以上" for 招生, but only "职高2600人" for 职高), never across a
    clause with a figure of its own (that clause measures something else)."""
    left, right = clause_around(text, start, end, sentence, items=True)
    bounds = [b for b in clause_bounds(text, sentence[0], left, items=True) if b <= left]
    best, held = left, _holds(question, text[left:right])
    for b, after in zip(reversed(bounds[:-1]), reversed(bounds[1:]), strict=True):
        if figures(text, b, after):
            break
        now = _holds(question, text[b:right])
        if now > held:
            best, held = b, now
    return trimmed(text, best, right)


def _list_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A list without what leads into it or trails after it: when the other items all start
    (end) with one character, the first (last) item is cut back to its last (first) occurrence
    ("重点抓好通城一中、通城二中、通城三中备考" → "通城一中、通城二中、通城三中"); otherwise
    the first item loses the verbs that open it ("加快推进醴陵市第二中学新校区"), but no more
    than it exceeds the other items by. A count of the items after the last one ends the
    list ("学前教育、义务教育、普通高中、职业教育4个专项规划")."""
    items = text[start:end].split("、")
    heads = {i[0] for i in items[1:] if i}
    tails = {i[-1] for i in items[:-1] if i}
    first, last = items[0], items[-1]
    if len(heads) == 1 and (head := heads.pop()) in first:
        start += first.rindex(head)
    else:
        longest = max(len(i) for i in items[1:])
        beyond = max(0, len(first) - longest - _LIST_ITEM_SLACK)
        verbs = _leading_verbs(first)
        start += min(beyond, verbs) if verbs else beyond
    count = next((f for f in figures(last) if _small_number(last[f.start : f.end]) == len(items)),
                 None)  # fmt: skip
    if count and count.start >= _MIN_ITEM:
        end -= len(last) - count.start
        last = last[: count.start]
    if len(tails) == 1 and (tail := tails.pop()) in last:
        end -= len(last) - last.index(tail) - 1
    return start, end


def _leading_verbs(item: str) -> int:
    """How many characters of verbs open a list's first item ("加快推进醴陵市…": 加快推进),
    0 when it opens otherwise or nothing of two characters would be left."""
    at = 0
    for word, pos in rjieba.tag(item, False):
        if pos not in _VERB_TAGS:
            break
        at += len(word)
    return at if len(item) - at >= _MIN_ITEM else 0


def _small_number(figure: str) -> int | None:
    """The number a figure of a few starts with ("4个", "两个", "三所"), None past ten."""
    head = re.match(r"\d+|[一两二三四五六七八九十]", figure)
    if not head:
        return None
    return numeral_value(head.group())


def extract(question: Question, hits: tuple[Hit, ...], depth: int = DEPTH) -> list[Candidate]:
    """The candidate spans of the first `depth` hits (and of any later hit that names
    something of the category a question asks for: "定为什么年" is answered wherever a year is
    designated), in reading order per hit: for a question that asks for a figure, its figures
    (statements only when the hits hold none)."""
    named = tuple(h for h in hits[depth:] if names_category(h.text, question.category) >= 1)
    spans = _every_span(question, hits[:depth] + named)
    if question.asks == "figure" and any(c.kind == "figure" for c in spans):
        return [c for c in spans if c.kind == "figure"]
    return spans


def _every_span(question: Question, hits: tuple[Hit, ...]) -> list[Candidate]:
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        text = hit.text
        heading = hit.section[-1] if hit.section else ""
        for ordinal, (s, e) in enumerate(statements(text)):
            s, e = trimmed(text, s, e)
            if e - s < 2:
                continue
            sentence = (s, e)
            figures_here = figures(text, s, e)
            first = figures_here[0] if figures_here else None
            topic = (s, clause_around(text, first.start, first.end, sentence)[0] if first else s)
            if not (text[s:e].rstrip("。") == heading and not figures_here):
                out.append(Candidate(hit, rank, "statement", s, e, sentence, sentence, ordinal))
            for f in figures_here:
                end = counted(text, f)
                clause = _figure_clause(question, text, sentence, f.start, end)
                fs, fe = trimmed(text, clause[0], end)
                out.append(
                    Candidate(hit, rank, "figure", fs, fe, sentence, clause, ordinal, f.unit, topic)
                )
            for n in names(text, s, e):
                ns, ne = _list_span(text, n.start, n.end) if n.kind == "list" else (n.start, n.end)
                clause = clause_around(text, ns, ne, sentence)
                out.append(Candidate(hit, rank, n.kind, ns, ne, sentence, clause, ordinal))
    return out


def joined(together: tuple[Candidate, ...]) -> Candidate:
    """One candidate spanning spans of one statement (the first keeps its kind and context)."""
    first = together[0]
    start = min(c.start for c in together)
    end = max(c.end for c in together)
    return replace(first, start=start, end=end)
