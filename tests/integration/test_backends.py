"""Both backends on the real seed index and the real model: the dev set scores the same through
Milvus as through FAISS, `eduqa migrate` moves an index with every document, and a wrong or
unreachable backend is one clear line."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from app.cli import cli
from app.corpus import migrate
from app.engine import Engine
from app.evaluate import evaluate
from app.search import MODES, search
from index.backend import Backend
from tests.conftest import DEV_QA

pytestmark = pytest.mark.integration

PARITY = 0.02  # the most a dev-set metric may differ between the backends
runner = CliRunner()


@pytest.fixture(scope="module")
def on_milvus(seed_index, e5, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the seed index moved to Milvus Lite."""
    base = tmp_path_factory.mktemp("seed-milvus")
    shutil.copytree(seed_index.index_dir, base / "index")
    settings = replace(seed_index, index_dir=base / "index", backend=Backend("milvus"))
    moved = migrate(settings, e5)
    assert (moved.source, moved.target, moved.documents) == ("faiss", "milvus", 5)
    return settings


@pytest.mark.parametrize("mode", MODES)
def test_the_dev_set_scores_the_same_on_milvus_as_on_faiss(
    seed_engine, on_milvus, e5, mode: str
) -> None:
    engine = Engine.open(on_milvus, e5)
    try:
        faiss_report = evaluate(seed_engine, DEV_QA, mode)
        milvus_report = evaluate(engine, DEV_QA, mode)
    finally:
        engine.close()

    assert faiss_report.overall.keys() == milvus_report.overall.keys()
    for metric, value in faiss_report.overall.items():
        if value is not None:
            assert milvus_report.overall[metric] == pytest.approx(value, abs=PARITY), metric


def run(*args: object, **env: str):
    return runner.invoke(cli, [str(a) for a in args], env=env)


def docs_of(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [d["doc"] for d in json.loads(result.stdout)]


def top_docs(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [json.loads(line)["hits"][0]["doc"] for line in result.stdout.splitlines()]


QUESTIONS = ("2020年教师招聘目标是多少？", "平江县2016年三年学前教育毛入园率要达到多少？")


def test_migrate_moves_the_index_there_and_back_with_every_document(
    seed_index, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_index.index_dir, index)
    before_docs = docs_of(run("docs", "--json", "--index", index))
    before_top = top_docs(run("search", "--json", "--index", index, *QUESTIONS))

    moved = run("migrate", "--to", "milvus", "--index", index)

    assert moved.exit_code == 0, moved.output
    assert "moved 5 document(s)" in moved.stdout and "faiss → milvus" in moved.stdout
    assert "EDUQA_BACKEND=milvus" in moved.stdout
    assert docs_of(run("docs", "--json", "--index", index, EDUQA_BACKEND="milvus")) == before_docs
    found = run("search", "--json", "--index", index, *QUESTIONS, EDUQA_BACKEND="milvus")
    assert top_docs(found) == before_top
    refused = run("search", "--index", index, QUESTIONS[0])
    assert refused.exit_code == 1
    assert "held by the milvus backend" in refused.stderr and "eduqa migrate" in refused.stderr

    back = run("migrate", "--to", "faiss", "--index", index, EDUQA_BACKEND="milvus")

    assert back.exit_code == 0, back.output
    assert docs_of(run("docs", "--json", "--index", index)) == before_docs
    assert top_docs(run("search", "--json", "--index", index, *QUESTIONS)) == before_top
    again = run("migrate", "--index", index)
    assert "already on faiss" in again.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"EDUQA_BACKEND": "elastic"}, "EDUQA_BACKEND: must be one of faiss, milvus"),
        (
            {"EDUQA_BACKEND": "milvus", "EDUQA_MILVUS_URI": "http://127.0.0.1:9"},
            "http://127.0.0.1:9: cannot reach Milvus",
        ),
    ],
    ids=["unknown-backend", "unreachable-milvus"],
)
def test_a_wrong_backend_setting_is_one_line_naming_it(
    seed_index, tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    index = tmp_path / "index"
    shutil.copytree(seed_index.index_dir, index)

    result = run("migrate", "--index", index, **env)

    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {expected}")


def documents_page() -> None:
    from ui.documents import render

    render()


NEW_PLAN = (
    "临湘市教育局2021年工作计划\n一、工作目标\n全年新建公办幼儿园8所，\n新增学前教育学位2400个。\n"
)


def test_the_documents_page_runs_on_milvus_and_an_upload_is_found_there(
    seed_index, e5, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(seed_index.index_dir, tmp_path / "index")
    shutil.copytree(seed_index.corpus_dir, tmp_path / "corpus")
    settings = replace(
        seed_index,
        index_dir=tmp_path / "index",
        corpus_dir=tmp_path / "corpus",
        backend=Backend("milvus"),
    )
    migrate(settings, e5)
    for name, value in (
        ("EDUQA_INDEX", settings.index_dir),
        ("EDUQA_CORPUS", settings.corpus_dir),
        ("EDUQA_BACKEND", "milvus"),
    ):
        monkeypatch.setenv(name, str(value))

    page = AppTest.from_function(documents_page, default_timeout=120).run()
    page.file_uploader[0].set_value(("临湘.txt", NEW_PLAN.encode(), "text/plain"))
    next(b for b in page.button if b.label == "上传并加入索引").click().run()

    assert not page.exception
    assert any("Milvus（内嵌的 Milvus Lite）" in c.value for c in page.caption)
    assert len(page.dataframe[0].value) == 6
    engine = Engine.open(settings, e5)
    try:
        assert engine.index.manifest.backend == "milvus"
        hit = search(engine, "临湘市2021年新建公办幼儿园多少所？").hits[0]
    finally:
        engine.close()
    assert hit.doc == "临湘.txt" and "8所" in hit.text
