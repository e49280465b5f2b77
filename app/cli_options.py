"""What every `eduqa` subcommand shares: consoles, option types, settings, engine, filters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from index.filters import Filters
from ingest.errors import ConfigError

from .engine import Engine
from .search import MODES
from .settings import Settings, load_settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index directory.")]
CorpusOpt = Annotated[Path | None, typer.Option("--corpus", help="Corpus directory.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
YearOpt = Annotated[list[int] | None, typer.Option("--year", help="Only passages about this year.")]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", help="Only this region.")]
TypeOpt = Annotated[list[str] | None, typer.Option("--type", help="Only this document type.")]
ModeOpt = Annotated[str, typer.Option("--mode", help="dense, lexical or hybrid.")]
KOpt = Annotated[int, typer.Option("--k", min=1, help="Passages per question.")]


def mode_of(mode: str) -> str:
    """A search mode, refused with the modes there are when unknown."""
    if mode not in MODES:
        raise ConfigError("--mode", f"unknown mode '{mode}'; choose one of {', '.join(MODES)}")
    return mode


def settings_for(index: Path | None, corpus: Path | None) -> Settings:
    return load_settings().with_paths(index, corpus)


def engine_for(settings: Settings) -> Engine:
    return Engine.open(settings)


def filters_for(year, region, doc_type) -> Filters:
    return Filters(
        years=tuple(year or ()), regions=tuple(region or ()), doc_types=tuple(doc_type or ())
    )
