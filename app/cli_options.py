"""What every `eduqa` subcommand shares: consoles, option types, settings, engine, filters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from index.filters import Filters

from .engine import Engine
from .settings import Settings, load_settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index directory.")]
CorpusOpt = Annotated[Path | None, typer.Option("--corpus", help="Corpus directory.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
YearOpt = Annotated[list[int] | None, typer.Option("--year", help="Only passages about this year.")]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", help="Only this region.")]
TypeOpt = Annotated[list[str] | None, typer.Option("--type", help="Only this document type.")]


def settings_for(index: Path | None, corpus: Path | None) -> Settings:
    return load_settings().with_paths(index, corpus)


def engine_for(settings: Settings) -> Engine:
    return Engine.open(settings)


def filters_for(year, region, doc_type) -> Filters:
    return Filters(
        years=tuple(year or ()), regions=tuple(region or ()), doc_types=tuple(doc_type or ())
    )
