"""FAISS layouts by size: exact below the line, IVF above, the same answers through one API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import vectors as vectors_module
from index.vectors import VectorIndex, layout_for


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors around 50 topics, as passage embeddings are."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    rows = centres[rng.integers(0, 50, n)] + 0.3 * rng.normal(size=(n, dim))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize(
    ("size", "current", "trained", "wanted"),
    [
        (1_000, "flat", 0, "flat"),
        (50_000, "flat", 0, "flat"),
        (1_000_000, "flat", 0, "ivf1024"),
        (40_000, "ivf256", 100_000, "ivf256"),  # shrinking a little keeps the lists
        (20_000, "ivf256", 100_000, "flat"),  # well below the line: exact again
        (500_000, "ivf256", 100_000, "ivf512"),  # grown past its training: retrain
    ],
)
def test_layout_follows_the_corpus_size(size, current, trained, wanted) -> None:
    assert layout_for(size, current, trained) == wanted


@pytest.fixture
def pair() -> tuple[VectorIndex, VectorIndex, np.ndarray, np.ndarray]:
    rows = _clustered(6_000)
    vids = np.arange(100, 100 + len(rows), dtype=np.int64)
    flat = VectorIndex.with_layout("flat", vids, rows)
    ivf = VectorIndex.with_layout("ivf64", vids, rows)
    return flat, ivf, vids, rows


def test_ivf_finds_what_exact_search_finds(pair) -> None:
    flat, ivf, _, rows = pair
    queries = _clustered(50, seed=1)
    overlap = []
    for q in queries:
        exact, _ = flat.search(q, 10)
        approx, scores = ivf.search(q, 10)
        assert list(scores) == sorted(scores, reverse=True)
        overlap.append(len(set(exact) & set(approx)) / 10)
    assert np.mean(overlap) >= 0.95


def test_a_filter_returns_only_allowed_ids_and_the_best_of_them(pair) -> None:
    flat, ivf, vids, _ = pair
    q = _clustered(1, seed=2)[0]
    few = vids[::300]  # 20 allowed rows: scored exactly
    many = vids[::2]  # 3000 allowed rows: searched through the selector
    for allowed in (few, many):
        exact, _ = flat.search(q, 5, allowed)
        found, _ = ivf.search(q, 5, allowed)
        assert set(found) <= set(allowed) and len(found) == 5
        assert found[0] == exact[0]


@pytest.mark.parametrize("allowed_slice", [slice(0, 40), slice(0, 3000, 7), slice(-40, None)])
def test_the_id_selector_never_lets_other_ids_through(pair, monkeypatch, allowed_slice) -> None:
    monkeypatch.setattr(vectors_module, "_EXACT_SUBSET", 0)  # always through the selector
    flat, ivf, vids, _ = pair
    allowed = vids[allowed_slice]
    for index in (flat, ivf):
        for q in _clustered(20, seed=3):
            found, _ = index.search(q, 10, allowed)
            assert set(found.tolist()) <= set(allowed.tolist()) and len(found) == 10


def test_removed_vectors_are_gone_and_the_rest_survive_a_save(pair, tmp_path: Path) -> None:
    _, ivf, vids, rows = pair
    ivf.remove(vids[:10])
    path = tmp_path / "v.faiss"
    ivf.save(path)
    loaded = VectorIndex.load(path, ivf.layout, ivf.trained)

    assert loaded.size == len(vids) - 10
    stored_ids, stored = loaded.all_vectors()
    assert set(stored_ids) == set(vids[10:])
    np.testing.assert_allclose(loaded.vectors(vids[10:13]), rows[10:13], atol=1e-6)
    assert not set(loaded.search(rows[0], 5)[0]) & set(vids[:10])


def test_the_writer_moves_to_ivf_when_the_corpus_grows_past_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.filters import Filters
    from index.reader import Index
    from index.writer import IndexWriter
    from ingest.chunking import ChunkSettings
    from ingest.pipeline import read_document
    from tests.fakes import FakeEmbedder
    from tests.sample_plans import HUAIHUA, PINGJIANG

    docs = []
    for name, text in (("pingjiang.txt", PINGJIANG), ("huaihua.txt", HUAIHUA)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        docs.append(read_document(tmp_path / name, ChunkSettings()))
    kept = len(docs[0].chunks)
    monkeypatch.setattr(vectors_module, "FLAT_LIMIT", kept)  # both plans are past the line
    monkeypatch.setattr(vectors_module, "_SHRINK_LIMIT", kept + 1)  # one plan is well below
    root = tmp_path / "index"
    with IndexWriter(root, FakeEmbedder(), ChunkSettings()) as writer:
        for doc in docs:
            writer.add(doc)
        writer.commit()

    index = Index.open(root)
    size = sum(len(d.chunks) for d in docs)
    assert index.manifest.vectors == layout_for(size) != "flat"
    assert index.passages.vectors.size == size
    query = FakeEmbedder().embed_query([docs[0].chunks[0].text])[0]
    found = index.candidates(query, [], 3, Filters())
    best = found.rows[np.nanargmax(found.dense)]
    assert index.rows([best])[0].chunk.chunk_id == docs[0].chunks[0].chunk_id
    index.close()

    with IndexWriter(root, FakeEmbedder(), ChunkSettings()) as writer:
        writer.remove("huaihua.txt")
        writer.commit()
    index = Index.open(root)
    assert index.manifest.vectors == "flat"
    assert index.passages.vectors.size == kept
    index.close()
