"""The numbers the answer model and the verifier read of a candidate span (`app/fit.py`
fits their weights): how much of the question its words hold, whether it is the kind of span
asked for, what it is about, and how retrieval ranked it. The measures shared with the
reranker's passage features are in `features.py`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.lexical import tokenize

from .candidates import Candidate
from .features import (
    char_coverage,
    coverage,
    key_held,
    kind_mismatch,
    missing,
    year_match,
)
from .query import Question
from .spans import figures, names, names_category, unit_fits

_NAME_KINDS = ("quoted", "title", "year", "lead", "docno")


ANSWER_FEATURES = (
    "cov_answer",
    "cov_clause",
    "cov_sentence",
    "cov_heading",
    "cov_passage",
    "noun_clause",
    "noun_sentence",
    "missing_noun",
    "char_clause",
    "char_sentence",
    "key_sentence",
    "missing_sentence",
    "in_question",
    "is_figure",
    "is_name",
    "is_list",
    "is_statement",
    "figure_asked",
    "unit_fits",
    "unit_misfits",
    "name_asked",
    "list_asked",
    "statement_asked",
    "category",
    "designated",
    "total_fits",
    "part_misfits",
    "sibling",
    "subject_asked",
    "subject_chars_asked",
    "subject_gap",
    "noun_clause_gap",
    "per_unit_misfits",
    "figure_missing",
    "name_missing",
    "kind_mismatch",
    "year_match",
    "rank",
    "score",
    "dense",
    "dense_gap",
    "statement",
    "statement_gap",
    "length",
    "english",
    "english_dense_gap",
    "english_statement",
    "english_statement_gap",
)


_TOTAL = re.compile(r"共|合计|总计|总数|累计|全年|全县|全市|全区")


_PER = re.compile(r"每|一天|一年|一人|人均|标准|\bper\b|\beach\b|\ba day\b", re.I)


def _per_unit(text: str, figure_end: int) -> bool:
    """Whether a figure is a rate per head or per day ("每生每天5元"), not a total."""
    return "每" in text[max(0, figure_end - 12) : figure_end]


_SUBJECT_CHARS = 12  # chars before a figure or name that say what it is


_FILLER = re.compile(
    r"(?:达到|达|控制在|不少于|不低于|不超过|超过|提高到|提升到|增加到|下降到|降到|"
    r"降至|增至|为|是|约|近|共|累计|其中|力争|确保|全年|年内)+$"
)


def _subject(c: Candidate) -> str:
    """What a figure or name is said of: the words before it in its clause, and what a
    figure counts when written after it ("54个教学班": 教学班)."""
    if c.kind == "statement":
        return ""
    before = _FILLER.sub("", c.hit.text[c.clause[0] : c.start][-_SUBJECT_CHARS:])
    after = "".join(re.findall(r"[\u4e00-\u9fff]+$", c.text)) if c.kind == "figure" else ""
    return before + (after if after and not before.endswith(after) else "")


def subject_asked(question: Question, subject: str) -> tuple[float, float]:
    """How much of what a figure or name is said of (the words just before it in its clause,
    "本科上线率" in "本科上线率达到48.6%") the question asks about: the share of its words that
    are the question's words or their equivalents, and of its characters in the question.
    A figure of 本科 for a question on 一本 says something else."""
    if not subject:
        return 1.0, 1.0
    asked = question.text + " " + " ".join(t for g in question.groups for t in g)
    words = [w for w in tokenize(subject) if len(w) > 1] or [subject]
    chars = [ch for ch in subject if "\u4e00" <= ch <= "\u9fff"]
    return (
        sum(w in asked for w in words) / len(words),
        sum(ch in asked for ch in chars) / len(chars) if chars else 1.0,
    )


def sibling(question: Question, text: str) -> float:
    """1 when an asked-about word is missing but a word differing from it in one character
    stands there instead ("二等奖" asked, "一等奖" written; "一本" asked, "二本" written): the
    text is about the thing next to the one asked for."""
    for group in question.groups:
        word = group[0]
        if len(word) < 2 or any(t in text for t in group):
            continue
        for i in range(len(word)):
            pattern = re.escape(word[:i]) + r"[^\W\d_]" + re.escape(word[i + 1 :])
            if re.search(pattern, text):
                return 1.0
    return 0.0


_PART = re.compile(r"^(?:其中|含|包括)")


_DESIGNATION = re.compile(r"(?:为|是|作为|定为|确定为|命名为|称为|以)[“\"《]?$")


def designated(text: str, start: int) -> float:
    """1 when a name is introduced as what something is ("确定为“教育质量提升年”")."""
    return float(bool(_DESIGNATION.search(text[max(0, start - 4) : start])))


def answer_features(question: Question, candidates: Sequence[Candidate]) -> np.ndarray:
    """One row of ANSWER_FEATURES per candidate: how much of the question its words hold, whether
    it is the kind of span asked for, what it is about, and how retrieval ranked it; a figure is
    judged against its rivals, so some are relative to the question's best candidate."""
    hits = {id(c.hit): c.hit for c in candidates}.values()
    subjects = [subject_asked(question, _subject(c)) for c in candidates]
    nouns = [coverage(question, c.context, nouns=True) for c in candidates]
    tops = _Tops(
        dense=max((h.dense for h in hits), default=0.0),
        score=max((h.score for h in hits), default=0.0),
        similarity=max((c.similarity for c in candidates), default=0.0),
        subject=max((s[0] for s in subjects), default=0.0),
        noun=max(nouns, default=0.0),
    )
    rows = [
        (*_held(question, c, nouns[i]), *_kind(question, c),
         *_about(question, c, subjects[i], nouns[i], tops), *_ranked(question, c, tops))
        for i, c in enumerate(candidates)
    ]  # fmt: skip
    return np.asarray(rows, dtype=np.float64).reshape(len(candidates), len(ANSWER_FEATURES))


@dataclass(frozen=True, slots=True)
class _Tops:
    """The best of a question's candidates, which each candidate is measured against."""

    dense: float
    score: float
    similarity: float
    subject: float
    noun: float


def _held(question: Question, c: Candidate, noun: float) -> tuple[float, ...]:
    """How much of the question the candidate's span, clause, sentence and passage hold."""
    path = " ".join(c.hit.section)
    sentence, clause, text = c.statement, c.context, c.text
    return (
        coverage(question, text),
        coverage(question, clause),
        coverage(question, sentence),
        coverage(question, sentence + path),
        coverage(question, c.hit.text + path),
        noun,
        coverage(question, sentence + path, nouns=True),
        missing(question, sentence + path, nouns=True),
        char_coverage(question, clause),
        char_coverage(question, sentence + path),
        key_held(question, sentence + path),
        missing(question, sentence + path),
        float(len(text) >= 2 and text in question.text),
    )


def _kind(question: Question, c: Candidate) -> tuple[float, ...]:
    """Whether the candidate is the kind of span the question asks for."""
    asks, is_name = question.asks, c.kind in _NAME_KINDS
    fits = c.kind == "figure" and unit_fits(c.unit, question.units)
    return (
        float(c.kind == "figure"),
        float(is_name),
        float(c.kind == "list"),
        float(c.kind == "statement"),
        float(asks == "figure" and c.kind == "figure"),
        float(asks == "figure" and fits),
        float(asks == "figure" and bool(question.units) and c.kind == "figure" and not fits),
        float(asks == "name" and is_name),
        float(asks == "list" and c.kind == "list"),
        float(asks == "statement" and c.kind == "statement"),
        max(names_category(c.statement, question.category),
            float(is_name and c.text.endswith(question.category or "\0"))),
        designated(c.hit.text, c.start) if is_name else 0.0,
        float(question.total and bool(_TOTAL.search(c.context))),
        float(question.total and bool(_PART.search(c.context))),
        sibling(question, c.context),
    )  # fmt: skip


def _about(
    question: Question, c: Candidate, subject: tuple[float, float], noun: float, tops: _Tops
) -> tuple[float, ...]:
    """Whether the candidate is about what is asked: its subject, its passage's kind and year."""
    asks, is_name = question.asks, c.kind in _NAME_KINDS
    return (
        *subject,
        subject[0] - tops.subject,
        noun - tops.noun,
        float(c.kind == "figure" and _per_unit(c.hit.text, c.end)
              and not _PER.search(question.text)),
        float(asks == "figure" and not figures(c.text)),
        float(asks in ("name", "list") and not (is_name or c.kind == "list")
              and not names(c.statement)),
        kind_mismatch(question, c.hit),
        year_match(question, c.hit),
    )  # fmt: skip


def _ranked(question: Question, c: Candidate, tops: _Tops) -> tuple[float, ...]:
    """How retrieval ranked the candidate's passage and how like the question it reads."""
    hit, english = c.hit, float(question.is_english)
    gap = hit.dense - tops.dense
    return (
        1.0 / (1 + c.rank),
        hit.score / tops.score if tops.score > 0 else 0.0,
        hit.dense,
        gap,
        c.similarity,
        c.similarity - tops.similarity,
        min(len(c.text), 150) / 100,
        english,
        english * gap,
        english * c.similarity,
        english * (c.similarity - tops.similarity),
    )


VERIFY_FEATURES = (
    "best_logit",
    "margin",
    "rivals",
    "english_logit",
    "english_margin",
    *(f"best_{name}" for name in ANSWER_FEATURES),
)


CLOSE = 1.0  # logit units: candidates whose odds are within a factor e of the best's


def verify_features(
    logits: np.ndarray, rows: np.ndarray, places: Sequence[tuple[int, int]]
) -> np.ndarray:
    """One row of VERIFY_FEATURES for a question: how sure the candidate model is of its best
    candidate (its logit, the margin to the best rival, how many rivals come CLOSE), and the
    best candidate's own features. A rival is a candidate of another statement (`places` are
    (passage vid, statement ordinal)): spans of the best one's statement answer together."""
    best = int(np.argmax(logits))
    rivals = [logits[i] for i in range(len(logits)) if places[i] != places[best]]
    runner_up = max(rivals, default=logits[best] - 10.0)
    close = sum(1 for r in rivals if r > logits[best] - CLOSE)
    english = rows[best][ANSWER_FEATURES.index("english")]
    margin = logits[best] - runner_up
    head = np.array([logits[best], margin, float(close), english * logits[best], english * margin])
    return np.concatenate([head, rows[best]]).reshape(1, len(VERIFY_FEATURES))
