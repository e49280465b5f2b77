"""`eduqa`: the command line. Parses options, calls one `app` function, renders the result.

Every subcommand takes `--index DIR` and `--corpus DIR` after its name (defaults: EDUQA_INDEX,
EDUQA_CORPUS, then `.eduqa/index` and `corpus/`). An error a user can meet (eduqa's own, or what
the system or SQLite refused) becomes one line on stderr and exit code 1; `--debug` (or
EDUQA_DEBUG=1) shows the traceback instead.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from app.errors import USER_ERRORS, one_line
from ingest.errors import ConfigError

from . import cli_compare
from . import corpus as corpus_ops
from .answer import answer_with
from .cli_options import (
    CorpusOpt,
    IndexOpt,
    JsonOpt,
    RegionOpt,
    TypeOpt,
    YearOpt,
    engine_for,
    err,
    filters_for,
    out,
    settings_for,
)
from .search import MODES, search
from .settings import backend_named


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

ModeOpt = Annotated[str, typer.Option("--mode", help="dense, lexical or hybrid.")]
KOpt = Annotated[int, typer.Option("--k", min=1, help="Passages per question.")]


@cli.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    if debug:
        os.environ["EDUQA_DEBUG"] = "1"


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise ConfigError("--mode", f"unknown mode '{mode}'; choose one of {', '.join(MODES)}")
    return mode


@contextmanager
def _file_progress() -> Iterator[tuple[corpus_ops.FileProgress, corpus_ops.PageProgress]]:
    """Progress bars on stderr: one advanced per file (embedding is most of the time), and one
    per page of a scanned file while OCR reads it."""
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("indexing", total=None)
        pages = bar.add_task("OCR", total=None, visible=False)

        def on_file(name: str, done: int, total: int) -> None:
            bar.update(task, description=f"indexing {name}", completed=done, total=total)

        def on_page(name: str, done: int, total: int) -> None:
            bar.update(pages, description=f"OCR {name}: page {done}/{total}", completed=done,
                       total=total, visible=done < total)  # fmt: skip

        yield on_file, on_page


def _report(report: corpus_ops.CorpusReport) -> None:
    r = report.result
    for label, names in (("added", r.added), ("replaced", r.replaced), ("removed", r.removed)):
        for name in names:
            out.print(f"{label}: {name}", markup=False)
    if r.unchanged:
        out.print(f"unchanged: {len(r.unchanged)} document(s)")
    out.print(f"passages embedded: {r.embedded}")
    for refusal in report.refused:
        err.print(f"error: {refusal}", markup=False)
    if report.refused:
        raise typer.Exit(1)


@cli.command()
def build(
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from an empty index.")] = False,
) -> None:
    """Build or bring up to date the index of the corpus directory."""
    settings = settings_for(index, corpus)
    embedder = corpus_ops.load_model(settings)
    with _file_progress() as (on_file, on_page):
        report = corpus_ops.build(
            settings, embedder, rebuild=rebuild, on_file=on_file, on_page=on_page
        )
    _report(report)


@cli.command()
def add(
    files: Annotated[
        list[Path], typer.Argument(help="Files to add (txt, md, pdf, docx, png/jpg/tif scans).")
    ],
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
    one_plan: Annotated[
        str | None,
        typer.Option("--one-plan", help="Join the images as the pages of one plan, NAME.pdf."),
    ] = None,
) -> None:
    """Copy files into the corpus and index them (refused files are named with the reason)."""
    settings = settings_for(index, corpus)
    embedder = corpus_ops.load_model(settings)
    with _file_progress() as (on_file, on_page):
        if one_plan:
            uploads = corpus_ops.one_plan([(f.name, f.read_bytes()) for f in files], one_plan)
            report = corpus_ops.add_uploads(settings, embedder, uploads, True, on_file, on_page)
        else:
            report = corpus_ops.add_files(settings, embedder, files, on_file=on_file,
                                          on_page=on_page)  # fmt: skip
    _report(report)


@cli.command()
def remove(
    docs: Annotated[list[str], typer.Argument(help="File names, with or without extension.")],
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Remove documents from the index and the corpus directory."""
    settings = settings_for(index, corpus)
    _report(corpus_ops.remove_documents(settings, corpus_ops.load_model(settings), docs))


@cli.command()
def migrate(
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
    to: Annotated[
        str | None, typer.Option("--to", help="faiss or milvus (default: EDUQA_BACKEND).")
    ] = None,
    milvus_uri: Annotated[
        str | None,
        typer.Option("--milvus-uri", help="Milvus to move to (default: EDUQA_MILVUS_URI)."),
    ] = None,
) -> None:
    """Move the index to another backend with every document; nothing is re-embedded."""
    settings = settings_for(index, corpus)
    backend = backend_named(
        to or settings.backend.kind, milvus_uri or settings.backend.milvus_uri, "--to"
    )
    settings = replace(
        settings, backend=replace(backend, milvus_token=settings.backend.milvus_token)
    )
    moved = corpus_ops.migrate(settings, corpus_ops.load_model(settings))
    if moved.source == moved.target:
        out.print(f"the index is already on {moved.target}; nothing to move", markup=False)
        if moved.target == "milvus":
            out.print(
                "to move it to another Milvus: `eduqa migrate --to faiss` with the old "
                "EDUQA_MILVUS_URI, then `eduqa migrate --to milvus --milvus-uri NEW`",
                markup=False,
            )
        return
    out.print(
        f"moved {moved.documents} document(s), {moved.passages} passages: "
        f"{moved.source} → {moved.target}"
    )
    hint = f"EDUQA_BACKEND={moved.target}"
    if moved.target == "milvus" and backend.milvus_uri:
        hint += f" EDUQA_MILVUS_URI={backend.milvus_uri}"
    out.print(f"use it with {hint}", markup=False)


@cli.command()
def docs(index: IndexOpt = None, corpus: CorpusOpt = None, as_json: JsonOpt = False) -> None:
    """List the indexed documents with their metadata."""
    from index.reader import Index

    settings = settings_for(index, corpus)
    idx = Index.open(settings.index_dir, backend=settings.backend)
    rows = [
        {
            "doc": d.file_name,
            "title": d.meta.title,
            "year": d.meta.year,
            "years": list(d.meta.years),
            "region": d.meta.region,
            "province": d.meta.province,
            "doc_type": d.meta.doc_type,
            "issuer": d.meta.issuer,
            "published": d.meta.published,
            "chunks": d.chunks,
            "added": d.added,
            "ocr_pages": [page for page, _ in d.ocr],
            "doubtful_pages": list(d.doubtful_pages),
        }
        for d in idx.documents()
    ]
    idx.close()
    if as_json:
        out.print(json.dumps(rows, ensure_ascii=False), markup=False)
        return
    table = Table("doc", "title", "year", "region", "type", "chunks")
    for r in rows:
        table.add_row(r["doc"], r["title"], str(r["year"] or ""), r["region"] or "",
                      r["doc_type"] or "", str(r["chunks"]))  # fmt: skip
    out.print(table)


@cli.command()
def meta(
    doc: Annotated[str, typer.Argument(help="Document file name (with or without extension).")],
    title: Annotated[str | None, typer.Option(help="Correct the title.")] = None,
    year: Annotated[int | None, typer.Option(help="Correct the plan year.")] = None,
    region: Annotated[str | None, typer.Option(help="Correct the region.")] = None,
    province: Annotated[str | None, typer.Option(help="Correct the province.")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Correct the type.")] = None,
    issuer: Annotated[str | None, typer.Option(help="Correct the issuer.")] = None,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Correct a document's metadata; the correction is kept across rebuilds."""
    changes = {
        k: v
        for k, v in dict(
            title=title, year=year, region=region, province=province, doc_type=doc_type,
            issuer=issuer,
        ).items()
        if v is not None
    }  # fmt: skip
    settings = settings_for(index, corpus)
    document = corpus_ops.set_metadata(settings, corpus_ops.load_model(settings), doc, changes)
    out.print(
        json.dumps({"doc": document.file_name, **_meta_dict(document.meta)}, ensure_ascii=False)
    )


def _meta_dict(m) -> dict:
    return {"title": m.title, "year": m.year, "years": list(m.years), "region": m.region,
            "province": m.province, "doc_type": m.doc_type, "issuer": m.issuer,
            "published": m.published}  # fmt: skip


def _print_hits(hits) -> None:
    for i, h in enumerate(hits, 1):
        section = " › ".join(h.section)
        out.print(f"[bold]{i}. {h.title}[/] ({h.year or '?'}, {h.region or '?'}) {h.doc} "
                  f"[{h.start}:{h.end}] score {h.score:.3f}")  # fmt: skip
        if section:
            out.print(f"   {section}", markup=False, style="dim")
        out.print(f"   {h.text}", markup=False)


def _results(questions, k, year, region, doc_type, mode, index, corpus):
    """Search each question with the shared options of `search` and `ask`."""
    engine = engine_for(settings_for(index, corpus))
    filters = filters_for(year, region, doc_type)
    for q in questions:
        yield engine, q, search(engine, q, k=k, filters=filters, mode=_mode(mode))


Questions = Annotated[list[str], typer.Argument(help="One or more questions.")]


@cli.command("search")
def search_cmd(
    questions: Questions,
    k: KOpt = 10,
    year: YearOpt = None,
    region: RegionOpt = None,
    doc_type: TypeOpt = None,
    mode: ModeOpt = "hybrid",
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """The best passages for each question."""
    for _, q, result in _results(questions, k, year, region, doc_type, mode, index, corpus):
        if as_json:
            row = {"question": q, "hits": [h.to_dict() for h in result.hits]}
            out.print(json.dumps(row, ensure_ascii=False), markup=False)
        else:
            out.print(f"[bold]? {q}[/]")
            _print_hits(result.hits)


@cli.command("ask")
def ask_cmd(
    questions: Questions,
    k: KOpt = 10,
    year: YearOpt = None,
    region: RegionOpt = None,
    doc_type: TypeOpt = None,
    mode: ModeOpt = "hybrid",
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
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
    model = _chat_model(settings_for(index, corpus)) if generate else None
    for engine, q, result in _results(questions, k, year, region, doc_type, mode, index, corpus):
        if model is not None and _print_generated(engine, result, model, as_json):
            continue
        ans = answer_with(engine, result)
        if as_json:
            out.print(json.dumps(ans.to_dict(), ensure_ascii=False), markup=False)
            continue
        out.print(f"[bold]? {q}[/]")
        _print_answer(ans)


def _print_answer(ans) -> None:
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


@cli.command("chat")
def chat_cmd(
    k: KOpt = 10,
    year: YearOpt = None,
    region: RegionOpt = None,
    doc_type: TypeOpt = None,
    mode: ModeOpt = "hybrid",
    as_json: JsonOpt = False,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """A conversation: one question per line on stdin, each leaning on the ones before it
    ("那2021年呢？"); a blank line starts a new conversation. Prints what `ask` prints, with
    the standalone question each line was understood as (`understood_as` in --json)."""
    from .followup import Turn, ask

    engine = engine_for(settings_for(index, corpus))
    filters = filters_for(year, region, doc_type)
    thread: list[Turn] = []
    for raw in sys.stdin:
        text = raw.strip()
        if not text:
            thread = []
            continue
        turn = ask(engine, text, thread, k=k, filters=filters, mode=_mode(mode))
        thread.append(turn)
        if as_json:
            row = {**turn.answer.to_dict(), "question": text,
                   "understood_as": turn.understood.text}  # fmt: skip
            out.print(json.dumps(row, ensure_ascii=False), markup=False)
            continue
        out.print(f"[bold]? {text}[/]")
        if turn.understood.rewritten:
            out.print(f"理解为 (understood as): {turn.understood.text}", style="cyan", markup=False)
        _print_answer(turn.answer)


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


@cli.command("eval")
def eval_cmd(
    qa: Annotated[Path, typer.Option("--qa", help="QA set (JSON lines).")] = Path(
        "evals/qa_dev.jsonl"
    ),
    mode: Annotated[str, typer.Option("--mode", help="dense, lexical, hybrid or all.")] = "hybrid",
    report_dir: Annotated[Path, typer.Option("--out", help="Where JSON reports go.")] = Path(
        "evals/reports"
    ),
    about: Annotated[
        Path | None,
        typer.Option("--about", help="Only questions about the plans in this folder."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Report file name (default: QA set and mode).")
    ] = None,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Score retrieval, answers and confidence on a QA set: overall, per type and language,
    the reliability of confidence, and the missed ids. Questions about plans the index does
    not hold are skipped."""
    from .evaluate import evaluate
    from .followup_eval import evaluate_followups, is_conversations

    modes = list(MODES) if mode == "all" else [_mode(mode)]
    settings = settings_for(index, corpus)
    engine = engine_for(settings)
    plans = {p.name for p in about.iterdir()} if about is not None else None
    conversations = is_conversations(qa)
    scorer = evaluate_followups if conversations else evaluate
    reports = [scorer(engine, qa, m, about=plans) for m in modes]
    report_dir.mkdir(parents=True, exist_ok=True)
    backend = settings.backend.kind
    suffix = "" if backend == "faiss" else f"-{backend}"  # the FAISS reports keep their names
    for r in reports:
        path = report_dir / f"{name or qa.stem}-{r.mode}{suffix}.json"
        path.write_text(json.dumps(r.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    scope = f", about {about.as_posix()}" if about is not None else ""
    title = f"eval {qa.as_posix()} · {reports[0].documents} plans{scope} · {backend}"
    (_print_followups if conversations else _print_eval)(reports, title)


def _print_followups(reports, title: str) -> None:
    """Per form of follow-up and per language: how often the last turn was answered, how often
    it was understood as its gold standalone question, and how often that question is answered
    when asked as it is."""
    table = Table("mode", "slice", "n", "followup acc", "understood acc", "standalone acc",
                  title=title)  # fmt: skip
    for r in reports:
        slices = (("overall", r.overall), *((f"form {k}", v) for k, v in r.by_form.items()),
                  *((f"lang {k}", v) for k, v in r.by_language.items()))  # fmt: skip
        for scope, m in slices:
            table.add_row(r.mode, scope, str(m["conversations"]), _fmt(m["followup_accuracy"]),
                          _fmt(m["understood_accuracy"]),
                          _fmt(m["standalone_accuracy"]))  # fmt: skip
    Console(highlight=False, width=max(out.width, 120)).print(table)
    for r in reports:
        if r.skipped:
            out.print(f"{r.skipped} conversations skipped: about plans this index does not hold")
        for kind, ids in r.missed.items():
            out.print(f"{r.mode} missed {kind}: {' '.join(ids) or '-'}", markup=False)


@cli.command("fit")
def fit_cmd(
    qa: Annotated[Path, typer.Option("--qa", help="QA split to fit on.")] = Path(
        "evals/qa_train.jsonl"
    ),
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Where the models go (default: the app's own).")
    ] = None,
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Fit the word statistics, the reranker, the candidate model and the verifier on a QA
    split (the index should hold its plans) and save them where the app reads them."""
    from .fit import fit
    from .models import FITTED

    engine = engine_for(settings_for(index, corpus))
    report = fit(engine, qa, lambda step: err.print(step, style="dim"), out_dir or FITTED)
    for path in report.paths:
        out.print(f"wrote {os.path.relpath(path)}", markup=False)
    out.print(json.dumps({"rerank": report.rerank.fitted_on, "verifier": report.verifier.fitted_on,
                          "thresholds": report.verifier.thresholds}, ensure_ascii=False, indent=1),
              markup=False)  # fmt: skip


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


_COLUMNS = (("R@1", "recall@1"), ("R@3", "recall@3"), ("R@5", "recall@5"),
            ("R@10", "recall@10"), ("MRR@10", "mrr@10"), ("EvCov@10", "evidence_coverage@10"),
            ("AnsAcc", "answer_accuracy"), ("UnansAcc", "unanswerable_accuracy"),
            ("CmpAcc", "compare_accuracy"))  # fmt: skip


def _print_eval(reports, title: str) -> None:
    wide = Console(highlight=False, width=max(out.width, 140))
    table = Table("mode", "slice", "n", *(c for c, _ in _COLUMNS), title=title)
    for r in reports:
        slices = (("overall", r.overall), *r.by_type.items(),
                  *((f"lang {k}", v) for k, v in r.by_language.items()))  # fmt: skip
        for scope, m in slices:
            table.add_row(r.mode, scope, str(int(m["questions"] or 0)),
                          *[_fmt(m[n]) for _, n in _COLUMNS])  # fmt: skip
    wide.print(table)
    for r in reports:
        if r.skipped:
            out.print(f"{r.skipped} questions skipped: about plans this index does not hold")
        _print_confidence(wide, r)
        for kind, ids in r.missed.items():
            out.print(f"{r.mode} missed {kind}: {' '.join(ids) or '-'}", markup=False)


def _print_confidence(console: Console, report) -> None:
    c = report.confidence
    found = c.found
    console.print(f"{report.mode} confidence: AUC {_fmt(c.auc)} (right answers against wrong and "
                  f"unanswerable); as run, found precision {_fmt(found.precision)}, "
                  f"recall {_fmt(found.recall)}")  # fmt: skip
    bins = Table("confidence", "n", "mean", "share right", title="reliability")
    for b in c.reliability:
        bins.add_row(f"{b.low:.1f}-{b.high:.1f}", str(b.questions), _fmt(b.mean_confidence),
                     _fmt(b.share_right))  # fmt: skip
    curve = Table("threshold", "precision", "recall", title='"found" precision/recall')
    for p in c.curve:
        curve.add_row(f"{p.threshold:.1f}", _fmt(p.precision), _fmt(p.recall))
    console.print(bins, curve)


cli.command("targets")(cli_compare.targets_cmd)
cli.add_typer(cli_compare.groups_cli, name="groups")
cli.command("compare")(cli_compare.compare_cmd)
cli.command("diff")(cli_compare.diff_cmd)
cli.command("eval-targets")(cli_compare.eval_targets_cmd)


def main() -> None:
    cli()
