"""Outline and chunking: passages are exact, ordered, sentence-aligned spans with heading paths."""

from __future__ import annotations

from functools import cache

import pytest

from ingest.chunking import ChunkSettings, chunk_text
from ingest.outline import sections
from ingest.pipeline import read_document
from ingest.types import Chunk, Document, DocumentMeta, Section
from tests.conftest import SEED_CORPUS

SETTINGS = ChunkSettings()
PLAN_2020 = DocumentMeta(
    title="", year=2020, years=(2020,), region=None, province=None, doc_type=None, issuer=None,
    published=None,
)  # fmt: skip
SEEDS = sorted(p.name for p in SEED_CORPUS.iterdir() if p.suffix == ".txt")
_SENTENCE_ENDS = "。!?;"
_CLOSING_QUOTES = '”’"'


@cache
def seed(prefix: str) -> Document:
    """A seed plan (by its number, "003") as the pipeline cleans and chunks it."""
    (name,) = [n for n in SEEDS if n.startswith(prefix)]
    return read_document(SEED_CORPUS / name, SETTINGS)


def sentence_ends(text: str, start: int, end: int) -> list[int]:
    """Offsets in (start, end] where a sentence ends: after 。!?; (and a closing quote), or at a
    line break."""
    out = []
    for i in range(start, end):
        if text[i] == "\n":
            out.append(i)
        elif text[i] in _SENTENCE_ENDS and (i + 1 >= len(text) or text[i + 1] not in "。!?;"):
            j = i + 1
            if j < len(text) and text[j] in _CLOSING_QUOTES:
                j += 1
            out.append(j)
    return [b for b in out if start < b <= end]


def sentence_around(text: str, pos: int) -> tuple[int, int]:
    """The sentence holding the character at `pos`."""
    before = [b for b in sentence_ends(text, 0, pos) if b <= pos]
    after = sentence_ends(text, pos, len(text))
    return (before[-1] if before else 0), (after[0] if after else len(text))


def ends_a_sentence(text: str, chunk: Chunk, section_end: int) -> bool:
    """The chunk ends at a sentence end, a line end or the end of its section."""
    last = text[chunk.end - 1]
    if last in _SENTENCE_ENDS:
        return True
    if last in _CLOSING_QUOTES and text[chunk.end - 2] in _SENTENCE_ENDS:
        return True
    rest_of_line = text[chunk.end :].split("\n", 1)[0]
    return not rest_of_line.strip() or not text[chunk.end : section_end].strip()


@cache
def _sections(text: str) -> tuple[Section, ...]:
    return tuple(sections(text))


def section_of(text: str, chunk: Chunk) -> Section:
    """The one outline section that holds the chunk."""
    (holding,) = [s for s in _sections(text) if s.start <= chunk.start and chunk.end <= s.end]
    return holding


# --- invariants on the five seed plans ------------------------------------------------------


def test_there_are_five_seed_plans() -> None:
    assert [n[:3] for n in SEEDS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("name", SEEDS)
def test_every_chunk_is_the_exact_span_of_the_cleaned_text(name: str) -> None:
    doc = seed(name[:3])

    assert doc.chunks
    for chunk in doc.chunks:
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip()
        assert chunk.doc_id == doc.doc_id


@pytest.mark.parametrize("name", SEEDS)
def test_chunks_are_in_order_and_do_not_overlap(name: str) -> None:
    chunks = seed(name[:3]).chunks

    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for before, after in zip(chunks, chunks[1:], strict=False):
        assert before.end <= after.start
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("name", SEEDS)
def test_a_chunk_stays_inside_one_section_and_carries_its_path(name: str) -> None:
    doc = seed(name[:3])

    for chunk in doc.chunks:
        assert chunk.section == section_of(doc.text, chunk).path


@pytest.mark.parametrize("name", SEEDS)
def test_no_chunk_is_longer_than_max_chars_unless_one_sentence_or_a_short_tail(name: str) -> None:
    """Over max_chars only when the passage is one sentence, or when the section's last few
    sentences (< min_chars) were joined to it rather than left as a stub passage."""
    doc = seed(name[:3])

    for chunk in doc.chunks:
        if len(chunk.text) <= SETTINGS.max_chars:
            continue
        inner = [b for b in sentence_ends(doc.text, chunk.start, chunk.end) if b < chunk.end]
        one_sentence = not inner
        short_tail = any(
            b - chunk.start <= SETTINGS.max_chars and chunk.end - b < SETTINGS.min_chars
            for b in inner
        )
        assert one_sentence or short_tail, chunk.text


@pytest.mark.parametrize("name", SEEDS)
def test_chunks_never_end_mid_sentence(name: str) -> None:
    doc = seed(name[:3])

    for chunk in doc.chunks:
        if ends_a_sentence(doc.text, chunk, section_of(doc.text, chunk).end):
            continue
        start, end = sentence_around(doc.text, chunk.end - 1)
        assert end - start > SETTINGS.max_chars, doc.text[chunk.end - 20 : chunk.end + 20]


def test_target_labels_nest_under_their_numbered_heading() -> None:
    doc = seed("000")

    sections_seen = {c.section for c in doc.chunks}

    assert ("二、工作目标", "学前教育") in sections_seen
    target = next(c for c in doc.chunks if c.section == ("二、工作目标", "学前教育"))
    assert target.text.startswith("学前教育:")


def test_summary_and_plan_parts_carry_their_own_years() -> None:
    doc = seed("003")

    summary = [c for c in doc.chunks if c.section[:1] == ("一、2019年工作总结",)]
    plan = [c for c in doc.chunks if c.section[:1] == ("二、2020年工作计划",)]

    assert len(summary) >= 5
    assert len(plan) >= 5
    assert {c.year for c in summary} == {2019}
    assert {c.year for c in plan} == {2020}


def test_inline_markers_of_a_converted_document_become_sections() -> None:
    doc = seed("002")
    assert "\n" not in doc.text.strip()  # the whole plan is one paragraph

    paths = [" › ".join(c.section) for c in doc.chunks]

    assert "一、推进四个六工程,引领教育科学开展 › 1.全面推进四个六工程" in paths
    assert "二、完成灾后重建,推进教育跨越开展 › 3.全面完成目的任务" in paths
    items = [c.section[-1] for c in doc.chunks if len(c.section) == 2]
    numbers = [int(item.split(".")[0].split("、")[0]) for item in items]
    assert numbers == list(range(1, 31))  # every numbered item found, none twice


def test_numbered_items_with_dunhao_nest_under_their_part() -> None:
    doc = seed("004")

    recruiting = [c for c in doc.chunks if c.section[-1:] == ("12、抓好教师招聘引进",)]

    assert [c.section for c in recruiting] == [("四、提升教师队伍治理能力", "12、抓好教师招聘引进")]
    assert "200人" in recruiting[0].text


# --- synthetic outlines ---------------------------------------------------------------------

NESTED = (
    "一、总体要求\n"
    "坚持立德树人。\n"
    "二、主要任务\n"
    "(一)发展学前教育\n"
    "1.扩大普惠资源\n"
    "(1)新建幼儿园\n"
    "新建公办幼儿园5所。\n"
    "(2)改扩建幼儿园\n"
    "改扩建农村幼儿园3所。\n"
    "2.提高保教质量\n"
    "开展保教质量评估。\n"
    "(二)均衡发展义务教育\n"
    "推进学区制管理。\n"
    "三、保障措施\n"
    "加强组织领导。\n"
)
SKIPPED_LEVEL = (
    "一、工作目标\n"
    "1、学前教育毛入园率达到85%。\n"
    "2、义务教育巩固率达到98%。\n"
    "二、重点任务\n"
    "1、新建城区学校两所。\n"
)
MARKDOWN = (
    "# 平江县教育工作计划\n"
    "## 工作目标\n"
    "学前教育毛入园率达到85%。\n"
    "## 重点任务\n"
    "### 学前教育\n"
    "新建公办幼儿园5所。\n"
)
ARTICLES = (
    "第一章 总则\n"
    "第一条 为规范办学行为,制定本办法。\n"
    "第二条 本办法适用于全县中小学。\n"
    "第二章 管理\n"
    "第三条 学校实行校长负责制。\n"
)
INLINE = (
    "平江县教育工作方案。一、发展学前教育1.扩大普惠资源。新建公办幼儿园5所。"
    "2.提高保教质量。开展保教评估。二、均衡义务教育3.推进学区制改革。完善学区管理。"
)

OUTLINE_CASES = {
    "four-levels": (
        NESTED,
        "新建公办幼儿园5所",
        ("二、主要任务", "(一)发展学前教育", "1.扩大普惠资源", "(1)新建幼儿园"),
    ),
    "sibling-at-fourth-level": (
        NESTED,
        "改扩建农村幼儿园3所",
        ("二、主要任务", "(一)发展学前教育", "1.扩大普惠资源", "(2)改扩建幼儿园"),
    ),
    "back-to-third-level": (
        NESTED,
        "开展保教质量评估",
        ("二、主要任务", "(一)发展学前教育", "2.提高保教质量"),
    ),
    "back-to-second-level": (
        NESTED,
        "推进学区制管理",
        ("二、主要任务", "(二)均衡发展义务教育"),
    ),
    "back-to-top-level": (
        NESTED,
        "加强组织领导",
        ("三、保障措施",),
    ),
    "before-any-subheading": (
        NESTED,
        "坚持立德树人",
        ("一、总体要求",),
    ),
    "arabic-straight-under-cn": (
        SKIPPED_LEVEL,
        "巩固率达到98%",
        ("一、工作目标", "2、义务教育巩固率达到98%"),
    ),
    "arabic-numbering-restarts": (
        SKIPPED_LEVEL,
        "新建城区学校两所",
        ("二、重点任务", "1、新建城区学校两所"),
    ),
    "markdown-level-2": (
        MARKDOWN,
        "毛入园率达到85%",
        ("平江县教育工作计划", "工作目标"),
    ),
    "markdown-level-3": (
        MARKDOWN,
        "新建公办幼儿园5所",
        ("平江县教育工作计划", "重点任务", "学前教育"),
    ),
    "article-under-chapter": (
        ARTICLES,
        "适用于全县中小学",
        ("第一章 总则", "第二条 本办法适用于全县中小学"),
    ),
    "article-under-next-chapter": (
        ARTICLES,
        "校长负责制",
        ("第二章 管理", "第三条 学校实行校长负责制"),
    ),
    "inline-markers": (
        INLINE,
        "开展保教评估",
        ("一、发展学前教育", "2.提高保教质量"),
    ),
    "inline-next-part": (
        INLINE,
        "完善学区管理",
        ("二、均衡义务教育", "3.推进学区制改革"),
    ),
    "inline-preamble": (
        INLINE,
        "平江县教育工作方案",
        (),
    ),
}


@pytest.mark.parametrize(
    ("text", "phrase", "path"), list(OUTLINE_CASES.values()), ids=list(OUTLINE_CASES)
)
def test_passage_gets_the_heading_path_of_its_outline(
    text: str, phrase: str, path: tuple[str, ...]
) -> None:
    chunks = chunk_text("doc", text, PLAN_2020, SETTINGS)

    (holding,) = [c for c in chunks if phrase in c.text]

    assert holding.section == path
    assert holding.text == text[holding.start : holding.end]


@pytest.mark.parametrize(
    "text",
    [NESTED, SKIPPED_LEVEL, MARKDOWN, ARTICLES],
    ids=["nested", "skipped-level", "markdown", "articles"],
)
def test_a_bare_heading_line_is_not_a_passage_of_its_own(text: str) -> None:
    chunks = chunk_text("doc", text, PLAN_2020, SETTINGS)

    for chunk in chunks:
        assert not chunk.section or chunk.text != chunk.section[-1]


def test_an_overlong_sentence_is_cut_at_clause_ends() -> None:
    sentence = ",".join(f"第{i}项任务全面完成并通过省级验收" for i in range(1, 40)) + "。"
    text = "一、工作目标\n" + sentence + "\n"

    chunks = chunk_text("doc", text, PLAN_2020, SETTINGS)

    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == sentence  # the bare heading line is no passage
    assert all(c.text.endswith((",", "。")) for c in chunks)
    assert all(c.section == ("一、工作目标",) for c in chunks)


def test_same_text_and_span_give_the_same_chunk_ids() -> None:
    first = chunk_text("doc", NESTED, PLAN_2020, SETTINGS)
    again = chunk_text("doc", NESTED, PLAN_2020, SETTINGS)
    other_doc = chunk_text("other", NESTED, PLAN_2020, SETTINGS)

    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert {c.chunk_id for c in first}.isdisjoint(c.chunk_id for c in other_doc)


@pytest.mark.parametrize("max_chars", [60, 120, 300])
def test_smaller_max_chars_gives_shorter_sentence_aligned_passages(max_chars: int) -> None:
    settings = ChunkSettings(max_chars=max_chars, min_chars=10)
    doc = seed("004")

    chunks = chunk_text(doc.doc_id, doc.text, doc.meta, settings)

    for chunk in chunks:
        assert chunk.text == doc.text[chunk.start : chunk.end]
        inner = [b for b in sentence_ends(doc.text, chunk.start, chunk.end) if b < chunk.end]
        if len(chunk.text) > max_chars and inner:
            assert any(
                b - chunk.start <= max_chars and chunk.end - b < settings.min_chars for b in inner
            )
