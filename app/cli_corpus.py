"""`eduqa build / add / remove / migrate / docs / meta`: the corpus and its index from the
shell, each command one `app.corpus` call and its report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from . import corpus as corpus_ops
from . import uploads
from .cli_options import (
    CorpusOpt,
    IndexOpt,
    JsonOpt,
    err,
    out,
    settings_for,
)
from .settings import backend_named


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
    pages = []  # the photos joined (or refused) before the model loads
    if one_plan:
        pages = uploads.one_plan([(f.name, f.read_bytes()) for f in files], one_plan)
    embedder = corpus_ops.load_model(settings)
    with _file_progress() as (on_file, on_page):
        if one_plan:
            report = uploads.add_uploads(settings, embedder, pages, True, on_file, on_page)
        else:
            report = corpus_ops.add_files(settings, embedder, files, on_file=on_file,
                                          on_page=on_page)  # fmt: skip
    _report(report)


def remove(
    docs: Annotated[list[str], typer.Argument(help="File names, with or without extension.")],
    index: IndexOpt = None,
    corpus: CorpusOpt = None,
) -> None:
    """Remove documents from the index and the corpus directory."""
    settings = settings_for(index, corpus)
    _report(corpus_ops.remove_documents(settings, corpus_ops.load_model(settings), docs))


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


def docs(index: IndexOpt = None, corpus: CorpusOpt = None, as_json: JsonOpt = False) -> None:
    """List the indexed documents with their metadata."""
    settings = settings_for(index, corpus)
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
        for d in corpus_ops.documents(settings)
    ]
    if as_json:
        out.print(json.dumps(rows, ensure_ascii=False), markup=False)
        return
    table = Table("doc", "title", "year", "region", "type", "chunks")
    for r in rows:
        table.add_row(r["doc"], r["title"], str(r["year"] or ""), r["region"] or "",
                      r["doc_type"] or "", str(r["chunks"]))  # fmt: skip
    out.print(table)


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
