"""The evaluation contract's relevance rule and metrics (evals/README.md)."""

from __future__ import annotations

import json

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
        Judged(item(id="1"), 1, 1.0, True, None, {}),
        Judged(item(id="2"), 4, 1.0, False, None, {}),
        Judged(item(id="3"), None, 0.0, False, None, {}),
        Judged(item(id="4", type="unanswerable"), None, None, None, True, {}),
    ]
    m = metrics(judged)
    assert m["recall@1"] == pytest.approx(1 / 3, abs=1e-3)
    assert m["recall@5"] == pytest.approx(2 / 3, abs=1e-3)
    assert m["mrr@10"] == pytest.approx((1 + 0.25) / 3, abs=1e-3)
    assert m["answer_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert m["unanswerable_accuracy"] == 1.0
