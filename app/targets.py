"""The targets table: every figure of the indexed plans, grouped by indicator, filtered, exported.

The rows come from the index (extracted at ingest); grouping runs here because it depends on the
whole corpus and on the user's corrections, and is cached per index generation and corrections
file, so a table or chart costs a filter, not a clustering.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pypinyin import lazy_pinyin

from index.filters import Filters
from ingest.errors import ConfigError
from ingest.targets import indicator_key
from ingest.types import Target

from .engine import Engine
from .groups import (
    THRESHOLD,
    GroupCorrections,
    IndicatorGroup,
    group_indicators,
    label_counts,
    similarity,
    unit_family,
)

CORRECTIONS_FILE = "indicator_groups.json"  # in the corpus directory, beside the plans


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One figure as users see it: the target, where it is from and its indicator group."""

    doc: str  # file name in the corpus
    title: str
    region: str | None
    indicator: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    kind: str | None
    year: int | None
    section: str  # heading path joined with " › "
    text: str  # the clause holding the figure: cleaned[start:end]
    start: int
    end: int
    figure: str  # the figure as written ("1.5万平方米")
    group: str  # label of the indicator group
    confidence: float  # how sure the grouping is (1.0 alone or merged by a user)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["value"] = _plain(self.value)
        out["value_max"] = None if self.value_max is None else _plain(self.value_max)
        return out


@dataclass(frozen=True, slots=True)
class Timeline:
    """One indicator group's figures across plans, by region then year: what a chart draws."""

    group: str
    unit: str
    points: tuple[TargetRow, ...]

    @property
    def documents(self) -> int:
        return len({p.doc for p in self.points})

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "unit": self.unit,
            "points": [p.to_dict() for p in self.points],
        }


def timelines(rows: Sequence[TargetRow]) -> tuple[Timeline, ...]:
    """Rows gathered per (group, unit), those spanning most plans first."""
    series: dict[tuple[str, str], list[TargetRow]] = {}
    for row in rows:
        series.setdefault((row.group, unit_family(row.unit)), []).append(row)
    lines = [
        Timeline(group, unit, tuple(sorted(points, key=_point_order)))
        for (group, unit), points in series.items()
    ]
    return tuple(sorted(lines, key=lambda t: (-t.documents, -len(t.points), t.group)))


def _point_order(row: TargetRow) -> tuple:
    # regions in pinyin order as Chinese readers expect, plans without a region last
    region = (0, lazy_pinyin(row.region)) if row.region else (1, [])
    return (region, row.year is None, row.year or 0, row.doc, row.start)


def plain_number(number: float) -> str:
    """1463.0 → "1463", 90.21 → "90.21", 1610000.0 → "1610000" (never "1.61e+06")."""
    if float(number).is_integer():
        return str(int(number))
    return format(number, "f").rstrip("0").rstrip(".")


def figure_label(row: TargetRow) -> str:
    """A figure as people read it: "85 % (以上)", "3–4 个", "1463 个"."""
    value = plain_number(row.value)
    if row.value_max is not None:
        value += f"–{plain_number(row.value_max)}"
    return f"{value} {row.unit}" + (f" ({row.qualifier})" if row.qualifier else "")


def _plain(number: float) -> float | int:
    """85.0 → 85 in JSON and CSV; 90.21 stays."""
    return int(number) if float(number).is_integer() else number


_COLUMNS = tuple(TargetRow.__dataclass_fields__)
_cache: dict[tuple, dict[tuple[str, str], IndicatorGroup]] = {}
_cache_lock = threading.Lock()


def corrections(engine: Engine) -> GroupCorrections:
    return GroupCorrections.read(engine.settings.corpus_dir / CORRECTIONS_FILE)


def indicator_groups(engine: Engine) -> dict[tuple[str, str], IndicatorGroup]:
    """Group of every (indicator key, unit family) in the index, with the user's corrections."""
    path = engine.settings.corpus_dir / CORRECTIONS_FILE
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    key = (str(engine.index.generation), str(path), stamp)
    with _cache_lock:
        if key not in _cache:
            rows = engine.index.targets()
            counts = label_counts((t.indicator, t.unit) for t in rows)
            _cache.clear()  # one generation at a time: an old one is not asked again
            _cache[key] = group_indicators(
                counts, engine.index.indicator_vectors(), GroupCorrections.read(path)
            )
        return _cache[key]


def table(
    engine: Engine,
    indicator: str | None = None,
    filters: Filters | None = None,
    kind: str | None = None,
) -> list[TargetRow]:
    """Rows passing the filters; with `indicator`, the rows of every group it names.

    An indicator names a group when it is part of a member's wording ("毛入园率" names
    学前三年毛入园率) or is similar enough to a member, so one query finds the differently worded
    rows of other plans too.
    """
    groups = indicator_groups(engine)
    found = engine.index.targets(filters or Filters())
    rows = [t for t in found if kind is None or t.kind == kind]
    if indicator:
        wanted = groups_named(engine, indicator)
        rows = [t for t in rows if _group_of(t, groups).label in wanted]
    texts = {doc_id: engine.index.document_text(doc_id) for doc_id in {t.doc_id for t in rows}}
    return [_row(engine, t, _group_of(t, groups), texts[t.doc_id]) for t in rows]


def _group_of(target: Target, groups: dict[tuple[str, str], IndicatorGroup]) -> IndicatorGroup:
    key = indicator_key(target.indicator)
    return groups.get((key, unit_family(target.unit))) or IndicatorGroup(key, (key,), 1.0)


def groups_named(engine: Engine, indicator: str) -> set[str]:
    """Labels of the groups an indicator names: part of a member's wording, or else similar
    enough to a member."""
    groups = indicator_groups(engine)
    query = indicator_key(indicator)
    named = {g.label for (key, _), g in groups.items() if query in key}
    if named:
        return named
    (vec,) = engine.embedder.embed_query([query])
    vectors = engine.index.indicator_vectors()
    return {
        g.label
        for (key, _), g in groups.items()
        if similarity(query, key, vec, vectors.get(key)) >= THRESHOLD
    }


def _row(engine: Engine, target: Target, group: IndicatorGroup, text: str) -> TargetRow:
    doc = engine.index.document_by_id(target.doc_id)
    return TargetRow(
        doc=doc.file_name,
        title=doc.meta.title,
        region=doc.meta.region,
        indicator=target.indicator,
        value=target.value,
        value_max=target.value_max,
        unit=target.unit,
        qualifier=target.qualifier,
        kind=target.kind,
        year=target.year,
        section=" › ".join(target.section),
        text=target.text,
        start=target.start,
        end=target.end,
        figure=text[target.figure_start : target.figure_end],
        group=group.label,
        confidence=group.confidence,
    )


def export(rows: Sequence[TargetRow], path: Path) -> None:
    """Write the rows to a .csv or .xlsx file (the format follows the suffix)."""
    path.write_bytes(table_bytes(rows, path.suffix.lower().lstrip(".") or "?", path))


def table_bytes(rows: Sequence[TargetRow], fmt: str, name: Path | str = "targets") -> bytes:
    """The rows as CSV (UTF-8 with BOM, so Excel reads the Chinese) or as an .xlsx workbook.

    Raises:
        ConfigError: a format other than csv or xlsx (`name` is what the message names).
    """
    if fmt == "csv":
        handle = io.StringIO(newline="")
        writer = csv.DictWriter(handle, fieldnames=_COLUMNS)
        writer.writeheader()
        writer.writerows(r.to_dict() for r in rows)
        return ("\ufeff" + handle.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ConfigError(name, "export to a .csv or .xlsx file")


def _xlsx(rows: Sequence[TargetRow]) -> bytes:
    from openpyxl import Workbook  # only exports need it

    book = Workbook()
    sheet = book.active
    sheet.title = "targets"
    sheet.append(list(_COLUMNS))
    for row in rows:
        values = row.to_dict()
        sheet.append([values[c] for c in _COLUMNS])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
