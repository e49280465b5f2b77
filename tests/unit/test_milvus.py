"""The Milvus backend with a fake embedder: it finds what FAISS finds under every filter, it
repairs what a crashed writer left, migrations keep everything, and missing pieces say so."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.lexicon import load_lexicon
from app.query import analyse
from index import milvus
from index.backend import Backend
from index.errors import IndexMismatchError, MilvusUnavailableError
from index.filters import Filters
from index.generations import live_manifest
from index.lexical import tokenize
from index.reader import Index
from index.writer import IndexWriter
from ingest.chunking import ChunkSettings
from ingest.errors import ConfigError
from ingest.pipeline import read_document
from ingest.types import Document
from tests.fakes import FakeEmbedder
from tests.sample_plans import CHONGYANG, HUAIHUA, PINGJIANG

SETTINGS = ChunkSettings()
PLANS = {"pingjiang.txt": PINGJIANG, "huaihua.txt": HUAIHUA, "chongyang.txt": CHONGYANG}
QUERY = FakeEmbedder().embed_query(["2020年教师招聘和学前教育"])[0]
TOKENS = tokenize("教师招聘 学前教育 校长 培训 幼儿园")
EVERYTHING = 10_000  # k larger than any test index, so candidates are every match in scope


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Document]:
    source = tmp_path_factory.mktemp("plans")
    documents = {}
    for name, text in PLANS.items():
        (source / name).write_text(text, encoding="utf-8")
        documents[name] = read_document(source / name, SETTINGS)
    return documents


def write(
    root: Path, backend: Backend, *docs: Document, remove: tuple[str, ...] = (), **options
) -> None:
    with IndexWriter(root, FakeEmbedder(), SETTINGS, backend=backend, **options) as writer:
        for doc in docs:
            writer.add(doc)
        for name in remove:
            writer.remove(name)
        writer.commit()


def in_milvus(index: Index) -> set[int]:
    client = milvus.client_for(index.backend, index.root)
    rows = client.query(index.manifest.collection, filter="vid >= 0", output_fields=["vid"])
    return {r["vid"] for r in rows}


def holds_only_the_live_passages(root: Path, backend: Backend) -> bool:
    """Whether Milvus holds exactly the passages of the live generation (nothing left over)."""
    index = Index.open(root, FakeEmbedder.name, backend)
    try:
        return in_milvus(index) == set(index.vids.tolist())
    finally:
        index.close()


def found(
    index: Index, filters: Filters | None = None
) -> tuple[dict[int, float], dict[int, float]]:
    """Every passage in scope by vid: (dense scores, BM25 scores of those BM25 matches)."""
    got = index.candidates(QUERY, TOKENS, EVERYTHING, filters or Filters())
    vids = index.vids[got.rows]
    dense = {int(v): float(s) for v, s in zip(vids, got.dense, strict=True) if not np.isnan(s)}
    lexical = {int(v): float(s) for v, s in zip(vids, got.lexical, strict=True) if s > 0}
    return dense, lexical


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory, plans: dict[str, Document], milvus_uri: str
) -> Iterator[tuple[Index, Index]]:
    """The three plans on FAISS and on Milvus, the same passages under the same ids."""
    base = tmp_path_factory.mktemp("both")
    faiss_root, milvus_root = base / "faiss", base / "milvus"
    write(faiss_root, Backend(), *plans.values())
    write(milvus_root, Backend("milvus", milvus_uri), *plans.values())
    indexes = (
        Index.open(faiss_root, FakeEmbedder.name),
        Index.open(milvus_root, FakeEmbedder.name, Backend("milvus", milvus_uri)),
    )
    yield indexes
    for index in indexes:
        index.close()


FILTERS = {
    "none": Filters(),
    "year": Filters(years=(2020,)),
    "two-years": Filters(years=(2016, 2019)),
    "region": Filters(regions=("崇阳县",)),
    "province-short-name": Filters(provinces=("湖南",)),
    "two-provinces": Filters(provinces=("湖南", "湖北省")),
    "doc-type": Filters(doc_types=("工作要点",)),
    "year-and-region": Filters(years=(2020,), regions=("怀化市",)),
    "nothing": Filters(years=(2018,)),
}


@pytest.mark.parametrize("filters", list(FILTERS.values()), ids=list(FILTERS))
def test_milvus_finds_the_passages_faiss_finds_under_every_filter(
    both: tuple[Index, Index], filters: Filters
) -> None:
    on_faiss, on_milvus = both
    assert np.array_equal(on_faiss.vids, on_milvus.vids)

    faiss_dense, faiss_lexical = found(on_faiss, filters)
    milvus_dense, milvus_lexical = found(on_milvus, filters)

    in_scope = set(on_faiss.vids[on_faiss.mask(filters)].tolist())
    assert set(faiss_dense) == set(milvus_dense) == in_scope
    for vid, score in faiss_dense.items():
        assert milvus_dense[vid] == pytest.approx(score, abs=1e-5)
    assert set(faiss_lexical) == set(milvus_lexical)


def test_bm25_scores_are_on_the_faiss_backends_scale(both: tuple[Index, Index]) -> None:
    faiss_lexical = found(both[0])[1]
    milvus_lexical = found(both[1])[1]

    assert faiss_lexical
    for vid, score in faiss_lexical.items():
        assert milvus_lexical[vid] == pytest.approx(score, rel=1e-4)


QUESTIONS = {
    "chinese": "平江县2016年三年学前教育毛入园率要达到多少？",
    "compounds-alone": "义务教育巩固率",
    "english": "What is the compulsory education retention rate?",
    "words-no-plan-uses": "师生比是多少",
}


@pytest.mark.parametrize("question", list(QUESTIONS.values()), ids=list(QUESTIONS))
def test_milvus_bm25_alone_ranks_the_top_passages_as_faiss_does(
    both: tuple[Index, Index], question: str
) -> None:
    on_faiss, on_milvus = both
    asked = analyse(question, (), on_faiss, load_lexicon())
    tokens = asked.terms or tuple(tokenize(question))

    def top(index: Index) -> list[tuple[int, float]]:
        got = index.candidates(None, tokens, 5, Filters())
        order = np.lexsort((got.rows, -got.lexical))
        return [(int(index.vids[got.rows[i]]), round(float(got.lexical[i]), 4)) for i in order]

    assert top(on_milvus) == top(on_faiss)
    assert question == QUESTIONS["words-no-plan-uses"] or top(on_faiss)


def test_a_negative_inner_product_stays_negative(both: tuple[Index, Index]) -> None:
    away = -QUERY  # the fake vectors are non-negative, so this is far from every passage

    scores = [index.candidates(away, [], 3, Filters()).dense for index in both]

    assert (scores[0] < 0).all()
    assert np.sort(scores[1]) == pytest.approx(np.sort(scores[0]), abs=1e-5)


@pytest.fixture
def backend(milvus_uri: str) -> Backend:
    return Backend("milvus", milvus_uri)


def test_passages_a_crashed_write_left_in_milvus_are_never_found_and_go_on_the_next_write(
    tmp_path, backend, plans, monkeypatch
) -> None:
    root = tmp_path / "index"
    write(root, backend, plans["pingjiang.txt"])
    monkeypatch.setattr(milvus, "_BATCH", 1)  # each passage reaches Milvus as it is added

    with (
        pytest.raises(RuntimeError, match="crash"),
        IndexWriter(root, FakeEmbedder(), SETTINGS, backend=backend) as writer,
    ):
        writer.add(plans["huaihua.txt"])
        raise RuntimeError("crash")

    index = Index.open(root, FakeEmbedder.name, backend)
    assert in_milvus(index) > set(index.vids.tolist())  # the crashed write's passages
    live = len(index.vids)
    assert len(index.candidates(QUERY, [], live, Filters()).rows) == live  # none crowd in
    index.close()
    write(root, backend, plans["chongyang.txt"])
    assert holds_only_the_live_passages(root, backend)
    names = [d.file_name for d in live_manifest(root).documents]
    assert names == ["chongyang.txt", "pingjiang.txt"]


def test_deletions_a_crash_at_the_switch_skipped_are_made_on_the_next_write(
    tmp_path, backend, plans, monkeypatch
) -> None:
    root = tmp_path / "index"
    write(root, backend, plans["pingjiang.txt"], plans["huaihua.txt"])
    with monkeypatch.context() as patched:
        patched.setattr(milvus.MilvusWriter, "committed", lambda self, root: None)
        write(root, backend, remove=("huaihua.txt",))

    index = Index.open(root, FakeEmbedder.name, backend)
    assert in_milvus(index) > set(index.vids.tolist())  # huaihua's passages still there
    live = len(index.vids)
    assert len(index.candidates(QUERY, [], live, Filters()).rows) == live  # none crowd in
    index.close()
    write(root, backend, plans["chongyang.txt"])
    assert holds_only_the_live_passages(root, backend)


def test_a_rebuild_fills_a_new_collection_and_the_old_goes_with_its_last_generation(
    tmp_path, backend, plans
) -> None:
    root = tmp_path / "index"
    write(root, backend, plans["pingjiang.txt"])
    first = live_manifest(root).collection
    client = milvus.client_for(backend, root)

    write(root, backend, plans["huaihua.txt"], rebuild=True)
    second = live_manifest(root).collection
    assert second != first
    assert {first, second} <= set(client.list_collections())  # a reader may hold the first
    write(root, backend, plans["chongyang.txt"])
    write(root, backend, remove=("chongyang.txt",))

    assert first not in client.list_collections()
    assert [d.file_name for d in live_manifest(root).documents] == ["huaihua.txt"]
    assert holds_only_the_live_passages(root, backend)


def test_migrating_there_and_back_keeps_every_document_and_finds_the_same(
    tmp_path, backend, plans
) -> None:
    root = tmp_path / "index"
    write(root, Backend(), *plans.values())
    before = Index.open(root, FakeEmbedder.name)
    expected = ([d.file_name for d in before.documents()], before.vids.tolist(), found(before))
    before.close()

    write(root, backend, migrate=True)
    moved = Index.open(root, FakeEmbedder.name, backend)
    assert moved.manifest.backend == "milvus"
    assert [d.file_name for d in moved.documents()] == expected[0]
    assert moved.vids.tolist() == expected[1]
    assert in_milvus(moved) == set(expected[1])
    assert found(moved)[0] == pytest.approx(expected[2][0], abs=1e-5)
    moved.close()

    write(root, Backend(milvus_uri=backend.milvus_uri), migrate=True)
    assert moved.manifest.collection not in milvus.client_for(backend, root).list_collections()
    back = Index.open(root, FakeEmbedder.name)
    assert [d.file_name for d in back.documents()] == expected[0]
    dense, lexical = found(back)
    assert dense == pytest.approx(expected[2][0], abs=1e-5)
    assert lexical == pytest.approx(expected[2][1], abs=1e-5)
    back.close()


def test_an_index_opened_on_a_milvus_without_its_collection_says_so(
    tmp_path, backend, plans
) -> None:
    root = tmp_path / "index"
    write(root, backend, plans["pingjiang.txt"])
    collection = live_manifest(root).collection
    milvus.client_for(backend, root).drop_collection(collection)

    with pytest.raises(IndexMismatchError, match=f"'{collection}'.*EDUQA_MILVUS_URI"):
        Index.open(root, FakeEmbedder.name, backend)
    with pytest.raises(IndexMismatchError, match="EDUQA_MILVUS_URI"):
        write(root, backend, plans["huaihua.txt"])


def test_an_index_on_one_backend_opened_for_the_other_says_to_migrate(
    tmp_path, backend, plans
) -> None:
    root = tmp_path / "index"
    write(root, Backend(), plans["pingjiang.txt"])

    with pytest.raises(IndexMismatchError, match="eduqa migrate"):
        Index.open(root, FakeEmbedder.name, backend)
    with pytest.raises(IndexMismatchError, match="EDUQA_BACKEND=faiss"):
        write(root, backend, plans["huaihua.txt"])


def test_an_unreachable_milvus_is_named_in_one_line(tmp_path) -> None:
    uri = "http://127.0.0.1:9"  # discard port: nothing answers

    with pytest.raises(MilvusUnavailableError) as caught:
        milvus.client_for(Backend("milvus", uri), tmp_path)

    message = str(caught.value)
    assert message.startswith(uri) and "cannot reach Milvus" in message
    assert "\n" not in message


def test_milvus_without_pymilvus_names_the_extra(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pymilvus", None)

    with pytest.raises(ConfigError, match=r"eduqa\[milvus\]"):
        milvus.client_for(Backend("milvus"), tmp_path)


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pymilvus import MilvusClient
    MilvusClient(sys.argv[1])
    print("open", flush=True)
    time.sleep(60)
    """
)


def test_a_lite_file_another_process_holds_is_refused_with_the_reason(tmp_path) -> None:
    path = tmp_path / "index" / milvus.LITE_FILE
    path.parent.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(MilvusUnavailableError, match="another process") as caught:
            milvus.client_for(Backend("milvus"), tmp_path / "index")
        assert str(caught.value).startswith(str(path.resolve()))
        assert "EDUQA_MILVUS_URI" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
