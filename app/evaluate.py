"""QA-set metrics exactly as the evaluation contract defines them (evals/README.md).

A passage is relevant when it comes from one of the question's documents and its first 500
characters (NFKC, no whitespace) contain an evidence string, or share with an evidence string
longer than 12 characters a run of at least max(12, 60%) of it. The CLI, `make eval` and the web
app's evaluation page all call `evaluate`, so they can never disagree.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import TypeVar

from ingest.errors import ConfigError

from .answer import Answer, answer
from .calibration import Calibration, calibration
from .engine import Engine

JUDGED_CHARS = 500
KS = (1, 3, 5, 10)
MAX_STATEMENT = 150  # chars: a longer "answer" is a passage, not a statement
MAX_SUMMARY = 300  # chars: a comparison's one-line summary
SINGLE = ("number", "fact", "year_scoped", "unanswerable")  # one answer span, or none
REPORTED_HITS = 3  # passages a report keeps per question: what a reader checks a miss against


@dataclass(frozen=True, slots=True)
class QAItem:
    id: str
    question: str
    answers: tuple[str, ...]
    docs: tuple[str, ...]
    evidence: tuple[str, ...]
    type: str
    year: int | None
    region: str | None

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def language(self) -> str:
        """ "en" for a question written in English, else "zh"."""
        letters = sum(ch.isascii() and ch.isalpha() for ch in self.question)
        return "en" if letters > len(self.question) / 3 else "zh"


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


T = TypeVar("T")
J = TypeVar("J")


def read_jsonl(path: Path, parse: Callable[[dict], T], what: str) -> list[T]:
    """Each non-blank line of a JSON-lines file, parsed; a malformed line is an error naming
    the file, the line and `what` it should be."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(parse(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{n}", f"not {what} ({exc})") from exc
    return out


def load_qa(path: Path) -> list[QAItem]:
    """Read a QA set (JSON lines)."""
    return read_jsonl(path, _qa_item, "a QA item")


def _qa_item(d: dict) -> QAItem:
    doc = d.get("doc")
    return QAItem(
        id=str(d["id"]),
        question=d["question"],
        answers=tuple(d.get("answers") or ()),
        docs=tuple(doc) if isinstance(doc, list) else ((doc,) if doc else ()),
        evidence=tuple(d.get("evidence") or ()),
        type=d.get("type", "fact"),
        year=d.get("year"),
        region=d.get("region"),
    )


def evidence_matches(passage: str, evidence: str) -> bool:
    """The contract's rule for one passage (already normalised and cut) and one evidence."""
    ev = normalise(evidence)
    if not ev:
        return False
    if ev in passage:
        return True
    if len(ev) <= 12:
        return False
    need = max(12.0, 0.6 * len(ev))
    m = SequenceMatcher(None, passage, ev, autojunk=False).find_longest_match(
        0, len(passage), 0, len(ev)
    )
    return m.size >= need


def relevant_evidence(item: QAItem, doc: str, text: str) -> set[int]:
    """Indexes of the item's evidence strings that a passage matches."""
    if doc not in item.docs:
        return set()
    judged = normalise(text)[:JUDGED_CHARS]
    return {i for i, ev in enumerate(item.evidence) if evidence_matches(judged, ev)}


@dataclass(frozen=True, slots=True)
class Judged:
    """One question's outcome."""

    item: QAItem
    first_relevant: int | None  # rank (1-based) of the first relevant passage in the top 10
    evidence_coverage: float | None
    answer_correct: bool | None  # None where answer accuracy does not apply
    unanswerable_correct: bool | None
    compare_correct: bool | None
    confidence: float
    best_correct: bool  # whether the best candidate, shown or not, answers
    answer: dict


def _holds_answer(item: QAItem, doc: str | None, text: str | None) -> bool:
    held = normalise(text or "")
    return doc in item.docs and any(normalise(a) in held for a in item.answers)


def _compare_correct(item: QAItem, result: Answer) -> bool:
    """The contract's comparison rule: found, every figure in the answer or a line, every plan
    cited, the answer at most MAX_SUMMARY characters."""
    texts = normalise(" ".join([result.text or "", *(ln.text for ln in result.lines)]))
    cited = {ln.span.doc for ln in result.lines} | ({result.span.doc} if result.span else set())
    return (
        result.found
        and len(normalise(result.text or "")) <= MAX_SUMMARY
        and all(normalise(a) in texts for a in item.answers)
        and set(item.docs) <= cited
    )


def judge(item: QAItem, result: Answer) -> Judged:
    hits = result.result.hits[:10]
    first = None
    covered: set[int] = set()
    for rank, hit in enumerate(hits, 1):
        matched = relevant_evidence(item, hit.doc, hit.text)
        if matched and first is None:
            first = rank
        covered |= matched
    coverage = len(covered) / len(item.evidence) if item.evidence else None
    answer_ok = unanswerable_ok = compare_ok = None
    if item.type == "unanswerable":
        unanswerable_ok = not result.found
    elif item.type == "compare":
        compare_ok = _compare_correct(item, result)
    elif item.type != "cross_doc":
        text = normalise(result.text or "")
        answer_ok = (
            result.found
            and len(text) <= MAX_STATEMENT
            and any(normalise(a) in text for a in item.answers)
        )
    best = result.candidate
    best_ok = best is not None and item.answerable and _holds_answer(item, best.span.doc, best.text)
    return Judged(item, first, coverage, answer_ok, unanswerable_ok, compare_ok,
                  result.confidence, best_ok, result.to_dict())  # fmt: skip


def _mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return round(sum(vals) / len(vals), 4) if vals else None


def metrics(judged: list[Judged]) -> dict[str, float | None]:
    """The contract's metrics over a list of judged questions."""
    answerable = [j for j in judged if j.item.answerable]
    out: dict[str, float | None] = {}
    for k in KS:
        out[f"recall@{k}"] = _mean(
            1.0 if j.first_relevant and j.first_relevant <= k else 0.0 for j in answerable
        )
    out["mrr@10"] = _mean(1.0 / j.first_relevant if j.first_relevant else 0.0 for j in answerable)
    out["evidence_coverage@10"] = _mean(
        j.evidence_coverage for j in answerable if j.evidence_coverage is not None
    )
    out["answer_accuracy"] = _mean(
        1.0 if j.answer_correct else 0.0 for j in judged if j.answer_correct is not None
    )
    out["unanswerable_accuracy"] = _mean(
        1.0 if j.unanswerable_correct else 0.0 for j in judged if j.unanswerable_correct is not None
    )
    out["compare_accuracy"] = _mean(
        1.0 if j.compare_correct else 0.0 for j in judged if j.compare_correct is not None
    )
    out["questions"] = float(len(judged))
    return out


@dataclass(frozen=True, slots=True)
class EvalReport:
    qa: str
    mode: str
    documents: int  # in the index the questions were asked of
    skipped: int  # questions about plans that index does not hold
    overall: dict[str, float | None]
    by_type: dict[str, dict[str, float | None]]
    by_language: dict[str, dict[str, float | None]]
    confidence: Calibration
    missed: dict[str, list[str]]
    judged: list[Judged] = field(repr=False)

    def to_dict(self) -> dict:
        return {
            "qa": self.qa,
            "mode": self.mode,
            "documents": self.documents,
            "skipped": self.skipped,
            "overall": self.overall,
            "by_type": self.by_type,
            "by_language": self.by_language,
            "confidence": self.confidence.to_dict(),
            "missed": self.missed,
            "questions": [
                {
                    "id": j.item.id,
                    "type": j.item.type,
                    "first_relevant": j.first_relevant,
                    "evidence_coverage": j.evidence_coverage,
                    "answer_correct": j.answer_correct,
                    "unanswerable_correct": j.unanswerable_correct,
                    "compare_correct": j.compare_correct,
                    "best_correct": j.best_correct,
                    **j.answer,
                    "hits": j.answer.get("hits", [])[:REPORTED_HITS],
                }
                for j in self.judged
            ],
        }


def sliced(judged: list, key: Callable, score: Callable) -> dict:
    """`score` of each slice of the judged items by `key` (type, language, form), in order."""
    return {v: score([j for j in judged if key(j) == v]) for v in sorted({key(j) for j in judged})}


def asked_of(items: list[QAItem], names: set[str], about: set[str] | None = None) -> list[QAItem]:
    """The items about plans an index holds (`names`), and only about `about` when given: a
    question about a plan the index lacks is not asked (it would test nothing). An item that
    names no plan (an unanswerable one about a place or year no plan covers) is asked, unless
    `about` restricts the set."""
    if about is None:
        return [i for i in items if set(i.docs) <= names]
    return [i for i in items if i.docs and set(i.docs) <= names & about]


def judge_each(
    items: list[T], judge_one: Callable[[T], J], on_item: Callable[[int, int], None] | None
) -> list[J]:
    """Each item judged in turn, telling `on_item` (done, total) after each."""
    judged = []
    for i, item in enumerate(items):
        judged.append(judge_one(item))
        if on_item:
            on_item(i + 1, len(items))
    return judged


def evaluate(
    engine: Engine,
    qa_path: Path,
    mode: str = "hybrid",
    on_item: Callable[[int, int], None] | None = None,
    about: set[str] | None = None,
) -> EvalReport:
    """Ask every question of a QA set about the indexed plans (and only about `about`'s plans,
    when given) and score retrieval, answers and confidence."""
    every = load_qa(qa_path)
    names = {d.file_name for d in engine.index.documents()}
    items = asked_of(every, names, about)
    judged = judge_each(
        items, lambda i: judge(i, answer(engine, i.question, k=10, mode=mode)), on_item
    )
    missed = {
        "retrieval@5": [
            j.item.id
            for j in judged
            if j.item.answerable and not (j.first_relevant and j.first_relevant <= 5)
        ],
        "answer": [j.item.id for j in judged if j.answer_correct is False],
        "unanswerable": [j.item.id for j in judged if j.unanswerable_correct is False],
        "compare": [j.item.id for j in judged if j.compare_correct is False],
    }
    return EvalReport(
        qa=qa_path.as_posix(),
        mode=mode,
        documents=len(names),
        skipped=len(every) - len(items),
        overall=metrics(judged),
        by_type=sliced(judged, lambda j: j.item.type, metrics),
        by_language=sliced(judged, lambda j: j.item.language, metrics),
        confidence=calibration(
            [
                (j.confidence, j.best_correct, j.item.answerable, bool(j.answer.get("found")))
                for j in judged
                if j.item.type in SINGLE
            ]  # fmt: skip
        ),
        missed=missed,
        judged=judged,
    )
