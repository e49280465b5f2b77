"""Settings from the environment: paths, the model cache, threads, and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import load_settings
from index.backend import Backend
from ingest.errors import ConfigError


@pytest.mark.parametrize(
    ("env", "cache"),
    [
        ({"EDUQA_CACHE": "/data/models", "XDG_CACHE_HOME": "/xdg"}, Path("/data/models")),
        ({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"}, Path("/xdg/eduqa")),
        ({"HOME": "/home/u"}, Path("/home/u/.cache/eduqa")),
    ],
)
def test_model_cache_is_eduqa_cache_then_the_user_cache(env, cache):
    assert load_settings(env).model_cache == cache


def test_threads_follow_omp_num_threads_and_default_to_all_cores():
    assert load_settings({"OMP_NUM_THREADS": "1"}).threads == 1
    assert load_settings({}).threads == 0


def test_a_non_number_names_the_variable():
    with pytest.raises(ConfigError, match="OMP_NUM_THREADS"):
        load_settings({"OMP_NUM_THREADS": "two"})


def test_the_backend_is_faiss_unless_milvus_is_asked_for_with_its_uri_and_token():
    assert load_settings({}).backend == Backend()
    milvus = load_settings(
        {
            "EDUQA_BACKEND": "milvus",
            "EDUQA_MILVUS_URI": "http://milvus:19530",
            "EDUQA_MILVUS_TOKEN": "root:Milvus",
        }
    ).backend
    assert milvus == Backend("milvus", "http://milvus:19530", "root:Milvus")
    assert load_settings({"EDUQA_BACKEND": "milvus"}).backend == Backend("milvus")


def test_an_unknown_backend_lists_the_known_ones():
    with pytest.raises(ConfigError, match="EDUQA_BACKEND: must be one of faiss, milvus"):
        load_settings({"EDUQA_BACKEND": "elastic"})
