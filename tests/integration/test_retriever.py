"""eduqa as a LangChain retriever, on the real seed index."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from app.retriever import EduqaRetriever
from index.filters import Filters

pytestmark = pytest.mark.integration


def test_retriever_returns_cited_passages_within_the_question_scope(seed_engine):
    retriever = EduqaRetriever(engine=seed_engine, k=3)
    docs = retriever.invoke("崇阳县2020年教师招聘目标是多少？")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    first = docs[0]
    assert "200人" in first.page_content
    assert first.metadata["doc"] == "004_3048a19dee19119f.txt"
    assert first.metadata["region"] == "崇阳县" and first.metadata["year"] == 2020
    assert first.metadata["end"] - first.metadata["start"] == len(first.page_content)
    assert "12、抓好教师招聘引进" in first.metadata["section"]


def test_retriever_filters_apply(seed_engine):
    retriever = EduqaRetriever(engine=seed_engine, k=5, filters=Filters(years=(2019,)))
    docs = retriever.invoke("新增学位")
    assert docs and all(d.metadata["year"] == 2019 for d in docs)


def test_a_follow_up_is_retrieved_as_the_question_it_asks_given_the_history(seed_engine):
    retriever = EduqaRetriever(engine=seed_engine, k=3, history=["怀化市2020年新增多少学位？"])
    docs = retriever.invoke("去年呢？")

    assert docs and all(d.metadata["understood_as"] == "怀化市2019年新增多少学位？" for d in docs)
    assert docs[0].metadata["year"] == 2019 and "4.07万个" in docs[0].page_content
