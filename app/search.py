"""Hybrid passage search: dense (e5) and lexical (BM25) scores fused, within the question's scope.

The fusion is a weighted sum of min-max-normalised scores over the union of both candidate
lists. On this corpus reciprocal-rank fusion lost to BM25 alone (README, "Retrieval"), because
the lexical ranking is much sharper than the dense one; a weight keeps BM25's order and lets the
dense score break ties and rescue paraphrases and English questions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from index.filters import Filters
from index.lexical import tokenize

from .answer_types import asked_units, has_figure, names_category
from .engine import Engine
from .query import QueryIntent, analyse, region_aliases, repair_terms

MODES = ("dense", "lexical", "hybrid")
DENSE_WEIGHT = 0.35  # share of the dense score in hybrid mode; measured on the dev set
_CANDIDATES = 100  # per retriever, before fusion
_RERANKED = 30  # fused candidates checked for the kind of answer asked for
# added to a fused score in [0, 1] when a passage holds the kind of answer the question asks
# for: a designated name ("教师队伍建设年") or a figure in the asked unit; measured on the dev set
CATEGORY_BONUS = 0.3
FIGURE_BONUS = 0.1
# a passage of the other kind than asked for (a 2020 summary's result for "2020年…目标")
KIND_PENALTY = 0.3


@dataclass(frozen=True, slots=True)
class Hit:
    """A cited passage: where it is, what it says, how well it matched."""

    doc: str  # file name in the corpus
    doc_id: str
    title: str
    year: int | None  # the year the passage is about
    region: str | None
    kind: str | None  # "target" (plan part), "result" (summary part) or None
    section: tuple[str, ...]
    start: int
    end: int
    text: str  # cleaned[start:end]
    score: float

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "text": self.text,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "year": self.year,
            "region": self.region,
            "section": " › ".join(self.section),
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits for one question, and the scope they were searched in.

    `in_scope` is False when the question names a year or place that no passage has: the hits
    are then the nearest passages of the whole corpus, and must not be taken as the answer.
    """

    question: str
    intent: QueryIntent
    filters: Filters
    in_scope: bool
    hits: tuple[Hit, ...]
    weights: tuple[float, ...]  # how informative each of intent.groups is in this corpus (idf)
    key: int | None  # the rarest group whose word the corpus holds: an answer must contain it


def scope_filters(intent: QueryIntent, explicit: Filters) -> Filters:
    """Explicit filters win; otherwise the years and places the question names."""
    return Filters(
        years=explicit.years or intent.years,
        regions=explicit.regions or intent.regions,
        provinces=explicit.provinces or (() if intent.regions else intent.provinces),
        doc_types=explicit.doc_types,
        doc_ids=explicit.doc_ids,
    )


def _minmax(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    return (values - lo) / (hi - lo) if hi > lo else np.ones_like(values)


def rank(
    engine: Engine, intent: QueryIntent, filters: Filters, k: int, mode: str
) -> list[tuple[int, float]]:
    """(row, score) of the best passages among those the filters keep."""
    index = engine.index
    in_scope = int(index.mask(filters).sum())
    if not in_scope:
        return []
    pool = min(_CANDIDATES, in_scope)
    query = None
    if mode in ("dense", "hybrid"):
        query = engine.embedder.embed_query([intent.question])[0]
    tokens: tuple[str, ...] = ()
    if mode in ("lexical", "hybrid"):
        tokens = intent.terms or tuple(tokenize(intent.question))
    found = index.candidates(query, tokens, pool, filters)
    rows, dense, lexical = found.rows, found.dense, found.lexical
    if mode == "dense":
        scores, order = dense, np.flatnonzero(~np.isnan(dense))
    elif mode == "lexical":
        scores, order = lexical, np.flatnonzero(lexical > 0)
    else:
        present = dense[~np.isnan(dense)]
        filled = np.where(np.isnan(dense), present.min() if len(present) else 0.0, dense)
        top = lexical.max() if len(lexical) else 0.0
        scores = DENSE_WEIGHT * _minmax(filled) + (1 - DENSE_WEIGHT) * (
            lexical / top if top > 0 else lexical
        )
        order = np.arange(len(rows))
    order = order[np.lexsort((rows[order], -scores[order]))][:k]
    return [(int(rows[i]), float(scores[i])) for i in order]


def _answer_type_bonus(intent: QueryIntent, text: str, kind: str | None) -> float:
    bonus = CATEGORY_BONUS * names_category(text, intent.category)
    units = asked_units(intent.question)
    if intent.is_quantity and units and has_figure(text, units):
        bonus += FIGURE_BONUS
    if intent.wants and kind and kind != intent.wants:
        bonus -= KIND_PENALTY
    return bonus


def _spread(engine: Engine, ranked: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """For a question across plans: each plan's best passage first, then the rest in order."""
    seen: set[int] = set()
    first, rest = [], []
    for row, score in ranked:
        doc = int(engine.index.row_doc[row])
        (rest if doc in seen else first).append((row, score))
        seen.add(doc)
    return (first + rest)[:k]


def _rerank(engine: Engine, intent: QueryIntent, ranked: list[tuple[int, float]], k: int):
    """Passages holding the kind of answer asked for move up; a question across plans gets
    every plan's best passage before second passages; then the top k."""
    if intent.across:
        return _spread(engine, ranked, k)
    if not (intent.category or intent.is_quantity or intent.wants) or not ranked:
        return ranked[:k]
    rows = engine.index.rows([r for r, _ in ranked])
    rescored = [
        (r, score + _answer_type_bonus(intent, row.chunk.text, row.chunk.kind))
        for (r, score), row in zip(ranked, rows, strict=True)
    ]
    return sorted(rescored, key=lambda x: -x[1])[:k]


def _hits(engine: Engine, ranked: list[tuple[int, float]]) -> tuple[Hit, ...]:
    rows = engine.index.rows([r for r, _ in ranked])
    out = []
    for row, (_, score) in zip(rows, ranked, strict=True):
        doc = engine.index.document_by_id(row.chunk.doc_id)
        c = row.chunk
        out.append(
            Hit(
                doc=doc.file_name,
                doc_id=doc.doc_id,
                title=doc.meta.title,
                year=c.year,
                region=doc.meta.region,
                kind=c.kind,
                section=c.section,
                start=c.start,
                end=c.end,
                text=c.text,
                score=score,
            )
        )
    return tuple(out)


def search(
    engine: Engine,
    question: str,
    k: int = 10,
    filters: Filters | None = None,
    mode: str = "hybrid",
    question_scope: bool = True,
) -> SearchResult:
    """The k best passages for a question, within the scope it names (or `filters` sets).

    With `question_scope` off, the years and places the question names are not used as
    filters (a user removed them); `filters` alone then set the scope.
    """
    explicit = filters or Filters()
    intent = repair_terms(analyse(question, engine.regions), engine.index.known)
    scope = scope_filters(intent, explicit) if question_scope else explicit
    unknown_place = question_scope and intent.unknown_places and not explicit.regions
    if unknown_place:
        named = _documents_naming(engine, intent.unknown_places)
        if named:  # a plan whose region the metadata missed, but whose title names the place
            scope, unknown_place = replace(scope, doc_ids=named), False
    in_scope = bool(engine.index.mask(scope).any()) and not unknown_place
    if not in_scope:
        # nearest passages outside the named scope, shown but never taken as the answer
        scope = explicit
    ranked = _rerank(engine, intent, rank(engine, intent, scope, max(k, _RERANKED), mode), k)
    weights, key = _term_weights(engine, intent)
    return SearchResult(question, intent, scope, in_scope, _hits(engine, ranked), weights, key)


def _documents_naming(engine: Engine, places: tuple[str, ...]) -> tuple[str, ...]:
    """Ids of the documents whose title or issuer names one of the places (or its stem)."""
    return engine.titles.naming({a for p in places for a in region_aliases(p) if not a.isascii()})


def _term_weights(engine: Engine, intent: QueryIntent) -> tuple[tuple[float, ...], int | None]:
    """idf of each asked-about group's own word (not its synonyms), and the key group."""
    words = [g[0] for g in intent.groups]
    weights = tuple(float(w) for w in engine.index.idf(words)) if words else ()
    known = [i for i, w in enumerate(words) if engine.index.known(w)]
    key = max(known, key=lambda i: weights[i]) if known else None
    return weights, key
