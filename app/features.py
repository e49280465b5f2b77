"""The numbers the fitted models read: of a passage for reranking, of a candidate for deciding.

Each feature measures one thing a reader checks: are the asked-about words there (own words,
their corpus equivalents, or at least their characters), next to the figure or name or only
somewhere in the passage; is the span the kind of thing asked (a figure in the asked unit, a
name, a list); is the passage of the asked year and kind (plan target or summary result); how
did retrieval rank it. The weights come from `app/fit.py`, never from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

import numpy as np

from index.lexical import tokenize

from .candidates import Candidate
from .hits import Hit
from .query import Question
from .spans import clause_around, figures, names, names_category, unit_fits

_NAME_KINDS = ("quoted", "title", "year", "lead", "docno")

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


def _kind_mismatch(question: Question, hit: Hit) -> float:
    """1 when a plan's target answers a question about results, or the reverse."""
    return float(bool(question.wants and hit.kind and hit.kind != question.wants))


def _year_match(question: Question, hit: Hit) -> float:
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
                _kind_mismatch(question, h),
                _year_match(question, h),
                english,
                english * gap,
                english * (best[rank] - best_top),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(hits), len(RERANK_FEATURES))


def answer_features(question: Question, candidates: Sequence[Candidate]) -> np.ndarray:
    """One row of ANSWER_FEATURES per candidate."""
    hits = {id(c.hit): c.hit for c in candidates}.values()
    dense_top = max((h.dense for h in hits), default=0.0)
    score_top = max((h.score for h in hits), default=0.0)
    similarity_top = max((c.similarity for c in candidates), default=0.0)
    subjects = [subject_asked(question, _subject(c)) for c in candidates]
    nouns = [coverage(question, c.context, nouns=True) for c in candidates]
    # the best of this question's candidates: a figure is judged against its rivals
    subject_top = max((s[0] for s in subjects), default=0.0)
    noun_top = max(nouns, default=0.0)
    english = float(question.is_english)
    asks = question.asks
    rows = []
    for i, c in enumerate(candidates):
        hit = c.hit
        path = " ".join(hit.section)
        sentence, clause, text = c.statement, c.context, c.text
        gap = hit.dense - dense_top
        is_name = c.kind in _NAME_KINDS
        fits = c.kind == "figure" and unit_fits(c.unit, question.units)
        rows.append(
            (
                coverage(question, text),
                coverage(question, clause),
                coverage(question, sentence),
                coverage(question, sentence + path),
                coverage(question, hit.text + path),
                nouns[i],
                coverage(question, sentence + path, nouns=True),
                missing(question, sentence + path, nouns=True),
                char_coverage(question, clause),
                char_coverage(question, sentence + path),
                key_held(question, sentence + path),
                missing(question, sentence + path),
                float(len(text) >= 2 and text in question.text),
                float(c.kind == "figure"),
                float(is_name),
                float(c.kind == "list"),
                float(c.kind == "statement"),
                float(asks == "figure" and c.kind == "figure"),
                float(asks == "figure" and fits),
                float(asks == "figure" and bool(question.units) and c.kind == "figure"
                      and not fits),
                float(asks == "name" and is_name),
                float(asks == "list" and c.kind == "list"),
                float(asks == "statement" and c.kind == "statement"),
                max(names_category(sentence, question.category),
                    float(is_name and text.endswith(question.category or "\0"))),
                designated(hit.text, c.start) if is_name else 0.0,
                float(question.total and bool(_TOTAL.search(clause))),
                float(question.total and bool(_PART.search(clause))),
                sibling(question, clause),
                *subjects[i],
                subjects[i][0] - subject_top,
                nouns[i] - noun_top,
                float(c.kind == "figure" and _per_unit(hit.text, c.end)
                      and not _PER.search(question.text)),
                float(asks == "figure" and not figures(text)),
                float(asks in ("name", "list") and not (is_name or c.kind == "list")
                      and not names(sentence)),
                _kind_mismatch(question, hit),
                _year_match(question, hit),
                1.0 / (1 + c.rank),
                hit.score / score_top if score_top > 0 else 0.0,
                hit.dense,
                gap,
                c.similarity,
                c.similarity - similarity_top,
                min(len(text), 150) / 100,
                english,
                english * gap,
                english * c.similarity,
                english * (c.similarity - similarity_top),
            )
        )  # fmt: skip
    return np.asarray(rows, dtype=np.float64).reshape(len(candidates), len(ANSWER_FEATURES))


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
