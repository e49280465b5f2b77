"""A topic across the five seed plans, on the real index and model."""

from __future__ import annotations

import pytest

from app.compare import compare

pytestmark = pytest.mark.integration

PINGJIANG, YOUXIAN, SICHUAN, HUAIHUA, CHONGYANG = (
    "000_6e8b3975040a17d5.txt",
    "001_173d000dd8b0401d.txt",
    "002_da9a2d427325ff29.txt",
    "003_74b69ab3a17d35dc.txt",
    "004_3048a19dee19119f.txt",
)
SELECTIONS = {
    "class-size": ("大班额", {PINGJIANG, YOUXIAN, HUAIHUA, CHONGYANG}),
    "school-groups": ("集团化办学", {PINGJIANG, YOUXIAN, CHONGYANG}),
    "preschool-gross-enrolment": ("学前教育毛入园率", {PINGJIANG}),
}


@pytest.mark.parametrize(("topic", "expected"), list(SELECTIONS.values()), ids=list(SELECTIONS))
def test_only_plans_that_name_the_topic_are_compared(seed_engine, topic, expected) -> None:
    comparison = compare(seed_engine, topic)

    assert {d.doc for d in comparison.documents} == expected
    words = [w for group in comparison.words for w in group]
    for doc in comparison.documents:
        assert all(any(w in h.text for w in words) for h in doc.hits)


def test_class_size_is_grouped_by_region_with_years_in_order(seed_engine) -> None:
    comparison = compare(seed_engine, "大班额")

    # regions in pinyin order: chong, huai, ping, you
    layout = [(g.region, [(d.doc, d.year) for d in g.documents]) for g in comparison.groups]
    assert layout == [
        ("崇阳县", [(CHONGYANG, 2020)]),
        ("怀化市", [(HUAIHUA, 2020)]),
        ("平江县", [(PINGJIANG, 2016)]),
        ("攸县", [(YOUXIAN, 2017)]),
    ]
    huaihua = comparison.groups[1].documents[0]
    assert huaihua.years == (2019, 2020)
    assert all("大班额" in h.text for d in comparison.documents for h in d.hits)


@pytest.mark.parametrize("per_doc", [1, 2, 3])
def test_each_plan_gets_at_most_per_doc_passages(seed_engine, per_doc: int) -> None:
    comparison = compare(seed_engine, "大班额", per_doc=per_doc)

    counts = [len(d.hits) for d in comparison.documents]
    assert all(1 <= c <= per_doc for c in counts)
    assert max(counts) == per_doc


def test_a_passage_is_the_plans_best_first(seed_engine) -> None:
    for doc in compare(seed_engine, "大班额", per_doc=3).documents:
        scores = [h.score for h in doc.hits]
        assert scores == sorted(scores, reverse=True)
