"""`eduqa eval / fit`: scoring a QA set (single questions or conversations) and fitting the
question path's models on a split, from the shell."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .cli_options import (
    CorpusOpt,
    IndexOpt,
    engine_for,
    err,
    mode_of,
    out,
    settings_for,
)
from .search import MODES


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

    modes = list(MODES) if mode == "all" else [mode_of(mode)]
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
