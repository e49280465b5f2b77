"""A topic across plans, on a tiny index with a fake embedder: which plans, grouped and ordered
how, with which passages."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from app.compare import Comparison, compare, holds_words, topic_words
from app.engine import Engine
from app.lexicon import load_lexicon
from app.query import Region, region_aliases
from app.settings import Settings
from index.filters import Filters
from index.writer import IndexWriter
from ingest.chunking import ChunkSettings
from ingest.errors import ConfigError
from ingest.pipeline import read_document
from tests.fakes import FakeEmbedder
from tests.sample_plans import CHONGYANG, PINGJIANG, YOUXIAN
from ui.common import highlight_terms

PLANS = {
    "chongyang_2021.txt": (
        "崇阳县2021年教育工作要点\n一、改善办学条件\n1、巩固消除大班额成果。新建城东小学。\n"
        "2、全年招聘教师180人。\n"
    ),
    "chongyang_2020.txt": CHONGYANG
    + "二、提升办学条件\n3、化解城区学校大班额。扩建第五小学,新增学位1200个。\n",
    "pingjiang_2016.txt": PINGJIANG
    + "三、办学条件\n3.缓解城镇学校“大班额”问题,完成平江一中扩建。\n",
    "youxian_2017.txt": YOUXIAN,  # never says 大班额
    "plan_2011.txt": (  # names no region
        "县教育部门2011年教育工作方案\n一、工作任务\n1.加快学校建设,逐步消除大班额。\n2.招聘教师50人。\n"
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    base = tmp_path_factory.mktemp("compare")
    embedder = FakeEmbedder()
    with IndexWriter(base / "index", embedder, ChunkSettings()) as writer:
        for name, text in PLANS.items():
            path = base / name
            path.write_text(text, encoding="utf-8")
            writer.add(read_document(path, ChunkSettings()))
        writer.commit()
    eng = Engine.open(Settings(index_dir=base / "index", corpus_dir=base), embedder)
    yield eng
    eng.close()


def layout(comparison: Comparison) -> list[tuple[str | None, list[str]]]:
    return [(g.region, [d.doc for d in g.documents]) for g in comparison.groups]


REGIONS = tuple(Region(n, region_aliases(n)) for n in ("平江县", "崇阳县"))
WORD_CASES = {
    "loose-characters-are-one-word": ("大班额", (("大班额",),)),
    "two-words-both-needed": ("集团化办学", (("集团化",), ("办学",))),
    "a-lone-character-joins-the-next-word": ("学前教育毛入园率", (("学前教育",), ("毛入园率",))),
    "synonyms-meet-a-word": ("教师招聘", (("教师", "老师"), ("招聘", "招录", "招考", "补充"))),
    "places-and-years-are-not-the-topic": ("平江县2016年大班额", (("大班额",),)),
    "question-words-alone-leave-the-topic-itself": ("目标", (("目标",),)),
}


@pytest.mark.parametrize(("topic", "expected"), list(WORD_CASES.values()), ids=list(WORD_CASES))
def test_topic_words_are_what_a_passage_must_hold(topic: str, expected) -> None:
    assert topic_words(topic, REGIONS) == expected


def test_an_english_topic_is_mapped_to_the_chinese_words_the_corpus_uses() -> None:
    corpus = {"教师", "招聘", "招录"}

    class Vocabulary:
        def known(self, token: str) -> bool:
            return token in corpus

        def idf(self, tokens):
            return np.ones(len(tokens))

    words = topic_words("teacher recruitment", REGIONS, Vocabulary(), load_lexicon())
    assert words and all(set(g) <= corpus for g in words)
    assert any("教师" in g for g in words) and any({"招聘", "招录"} & set(g) for g in words)


def test_every_word_group_must_be_met() -> None:
    words = topic_words("教师招聘")
    assert holds_words("全年招录教师200人", words)
    assert not holds_words("全年培训教师1500人次", words)
    assert not holds_words("anything", ())


def test_topic_selects_plans_that_name_it_grouped_by_region_ordered_by_year(engine) -> None:
    comparison = compare(engine, "大班额")

    # 崇阳 (chong) before 平江 (ping); the plan naming no region last; 攸县 never says it
    assert layout(comparison) == [
        ("崇阳县", ["chongyang_2020.txt", "chongyang_2021.txt"]),
        ("平江县", ["pingjiang_2016.txt"]),
        (None, ["plan_2011.txt"]),
    ]
    assert [d.year for d in comparison.groups[0].documents] == [2020, 2021]
    assert all("大班额" in h.text for d in comparison.documents for h in d.hits)


@pytest.mark.parametrize("per_doc", [1, 2])
def test_no_plan_gets_more_than_per_doc_passages(engine, per_doc: int) -> None:
    comparison = compare(engine, "教师", per_doc=per_doc)

    assert comparison.documents
    assert all(1 <= len(d.hits) <= per_doc for d in comparison.documents)
    assert any(len(d.hits) == per_doc for d in comparison.documents)


FILTER_CASES = {
    "region": (
        Filters(regions=("崇阳县",)),
        [("崇阳县", ["chongyang_2020.txt", "chongyang_2021.txt"])],
    ),
    "year": (Filters(years=(2016,)), [("平江县", ["pingjiang_2016.txt"])]),
    "type": (Filters(doc_types=("工作方案",)), [(None, ["plan_2011.txt"])]),
    "nothing-passes": (Filters(years=(1999,)), []),
}


@pytest.mark.parametrize(
    ("filters", "expected"), list(FILTER_CASES.values()), ids=list(FILTER_CASES)
)
def test_filters_narrow_the_plans_compared(engine, filters: Filters, expected) -> None:
    assert layout(compare(engine, "大班额", filters=filters)) == expected


def test_a_topic_no_plan_names_gives_no_groups(engine) -> None:
    assert compare(engine, "集团化办学").groups == ()


@pytest.mark.parametrize(("topic", "per_doc"), [("  ", 2), ("大班额", 0)])
def test_an_empty_topic_or_zero_passages_per_plan_is_refused(
    engine, topic: str, per_doc: int
) -> None:
    with pytest.raises(ConfigError):
        compare(engine, topic, per_doc=per_doc)


def test_comparison_is_plain_json(engine) -> None:
    data = json.loads(json.dumps(compare(engine, "大班额").to_dict(), ensure_ascii=False))

    assert data["topic"] == "大班额"
    assert data["words"] == [["大班额"]]
    first = data["groups"][0]["documents"][0]
    assert first["doc"] == "chongyang_2020.txt"
    assert "大班额" in first["hits"][0]["text"]


def test_highlight_marks_every_term_escaped_longest_first() -> None:
    html = highlight_terms("<b>大班额</b>与大班\n再说大班额", ["大班", "大班额"])

    assert html == (
        "&lt;b&gt;<mark>大班额</mark>&lt;/b&gt;与<mark>大班</mark><br>再说<mark>大班额</mark>"
    )
    assert highlight_terms("a<b", []) == "a&lt;b"
