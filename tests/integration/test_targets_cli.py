"""`eduqa targets / groups / compare / diff / eval-targets` on the real seed index and model."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from app.cli import cli

pytestmark = pytest.mark.integration

PINGJIANG, YOUXIAN, SICHUAN, HUAIHUA = (
    "000_6e8b3975040a17d5.txt",
    "001_173d000dd8b0401d.txt",
    "002_da9a2d427325ff29.txt",
    "003_74b69ab3a17d35dc.txt",
)
ROW_FIELDS = {"doc", "indicator", "value", "value_max", "unit", "qualifier", "kind", "year",
              "region", "section", "text", "start", "end"}  # fmt: skip
runner = CliRunner()


def run(seed_index, *args: object, corpus: Path | None = None):
    paths = ["--index", seed_index.index_dir, "--corpus", corpus or seed_index.corpus_dir]
    result = runner.invoke(cli, [str(a) for a in (*args, *paths)])
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output
    return result


def rows_of(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def all_rows(seed_index) -> list[dict]:
    return rows_of(run(seed_index, "targets", "--json"))


def test_targets_json_is_one_row_per_figure_with_its_exact_clause(seed_engine, all_rows) -> None:
    assert len(all_rows) > 100
    texts = {d.file_name: seed_engine.index.document_text(d.doc_id)
             for d in seed_engine.index.documents()}  # fmt: skip
    seen = set()
    for row in all_rows:
        assert set(row) >= ROW_FIELDS
        assert isinstance(row["value"], int | float) and row["kind"] in ("target", "result", None)
        assert texts[row["doc"]][row["start"] : row["end"]] == row["text"]
        assert row["figure"] in row["text"]
        key = (row["doc"], row["start"], row["figure"])
        assert key not in seen, row
        seen.add(key)


@pytest.mark.parametrize(
    ("doc", "indicator", "value", "value_max", "unit", "qualifier"),
    [
        (PINGJIANG, "三年学前教育毛入园率", 85, None, "%", "以上"),
        (PINGJIANG, "配备理化生实验仪器", 20000, None, "套", None),  # 2万套
        (PINGJIANG, "打造优质品牌专业", 3, 4, "个", None),  # a range
        (YOUXIAN, "公开招聘和人才引进教师", 180, None, "人", None),
        (HUAIHUA, "新增学位", 28600, None, "个", "以上"),
    ],
)
def test_values_are_numbers_in_base_units(all_rows, doc, indicator, value, value_max, unit,
                                          qualifier) -> None:  # fmt: skip
    matches = [r for r in all_rows if r["doc"] == doc and indicator in (r["indicator"], r["group"])]
    found = [(r["value"], r["value_max"], r["unit"], r["qualifier"]) for r in matches]
    assert (value, value_max, unit, qualifier) in found


def test_an_indicator_finds_its_group_across_plans_and_years(seed_index) -> None:
    rows = rows_of(run(seed_index, "targets", "--indicator", "学前一年入园率", "--json"))

    assert {(r["doc"], r["year"], r["value"]) for r in rows} == {
        (SICHUAN, 2011, 95),
        (PINGJIANG, 2016, 99),  # worded 一年学前教育入园率 there
    }
    assert len({r["group"] for r in rows}) == 1


def test_region_year_and_kind_filter_the_table(seed_index, all_rows) -> None:
    rows = rows_of(run(seed_index, "targets", "--region", "怀化市", "--kind", "result", "--json"))

    assert rows and {(r["doc"], r["kind"], r["year"]) for r in rows} == {(HUAIHUA, "result", 2019)}
    by_year = rows_of(run(seed_index, "targets", "--year", "2020", "--json"))
    assert {r["year"] for r in by_year} == {2020}
    assert len(by_year) == sum(r["year"] == 2020 for r in all_rows)


def test_the_table_exports_to_csv_and_excel(seed_index, tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "t.csv", tmp_path / "t.xlsx"
    run(seed_index, "targets", "--region", "攸县", "--out", csv_path)
    run(seed_index, "targets", "--region", "攸县", "--out", xlsx_path)

    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        from_csv = list(csv.DictReader(handle))
    sheet = load_workbook(xlsx_path).active
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(from_csv) == len(values) > 5
    assert header[:4] == ["doc", "title", "region", "indicator"]
    first = dict(zip(header, values[0], strict=True))
    assert first["doc"] == from_csv[0]["doc"] == YOUXIAN
    assert isinstance(first["value"], int | float)


def test_compare_json_gives_figures_per_plan_and_timelines(seed_index) -> None:
    (result,) = rows_of(run(seed_index, "compare", "入园率", "--json"))

    docs = {d["doc"]: d for g in result["groups"] for d in g["documents"]}
    assert set(docs) == {PINGJIANG, SICHUAN}
    assert {t["indicator"] for t in docs[PINGJIANG]["targets"]} >= {"三年学前教育毛入园率"}
    (line,) = [t for t in result["timelines"] if len({p["doc"] for p in t["points"]}) == 2]
    assert [(p["year"], p["value"]) for p in line["points"]] == [(2016, 99), (2011, 95)] or [
        (p["year"], p["value"]) for p in line["points"]
    ] == [(2011, 95), (2016, 99)]


def test_compare_prints_passages_figures_and_timeline(seed_index) -> None:
    out = run(seed_index, "compare", "大班额").stdout

    assert "城区大班额: 16 % (以内)" in out and "超大班额: 31 % (以内)" in out
    assert "timeline 消除义务教育大班额 (个): 怀化市 2019 result 1463 个" in out


def test_diff_aligns_sections_and_shows_changed_figures(seed_index) -> None:
    (result,) = rows_of(run(seed_index, "diff", SICHUAN, PINGJIANG, "--json"))

    statuses = {s["status"] for s in result["sections"]}
    assert {"changed", "new", "dropped"} <= statuses
    aligned = {(s["old"], s["new"]) for s in result["sections"] if s["status"] == "changed"}
    assert ("七、加强队伍建立,助推教育优质开展 › 30.推进人事制度改革",
            "三、主要工作任务与措施 › (一)以“全面提升队伍素质”为重点,进一步提高教师形象 › "
            "4.深化人事制度改革") in aligned  # fmt: skip
    changed = [t for t in result["targets"] if t["status"] == "changed"]
    assert [(t["old"]["value"], t["new"]["value"]) for t in changed] == [(95, 99)]
    assert all(t["new"]["doc"] == PINGJIANG for t in result["targets"] if t["new"])
    text = run(seed_index, "diff", SICHUAN, PINGJIANG).stdout
    assert "学前一年入园率" in text and "95 % (以上)" in text and "99 % (以上)" in text


def test_merge_and_split_change_the_groups_and_persist(seed_index, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"  # corrections live beside the plans; the seed corpus is shared
    corpus.mkdir()

    run(seed_index, "groups", "merge", "招录义务段教师", "公开招聘和人才引进教师", corpus=corpus)
    rows = rows_of(run(seed_index, "targets", "--indicator", "招录义务段教师", "--json",
                       corpus=corpus))  # fmt: skip
    assert {r["doc"] for r in rows} == {YOUXIAN, "004_3048a19dee19119f.txt"}
    listed = rows_of(run(seed_index, "groups", "--json", corpus=corpus))
    assert any(g["by_user"] and "招录义务段教师" in g["members"] for g in listed)

    run(seed_index, "groups", "split", "公开招聘和人才引进教师", corpus=corpus)
    rows = rows_of(run(seed_index, "targets", "--indicator", "招录义务段教师", "--json",
                       corpus=corpus))  # fmt: skip
    assert {r["doc"] for r in rows} == {"004_3048a19dee19119f.txt"}
    assert json.loads((corpus / "indicator_groups.json").read_text(encoding="utf-8")) == {
        "merged": [],
        "separate": ["公开招聘和人才引进教师"],
    }


def test_extraction_precision_and_recall_hold_on_the_labelled_plans(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    for gold, corpus in (("targets_gold", ROOT / "corpus"),
                         ("targets_gold_plans", ROOT / "tests" / "data" / "plans")):  # fmt: skip
        args = ["eval-targets", "--gold", ROOT / "evals" / gold, "--corpus", corpus,
                "--out", tmp_path, "--json"]  # fmt: skip
        result = runner.invoke(cli, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        for field in ("value", "unit", "indicator"):
            assert report[f"{field}_precision"] >= 0.9, (gold, field, report)
            assert report[f"{field}_recall"] >= 0.9, (gold, field, report)
        assert (tmp_path / f"extraction-{gold}.json").exists()


def test_ask_across_plans_answers_with_one_cited_line_per_plan(seed_index, seed_engine) -> None:
    (found, absent) = rows_of(
        run(seed_index, "ask", "--json", "哪些县提到消除大班额", "哪些县提到人工智能课程")
    )

    assert found["found"] is True
    assert {ln["doc"] for ln in found["lines"]} == {PINGJIANG, YOUXIAN, HUAIHUA,
                                                    "004_3048a19dee19119f.txt"}  # fmt: skip
    for line in found["lines"]:
        doc = seed_engine.index.find_document(line["doc"])
        text = seed_engine.index.document_text(doc.doc_id)
        assert text[line["start"] : line["end"]] == line["text"]
        assert "大班额" in line["text"] and len(line["text"]) <= 100
    assert found["citation"]["doc"] == found["lines"][0]["doc"]
    assert absent["found"] is False and absent["lines"] == []


def test_a_quantity_answer_carries_its_targets_row(seed_index) -> None:
    (ans,) = rows_of(run(seed_index, "ask", "--json", "2016年平江县学前三年毛入园率目标"))

    assert ans["found"] and "85%" in ans["answer"]
    row = ans["target"]
    assert (row["doc"], row["value"], row["unit"], row["qualifier"], row["kind"]) == (
        PINGJIANG,
        85,
        "%",
        "以上",
        "target",
    )
    assert ans["citation"]["start"] <= row["start"] < ans["citation"]["end"]
