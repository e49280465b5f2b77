"""eduqa's search as a LangChain retriever, so it plugs into LangChain chains.

Each LangChain `Document` is a cited passage: `page_content` is the passage text and `metadata`
carries the citation (doc, title, year, region, section, start, end) and the score. With a
`history` of earlier questions, a follow-up ("那2021年呢？") is searched as the standalone
question it asks (`app/followup.py`), named in each document's `understood_as`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.filters import Filters

from .followup import converse, understand
from .search import search


class EduqaRetriever(BaseRetriever):
    """Hybrid eduqa search within the scope a question names (or fixed `filters`)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any  # an app.engine.Engine (pydantic cannot build a schema for its Protocol field)
    k: int = 10
    mode: str = "hybrid"
    filters: Any = Filters()  # an index.filters.Filters
    history: list[str] = []  # the conversation's earlier questions, oldest first

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        options = {"filters": self.filters, "mode": self.mode}
        understood = understand(self.engine, query, converse(self.engine, self.history, **options))
        filters = self.filters
        if understood.within is not None:
            filters = replace(filters, doc_ids=(understood.within,))
        result = search(self.engine, understood.text, k=self.k, filters=filters, mode=self.mode)
        documents = []
        for hit in result.hits:
            metadata: dict[str, Any] = hit.to_dict()
            metadata.pop("text")
            metadata["in_scope"] = result.in_scope
            metadata["understood_as"] = understood.text
            documents.append(Document(page_content=hit.text, metadata=metadata))
        return documents
