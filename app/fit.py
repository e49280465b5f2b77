"""Fit the question path on a QA split: word statistics, the passage reranker, the answer model.

`eduqa fit` (on the index of the evaluation corpus, with `evals/qa_train.jsonl`) asks every
question through the app's own stages and labels what they produce by the evaluation contract:
a passage is relevant when it holds an evidence string, a candidate span answers when it holds
one of the answers and comes from the question's document. Then, with folds by plan (no plan's
wording is scored by anything fitted on it):

1. word statistics (`app/words.py`) from each question and the sentence that answers it;
2. the reranker, a logistic regression over passage features;
3. the candidate model, a logistic regression over candidate span features, which ranks them;
4. the verifier, a logistic regression over the best candidate of each question (its logit,
   the margin to its rivals, its features), trained on the candidate model's out-of-fold
   scores and calibrated by Platt scaling on its own out-of-fold scores; its "found" threshold
   maximises answer plus unanswerable accuracy over the out-of-fold decisions.

Every fold refits the first three on the other folds, so the out-of-fold numbers are honest; the
shipped models are then fitted on the whole split. Nothing here is set by hand, and the test
split is never read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from ingest.errors import ConfigError

from .answer_features import ANSWER_FEATURES, VERIFY_FEATURES, answer_features, verify_features
from .candidates import Candidate, extract
from .decide import together
from .engine import Engine
from .evaluate import QAItem, load_qa, normalise, relevant_evidence
from .features import RERANK_FEATURES, passage_features
from .models import ANSWER, FITTED, RERANK, VERIFY, LinearModel, save_model, save_words
from .qa_overlap import answering_sentence
from .query import Question, analyse
from .search import retrieve, scope, search_question
from .words import Words, learn

FOLDS = 5
MAYBE_RECALL = 0.97  # share of right best candidates (out of fold) the "maybe" band still shows
_C = 1.0  # inverse regularisation strength; the features are standardised
_SINGLE = ("cross_doc", "compare")  # types without one answer span


@dataclass(frozen=True)
class Rows:
    """Feature rows with labels, each belonging to a question (its index in the QA list)."""

    x: np.ndarray
    y: np.ndarray
    question: np.ndarray

    @classmethod
    def of(cls, parts: list[tuple[np.ndarray, list[bool], int]], width: int) -> Rows:
        if not parts:
            return cls(np.zeros((0, width)), np.zeros(0, dtype=int), np.zeros(0, dtype=int))
        return cls(
            np.vstack([x for x, _, _ in parts]),
            np.concatenate([np.asarray(y, dtype=int) for _, y, _ in parts]),
            np.concatenate([np.full(len(y), n) for _, y, n in parts]),
        )


@dataclass(frozen=True)
class FitReport:
    words: Words
    rerank: LinearModel
    answer: LinearModel
    verifier: LinearModel
    paths: tuple[Path, ...]


def _analyse(engine: Engine, item: QAItem, words: Words) -> Question:
    return analyse(item.question, engine.regions, engine.index, engine.lexicon, words)


def learn_words(engine: Engine, items: Sequence[QAItem]) -> Words:
    """Word statistics from each single-answer question and the sentence that answers it."""
    pairs = []
    for item in items:
        if not item.answerable or item.type in _SINGLE or not item.evidence:
            continue
        text = normalise(
            engine.index.document_text(engine.index.find_document(item.docs[0]).doc_id)
        )
        sentence = answering_sentence(text, normalise(item.evidence[0]))
        if sentence:
            pairs.append((_analyse(engine, item, Words()).groups, sentence))
    return learn(pairs)


def rerank_rows(engine: Engine, items: Sequence[QAItem], at: Sequence[int], words: Words) -> Rows:
    """Passage features of each answerable question's pool, labelled relevant or not; and of
    its first evidence string searched as it stands. The questions are in everyday words by
    design, but staff also search with a plan's own words ("交流教师300人"): the evidence
    searches teach the reranker that a passage saying the phrase is the one sought."""
    parts = []
    for n in at:
        item = items[n]
        if not item.answerable:
            continue
        # an evidence search is numbered -1 - n: it is not one of the split's questions
        for text, number in ((item.question, n), *((e, -1 - n) for e in item.evidence[:1])):
            question = analyse(text, engine.regions, engine.index, engine.lexicon, words)
            hits = retrieve(engine, question, scope(engine, question, None, True)[0])
            if hits:
                labels = [bool(relevant_evidence(item, h.doc, h.text)) for h in hits]
                parts.append((passage_features(question, hits), labels, number))
    return Rows.of(parts, len(RERANK_FEATURES))


def answers(item: QAItem, doc: str, text: str) -> bool:
    """Whether a span answers a QA item: from its document, holding one of its answers."""
    held = normalise(text)
    return doc in item.docs and any(normalise(a) in held for a in item.answers)


def answer_rows(
    engine: Engine,
    items: Sequence[QAItem],
    at: Sequence[int],
    words: Words,
    reranker: LinearModel,
    texts: bool = False,
):
    """Candidate features of each single-answer or unanswerable question (with `texts`, also
    the candidates, in row order)."""
    parts, spans = [], []
    for n in at:
        item = items[n]
        if item.type in _SINGLE:
            continue
        result = search_question(engine, _analyse(engine, item, words), reranker=reranker)
        candidates = extract(result.question, result.hits) if result.in_scope else []
        if candidates:
            labels = [item.answerable and answers(item, c.hit.doc, c.text) for c in candidates]
            parts.append((answer_features(result.question, candidates), labels, n))
            spans += candidates
    rows = Rows.of(parts, len(ANSWER_FEATURES))
    return (rows, spans) if texts else rows


def _sklearn():
    """scikit-learn, which only fitting needs; a clear error names the extra when it is missing."""
    try:
        import sklearn.linear_model
        import sklearn.metrics
        import sklearn.model_selection
    except ImportError as exc:
        raise ConfigError(
            "scikit-learn", "fitting needs it: pip install -c constraints.txt -e '.[fit]'"
        ) from exc
    return sklearn


def logistic(rows: Rows, features: tuple[str, ...]) -> LinearModel:
    """A logistic regression on standardised features (uncalibrated: Platt (1, 0))."""
    LogisticRegression = _sklearn().linear_model.LogisticRegression  # noqa: N806

    mean, scale = rows.x.mean(axis=0), rows.x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    fitted = LogisticRegression(C=_C, max_iter=5000).fit((rows.x - mean) / scale, rows.y)
    return LinearModel(features, mean, scale, fitted.coef_[0], float(fitted.intercept_[0]), (1, 0))


def platt(logits: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: the sigmoid of a·logit + b that fits the labels best."""
    LogisticRegression = _sklearn().linear_model.LogisticRegression  # noqa: N806

    fitted = LogisticRegression(C=1e6, max_iter=5000).fit(logits.reshape(-1, 1), y)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


def choose_thresholds(
    items: Sequence[QAItem], best: dict[int, tuple[float, bool]]
) -> tuple[float, float, dict[str, float]]:
    """The "found" threshold maximising answer + unanswerable accuracy (out of fold), and the
    "maybe" threshold that still shows MAYBE_RECALL of the right best candidates."""
    judged = [(n, i) for n, i in enumerate(items) if i.type not in _SINGLE]
    answerable = [best.get(n, (0.0, False)) for n, i in judged if i.answerable]
    unanswerable = [best.get(n, (0.0, False)) for n, i in judged if not i.answerable]

    def accuracies(t: float) -> tuple[float, float]:
        ans = float(np.mean([p >= t and ok for p, ok in answerable])) if answerable else 0.0
        una = float(np.mean([p < t for p, _ in unanswerable])) if unanswerable else 0.0
        return ans, una

    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    found = float(max(grid, key=lambda t: (round(sum(accuracies(t)), 6), -abs(t - 0.5))))
    right = sorted(p for p, ok in answerable if ok)
    maybe = float(np.quantile(right, 1 - MAYBE_RECALL)) if right else found
    ans, una = accuracies(found)
    best_right = float(np.mean([ok for _, ok in answerable])) if answerable else 0.0
    by_type = {
        f"answer_accuracy_{kind}": float(np.mean([p >= found and ok for p, ok in of_kind]))
        for kind in ("number", "fact", "year_scoped", "en")
        if (of_kind := [best.get(n, (0.0, False)) for n, i in judged
                        if i.answerable and kind in (i.type, i.language)])
    }  # fmt: skip
    return found, min(maybe, found), {"answer_accuracy": ans, "unanswerable_accuracy": una,
                                      "best_right": best_right, **by_type}  # fmt: skip


def _folds(items: Sequence[QAItem]) -> list[np.ndarray]:
    """Question indexes per fold, whole plans to a fold."""
    GroupKFold = _sklearn().model_selection.GroupKFold  # noqa: N806

    plans = [item.docs[0] if item.docs else item.id for item in items]
    every = np.arange(len(items))
    return [held for _, held in GroupKFold(FOLDS).split(every, groups=plans)]


@dataclass(frozen=True)
class _Stages:
    words: Words
    rerank: LinearModel
    answer: LinearModel


def _fit_stages(engine: Engine, items: Sequence[QAItem], at: np.ndarray) -> _Stages:
    words = learn_words(engine, [items[n] for n in at])
    rerank = logistic(rerank_rows(engine, items, at, words), RERANK_FEATURES)
    answer = logistic(answer_rows(engine, items, at, words, rerank), ANSWER_FEATURES)
    return _Stages(words, rerank, answer)


def _retrieval(rows: Rows, probability: np.ndarray) -> dict[str, float]:
    """Recall at 1 and 5 over the split's questions (not the evidence searches)."""
    first = []
    for q in np.unique(rows.question[rows.question >= 0]):
        at = np.flatnonzero(rows.question == q)
        ranked = rows.y[at[np.argsort(-probability[at], kind="stable")]]
        first.append(int(np.argmax(ranked)) + 1 if ranked.any() else None)
    return {f"recall@{k}": float(np.mean([f is not None and f <= k for f in first]))
            for k in (1, 5)}  # fmt: skip


def verifier_table(
    items: Sequence[QAItem], rows: Rows, logits: np.ndarray, candidates: list[Candidate]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per question: the verifier's features of its best candidate, whether the answer made
    of it answers, and the question's index."""
    xs, ys, qs = [], [], []
    for q in np.unique(rows.question):
        at = np.flatnonzero(rows.question == q)
        mine = [candidates[i] for i in at]
        xs.append(verify_features(logits[at], rows.x[at], [c.place for c in mine]))
        best = together(mine, logits[at])
        ys.append(int(answers(items[q], best.hit.doc, best.text)))
        qs.append(int(q))
    return np.vstack(xs), np.asarray(ys), np.asarray(qs)


def fit(
    engine: Engine,
    qa: Path,
    on_step: Callable[[str], None] = lambda _: None,
    folder: Path = FITTED,
) -> FitReport:
    """Fit the four stages on a QA split over the engine's index and save them in `folder`
    (the app reads `fitted/`)."""
    roc_auc_score = _sklearn().metrics.roc_auc_score

    items = load_qa(qa)
    every = np.arange(len(items))
    passage_rows, passage_logits, answer_table, answer_logits, spans = _out_of_fold(
        engine, items, on_step
    )
    vx, vy, vq = verifier_table(items, answer_table, answer_logits, spans)
    plans = np.array([items[q].docs[0] if items[q].docs else items[q].id for q in vq])
    verify_logits = _cross_validated(vx, vy, plans, VERIFY_FEATURES)
    a, b = platt(verify_logits, vy)
    confidence = 1.0 / (1.0 + np.exp(-(a * verify_logits + b)))
    best = {int(q): (float(p), bool(y)) for q, p, y in zip(vq, confidence, vy, strict=True)}
    found, maybe, accuracy = choose_thresholds(items, best)
    on_step("all of the split")
    final = _fit_stages(engine, items, every)
    about = {
        "qa": qa.as_posix(),
        "questions": len(items),
        "documents": len(engine.index.documents()),
        "date": date.today().isoformat(),
    }

    def auc(y: np.ndarray, scores: np.ndarray) -> float:
        return round(float(roc_auc_score(y, scores)), 4)

    retrieval = _retrieval(passage_rows, passage_logits)
    rerank = replace(final.rerank, fitted_on={
        **about, "passages": int(len(passage_rows.y)),
        "auc_out_of_fold": auc(passage_rows.y, passage_logits),
        **{f"{k}_out_of_fold": round(v, 4) for k, v in retrieval.items()}})  # fmt: skip
    answer = replace(final.answer, fitted_on={
        **about, "candidates": int(len(answer_table.y)),
        "auc_out_of_fold": auc(answer_table.y, answer_logits)})  # fmt: skip
    verifier = replace(
        logistic(Rows(vx, vy, vq), VERIFY_FEATURES),
        platt=(a, b),
        thresholds={"found": found, "maybe": maybe},
        fitted_on={**about, "questions_judged": int(len(vy)),
                   "auc_out_of_fold": auc(vy, confidence),
                   **{f"{k}_out_of_fold": round(v, 4) for k, v in accuracy.items()}},
    )  # fmt: skip
    paths = (save_words(final.words, folder), save_model(rerank, RERANK, folder),
             save_model(answer, ANSWER, folder), save_model(verifier, VERIFY, folder))  # fmt: skip
    return FitReport(final.words, rerank, answer, verifier, paths)


def _out_of_fold(
    engine: Engine, items: list[QAItem], on_step: Callable[[str], None]
) -> tuple[Rows, np.ndarray, Rows, np.ndarray, list]:
    """The reranker's and the answer model's rows and logits, each question scored by the
    stages fitted on the folds that do not hold it; and each candidate's text."""
    every = np.arange(len(items))
    passages, candidates = [], []
    for k, held in enumerate(_folds(items), 1):
        on_step(f"fold {k}/{FOLDS}")
        stages = _fit_stages(engine, items, np.setdiff1d(every, held))
        rows = rerank_rows(engine, items, held, stages.words)
        passages.append((rows, stages.rerank.logit(rows.x)))
        rows, texts = answer_rows(engine, items, held, stages.words, stages.rerank, texts=True)
        candidates.append((rows, stages.answer.logit(rows.x), texts))
    return (
        _concat([r for r, _ in passages]),
        np.concatenate([lg for _, lg in passages]),
        _concat([r for r, _, _ in candidates]),
        np.concatenate([lg for _, lg, _ in candidates]),
        [c for _, _, cs in candidates for c in cs],
    )


def _cross_validated(x: np.ndarray, y: np.ndarray, groups: np.ndarray, features) -> np.ndarray:
    """Out-of-fold logits of a logistic regression, folds by group."""
    GroupKFold = _sklearn().model_selection.GroupKFold  # noqa: N806

    logits = np.zeros(len(y))
    for train, held in GroupKFold(FOLDS).split(x, y, groups):
        model = logistic(Rows(x[train], y[train], train), features)
        logits[held] = model.logit(x[held])
    return logits


def _concat(parts: list[Rows]) -> Rows:
    return Rows(
        np.vstack([p.x for p in parts]),
        np.concatenate([p.y for p in parts]),
        np.concatenate([p.question for p in parts]),
    )
