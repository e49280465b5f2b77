"""`eduqa search / ask / chat`: questions from the shell, each answer rendered as text (the
one text renderer of an answer, `print_answer`) or as its JSON (`Answer.to_dict`)."""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from index.filters import Filters
from ingest.errors import ConfigError

from .answer import answer_with
from .cli_options import (
    CorpusOpt,
    IndexOpt,
    JsonOpt,
    KOpt,
    ModeOpt,
    RegionOpt,
    TypeOpt,
    YearOpt,
    engine_for,
    err,
    filters_for,
    mode_of,
    out,
    settings_for,
)
from .engine import Engine
from .search import search

Questions = Annotated[list[str], typer.Argument(help="One or more questions.")]


def _print_hits(hits) -> None:
    for i, h in enumerate(hits, 1):
        section = " › ".join(h.section)
        out.print(f"[bold]{i}. {h.title}[/] ({h.year or '?'}, {h.region or '?'}) {h.doc} "
                  f"[{h.start}:{h.end}] score {h.score:.3f}")  # fmt: skip
        if section:
            out.print(f"   {section}", markup=False, style="dim")
        out.print(f"   {h.text}", markup=False)


@dataclass(frozen=True, slots=True)
class _Asking:
    """Where the question commands look and how: the options `search`, `ask` and `chat` share."""

    k: int
    filters: Filters
    mode: str
    as_json: bool
    index: Path | None
    corpus: Path | None

    def engine(self) -> Engine:
        return engine_for(settings_for(self.index, self.corpus))


def _asking(
    k: KOpt = 10,
    year: YearOpt = None,
    region: RegionOpt = None,
    doc_type: TypeOpt = None,
    mode: ModeOpt = "hybrid",
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> _Asking:
    filters = filters_for(year, region, doc_type)
    return _Asking(k, filters, mode_of(mode), as_json, index, corpus)


def _asking_command(command: Callable[..., None]) -> Callable[..., None]:
    """`command` with the options of `_asking` after its arguments and before its own options.
    typer reads a command's options from its signature, so they are declared once, in
    `_asking`, and put into each command's signature; the command receives them as one
    `asking`."""
    shared = list(inspect.signature(_asking, eval_str=True).parameters.values())
    own = [
        p for p in inspect.signature(command, eval_str=True).parameters.values()
        if p.name != "asking"
    ]  # fmt: skip
    arguments = [p for p in own if p.default is p.empty]
    options = [p for p in own if p.default is not p.empty]

    @functools.wraps(command)
    def run(**given) -> None:
        asking = _asking(**{p.name: given.pop(p.name) for p in shared})
        command(asking=asking, **given)

    run.__signature__ = inspect.Signature([*arguments, *shared, *options])
    return run


def _results(questions: list[str], asking: _Asking):
    """Search each question as `search` and `ask` do."""
    engine = asking.engine()
    for q in questions:
        yield engine, q, search(engine, q, k=asking.k, filters=asking.filters, mode=asking.mode)


@_asking_command
def search_cmd(questions: Questions, asking: _Asking) -> None:
    """The best passages for each question."""
    for _, q, result in _results(questions, asking):
        if asking.as_json:
            row = {"question": q, "hits": [h.to_dict() for h in result.hits]}
            out.print(json.dumps(row, ensure_ascii=False), markup=False)
        else:
            out.print(f"[bold]? {q}[/]")
            _print_hits(result.hits)


@_asking_command
def ask_cmd(
    questions: Questions,
    asking: _Asking,
    generate: Annotated[
        bool,
        typer.Option(
            "--generate",
            help="Also write the answer with the chat model EDUQA_LLM names, checked against "
            "the passages it cites (the extracted answer otherwise).",
        ),
    ] = False,
) -> None:
    """Answer each question with the statement that answers it and its citation."""
    model = _chat_model(settings_for(asking.index, asking.corpus)) if generate else None
    for engine, q, result in _results(questions, asking):
        if model is not None and _print_generated(engine, result, model, asking.as_json):
            continue
        ans = answer_with(engine, result)
        if asking.as_json:
            out.print(json.dumps(ans.to_dict(), ensure_ascii=False), markup=False)
            continue
        out.print(f"[bold]? {q}[/]")
        print_answer(ans)


def print_answer(ans) -> None:
    """An answer as `ask` prints it: the statement or the lines with their citations, or
    "not found" with the possibly relevant candidate and the nearest passages."""
    result = ans.result
    if ans.found and ans.lines:
        if ans.compared:
            out.print(ans.text, style="green", markup=False)
        for line in ans.lines:
            h, where = line.hit, f"[{line.span.doc} {line.span.start}:{line.span.end}]"
            out.print(f"[green]• {line.text}[/]")
            out.print(f"  — {h.title} ({h.year}, {h.region}) {where}", markup=False)
        return
    if ans.found and ans.hit and ans.span:
        out.print(f"[green]{ans.text}[/]  [dim](confidence {ans.confidence:.2f})[/]")
        where = f"[{ans.span.doc} {ans.span.start}:{ans.span.end}]"
        source = f"{ans.hit.title} ({ans.hit.year}, {ans.hit.region})"
        out.print(f"  — {source} {' › '.join(ans.hit.section)} {where}", markup=False)
    else:
        out.print("[yellow]语料中未找到 (not found in the corpus)[/]")
        if ans.maybe:
            span = ans.maybe.span
            line = f"可能相关 (maybe, confidence {ans.confidence:.2f}): {ans.maybe.text}"
            out.print(f"{line} [{span.doc} {span.start}:{span.end}]", style="yellow",
                      markup=False)  # fmt: skip
        out.print("nearest passages:", style="dim")
    _print_hits(result.hits[:3])


@_asking_command
def chat_cmd(asking: _Asking) -> None:
    """A conversation: one question per line on stdin, each leaning on the ones before it
    ("那2021年呢？"); a blank line starts a new conversation. Prints what `ask` prints, with
    the standalone question each line was understood as (`understood_as` in --json)."""
    from .followup import Turn, ask

    engine = asking.engine()
    thread: list[Turn] = []
    for raw in sys.stdin:
        text = raw.strip()
        if not text:
            thread = []
            continue
        turn = ask(engine, text, thread, k=asking.k, filters=asking.filters, mode=asking.mode)
        thread.append(turn)
        if asking.as_json:
            row = {**turn.answer.to_dict(), "question": text,
                   "understood_as": turn.understood.text}  # fmt: skip
            out.print(json.dumps(row, ensure_ascii=False), markup=False)
            continue
        out.print(f"[bold]? {text}[/]")
        if turn.understood.rewritten:
            out.print(f"理解为 (understood as): {turn.understood.text}", style="cyan", markup=False)
        print_answer(turn.answer)


def _chat_model(settings):
    from .generate import chat_model

    if settings.llm is None:
        raise ConfigError(
            "--generate", "no chat model is configured; set EDUQA_LLM and EDUQA_LLM_MODEL"
        )
    return chat_model(settings.llm)


def _print_generated(engine, result, model, as_json: bool) -> bool:
    """Print the checked generated answer; False (after saying why) when it is withheld, so
    the extracted answer is printed instead. JSON carries both either way."""
    from .generate import generate

    gen = generate(engine, result, model)
    if as_json:
        out.print(json.dumps(gen.to_dict(), ensure_ascii=False), markup=False)
        return True
    if gen.text is None:
        err.print(f"generated answer withheld: {gen.problem}", markup=False)
        return False
    out.print(f"[bold]? {result.text}[/]")
    out.print(gen.text, style="green", markup=False)
    for n, hit in gen.citations():
        where = f"{hit.title} ({hit.year}, {hit.region}) [{hit.doc} {hit.start}:{hit.end}]"
        out.print(f"  [{n}] {where}", markup=False)
    return True
