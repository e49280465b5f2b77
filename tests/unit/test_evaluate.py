"""The evaluation contract's relevance rule and metrics (evals/README.md)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.evaluate import QAItem, evidence_matches, load_qa, metrics, normalise, relevant_evidence

EVIDENCE = "县内高中招生8100人以上，其中普高5500人、职高2600人"


def item(**changes) -> QAItem:
    base = dict(
        id="q1",
        question="?",
        answers=("8100人以上",),
        docs=("a.txt",),
        evidence=(EVIDENCE,),
        type="number",
        year=2016,
        region="平江县",
    )
    return QAItem(**{**base, **changes})


def test_normalise_applies_nfkc_and_drops_whitespace():
    assert normalise("招生 8100人，\n普高") == "招生8100人,普高"


@pytest.mark.parametrize(
    ("passage", "relevant"),
    [
        ("高中教育：县内高中招生8100人以上，其中普高5500人、职高2600人（含非全日制）。", True),
        ("县内高中招生8100人以上，其中普高5500人", True),  # a cut passage holding most of it
        ("其中普高5500人、职高2600人", False),  # 14 of 27 chars < 60%
        ("完全无关的段落", False),
    ],
)
def test_a_passage_is_relevant_when_it_holds_the_evidence_or_most_of_it(passage, relevant):
    assert bool(relevant_evidence(item(), "a.txt", passage)) is relevant


def test_only_the_first_500_characters_are_judged():
    passage = "无关。" * 200 + EVIDENCE
    assert not relevant_evidence(item(), "a.txt", passage)


def test_a_passage_from_another_document_is_never_relevant():
    assert not relevant_evidence(item(), "b.txt", EVIDENCE)


def test_short_evidence_must_match_whole():
    assert evidence_matches(normalise("完成43所工程学校"), "43所工程学校")
    assert not evidence_matches(normalise("完成43所学校"), "43所工程学校")


def test_load_qa_reads_lists_nulls_and_names_a_bad_line(tmp_path):
    path = tmp_path / "qa.jsonl"
    rows = [
        {"id": "a", "question": "q", "answers": [], "doc": ["x.txt", "y.txt"], "type": "cross_doc"},
        {"id": "b", "question": "q", "answers": [], "doc": None, "type": "unanswerable"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items = load_qa(path)
    assert items[0].docs == ("x.txt", "y.txt") and items[1].docs == ()
    path.write_text("{not json}\n", encoding="utf-8")
    with pytest.raises(Exception, match="qa.jsonl:1"):
        load_qa(path)


def test_metrics_follow_the_contract():
    from app.evaluate import Judged

    judged = [
        Judged(item(id="1"), 1, 1.0, True, None, None, 0.9, True, {}),
        Judged(item(id="2"), 4, 1.0, False, None, None, 0.2, False, {}),
        Judged(item(id="3"), None, 0.0, False, None, None, 0.1, False, {}),
        Judged(item(id="4", type="unanswerable"), None, None, None, True, None, 0.1, False, {}),
        Judged(item(id="5", type="compare"), 1, 1.0, None, None, True, 0.8, False, {}),
    ]
    m = metrics(judged)
    assert m["compare_accuracy"] == 1.0
    assert m["recall@1"] == pytest.approx(2 / 4, abs=1e-3)
    assert m["recall@5"] == pytest.approx(3 / 4, abs=1e-3)
    assert m["mrr@10"] == pytest.approx((1 + 0.25 + 1) / 4, abs=1e-3)
    assert m["answer_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert m["unanswerable_accuracy"] == 1.0


def test_a_comparison_is_right_only_with_every_figure_and_every_plan_cited():
    from app.answer import Answer, AnswerLine, Span
    from app.evaluate import _compare_correct
    from app.hits import SearchResult
    from app.query import analyse
    from index.filters import Filters
    from tests.unit.test_answer import hit

    one, two = hit("招录教师200人", vid=1), replace(hit("招录教师180人", vid=2), doc="b.txt")
    lines = tuple(AnswerLine(h.text, Span(h.doc, h.start, h.end, h.text), h) for h in (one, two))
    res = SearchResult(analyse("招录教师有什么变化"), Filters(), True, (one, two))
    qa = replace(item(type="compare"), answers=("200人", "180人"), docs=("plan.txt", "b.txt"))
    right = Answer("q", True, "200人 → 180人", lines[0].span, one, res, 0.9, lines=lines)
    assert _compare_correct(qa, right)
    assert not _compare_correct(qa, replace(right, lines=lines[:1], text="200人"))
    assert not _compare_correct(qa, replace(right, found=False))
    assert not _compare_correct(qa, replace(right, text="x" * 301))


def test_only_questions_about_indexed_plans_are_asked():
    from app.evaluate import asked_of

    items = [replace(item(id="a"), docs=("p.txt",)), replace(item(id="b"), docs=("q.txt",)),
             replace(item(id="c", type="unanswerable"), docs=())]  # fmt: skip
    assert [i.id for i in asked_of(items, {"p.txt"})] == ["a", "c"]
    assert [i.id for i in asked_of(items, {"p.txt", "q.txt"}, about={"q.txt"})] == ["b"]


def test_calibration_ranks_and_bins_confidence_and_traces_found():
    from app.calibration import auc, calibration

    assert auc([0.9, 0.8, 0.3, 0.1], [True, True, False, False]) == 1.0
    assert auc([0.1, 0.2], [True, False]) == 0.0
    assert auc([0.5, 0.5], [True, False]) == 0.5
    assert auc([0.5], [True]) is None
    c = calibration([(0.95, True, True, True), (0.92, False, True, True),
                     (0.15, False, False, False), (0.55, True, True, False)])  # fmt: skip
    top = c.reliability[-1]
    assert (top.questions, top.share_right) == (2, 0.5)
    assert c.found.precision == 0.5 and c.found.recall == pytest.approx(1 / 3, abs=1e-3)
    at_half = next(p for p in c.curve if p.threshold == 0.5)
    assert at_half.precision == pytest.approx(2 / 3, abs=1e-3) and at_half.recall == pytest.approx(
        2 / 3, abs=1e-3
    )
