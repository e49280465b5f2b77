"""Passage search: analyse the question, retrieve dense and BM25 candidates within its scope,
rerank them with the fitted passage model.

Retrieval takes the union of the dense (e5) and the BM25 top passages; how much each score and
each other sign counts (asked-about words present, a figure in the asked unit, the year and
kind asked) is the reranker's fitted weights (`app/fit.py`), not a hand-set fusion. The dense
and lexical modes rank by one score alone, for comparison.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from index.filters import Filters
from index.lexical import tokenize

from .engine import Engine
from .features import RERANK_FEATURES, passage_features
from .hits import Hit, SearchResult
from .models import RERANK, LinearModel, load_model, load_words
from .query import Question, analyse, region_aliases
from .spans import names_category

MODES = ("dense", "lexical", "hybrid")
POOL = 20  # passages per retriever that the reranker sees; the union is at most twice this
# the blend that orders the pool before reranking, and ranks in "fused" mode when fitting
# starts from nothing: BM25's sharper order on this corpus, with e5 breaking ties
FUSION_DENSE = 0.35


def scope_filters(question: Question, explicit: Filters) -> Filters:
    """Explicit filters win; otherwise the years and places the question names."""
    return Filters(
        years=explicit.years or question.years,
        regions=explicit.regions or question.regions,
        provinces=explicit.provinces or (() if question.regions else question.provinces),
        doc_types=explicit.doc_types,
        doc_ids=explicit.doc_ids,
    )


def _minmax(values: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    lo, hi = float(values.min()), float(values.max())
    return (values - lo) / (hi - lo) if hi > lo else np.ones_like(values)


def retrieve(
    engine: Engine, question: Question, filters: Filters, mode: str = "hybrid", pool: int = POOL
) -> tuple[Hit, ...]:
    """The pool of candidate passages in scope, best first by `mode`'s score (the blend, for
    hybrid); each hit carries its dense and BM25 scores for the reranker."""
    index = engine.index
    in_scope = int(index.mask(filters).sum())
    if not in_scope:
        return ()
    k = min(pool, in_scope)
    vector = query_vector(engine, question) if mode != "lexical" else None
    tokens = (question.terms or tuple(tokenize(question.text))) if mode != "dense" else ()
    found = index.candidates(vector, tokens, k, filters)
    rows, dense, lexical = found.rows, found.dense, found.lexical
    if vector is None:  # the reranker and the answer stage read e5 similarities too
        vector = query_vector(engine, question)
    if question.category and mode == "hybrid":
        rows, dense, lexical = _with_named(engine, question, filters, vector, rows, dense, lexical)
    present = dense[~np.isnan(dense)]
    dense = np.where(np.isnan(dense), present.min() if len(present) else 0.0, dense)
    top = lexical.max() if len(lexical) else 0.0
    if mode == "dense":
        scores, keep = dense, ~np.isnan(found.dense)
    elif mode == "lexical":
        scores, keep = lexical / top if top > 0 else lexical, lexical > 0
    else:
        scores = FUSION_DENSE * _minmax(dense) + (1 - FUSION_DENSE) * (
            lexical / top if top > 0 else lexical
        )
        keep = np.ones(len(rows), dtype=bool)
    order = np.flatnonzero(keep)
    order = order[np.lexsort((rows[order], -scores[order]))]
    return _hits(engine, vector, rows[order], scores[order], dense[order], lexical[order])


def query_vector(engine: Engine, question: Question) -> np.ndarray:
    """The e5 vector a question is searched with. An English question is embedded with the
    Chinese words its words gloss to (`Question.groups`) and the two vectors averaged: e5-small
    matches Chinese to Chinese better than English to Chinese."""
    if not (question.is_english and question.groups):
        return engine.embedder.embed_query([question.text])[0]
    glossed = " ".join(g[0] for g in question.groups)
    both = engine.embedder.embed_query([question.text, glossed])
    mean = both.mean(axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)


NAMING_SCOPE = 500  # passages in scope up to which a name question scans them all


def _with_named(engine, question, filters, vector, rows, dense, lexical):
    """For a question asking for a name of a category ("定为什么年"), the passages in scope
    that name one ("2016年为教师队伍建设年") join the pool: such a question shares few words
    with its answer, so neither retriever may bring it."""
    index = engine.index
    scope_rows = np.flatnonzero(index.mask(filters))
    if len(scope_rows) > NAMING_SCOPE:
        return rows, dense, lexical
    pooled = set(rows.tolist())
    stored = index.rows(scope_rows.tolist())
    named = [
        (r, s)
        for r, s in zip(scope_rows, stored, strict=True)
        if r not in pooled and names_category(s.chunk.text, question.category) >= 1
    ]
    if not named:
        return rows, dense, lexical
    vectors = index.passage_vectors([s for _, s in named])
    extra = np.array([r for r, _ in named], dtype=np.int64)
    return (np.concatenate([rows, extra]), np.concatenate([dense, vectors @ vector]),
            np.concatenate([lexical, np.zeros(len(extra), dtype=lexical.dtype)]))  # fmt: skip


def _hits(engine, vector, rows, scores, dense, lexical) -> tuple[Hit, ...]:
    stored = engine.index.rows([int(r) for r in rows])
    by_vid = engine.index.statement_vectors([r.vid for r in stored])
    out = []
    for row, score, d, lex in zip(stored, scores, dense, lexical, strict=True):
        doc = engine.index.document_by_id(row.chunk.doc_id)
        c = row.chunk
        sims = by_vid.get(row.vid)
        out.append(
            Hit(doc=doc.file_name, doc_id=doc.doc_id, title=doc.meta.title, year=c.year,
                region=doc.meta.region, kind=c.kind, section=c.section, start=c.start,
                end=c.end, text=c.text, score=float(score), dense=float(d), lexical=float(lex),
                vid=row.vid,
                statements=tuple((sims @ vector).tolist()) if sims is not None else ())
        )  # fmt: skip
    return tuple(out)


def rerank(
    question: Question, hits: tuple[Hit, ...], model: LinearModel | None = None
) -> tuple[Hit, ...]:
    """Hits ordered by the fitted passage model (`model`, or the one in `fitted/`); each hit's
    score becomes its probability of holding the answer."""
    if not hits:
        return hits
    model = model or load_model(RERANK, RERANK_FEATURES)
    probability = model.probability(passage_features(question, hits))
    order = sorted(range(len(hits)), key=lambda i: -probability[i])
    return tuple(replace(hits[i], score=float(probability[i])) for i in order)


def spread(hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """For a question across plans: each plan's best passage first, then the rest in order."""
    seen: set[str] = set()
    first, rest = [], []
    for hit in hits:
        (rest if hit.doc in seen else first).append(hit)
        seen.add(hit.doc)
    return tuple(first + rest)


def scope(
    engine: Engine, question: Question, filters: Filters | None, question_scope: bool
) -> tuple[Filters, bool]:
    """Where to search, and whether the question's own scope exists in the corpus.

    With `question_scope` off, the years and places the question names are not used as
    filters (a user removed them); `filters` alone then set the scope. A year or place the
    corpus lacks gives the whole corpus (or `filters`) with in_scope False.
    """
    explicit = filters or Filters()
    where = scope_filters(question, explicit) if question_scope else explicit
    unknown_place = question_scope and question.unknown_places and not explicit.regions
    if unknown_place:
        named = _documents_naming(engine, question.unknown_places)
        if named:  # a plan whose region the metadata missed, but whose title names the place
            where, unknown_place = replace(where, doc_ids=named), False
    in_scope = bool(engine.index.mask(where).any()) and not unknown_place
    return (where, True) if in_scope else (explicit, False)


def search(
    engine: Engine,
    question: str,
    k: int = 10,
    filters: Filters | None = None,
    mode: str = "hybrid",
    question_scope: bool = True,
) -> SearchResult:
    """The k best passages for a question, within the scope it names (or `filters` sets)."""
    return search_question(engine, analysed(engine, question), k, filters, mode, question_scope)


def analysed(engine: Engine, question: str) -> Question:
    """A question analysed against this corpus: its places, vocabulary and lexicon."""
    return analyse(question, engine.regions, engine.index, engine.lexicon, load_words())


def search_question(
    engine: Engine,
    asked: Question,
    k: int = 10,
    filters: Filters | None = None,
    mode: str = "hybrid",
    question_scope: bool = True,
    reranker: LinearModel | None = None,
) -> SearchResult:
    """`search` for a question already analysed (with another `reranker`, when fitting)."""
    where, in_scope = scope(engine, asked, filters, question_scope)
    hits = retrieve(engine, asked, where, mode)
    if mode == "hybrid":
        hits = rerank(asked, hits, reranker)
    if asked.across:
        hits = spread(hits)
    return SearchResult(asked, where, in_scope, hits[:k])


def _documents_naming(engine: Engine, places: tuple[str, ...]) -> tuple[str, ...]:
    """Ids of the documents whose title or issuer names one of the places (or its stem)."""
    return engine.titles.naming({a for p in places for a in region_aliases(p) if not a.isascii()})
