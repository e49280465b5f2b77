"""The numbers the fitted models read: of a passage for reranking, of a candidate for deciding.

Each feature measures one thing a reader checks: are the asked-about words there (own words,
their corpus equivalents, or at least their characters), next to the figure or name or only
somewhere in the passage; is the span the kind of thing asked (a figure in the asked unit, a
name, a list); is the passage of the asked year and kind (plan target or summary result); how
did retrieval rank it. The weights come from `app/fit.py`, never from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np

from .hits import Hit
from .query import Question
from .spans import clause_around, figures, names_category, unit_fits

RERANK_FEATURES = (
    "dense",
    "dense_gap",
    "statement_best",
    "statement_top2",
    "statement_gap",
    "lexical",
    "fused",
    "fused_rank",
    "cov_passage",
    "noun_passage",
    "char_passage",
    "key_passage",
    "missing_passage",
    "unit_passage",
    "unit_clause_passage",
    "figures_held",
    "phrase_passage",
    "literal",
    "literal_lexical",
    "literal_dense_gap",
    "literal_phrase",
    "category_passage",
    "kind_mismatch",
    "year_match",
    "english",
    "english_dense_gap",
    "english_statement_gap",
)


def coverage(question: Question, text: str, nouns: bool = False) -> float:
    """Share of the question's term weight a text holds (a group counts when any member is);
    with `nouns`, of the groups that name things only."""
    groups = [(g, w) for g, w, n in zip(question.groups, question.weights, question.nouns,
                                         strict=True) if n or not nouns]  # fmt: skip
    total = sum(w for _, w in groups)
    if total <= 0:
        return 0.0
    return sum(w for g, w in groups if any(t in text for t in g)) / total


def char_coverage(question: Question, text: str) -> float:
    """Share of the question's content characters a text holds: "老师" meets 教师 halfway."""
    if not question.chars:
        return 0.0
    return sum(ch in text for ch in question.chars) / len(question.chars)


def key_held(question: Question, text: str) -> float:
    key = question.key
    return float(key is not None and any(t in text for t in question.groups[key]))


def missing(question: Question, text: str, nouns: bool = False) -> float:
    """The weight of the heaviest asked-about group a text lacks, against the heaviest group:
    1 when the most specific word asked about is absent ("一本" for a passage on "二本")."""
    top = max(question.weights, default=0.0)
    if top <= 0:
        return 0.0
    lacking = [w for g, w, n in zip(question.groups, question.weights, question.nouns,
                                    strict=True)
               if (n or not nouns) and not any(t in text for t in g)]  # fmt: skip
    return max(lacking, default=0.0) / top


def kind_mismatch(question: Question, hit: Hit) -> float:
    """1 when a plan's target answers a question about results, or the reverse."""
    return float(bool(question.wants and hit.kind and hit.kind != question.wants))


def year_match(question: Question, hit: Hit) -> float:
    if not question.years or hit.year is None:
        return 0.0
    return 1.0 if hit.year in question.years else -1.0


def _unit_figure(question: Question, text: str) -> float:
    if not (question.is_quantity and question.units):
        return 0.0
    return float(any(unit_fits(f.unit, question.units) for f in figures(text)))


def figures_held(question: Question, text: str) -> float:
    """Share of the figures a question itself states ("全年招聘教师200人") that a text holds
    (0 for a question that states none): a search for a phrase finds the passage saying it."""
    stated = {question.text[f.start : f.end] for f in figures(question.text)}
    return sum(f in text for f in stated) / len(stated) if stated else 0.0


def phrase(question: Question, text: str) -> float:
    """The longest run of the question's own words (place, year and punctuation aside) a text
    holds, against their length: 1 when a search is a phrase the text says ("交流教师300人")."""
    asked = question.core
    if not asked:
        return 0.0
    m = SequenceMatcher(None, asked, text, autojunk=False).find_longest_match(
        0, len(asked), 0, len(text)
    )
    return m.size / len(asked)


def _unit_clause(question: Question, text: str) -> float:
    """The best noun coverage of the clause of a figure in the asked unit: does the passage
    hold a figure of what is asked, said of the asked thing."""
    if not question.is_quantity:
        return 0.0
    best = 0.0
    for f in figures(text):
        if question.units and not unit_fits(f.unit, question.units):
            continue
        left, right = clause_around(text, f.start, f.end, (0, len(text)))
        best = max(best, coverage(question, text[max(0, left - 30) : right], nouns=True))
    return best


def passage_features(question: Question, hits: Sequence[Hit]) -> np.ndarray:
    """One row of RERANK_FEATURES per hit (hits in fused order)."""
    dense_top = max((h.dense for h in hits), default=0.0)
    lexical_top = max((h.lexical for h in hits), default=0.0)
    best = [max(h.statements, default=h.dense) for h in hits]
    best_top = max(best, default=0.0)
    english = float(question.is_english)
    phrases = [phrase(question, h.text) for h in hits]
    # how much the search is a phrase of the plans rather than a question in other words:
    # the two are ranked differently (BM25 and the phrase itself weigh more)
    literal = max(phrases, default=0.0)
    rows = []
    for rank, h in enumerate(hits):
        text = " ".join(h.section) + " " + h.text
        gap = h.dense - dense_top
        lexical = h.lexical / lexical_top if lexical_top > 0 else 0.0
        top2 = sorted(h.statements)[-2:] or [h.dense]
        rows.append(
            (
                h.dense,
                gap,
                best[rank],
                sum(top2) / len(top2),
                best[rank] - best_top,
                h.lexical / lexical_top if lexical_top > 0 else 0.0,
                h.score,
                1.0 / (1 + rank),
                coverage(question, text),
                coverage(question, text, nouns=True),
                char_coverage(question, text),
                key_held(question, text),
                missing(question, text),
                _unit_figure(question, h.text),
                _unit_clause(question, h.text),
                figures_held(question, h.text),
                phrases[rank],
                literal,
                literal * lexical,
                literal * gap,
                literal * phrases[rank],
                names_category(h.text, question.category),
                kind_mismatch(question, h),
                year_match(question, h),
                english,
                english * gap,
                english * (best[rank] - best_top),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(hits), len(RERANK_FEATURES))
