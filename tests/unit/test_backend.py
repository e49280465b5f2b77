"""The FAISS/BM25/SQLite index implements the read interface `app/` is written against."""

from __future__ import annotations

import inspect

from index.backend import SearchIndex
from index.reader import Index


def test_index_has_every_method_of_the_interface_with_its_parameters() -> None:
    methods = {
        name: member
        for name, member in inspect.getmembers(SearchIndex, inspect.isfunction)
        if not name.startswith("_")
    }
    assert len(methods) >= 15
    for name, protocol_method in methods.items():
        ours = getattr(Index, name)
        wanted = list(inspect.signature(protocol_method).parameters)
        assert list(inspect.signature(ours).parameters) == wanted, name
    assert {"generation", "manifest", "row_doc"} <= set(SearchIndex.__annotations__)
