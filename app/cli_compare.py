"""`eduqa targets / groups / compare / diff / eval-targets`: comparing plans from the shell.

Each command parses its options, calls one `app` function and renders it: a rich table for
people, one JSON object per line (`--json`) for scripts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ingest.errors import ConfigError

from .cli_options import (
    CorpusOpt,
    IndexOpt,
    JsonOpt,
    RegionOpt,
    TypeOpt,
    YearOpt,
    engine_for,
    filters_for,
    out,
    settings_for,
)
from .compare import compare
from .diff import diff
from .extraction_eval import FIELDS, ExtractionReport, evaluate_extraction
from .targets import TargetRow, corrections, export, figure_label, indicator_groups, table

KINDS = ("target", "result")


def _targets_table(rows: list[TargetRow], title: str | None = None) -> Table:
    grid = Table("doc", "region", "year", "kind", "indicator", "figure", "group", title=title)
    for r in rows:
        grid.add_row(r.doc, r.region or "", str(r.year or ""), r.kind or "", r.indicator,
                     figure_label(r), r.group)  # fmt: skip
    return grid


def targets_cmd(
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Rows of the indicator groups this names.")
    ] = None,
    year: YearOpt = None,
    region: RegionOpt = None,
    doc_type: TypeOpt = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="target (plan) or result (summary).")
    ] = None,
    export_to: Annotated[
        Path | None, typer.Option("--out", help="Also write the rows to a .csv or .xlsx file.")
    ] = None,
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """The targets table: every figure of the plans, values in base units, one row per figure."""
    if kind is not None and kind not in KINDS:
        raise ConfigError("--kind", f"unknown kind '{kind}'; choose target or result")
    engine = engine_for(settings_for(index, corpus))
    rows = table(engine, indicator, filters_for(year, region, doc_type), kind)
    if export_to is not None:
        export(rows, export_to)
    if as_json:
        for r in rows:
            out.print(json.dumps(r.to_dict(), ensure_ascii=False), markup=False)
        return
    Console(highlight=False, width=max(out.width, 160)).print(
        _targets_table(rows, f"{len(rows)} figure(s)")
    )
    if export_to is not None:
        out.print(f"written: {export_to}", markup=False)


groups_cli = typer.Typer(no_args_is_help=False, help="Indicator groups: list, merge, split.")


@groups_cli.callback(invoke_without_command=True)
def groups_list(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """List the groups of more than one indicator, with their confidence."""
    if ctx.invoked_subcommand is not None:
        return
    groups = {id(g): g for g in indicator_groups(engine_for(settings_for(index, corpus))).values()}
    shown = sorted(
        (g for g in groups.values() if len(g.members) > 1), key=lambda g: (g.confidence, g.label)
    )
    if as_json:
        for g in shown:
            row = {"group": g.label, "members": list(g.members), "confidence": g.confidence,
                   "by_user": g.by_user}  # fmt: skip
            out.print(json.dumps(row, ensure_ascii=False), markup=False)
        return
    grid = Table("group", "members", "confidence", title="indicator groups")
    for g in shown:
        grid.add_row(g.label, " / ".join(g.members), "user" if g.by_user else f"{g.confidence:.2f}")
    out.print(grid)


@groups_cli.command("merge")
def groups_merge(
    indicators: Annotated[list[str], typer.Argument(help="Two or more indicators to join.")],
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Make these indicators one group (kept across rebuilds)."""
    if len(indicators) < 2:
        raise ConfigError("merge", "name at least two indicators")
    fixes = corrections(engine_for(settings_for(index, corpus)))
    fixes.merge(indicators)
    fixes.save()
    out.print(f"merged: {' / '.join(indicators)}", markup=False)


@groups_cli.command("split")
def groups_split(
    indicator: Annotated[str, typer.Argument(help="The indicator to take out of its group.")],
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Let an indicator stand alone (kept across rebuilds)."""
    fixes = corrections(engine_for(settings_for(index, corpus)))
    fixes.split(indicator)
    fixes.save()
    out.print(f"split: {indicator}", markup=False)


@groups_cli.command("reset")
def groups_reset(index: IndexOpt = None, corpus: CorpusOpt = None) -> None:
    """Forget every merge and split."""
    fixes = corrections(engine_for(settings_for(index, corpus)))
    fixes.reset()
    fixes.save()
    out.print("groups reset")


def compare_cmd(
    topic: Annotated[str, typer.Argument(help="What to compare, e.g. 大班额 or 学前教育毛入园率.")],
    per_doc: Annotated[int, typer.Option("--per-doc", min=1, help="Passages per plan.")] = 2,
    year: YearOpt = None,
    region: RegionOpt = None,
    doc_type: TypeOpt = None,
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """A topic across plans: per plan (by region, then year) its passages and figures, then
    the timeline of each indicator."""
    engine = engine_for(settings_for(index, corpus))
    result = compare(engine, topic, per_doc, filters_for(year, region, doc_type))
    if as_json:
        out.print(json.dumps(result.to_dict(), ensure_ascii=False), markup=False)
        return
    if not result.documents:
        out.print(f"[yellow]no plan mentions {topic}[/]")
        return
    for group in result.groups:
        out.print(f"[bold]■ {group.region or '(no region)'}[/]")
        for d in group.documents:
            out.print(f"  [bold]{d.year or '?'} {d.title}[/] {d.doc}", highlight=False)
            for h in d.hits:
                out.print(f"    › {h.text}  [{h.start}:{h.end}]", markup=False)
            for t in d.targets:
                out.print(f"    # {t.indicator}: {figure_label(t)}  ({t.kind or '-'}) "
                          f"[{t.start}:{t.end}]", markup=False)  # fmt: skip
    for line in result.timelines:
        points = "  →  ".join(
            f"{p.region or '?'} {p.year or '?'} {p.kind or ''} {figure_label(p)}"
            for p in line.points
        )
        out.print(f"[bold]timeline {line.group} ({line.unit})[/]: {points}")


def diff_cmd(
    old: Annotated[str, typer.Argument(help="Plan A (the older), by file name.")],
    new: Annotated[str, typer.Argument(help="Plan B (the newer), by file name.")],
    show_same: Annotated[bool, typer.Option("--all", help="Also list unchanged items.")] = False,
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Two plans aligned section by section: new, dropped and changed text; figures old → new."""
    result = diff(engine_for(settings_for(index, corpus)), old, new)
    if as_json:
        out.print(json.dumps(result.to_dict(), ensure_ascii=False), markup=False)
        return
    out.print(f"[bold]{result.old_doc} → {result.new_doc}[/]")
    marks = {"new": "+", "dropped": "-", "changed": "~", "same": "="}
    for s in result.sections:
        if s.status == "same" and not show_same:
            continue
        heading = s.new if s.old is None else s.old if s.new is None else f"{s.old}  ⇒  {s.new}"
        out.print(f"[bold]{marks[s.status]} {heading}[/]", highlight=False)
        for c in s.changes:
            if c.old and c.new:
                out.print(f"    ~ {c.old}\n      → {c.new}", markup=False)
            else:
                out.print(f"    {'+' if c.new else '-'} {c.new or c.old}", markup=False)
    grid = Table("", "indicator", "A", "B", title="figures")
    for t in result.targets:
        if t.status == "same" and not show_same:
            continue
        grid.add_row(marks[t.status], t.group, figure_label(t.old) if t.old else "",
                     figure_label(t.new) if t.new else "")  # fmt: skip
    out.print(grid)


def eval_targets_cmd(
    gold: Annotated[
        Path, typer.Option("--gold", help="Labelled figures, one .jsonl per plan.")
    ] = Path("evals/targets_gold"),
    report_dir: Annotated[Path, typer.Option("--out", help="Where the JSON report goes.")] = Path(
        "evals/reports"
    ),
    as_json: JsonOpt = False,
    corpus: CorpusOpt = None,
) -> None:
    """Precision and recall of targets extraction on hand-labelled plans."""
    report = evaluate_extraction(gold, settings_for(None, corpus).corpus_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"extraction-{gold.name}.json"
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    if as_json:
        out.print(json.dumps(report.to_dict(), ensure_ascii=False), markup=False)
        return
    print_extraction(report, str(gold))


def print_extraction(report: ExtractionReport, title: str) -> None:
    grid = Table("field", "precision", "recall",
                 title=f"targets extraction, {title}: {report.gold} labelled, "
                       f"{report.predicted} extracted, {len(report.docs)} plan(s)")  # fmt: skip
    for name in FIELDS:
        score = report.scores[name]
        grid.add_row(name, f"{score.precision:.3f}", f"{score.recall:.3f}")
    out.print(grid)
    for line in report.misses:
        out.print(f"missed: {line}", markup=False)
    for line in report.false_alarms:
        out.print(f"not labelled: {line}", markup=False)
