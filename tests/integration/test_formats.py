"""The seed plans as PDF, DOCX and GB18030 text read, describe and score like the UTF-8 originals.

The held-out evaluation hands over some seed plans in those formats (same content, other
extension), so cleaning, metadata and chunking must not depend on the format. The per-file checks
need no model; one real build of a mixed-format corpus checks the metrics end to end.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

from app.corpus import build
from app.engine import Engine
from app.evaluate import evaluate, load_qa, normalise
from app.settings import Settings
from ingest.chunking import ChunkSettings
from ingest.pipeline import read_document
from ingest.types import Document
from tests.conftest import DEV_QA, SEED_CORPUS
from tests.formats import FORMATS, convert_seed

pytestmark = pytest.mark.integration

SEEDS = tuple(sorted(SEED_CORPUS.glob("*.txt")))
META_FIELDS = ("title", "year", "years", "region", "province", "doc_type", "issuer", "published")
# The mixed corpus of the end-to-end check: seed number -> format; the rest stay UTF-8 text.
MIXED = {"000": "pdf", "003": "docx", "004": "gb18030"}
COMPARED_METRICS = ("recall@5", "mrr@10", "answer_accuracy")
METRIC_TOLERANCE = 0.05
# Share of passages that may differ: a PDF's wrapped lines may rejoin a little differently.
PASSAGE_TOLERANCE = 0.1

# (check, seed number, format) → why that case is a known failure (none at present)
KNOWN_PROBLEMS: dict[tuple[str, str, str], str] = {}


def _cases(check: str) -> list:
    """(seed, format) for every seed and format; known library problems as strict xfails."""
    cases = []
    for seed in SEEDS:
        for fmt in FORMATS:
            reason = KNOWN_PROBLEMS.get((check, seed.name[:3], fmt))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(seed, fmt, id=f"{seed.name[:3]}-{fmt}", marks=marks))
    return cases


@cache
def _txt_document(seed: Path) -> Document:
    return read_document(seed, ChunkSettings())


def _converted_document(seed: Path, fmt: str, directory: Path) -> Document:
    return read_document(convert_seed(seed, directory, fmt), ChunkSettings())


def _dev_evidence(seed: Path) -> list[str]:
    """Dev evidence from `seed`: a cross-document item's evidence only where the txt holds it."""
    txt = normalise(_txt_document(seed).text)
    evidence = []
    for item in load_qa(DEV_QA):
        if seed.name not in item.docs:
            continue
        single = len(item.docs) == 1
        evidence += [e for e in item.evidence if single or normalise(e) in txt]
    return evidence


def _passages(document: Document) -> set[tuple[str, tuple[str, ...]]]:
    return {(normalise(chunk.text), chunk.section) for chunk in document.chunks}


@pytest.mark.parametrize(("seed", "fmt"), _cases("metadata"))
def test_converted_seed_has_the_metadata_of_its_txt(seed: Path, fmt: str, tmp_path: Path) -> None:
    expected = _txt_document(seed).meta
    got = _converted_document(seed, fmt, tmp_path).meta
    differences = {
        name: (getattr(expected, name), getattr(got, name))
        for name in META_FIELDS
        if getattr(expected, name) != getattr(got, name)
    }
    assert differences == {}, f"field: (txt, {fmt})"


@pytest.mark.parametrize(("seed", "fmt"), _cases("evidence"))
def test_every_dev_evidence_survives_cleaning_of_the_converted_seed(
    seed: Path, fmt: str, tmp_path: Path
) -> None:
    evidence = _dev_evidence(seed)
    assert evidence, f"no dev evidence for {seed.name}"
    cleaned = normalise(_converted_document(seed, fmt, tmp_path).text)
    missing = [e for e in evidence if normalise(e) not in cleaned]
    assert missing == []


@pytest.mark.parametrize(("seed", "fmt"), _cases("passages"))
def test_converted_seed_is_cut_into_the_passages_of_its_txt(
    seed: Path, fmt: str, tmp_path: Path
) -> None:
    expected = _passages(_txt_document(seed))
    got = _passages(_converted_document(seed, fmt, tmp_path))
    lost, new = expected - got, got - expected
    assert len(lost) <= PASSAGE_TOLERANCE * len(expected), sorted(lost)[:5]
    assert len(new) <= PASSAGE_TOLERANCE * len(got), sorted(new)[:5]


# --- one real build of a mixed-format corpus --------------------------------------------------


def _rename_docs(doc: str | list[str] | None, names: dict[str, str]) -> str | list[str] | None:
    if isinstance(doc, list):
        return [names.get(name, name) for name in doc]
    return names.get(doc, doc) if doc else doc


@pytest.fixture(scope="session")
def mixed_corpus(
    tmp_path_factory: pytest.TempPathFactory, e5, seed_index: Settings
) -> tuple[Engine, Path]:
    """An engine on the seeds with 000 as PDF, 003 as DOCX, 004 as GB18030, and its QA set.

    It starts from a copy of the txt seed index, as a user replacing files would: renamed
    documents are no duplicates, and passages whose text is unchanged are not embedded again.
    """
    base = tmp_path_factory.mktemp("mixed")
    corpus = base / "corpus"
    corpus.mkdir()
    names = {}
    for seed in SEEDS:
        fmt = MIXED.get(seed.name[:3])
        path = convert_seed(seed, corpus, fmt) if fmt else Path(shutil.copy(seed, corpus))
        names[seed.name] = path.name
    assert sorted(p.suffix for p in corpus.iterdir()) == [".docx", ".pdf", ".txt", ".txt", ".txt"]
    qa = base / "qa_mixed.jsonl"
    lines = []
    for line in DEV_QA.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            item["doc"] = _rename_docs(item.get("doc"), names)
            lines.append(json.dumps(item, ensure_ascii=False))
    qa.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(index_dir=base / "index", corpus_dir=corpus)
    shutil.copytree(seed_index.index_dir, settings.index_dir)
    report = build(settings, e5)
    assert not report.refused, report.refused
    engine = Engine.open(settings, e5)
    yield engine, qa
    engine.close()


def test_mixed_format_corpus_scores_like_the_txt_seeds(seed_engine, mixed_corpus) -> None:
    engine, qa = mixed_corpus
    txt = evaluate(seed_engine, DEV_QA, "hybrid")
    mixed = evaluate(engine, qa, "hybrid")
    print("\ntxt seeds:", json.dumps(txt.overall))
    print("mixed formats (000 pdf, 003 docx, 004 gb18030):", json.dumps(mixed.overall))
    print("missed txt:", json.dumps(txt.missed), "\nmissed mixed:", json.dumps(mixed.missed))
    for name in COMPARED_METRICS:
        assert mixed.overall[name] == pytest.approx(txt.overall[name], abs=METRIC_TOLERANCE), name
