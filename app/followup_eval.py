"""Follow-up conversations scored as the evaluation contract says (evals/README.md).

Each conversation is asked turn by turn through `app.followup.ask`, each turn leaning on the
ones before it; only the last turn is judged. It is answered when the answer is found, holds one
of `answers` in at most 150 characters (a comparison: every figure in at most 300) and its
citation, or one of its lines, comes from `doc`. Its understanding is right when asking the
understood question gives the same answer from the same plan as asking the gold `standalone`
one, so a rewording the reader treats alike counts and one it does not, does not. The gold
standalone questions' own answer accuracy is reported beside: what the last turns could reach
with a perfect understanding.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .answer import Answer, answer
from .engine import Engine
from .evaluate import MAX_STATEMENT, MAX_SUMMARY, judge_each, normalise, read_jsonl, sliced
from .followup import converse


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    turns: tuple[str, ...]
    answers: tuple[str, ...]
    docs: tuple[str, ...]
    standalone: str
    form: str
    language: str


def is_conversations(path: Path) -> bool:
    """Whether a QA file holds conversations (`turns`) rather than single questions."""
    with path.open(encoding="utf-8") as f:
        first = next((line for line in f if line.strip()), "")
    try:
        return "turns" in json.loads(first)
    except json.JSONDecodeError:
        return False


def load_conversations(path: Path) -> list[Conversation]:
    """Read a conversation set (JSON lines)."""
    return read_jsonl(path, _conversation, "a conversation")


def _conversation(raw: dict) -> Conversation:
    doc = raw["doc"]
    turns = tuple(raw["turns"])
    english = sum(c.isascii() and c.isalpha() for c in turns[-1]) > len(turns[-1]) / 3
    return Conversation(
        raw["id"], turns, tuple(raw["answers"]),
        tuple(doc) if isinstance(doc, list) else (doc,), raw["standalone"],
        raw.get("form", "other"), "en" if english else "zh",
    )  # fmt: skip


def answered(item: Conversation, result: Answer) -> bool:
    """The contract's rule for the last turn (a comparison's when it has several plans)."""
    if not result.found:
        return False
    cited = {ln.span.doc for ln in result.lines} | ({result.span.doc} if result.span else set())
    if len(item.docs) > 1:
        texts = normalise(" ".join([result.text or "", *(ln.text for ln in result.lines)]))
        return (len(normalise(result.text or "")) <= MAX_SUMMARY and set(item.docs) <= cited
                and all(normalise(a) in texts for a in item.answers))  # fmt: skip
    text = normalise(result.text or "")
    return (len(text) <= MAX_STATEMENT and any(normalise(a) in text for a in item.answers)
            and bool(cited & set(item.docs)))  # fmt: skip


def _said(result: Answer) -> tuple:
    """What an answer says and where from: found, its text, and its plan (or nearest one)."""
    doc = result.span.doc if result.span else (result.result.hits[0].doc if result.result.hits
                                               else None)  # fmt: skip
    return result.found, normalise(result.text or ""), doc


@dataclass(frozen=True, slots=True)
class JudgedTurn:
    item: Conversation
    understood_as: str
    form: str  # the rule of the grammar that understood it
    answered: bool
    understood: bool
    answer: dict
    alone: bool  # whether the gold standalone question, asked as it is, is answered


def judge_conversation(engine: Engine, item: Conversation, mode: str = "hybrid") -> JudgedTurn:
    last = converse(engine, item.turns, mode=mode)[-1]
    gold = answer(engine, item.standalone, mode=mode)
    right = answered(item, last.answer)
    same = _said(last.answer) == _said(gold) or (right and answered(item, gold))
    return JudgedTurn(item, last.understood.text, last.understood.form, right, same,
                      last.answer.to_dict(), answered(item, gold))  # fmt: skip


@dataclass(frozen=True, slots=True)
class FollowupReport:
    qa: str
    mode: str
    documents: int
    skipped: int
    overall: dict[str, float | int]
    by_form: dict[str, dict[str, float | int]]
    by_language: dict[str, dict[str, float | int]]
    missed: dict[str, list[str]]
    judged: list[JudgedTurn]

    def to_dict(self) -> dict:
        return {
            "qa": self.qa, "mode": self.mode, "documents": self.documents,
            "skipped": self.skipped, "overall": self.overall, "by_form": self.by_form,
            "by_language": self.by_language, "missed": self.missed,
            "conversations": [
                {"id": j.item.id, "turns": list(j.item.turns), "understood_as": j.understood_as,
                 "rule": j.form, "standalone": j.item.standalone, "answered": j.answered,
                 "understood": j.understood, "answer": j.answer.get("answer"),
                 "citation": j.answer.get("citation")}
                for j in self.judged
            ],
        }  # fmt: skip


def _rates(judged: list[JudgedTurn]) -> dict[str, float | int]:
    n = len(judged)
    return {
        "conversations": n,
        "followup_accuracy": sum(j.answered for j in judged) / n if n else 0.0,
        "understood_accuracy": sum(j.understood for j in judged) / n if n else 0.0,
        # the reader's share: the gold standalone questions answered when asked as they are
        "standalone_accuracy": sum(j.alone for j in judged) / n if n else 0.0,
    }


def evaluate_followups(
    engine: Engine,
    path: Path,
    mode: str = "hybrid",
    on_item: Callable[[int, int], None] | None = None,
    about: set[str] | None = None,
) -> FollowupReport:
    """Ask every conversation about the indexed plans (only `about`'s, when given) and score
    its last turn."""
    every = load_conversations(path)
    names = {d.file_name for d in engine.index.documents()}
    within = names & about if about is not None else names
    items = [c for c in every if set(c.docs) <= within]
    judged = judge_each(items, lambda item: judge_conversation(engine, item, mode), on_item)
    return FollowupReport(
        qa=path.as_posix(),
        mode=mode,
        documents=len(names),
        skipped=len(every) - len(items),
        overall=_rates(judged),
        by_form=sliced(judged, lambda j: j.item.form, _rates),
        by_language=sliced(judged, lambda j: j.item.language, _rates),
        missed={
            "followup": [j.item.id for j in judged if not j.answered],
            "understood": [j.item.id for j in judged if not j.understood],
        },
        judged=judged,
    )
