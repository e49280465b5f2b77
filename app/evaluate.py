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

from ingest.errors import ConfigError

from .answer import Answer, answer
from .engine import Engine

JUDGED_CHARS = 500
KS = (1, 3, 5, 10)
MAX_STATEMENT = 150  # chars: a longer "answer" is a passage, not a statement


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


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def load_qa(path: Path) -> list[QAItem]:
    """Read a QA set (JSON lines); a malformed line is an error naming the line."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            doc = d.get("doc")
            docs = tuple(doc) if isinstance(doc, list) else ((doc,) if doc else ())
            items.append(
                QAItem(
                    id=str(d["id"]),
                    question=d["question"],
                    answers=tuple(d.get("answers") or ()),
                    docs=docs,
                    evidence=tuple(d.get("evidence") or ()),
                    type=d.get("type", "fact"),
                    year=d.get("year"),
                    region=d.get("region"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{n}", f"not a QA item ({exc})") from exc
    return items


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
    answer: dict


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
    answer_ok = None
    unanswerable_ok = None
    if item.type == "unanswerable":
        unanswerable_ok = not result.found
    elif item.type != "cross_doc":
        text = normalise(result.text or "")
        answer_ok = (
            result.found
            and len(text) <= MAX_STATEMENT
            and any(normalise(a) in text for a in item.answers)
        )
    return Judged(item, first, coverage, answer_ok, unanswerable_ok, result.to_dict())


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
    out["questions"] = float(len(judged))
    return out


@dataclass(frozen=True, slots=True)
class EvalReport:
    qa: str
    mode: str
    overall: dict[str, float | None]
    by_type: dict[str, dict[str, float | None]]
    missed: dict[str, list[str]]
    judged: list[Judged] = field(repr=False)

    def to_dict(self) -> dict:
        return {
            "qa": self.qa,
            "mode": self.mode,
            "overall": self.overall,
            "by_type": self.by_type,
            "missed": self.missed,
            "questions": [
                {
                    "id": j.item.id,
                    "type": j.item.type,
                    "first_relevant": j.first_relevant,
                    "evidence_coverage": j.evidence_coverage,
                    "answer_correct": j.answer_correct,
                    "unanswerable_correct": j.unanswerable_correct,
                    **j.answer,
                }
                for j in self.judged
            ],
        }


def evaluate(
    engine: Engine,
    qa_path: Path,
    mode: str = "hybrid",
    on_item: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Ask every question of a QA set and score retrieval and answers."""
    items = load_qa(qa_path)
    judged = []
    for i, item in enumerate(items):
        judged.append(judge(item, answer(engine, item.question, k=10, mode=mode)))
        if on_item:
            on_item(i + 1, len(items))
    types = sorted({j.item.type for j in judged})
    missed = {
        "retrieval@5": [
            j.item.id
            for j in judged
            if j.item.answerable and not (j.first_relevant and j.first_relevant <= 5)
        ],
        "answer": [j.item.id for j in judged if j.answer_correct is False],
        "unanswerable": [j.item.id for j in judged if j.unanswerable_correct is False],
    }
    return EvalReport(
        qa=str(qa_path),
        mode=mode,
        overall=metrics(judged),
        by_type={t: metrics([j for j in judged if j.item.type == t]) for t in types},
        missed=missed,
        judged=judged,
    )
