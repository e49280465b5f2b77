"""The segmented BM25 index scores exactly as a fresh bm25s index of the live passages does."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np
import pytest

from index import lexical
from index.lexical import LexicalIndex, tokenize
from tests.conftest import SEED_CORPUS

QUERIES = ["教师招聘", "学前教育 普惠 幼儿园", "消除大班额", "的 的 教育", "无此词汇xyz"]


@pytest.fixture(scope="module")
def passages() -> list[list[str]]:
    """Token lists of the seed plans' lines (~300 passages with a real vocabulary)."""
    lines = []
    for path in sorted(SEED_CORPUS.glob("*.txt")):
        lines += [tokenize(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [tokens for tokens in lines if tokens]


def reference_scores(token_lists: list[list[str]], query: str) -> np.ndarray:
    model = bm25s.BM25()
    model.index(token_lists, show_progress=False)
    known = [t for t in tokenize(query) if t in model.vocab_dict]
    if not known:
        return np.zeros(len(token_lists), dtype=np.float32)
    return model.get_scores(known)


def written_in_parts(token_lists, parts: int, removed: set[int] = frozenset()) -> LexicalIndex:
    """Passages added over `parts` writes (vids 0..n-1), then the `removed` vids dropped."""
    index = LexicalIndex.empty()
    for chunk in np.array_split(np.arange(len(token_lists)), parts):
        index = index.with_passages(chunk.tolist(), [token_lists[i] for i in chunk])
    live = np.array([v for v in range(len(token_lists)) if v not in removed], dtype=np.int64)
    return index.with_live(live).with_passages([], [])


@pytest.mark.parametrize("query", QUERIES)
def test_one_segment_scores_equal_bm25s(passages, query):
    index = LexicalIndex.empty().with_passages(list(range(len(passages))), passages)
    assert np.allclose(index.scores(tokenize(query)), reference_scores(passages, query), atol=1e-5)


@pytest.mark.parametrize("parts", [2, 5, lexical.MAX_SEGMENTS + 4])
def test_many_writes_and_removals_score_like_a_fresh_index_of_the_live_passages(passages, parts):
    removed = set(range(0, len(passages), 7)) | set(range(40, 120))
    index = written_in_parts(passages, parts, removed)
    kept = [p for v, p in enumerate(passages) if v not in removed]
    assert index.size == len(kept)
    assert len(index._segments) <= lexical.MAX_SEGMENTS
    for query in QUERIES:
        assert np.allclose(index.scores(tokenize(query)), reference_scores(kept, query), atol=1e-5)


def test_a_mostly_removed_segment_is_rewritten_without_its_dead_rows(passages):
    index = written_in_parts(passages, 2, removed=set(range(len(passages) // 2 - 5)))
    first = index._segments[0]
    assert len(first.vids) == int(index._live[0].sum())  # no dead rows kept


def test_known_and_idf_see_only_live_passages():
    index = LexicalIndex.empty().with_passages([1, 2], [["教师", "招聘"], ["教师", "幼儿园"]])
    assert index.known("招聘") and not index.known("高中")
    assert not index.with_live(np.array([2])).known("招聘")
    rare, common, unseen = index.idf(["招聘", "教师", "高中"])
    assert unseen > rare > common


def test_saved_index_loads_with_the_same_scores(passages, tmp_path: Path):
    index = written_in_parts(passages, 3, removed={5, 6, 7})
    index.save(tmp_path / "lexical")
    live = np.array([v for v in range(len(passages)) if v not in {5, 6, 7}], dtype=np.int64)
    loaded = LexicalIndex.load(tmp_path / "lexical", live)
    for query in QUERIES:
        assert np.array_equal(loaded.scores(tokenize(query)), index.scores(tokenize(query)))


def test_an_empty_index_scores_nothing(tmp_path: Path):
    index = LexicalIndex.load(tmp_path / "missing", np.zeros(0, dtype=np.int64))
    assert index.size == 0 and len(index.scores(["教师"])) == 0
    assert not index.known("教师")


def test_an_index_treats_words_added_after_it_as_unseen():
    before = LexicalIndex.empty().with_passages([1], [["教师"]])
    after = before.with_passages([2], [["教师", "高中"]])
    assert after.known("高中") and not before.known("高中")
    assert before.idf(["高中"])[0] == before.idf(["从未出现"])[0]
    assert len(before.scores(["高中", "教师"])) == 1
