"""The `eduqa` command line contract, on tiny real plans with the real default model, on both
backends: FAISS + BM25, and Milvus (Milvus Lite in the index directory, as a laptop runs it)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from app.cli import cli
from app.settings import load_settings
from index.backend import BACKENDS
from index.generations import CURRENT
from index.reader import Index
from tests.filemakers import (
    Heading,
    make_corrupt_docx,
    make_docx,
    make_encrypted_pdf,
    make_ole_file,
    make_pdf,
    make_random_bytes,
    make_scanned_pdf,
    make_text_file,
    make_truncated_pdf,
)
from tests.sample_plans import CHONGYANG, HUAIHUA, PINGJIANG, YOUXIAN

pytestmark = pytest.mark.integration

DOC_FIELDS = {
    "doc", "title", "year", "years", "region", "province", "doc_type", "issuer", "published",
    "chunks", "ocr_pages", "doubtful_pages",
}  # fmt: skip
HIT_FIELDS = {"doc", "text", "score", "start", "end", "title", "year", "region", "section"}
CITATION_FIELDS = {"doc", "title", "year", "region", "section", "start", "end"}

runner = CliRunner()


def run(*args: object) -> Result:
    return runner.invoke(cli, [str(a) for a in args])


def assert_ok(result: Result) -> None:
    assert result.exception is None, result.output
    assert result.exit_code == 0, result.output


def assert_refused(result: Result) -> list[str]:
    """Exit 1 with `error:` lines on stderr and no traceback; returns those lines."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    return lines


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(autouse=True)
def _on_backend(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of a test runs on the backend under test."""
    monkeypatch.setenv("EDUQA_BACKEND", backend)


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"  # where the autouse fixture points EDUQA_INDEX


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    return tmp_path / "corpus"  # where the autouse fixture points EDUQA_CORPUS


@pytest.fixture
def incoming(tmp_path: Path) -> Path:
    """Where files to be added come from (outside the corpus)."""
    path = tmp_path / "incoming"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory, backend: str) -> tuple[Path, Path]:
    """(corpus, index) of two tiny plans, made once per backend by `eduqa build`; tests work
    on copies."""
    base = tmp_path_factory.mktemp(f"two-plans-{backend}")
    corpus, index = base / "corpus", base / "index"
    corpus.mkdir()
    make_text_file(corpus / "pingjiang.txt", PINGJIANG)
    make_text_file(corpus / "huaihua.txt", HUAIHUA)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDUQA_BACKEND", backend)
        assert_ok(run("build", "--corpus", corpus, "--index", index))
    return corpus, index


@pytest.fixture
def built(two_plans: tuple[Path, Path], corpus_dir: Path, index_dir: Path) -> Path:
    """A private copy of the two-plan index and corpus at EDUQA_INDEX / EDUQA_CORPUS."""
    shutil.copytree(two_plans[0], corpus_dir)
    shutil.copytree(two_plans[1], index_dir)
    return index_dir


def docs_json() -> list[dict]:
    result = run("docs", "--json")
    assert_ok(result)
    return json.loads(result.stdout)


def doc_names() -> list[str]:
    return [d["doc"] for d in docs_json()]


def snapshot(index_dir: Path, corpus_dir: Path) -> tuple[str, list[dict], list[str]]:
    """What must not move when a command refuses: live generation, documents, corpus files."""
    files = sorted(p.name for p in corpus_dir.iterdir())
    return (index_dir / CURRENT).read_text(), docs_json(), files


def cleaned_text(index_dir: Path, doc: str) -> str:
    index = Index.open(index_dir, backend=load_settings().backend)
    try:
        return index.document_text(index.find_document(doc).doc_id)
    finally:
        index.close()


def json_lines(result: Result) -> list[dict]:
    assert_ok(result)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


# --- build and docs -----------------------------------------------------------------------


def test_build_then_docs_lists_every_plan_with_its_metadata(built: Path) -> None:
    rows = docs_json()

    assert [r["doc"] for r in rows] == ["huaihua.txt", "pingjiang.txt"]
    assert all(set(r) >= DOC_FIELDS for r in rows)
    huaihua, pingjiang = rows
    assert (huaihua["year"], huaihua["years"], huaihua["region"]) == (2020, [2019, 2020], "怀化市")
    assert (huaihua["province"], huaihua["doc_type"]) == ("湖南省", "工作总结与计划")
    assert (pingjiang["year"], pingjiang["region"], pingjiang["issuer"]) == (
        2016,
        "平江县",
        "平江县教育局",
    )
    assert all(r["chunks"] > 0 for r in rows)


def test_building_again_without_changes_keeps_the_live_index(built: Path) -> None:
    before = (built / CURRENT).read_text()

    result = run("build")

    assert_ok(result)
    assert "unchanged: 2 document(s)" in result.stdout
    assert "passages embedded: 0" in result.stdout
    assert (built / CURRENT).read_text() == before


def test_docs_without_an_index_says_to_build_first() -> None:
    (line,) = assert_refused(run("docs"))

    assert "eduqa build" in line


# --- add ----------------------------------------------------------------------------------


def _txt(path: Path) -> Path:
    return make_text_file(path.with_suffix(".txt"), CHONGYANG)


def _gb18030(path: Path) -> Path:
    return make_text_file(path.with_suffix(".txt"), YOUXIAN, "gb18030")


def _pdf(path: Path) -> Path:
    return make_pdf(path.with_suffix(".pdf"), [CHONGYANG.strip()])


def _docx(path: Path) -> Path:
    blocks = [
        Heading("攸县教育局2017年工作要点", 0),
        Heading("一、深化教育综合改革", 1),
        "1.推进教育人事制度改革。全面推行县管校聘,交流教师300人。",
        "2.推进招生制度改革。城区初中实行划片招生。",
    ]
    return make_docx(path.with_suffix(".docx"), blocks)


ADD_CASES = {
    "txt": (_txt, "全年招聘教师200人"),
    "gb18030-txt": (_gb18030, "交流教师300人"),
    "pdf": (_pdf, "全年招聘教师200人"),
    "docx": (_docx, "交流教师300人"),
}


@pytest.mark.parametrize(("make", "phrase"), list(ADD_CASES.values()), ids=list(ADD_CASES))
def test_add_copies_the_file_into_the_corpus_and_indexes_it(
    built: Path, corpus_dir: Path, incoming: Path, make: Callable[[Path], Path], phrase: str
) -> None:
    source = make(incoming / "plan")

    result = run("add", source)

    assert_ok(result)
    assert f"added: {source.name}" in result.stdout
    assert (corpus_dir / source.name).read_bytes() == source.read_bytes()
    assert sorted(doc_names()) == sorted(["huaihua.txt", "pingjiang.txt", source.name])
    assert phrase in cleaned_text(built, source.name)
    (row,) = json_lines(run("search", "--json", "--k", "1", phrase))
    assert row["hits"][0]["doc"] == source.name


def test_adding_the_same_file_again_is_a_no_op(
    built: Path, corpus_dir: Path, incoming: Path
) -> None:
    source = make_text_file(incoming / "chongyang.txt", CHONGYANG)
    assert_ok(run("add", source))
    before = snapshot(built, corpus_dir)

    result = run("add", source)

    assert_ok(result)
    assert "unchanged: 1 document(s)" in result.stdout
    assert "passages embedded: 0" in result.stdout
    assert snapshot(built, corpus_dir) == before


def test_same_content_under_another_name_is_refused_naming_both(
    built: Path, corpus_dir: Path, incoming: Path
) -> None:
    assert_ok(run("add", make_text_file(incoming / "chongyang.txt", CHONGYANG)))
    copy = make_text_file(incoming / "copy.txt", CHONGYANG)
    before = snapshot(built, corpus_dir)

    (line,) = assert_refused(run("add", copy))

    assert line.startswith(f"error: {copy}: ")
    assert "same content as 'chongyang.txt'" in line
    assert snapshot(built, corpus_dir) == before


def test_one_plan_without_a_page_photo_is_refused_and_nothing_moves(
    built: Path, corpus_dir: Path, incoming: Path
) -> None:
    plan = make_text_file(incoming / "chongyang.txt", CHONGYANG)
    before = snapshot(built, corpus_dir)

    (line,) = assert_refused(run("add", "--one-plan", "chongyang", plan))

    assert line == "error: --one-plan: none of the files is a page photo (png/jpg/jpeg/tif/tiff)"
    assert snapshot(built, corpus_dir) == before


BAD_INPUTS = {
    "empty-file": ("empty.txt", lambda p: make_text_file(p, ""), "empty"),
    "whitespace-only": ("blank.txt", lambda p: make_text_file(p, " \n\t\n  "), "no text"),
    "random-bytes-named-pdf": ("random.pdf", make_random_bytes, "not a PDF"),
    "corrupt-docx": ("broken.docx", make_corrupt_docx, "cannot read DOCX"),
    "encrypted-pdf": ("locked.pdf", lambda p: make_encrypted_pdf(p, CHONGYANG), "password"),
    "truncated-pdf": ("cut.pdf", lambda p: make_truncated_pdf(p, [CHONGYANG]), "truncated"),
    "scan-without-text": ("scan.pdf", make_scanned_pdf, "no text on its pages"),
    "doc": ("plan.doc", make_ole_file, "unsupported file type '.doc'"),
    "xlsx": ("plan.xlsx", make_random_bytes, "unsupported file type '.xlsx'"),
}


@pytest.mark.parametrize(
    ("name", "make", "reason"), list(BAD_INPUTS.values()), ids=list(BAD_INPUTS)
)
def test_a_bad_file_is_refused_with_its_reason_and_the_index_is_unchanged(
    built: Path,
    corpus_dir: Path,
    incoming: Path,
    name: str,
    make: Callable[[Path], Path],
    reason: str,
) -> None:
    bad = make(incoming / name)
    before = snapshot(built, corpus_dir)

    result = run("add", bad)

    (line,) = assert_refused(result)
    assert line.startswith(f"error: {bad}: ")
    assert reason in line
    assert not (corpus_dir / name).exists()
    assert snapshot(built, corpus_dir) == before


def test_a_mixed_add_indexes_the_good_file_and_still_fails(
    built: Path, corpus_dir: Path, incoming: Path
) -> None:
    good = make_text_file(incoming / "good.txt", CHONGYANG)
    bad = make_scanned_pdf(incoming / "bad.pdf")

    result = run("add", good, bad)

    (line,) = assert_refused(result)
    assert line.startswith(f"error: {bad}: ")
    assert "added: good.txt" in result.stdout
    assert "good.txt" in doc_names()
    assert (corpus_dir / "good.txt").exists()
    assert not (corpus_dir / "bad.pdf").exists()


# --- remove -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingjiang.txt", "pingjiang"], ids=["file-name", "stem"])
def test_remove_drops_the_document_from_index_and_corpus(
    built: Path, corpus_dir: Path, name: str
) -> None:
    result = run("remove", name)

    assert_ok(result)
    assert "removed: pingjiang.txt" in result.stdout
    assert doc_names() == ["huaihua.txt"]
    assert not (corpus_dir / "pingjiang.txt").exists()
    (row,) = json_lines(run("search", "--json", "毛入园率"))
    assert {h["doc"] for h in row["hits"]} == {"huaihua.txt"}


def test_removing_an_unknown_document_fails_and_changes_nothing(
    built: Path, corpus_dir: Path
) -> None:
    before = snapshot(built, corpus_dir)

    (line,) = assert_refused(run("remove", "nosuch"))

    assert line.startswith("error: nosuch: no such document")
    assert snapshot(built, corpus_dir) == before


# --- search and ask -----------------------------------------------------------------------

QUESTIONS = ("平江县2016年三年学前教育毛入园率要达到多少？", "怀化市2019年新建改扩建学校多少所？")


def test_search_json_prints_one_object_per_question_with_exact_passages(built: Path) -> None:
    rows = json_lines(run("search", "--json", *QUESTIONS))

    assert [r["question"] for r in rows] == list(QUESTIONS)
    for row in rows:
        assert row["hits"]
        for hit in row["hits"]:
            assert set(hit) >= HIT_FIELDS  # the contract's fields; extras allowed
            assert hit["text"] == cleaned_text(built, hit["doc"])[hit["start"] : hit["end"]]
        scores = [h["score"] for h in row["hits"]]
        assert scores == sorted(scores, reverse=True)
    assert rows[0]["hits"][0]["doc"] == "pingjiang.txt"
    assert rows[1]["hits"][0]["doc"] == "huaihua.txt"
    assert rows[1]["hits"][0]["year"] == 2019


def test_search_k_limits_the_hits(built: Path) -> None:
    (row,) = json_lines(run("search", "--json", "--k", "2", "教育"))

    assert len(row["hits"]) == 2


def test_ask_json_answers_with_an_exact_cited_span(built: Path) -> None:
    rows = json_lines(run("ask", "--json", *QUESTIONS))

    assert [r["question"] for r in rows] == list(QUESTIONS)
    expected = ("85%以上", "36所")
    for row, answer in zip(rows, expected, strict=True):
        assert row["found"] is True
        assert answer in row["answer"]
        citation = row["citation"]
        assert set(citation) >= CITATION_FIELDS
        cleaned = cleaned_text(built, citation["doc"])
        assert cleaned[citation["start"] : citation["end"]] == row["answer"]
        assert row["hits"]
        assert all(set(h) >= HIT_FIELDS for h in row["hits"])
    assert rows[1]["citation"]["year"] == 2019


def test_ask_json_says_not_found_with_null_answer_and_citation(built: Path) -> None:
    (row,) = json_lines(run("ask", "--json", "长沙市2021年中考招生政策是什么？"))

    assert row["found"] is False
    assert row["answer"] is None
    assert row["citation"] is None


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [("--year", "2019", "year"), ("--region", "平江县", "region")],
    ids=["year", "region"],
)
def test_filters_restrict_the_hits(built: Path, option: str, value: str, field: str) -> None:
    question = "新建学校和幼儿园"
    (everywhere,) = json_lines(run("search", "--json", question))
    (restricted,) = json_lines(run("search", "--json", option, value, question))

    assert {str(h[field]) for h in everywhere["hits"]} != {value}
    assert restricted["hits"]
    assert {str(h[field]) for h in restricted["hits"]} == {value}


# --- meta and eval ------------------------------------------------------------------------


def test_meta_correction_is_kept_in_a_sidecar_and_survives_a_rebuild(
    built: Path, corpus_dir: Path
) -> None:
    result = run("meta", "pingjiang", "--year", "2019")

    assert_ok(result)
    assert json.loads(result.stdout)["year"] == 2019
    sidecar = corpus_dir / "pingjiang.txt.meta.json"
    assert json.loads(sidecar.read_text(encoding="utf-8")) == {"year": 2019}
    pingjiang = next(d for d in docs_json() if d["doc"] == "pingjiang.txt")
    assert (pingjiang["year"], pingjiang["years"]) == (2019, [2019])

    assert_ok(run("build", "--rebuild"))

    assert sorted(doc_names()) == ["huaihua.txt", "pingjiang.txt"]  # the sidecar is no document
    pingjiang = next(d for d in docs_json() if d["doc"] == "pingjiang.txt")
    assert (pingjiang["year"], pingjiang["years"]) == (2019, [2019])
    (row,) = json_lines(run("search", "--json", "--year", "2019", "毛入园率"))
    assert "pingjiang.txt" in {h["doc"] for h in row["hits"]}


def test_meta_of_an_unknown_document_fails() -> None:
    (line,) = assert_refused(run("meta", "nosuch", "--year", "2019"))

    assert line.startswith("error: nosuch: ")


QA = [
    {"id": "t-1", "question": "平江县2016年三年学前教育毛入园率要达到多少？",
     "answers": ["85%以上"], "doc": "pingjiang.txt",
     "evidence": ["三年学前教育毛入园率达到85%以上"], "type": "number", "year": 2016,
     "region": "平江县"},
    {"id": "t-2", "question": "怀化市2019年新建改扩建学校多少所？", "answers": ["36所"],
     "doc": "huaihua.txt", "evidence": ["全市新建改扩建学校36所"], "type": "year_scoped",
     "year": 2019, "region": "怀化市"},
    {"id": "t-3", "question": "长沙市2021年中考招生政策是什么？", "answers": [], "doc": None,
     "evidence": [], "type": "unanswerable", "year": 2021, "region": "长沙市"},
]  # fmt: skip


def test_eval_prints_the_table_and_writes_the_report(
    built: Path, tmp_path: Path, backend: str
) -> None:
    qa = tmp_path / "tiny_qa.jsonl"
    qa.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QA), encoding="utf-8")
    out = tmp_path / "reports"

    result = run("eval", "--qa", qa, "--out", out)

    assert_ok(result)
    for column in ("R@1", "MRR@10", "AnsAcc", "UnansAcc", "overall", "unanswerable"):
        assert column in result.stdout
    assert f"2 plans · {backend}" in result.stdout
    name = "tiny_qa-hybrid.json" if backend == "faiss" else f"tiny_qa-hybrid-{backend}.json"
    report = json.loads((out / name).read_text(encoding="utf-8"))
    assert report["mode"] == "hybrid"
    assert report["overall"]["questions"] == 3
    assert report["overall"]["recall@5"] == 1.0
    assert report["overall"]["unanswerable_accuracy"] == 1.0
    assert [q["id"] for q in report["questions"]] == ["t-1", "t-2", "t-3"]


def test_eval_of_a_malformed_qa_file_names_the_line(built: Path, tmp_path: Path) -> None:
    qa = tmp_path / "bad_qa.jsonl"
    qa.write_text(json.dumps(QA[0], ensure_ascii=False) + "\n{not json\n", encoding="utf-8")

    (line,) = assert_refused(run("eval", "--qa", qa, "--out", tmp_path / "reports"))

    assert f"{qa}:2" in line


def test_unknown_mode_is_refused_with_the_valid_modes(built: Path) -> None:
    (line,) = assert_refused(run("search", "--mode", "fuzzy", "教育"))

    assert "dense, lexical, hybrid" in line


def test_copied_corpus_can_be_rebuilt_elsewhere_with_flags(built: Path, tmp_path: Path) -> None:
    other_corpus, other_index = tmp_path / "other-corpus", tmp_path / "other-index"
    shutil.copytree(tmp_path / "corpus", other_corpus)

    assert_ok(run("build", "--corpus", other_corpus, "--index", other_index))

    result = run("docs", "--json", "--index", other_index)
    assert_ok(result)
    assert [d["doc"] for d in json.loads(result.stdout)] == ["huaihua.txt", "pingjiang.txt"]
