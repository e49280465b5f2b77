"""`eduqa`: the command line. Parses options, calls one `app` function, renders the result.

Every subcommand takes `--index DIR` and `--corpus DIR` after its name (defaults: EDUQA_INDEX,
EDUQA_CORPUS, then `.eduqa/index` and `corpus/`). An error a user can meet (eduqa's own, or what
the system or SQLite refused) becomes one line on stderr and exit code 1; `--debug` (or
EDUQA_DEBUG=1) shows the traceback instead.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from typer.core import TyperGroup

from app.errors import USER_ERRORS, one_line

from . import cli_ask, cli_compare, cli_corpus, cli_eval
from .cli_options import (
    err,
)


class _Group(TyperGroup):
    """Turns every error a user can meet into one line on stderr and exit code 1 (the one
    place that does): eduqa's own, and what the system or SQLite refused (a full disk, a
    read-only or missing folder). `--debug` keeps the traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            if os.environ.get("EDUQA_DEBUG") == "1":
                raise
            err.print(f"error: {one_line(error)}", markup=False)
            raise typer.Exit(1) from None


cli = typer.Typer(cls=_Group, add_completion=False, no_args_is_help=True, help=__doc__)


@cli.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    if debug:
        os.environ["EDUQA_DEBUG"] = "1"


cli.command()(cli_corpus.build)
cli.command()(cli_corpus.add)
cli.command()(cli_corpus.remove)
cli.command()(cli_corpus.migrate)
cli.command()(cli_corpus.docs)
cli.command()(cli_corpus.meta)
cli.command("search")(cli_ask.search_cmd)
cli.command("ask")(cli_ask.ask_cmd)
cli.command("chat")(cli_ask.chat_cmd)
cli.command("eval")(cli_eval.eval_cmd)
cli.command("fit")(cli_eval.fit_cmd)
cli.command("targets")(cli_compare.targets_cmd)
cli.add_typer(cli_compare.groups_cli, name="groups")
cli.command("compare")(cli_compare.compare_cmd)
cli.command("diff")(cli_compare.diff_cmd)
cli.command("eval-targets")(cli_compare.eval_targets_cmd)


def main() -> None:
    cli()
