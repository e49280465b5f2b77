"""Figures extracted from plans: values in base units, clauses with offsets, no duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import ChunkSettings
from ingest.pipeline import read_document
from ingest.targets import Target, extract_targets, parse_figure
from ingest.types import Chunk, Document, DocumentMeta

SEEDS = Path(__file__).resolve().parents[2] / "corpus"


def _seed(prefix: str) -> Document:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_document(path, ChunkSettings(), use_sidecar=False)


@pytest.fixture(scope="module")
def seed_targets() -> dict[str, tuple[Document, tuple[Target, ...]]]:
    docs = {prefix: _seed(prefix) for prefix in ("000", "001", "002", "003", "004")}
    return {prefix: (doc, extract_targets(doc)) for prefix, doc in docs.items()}


def _doc(text: str, kind: str | None = "target") -> Document:
    meta = DocumentMeta(
        title="t",
        year=2020,
        years=(2020,),
        region=None,
        province=None,
        doc_type=None,
        issuer=None,
        published=None,
    )
    chunk = Chunk(
        chunk_id="c0",
        doc_id="d0",
        ordinal=0,
        start=0,
        end=len(text),
        text=text,
        section=("二、工作目标",),
        year=2020,
        kind=kind,
    )
    return Document(
        doc_id="d0", file_name="x.txt", text=text, meta=meta, source_format="txt", chunks=(chunk,)
    )


def _find(targets: tuple[Target, ...], indicator: str) -> Target:
    matches = [t for t in targets if indicator in t.indicator]
    assert matches, f"no target with indicator {indicator!r}"
    return matches[0]


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "qualifier"),
    [
        ("三年学前教育毛入园率", 85, "%", "以上"),
        ("县内高中招生", 8100, "人", "以上"),
        ("新增建筑面积", 52000, "平方米", None),
        ("配备理化生实验仪器", 20000, "套", None),
        ("平均受教育年限", 9.5, "年", "以上"),
    ],
)
def test_plan_targets_of_the_2016_plan_are_found(
    seed_targets, indicator: str, value: float, unit: str, qualifier: str | None
) -> None:
    _, targets = seed_targets["000"]
    target = _find(targets, indicator)
    assert (target.value, target.unit, target.qualifier) == (value, unit, qualifier)
    assert target.kind == "target" and target.year == 2016
    assert target.section[0] == "二、工作目标"


def test_clause_of_a_target_is_the_statement_that_holds_it(seed_targets) -> None:
    _, targets = seed_targets["000"]
    target = _find(targets, "三年学前教育毛入园率")
    assert target.text == "三年学前教育毛入园率达到85%以上"


def test_summary_figures_are_results_and_plan_figures_are_targets(seed_targets) -> None:
    _, targets = seed_targets["003"]
    admitted = _find(targets, "录取率")
    assert (admitted.value, admitted.unit, admitted.kind, admitted.year) == (
        90.21,
        "%",
        "result",
        2019,
    )
    assert admitted.section[0] == "一、2019年工作总结"
    places = [t for t in targets if "新增学位" in t.indicator and t.kind == "target"]
    assert [(t.value, t.unit, t.qualifier, t.year) for t in places] == [(28600, "个", "以上", 2020)]


def test_figures_joined_by_a_list_comma_are_separate_clauses(seed_targets) -> None:
    _, targets = seed_targets["000"]
    rates = [t for t in targets if "初中适龄儿童少年入学率" in t.text or t.text == "99%以上"]
    assert [(t.indicator, t.value, t.qualifier, t.text) for t in rates] == [
        ("初中适龄儿童少年入学率", 100, "达到", "初中适龄儿童少年入学率、巩固率分别达到100%"),
        ("巩固率", 99, "以上", "99%以上"),
    ]


def test_every_seed_yields_targets(seed_targets) -> None:
    for prefix, (_, targets) in seed_targets.items():
        assert targets, prefix


def test_offsets_round_trip_on_the_seeds(seed_targets) -> None:
    for doc, targets in seed_targets.values():
        for target in targets:
            assert doc.text[target.start : target.end] == target.text
            assert target.start <= target.figure_start < target.figure_end <= target.end
            figure = doc.text[target.figure_start : target.figure_end]
            assert parse_figure(figure) == (target.value, target.value_max, target.unit)


def test_no_figure_of_a_clause_is_listed_twice(seed_targets) -> None:
    for _, targets in seed_targets.values():
        keys = [(t.start, t.figure_start) for t in targets]
        assert len(keys) == len(set(keys))
        assert len({t.figure_start for t in targets}) == len(targets)


def test_years_dates_and_outline_numbers_are_not_targets(seed_targets) -> None:
    for doc, targets in seed_targets.values():
        for target in targets:
            figure = doc.text[target.figure_start : target.figure_end]
            assert not (1900 <= target.value <= 2100 and target.unit == "年"), figure
            assert doc.text[target.figure_start - 1] != "第", figure
    _, targets = seed_targets["004"]
    assert not [t for t in targets if t.value in (2020, 11)]  # 〔2020〕1号, 2020年3月11日


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("2万套", (20000, None, "套")),
        ("1.5万平方米", (15000, None, "平方米")),
        ("5.2万平方米", (52000, None, "平方米")),
        ("3-4个", (3, 4, "个")),
        ("2—3所", (2, 3, "所")),
        ("两万人次", (20000, None, "人次")),
        ("三千人", (3000, None, "人")),
        ("15000套", (15000, None, "套")),
        ("95%", (95, None, "%")),
        ("百分之八十五", (85, None, "%")),
        ("4.03亿元", (403_000_000, None, "元")),
        ("4000万元", (40_000_000, None, "元")),
        ("114.67万人次", (1_146_700, None, "人次")),
    ],
)
def test_figures_are_normalised_to_base_units(
    figure: str, expected: tuple[float, float | None, str]
) -> None:
    assert parse_figure(figure) == expected


@pytest.mark.parametrize(
    ("text", "indicator", "value", "value_max", "unit", "qualifier"),
    [
        ("建设公租房2万套。", "建设公租房", 20000, None, "套", None),
        ("开展各类培训两万人次以上。", "开展各类培训", 20000, None, "人次", "以上"),
        ("职业教育打造3-4个优质品牌专业。", "打造优质品牌专业", 3, 4, "个", None),
        ("对有违师德的27名教师给予处分。", "有违师德的教师", 27, None, "名", None),
        ("推进全县8个学生社会实践基地全部建成。", "学生社会实践基地", 8, None, "个", None),
        (
            "全县信息技术能力提升培训完成率达100%。",
            "全县信息技术能力提升培训完成率",
            100,
            None,
            "%",
            "达到",
        ),
        ("联合交警部门约谈校车违法责任人5人。", "约谈校车违法责任人", 5, None, "人", None),
        ("义务教育巩固率达到95%以上。", "义务教育巩固率", 95, None, "%", "以上"),
        ("大班额比例控制在15%以内。", "大班额比例", 15, None, "%", "以内"),
        ("上线人数不少于1700人。", "上线人数", 1700, None, "人", "不少于"),
        ("新增建筑面积1.5万平方米。", "新增建筑面积", 15000, None, "平方米", None),
        ("新增5所幼儿园。", "新增幼儿园", 5, None, "所", None),
    ],
)
def test_a_clause_gives_indicator_value_unit_and_qualifier(
    text: str,
    indicator: str,
    value: float,
    value_max: float | None,
    unit: str,
    qualifier: str | None,
) -> None:
    target = extract_targets(_doc(text))[0]
    assert (target.indicator, target.value, target.value_max, target.unit, target.qualifier) == (
        indicator,
        value,
        value_max,
        unit,
        qualifier,
    )
    assert target.text == text.rstrip("。")
    assert target.section == ("二、工作目标",) and target.kind == "target"


@pytest.mark.parametrize(
    "text",
    [
        "2016年是“十三五”开局之年。",
        "制订2019—2020学年工作安排。",
        "1.加强职业道德教育。(3)推进改革。",
        "第二期学前教育三年行动计划,第32个教师节。",
        "崇委教育〔2020〕1号,2020年3月11日,电话0730-8222222。",
        "全面推进四个六工程,增强四个意识。",
        "全省唯一一所示范校。",
    ],
)
def test_non_quantities_are_not_targets(text: str) -> None:
    assert extract_targets(_doc(text)) == ()


def test_fenbie_hands_out_one_indicator_per_figure_and_shares_the_bound() -> None:
    targets = extract_targets(_doc("城区大班额和超大班额分别控制在16%、31%以内。"))
    assert [(t.indicator, t.value, t.qualifier) for t in targets] == [
        ("城区大班额", 16, "以内"),
        ("超大班额", 31, "以内"),
    ]
    (primary, _) = extract_targets(_doc("小学、初中入学率分别达到100%、99%以上。"))
    assert (primary.indicator, primary.qualifier) == ("小学入学率", "达到")


def test_a_percentage_named_by_a_count_is_a_slogan_not_a_figure() -> None:
    assert extract_targets(_doc("巩固三个100%工作成果,完成校园安防“三个100%”建设。")) == ()


def test_the_class_size_that_defines_a_large_class_is_not_a_figure() -> None:
    targets = extract_targets(_doc("消除56人以上大班额、66人以上超大班额,大班额比例控制在9%以下。"))
    assert [(t.value, t.unit) for t in targets] == [(9, "%")]


def test_an_items_number_before_a_year_is_not_part_of_the_indicator() -> None:
    rows = extract_targets(_doc("26.2022年全县普通高中招生计划3300人。"))

    assert [(r.indicator, r.value) for r in rows] == [("2022年全县普通高中招生计划", 3300)]
