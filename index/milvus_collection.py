"""A passage as the Milvus collection holds it: the collection's fields, the BM25 function
and indexes over them, a passage's row, a scope's filter expression and a query's words."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from .backend import IndexedChunk
from .filters import Filters
from .lexical import tokenize, words

# HNSW: no training, so a collection serves 10 passages and a million alike; ef ≥ k
_HNSW = {"M": 16, "efConstruction": 128}
_BM25 = {"bm25_k1": 1.5, "bm25_b": 0.75}  # as the FAISS backend's BM25 (bm25s' defaults)
# the text field's analyzer: jieba in search mode, dictionary words only, as `lexical.tokenize`.
# The text is stored as its words with spaces between (`lexical.words`), so a jieba that
# ignores "hmm" (Milvus Lite's) cannot join characters into guessed words either.
_ANALYZER = {"tokenizer": {"type": "jieba", "mode": "search", "hmm": False}}


def expression(filters: Filters, last_vid: int) -> str:
    """The Milvus filter for a scope, within the ids a generation has committed."""
    parts = [f"vid <= {last_vid}"]
    if filters.years:
        parts.append(f"year in {list(filters.years)}")
    for field, values in (
        ("region", filters.regions),
        ("doc_type", filters.doc_types),
        ("doc_id", filters.doc_ids),
    ):
        if values:
            parts.append(f"{field} in [{', '.join(_quoted(v) for v in values)}]")
    if filters.provinces:
        # an empty name matches no province (as `filters.document_passes` has it)
        named = [f"province like {_quoted(p + '%')}" for p in filters.provinces if p]
        parts.append(f"({' or '.join(named)})" if named else "vid < 0")
    return " and ".join(parts)


def query_text(tokens: Sequence[str]) -> str:
    """The query words for Milvus's analyser: each word it keeps whole, once.

    Search mode also cuts a compound into its parts (学前教育 → 学前, 教育, 学前教育), so a part
    sent beside its compound would count twice; it is left out, as is a word the analyser would
    cut into other words (a question word no passage uses, which eduqa's BM25 cannot match).
    The parts a compound brings only widen the shortlist: candidates are scored afterwards with
    exactly the query's tokens.
    """
    whole = [t for t in dict.fromkeys(tokens) if t in tokenize(t)]
    parts = {part for word in whole for part in tokenize(word) if part != word}
    return " ".join(w for w in whole if w not in parts)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def row(passage: IndexedChunk, vector: np.ndarray) -> dict:
    return {
        "vid": passage.vid,
        "text": " ".join(words(passage.text)),
        "vector": np.asarray(vector, dtype=np.float32).tolist(),
        "doc_id": passage.doc_id,
        "year": passage.year if passage.year is not None else -1,
        "region": passage.region or "",
        "province": passage.province or "",
        "doc_type": passage.doc_type or "",
        "section": passage.section,
        "start": passage.start,
        "end": passage.end,
    }


def schema(client: Any, dim: int) -> Any:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("vid", DataType.INT64, is_primary=True)
    schema.add_field(
        "text", DataType.VARCHAR, max_length=65_535, enable_analyzer=True, analyzer_params=_ANALYZER
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=64)
    schema.add_field("year", DataType.INT64)  # the passage's year; -1 unknown
    for field in ("region", "province", "doc_type"):
        schema.add_field(field, DataType.VARCHAR, max_length=256)
    # eduqa reads these from its store; they are here for whoever queries the collection
    schema.add_field("section", DataType.VARCHAR, max_length=8_192)
    schema.add_field("start", DataType.INT64)  # chars into the cleaned document text
    schema.add_field("end", DataType.INT64)
    schema.add_function(
        Function(
            name="bm25",
            function_type=FunctionType.BM25,
            input_field_names=["text"],
            output_field_names=["sparse"],
        )
    )
    return schema


def index_params(client: Any) -> Any:
    params = client.prepare_index_params()
    params.add_index("vector", index_type="HNSW", metric_type="IP", params=_HNSW)
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=_BM25)
    return params
