"""Search scope from the question, on a small index with a fake embedder."""

from __future__ import annotations

import pytest

from app.engine import Engine
from app.search import search
from app.settings import Settings
from index.writer import IndexWriter
from ingest.chunking import ChunkSettings, chunk_text
from ingest.pipeline import content_id
from ingest.types import Document, DocumentMeta
from tests.fakes import FakeEmbedder

PLANS = {
    "a.txt": ("新田县2020年教育工作要点\n1、招录义务段教师150人。", None, 2020),
    "b.txt": ("崇阳县2020年教育工作要点\n1、招录义务段教师200人。", "崇阳县", 2020),
    "c.txt": ("崇阳县2021年教育工作要点\n1、招录义务段教师180人。", "崇阳县", 2021),
}


@pytest.fixture
def engine(tmp_path) -> Engine:
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus")
    embedder = FakeEmbedder()
    with IndexWriter(settings.index_dir, embedder, ChunkSettings()) as writer:
        for name, (text, region, year) in PLANS.items():
            meta = DocumentMeta(text.split("\n")[0], year, (year,), region, None, "工作要点",
                                None, None)  # fmt: skip
            doc_id = content_id(text)
            chunks = chunk_text(doc_id, text, meta, ChunkSettings())
            writer.add(Document(doc_id, name, text, meta, "txt", chunks))
        writer.commit()
    return Engine.open(settings, embedder)


def test_year_and_region_of_the_question_select_the_plan(engine):
    result = search(engine, "崇阳县2021年招录多少名义务段教师？")
    assert result.in_scope and {h.doc for h in result.hits} == {"c.txt"}


def test_a_place_only_the_title_names_still_selects_its_plan(engine):
    result = search(engine, "新田县2020年招录多少名义务段教师？")
    assert result.in_scope and {h.doc for h in result.hits} == {"a.txt"}


def test_a_place_no_plan_names_is_out_of_scope_but_shows_nearest_passages(engine):
    result = search(engine, "长沙市2020年招录多少名义务段教师？")
    assert not result.in_scope and result.hits


def test_a_year_without_a_plan_is_out_of_scope(engine):
    result = search(engine, "崇阳县2018年招录多少名义务段教师？")
    assert not result.in_scope


def test_dropping_the_question_scope_searches_everything(engine):
    result = search(engine, "崇阳县2021年招录多少名义务段教师？", question_scope=False)
    assert result.in_scope and {h.doc for h in result.hits} == {"a.txt", "b.txt", "c.txt"}
