"""Follow-up questions on the real seed index with the real model: the library's thread,
`eduqa chat --json` in a pipe, and the conversation scorer `make eval` runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.followup import ask
from app.followup_eval import evaluate_followups

pytestmark = pytest.mark.integration

EDUQA = [sys.executable, "-c", "from app.cli import main; main()"]
TURNS = ["崇阳县2020年计划招录多少义务段教师？", "其中公办幼儿教师多少人？"]
STANDALONE = "崇阳县2020年计划招录多少公办幼儿教师？"


def test_a_narrowing_is_answered_from_the_previous_answers_plan(seed_engine) -> None:
    first = ask(seed_engine, "崇阳县2020年计划招录多少义务段教师？")
    then = ask(seed_engine, "其中公办幼儿教师多少人？", [first])

    assert first.answer.found and "200人" in first.answer.text
    assert then.understood.text == "崇阳县2020年公办幼儿教师多少人？"
    assert then.answer.found and "30人" in then.answer.text
    assert then.answer.span.doc == "004_3048a19dee19119f.txt"


def test_a_comparison_with_the_next_year_gets_a_cited_line_per_year(seed_engine) -> None:
    first = ask(seed_engine, "怀化市2019年新增了多少学位？")
    then = ask(seed_engine, "和后一年比呢？", [first])

    assert then.understood.text == "怀化市2019年和2020年新增了多少学位？"
    assert [ln.hit.year for ln in then.answer.lines] == [2019, 2020]
    assert "4.07万个" in then.answer.text and "2.86万个" in then.answer.text


def test_eduqa_chat_json_reads_a_conversation_per_blank_line_from_a_pipe(seed_index) -> None:
    lines = ["怀化市2020年新增多少学位？", "去年呢？", "", "去年呢？"]
    run = subprocess.run(
        [*EDUQA, "chat", "--json", "--index", seed_index.index_dir, "--corpus",
         seed_index.corpus_dir],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["question"] for r in rows] == [q for q in lines if q]
    assert all({"found", "answer", "citation", "hits", "understood_as"} <= set(r) for r in rows)
    assert rows[0]["understood_as"] == lines[0]
    assert rows[1]["understood_as"] == "怀化市2019年新增多少学位？"
    assert rows[1]["found"] and "4.07万个" in rows[1]["answer"]
    assert rows[1]["citation"]["year"] == 2019
    assert rows[2]["understood_as"] == "去年呢？"  # a new conversation: nothing to lean on


def test_the_scorer_judges_the_last_turn_and_its_understanding(seed_engine, tmp_path) -> None:
    right = {"id": "c-1", "turns": TURNS, "answers": ["30人"], "doc": "004_3048a19dee19119f.txt",
             "standalone": STANDALONE, "form": "narrow"}  # fmt: skip
    wrong = {**right, "id": "c-2", "answers": ["31人"], "form": "other"}
    elsewhere = {**right, "id": "c-3", "doc": "not_indexed.txt"}
    path = tmp_path / "followups.jsonl"
    rows = (json.dumps(c, ensure_ascii=False) for c in (right, wrong, elsewhere))
    path.write_text("\n".join(rows), encoding="utf-8")

    report = evaluate_followups(seed_engine, path)

    assert report.skipped == 1
    assert report.overall["followup_accuracy"] == 0.5
    assert report.by_form["narrow"]["followup_accuracy"] == 1.0
    assert report.missed["followup"] == ["c-2"]
    assert report.overall["understood_accuracy"] == 1.0  # both asked what the standalone asks
    row = report.to_dict()["conversations"][0]
    assert row["understood_as"] == "崇阳县2020年公办幼儿教师多少人？" and row["rule"] == "narrow"


def test_the_cli_scores_a_conversation_file(seed_index, tmp_path: Path) -> None:
    path = tmp_path / "followups.jsonl"
    conversation = {"id": "c-1", "turns": TURNS, "answers": ["30人"],
                    "doc": "004_3048a19dee19119f.txt", "standalone": STANDALONE}  # fmt: skip
    path.write_text(json.dumps(conversation, ensure_ascii=False), "utf-8")
    run = subprocess.run(
        [*EDUQA, "eval", "--qa", path, "--out", tmp_path / "reports", "--index",
         seed_index.index_dir, "--corpus", seed_index.corpus_dir],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    assert "followup acc" in run.stdout and "understood acc" in run.stdout
    report = json.loads((tmp_path / "reports" / "followups-hybrid.json").read_text("utf-8"))
    assert report["overall"]["followup_accuracy"] == 1.0
