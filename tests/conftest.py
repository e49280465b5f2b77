"""Shared fixtures: no test touches the real index or corpus; the real index is built once."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"
DEV_QA = ROOT / "evals" / "qa_dev.jsonl"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model cache per test run: e5's graph is converted once, never into the user's."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> None:
    """Point EDUQA_INDEX / EDUQA_CORPUS at temp dirs so a test never writes the real ones."""
    monkeypatch.setenv("EDUQA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("EDUQA_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("EDUQA_CACHE", str(model_cache))
    for name in (
        "EDUQA_MODEL",
        "EDUQA_DEBUG",
        "EDUQA_BACKEND",
        "EDUQA_MILVUS_URI",
        "EDUQA_MILVUS_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Milvus server for the test run (Milvus Lite's own server, on a free local port):
    the http path a cluster takes, and one several processes can share."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path_factory.mktemp("milvus")
    server = subprocess.Popen(
        [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data / "db"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=(data / "server.log").open("w"),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (data / "server.log").read_text()
            with socket.socket() as conn:
                if conn.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "the Milvus Lite server did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def e5(model_cache: Path):
    """The real default embedder, loaded once per test run."""
    from index.embedders import load_embedder

    return load_embedder(cache_dir=model_cache)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, e5):
    """Settings of a real index of the five seed plans, built once per test run (≈40 s)."""
    from app.corpus import build
    from app.settings import Settings

    base = tmp_path_factory.mktemp("seed")
    corpus = base / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = Settings(index_dir=base / "index", corpus_dir=corpus)
    report = build(settings, e5)
    assert not report.refused, report.refused
    return settings


@pytest.fixture(scope="session")
def seed_engine(seed_index, e5):
    """An engine on the seed index (read-only: tests must not write through it)."""
    from app.engine import Engine

    engine = Engine.open(seed_index, e5)
    yield engine
    engine.close()
