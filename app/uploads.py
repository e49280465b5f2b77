"""Files that arrive as bytes (the Documents page's uploader, `eduqa add --one-plan`): written
to a private temp folder and handed to `corpus.add_files`, which checks and indexes them; the
page photos of one plan joined into one document first."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from index.embedders import Embedder
from ingest.errors import ConfigError
from ingest.images import in_page_order, join_pages
from ingest.loaders import IMAGE_EXTENSIONS

from .corpus import CorpusReport, FileProgress, PageProgress, add_files, safe_name
from .settings import Settings


def add_uploads(
    current: Settings,
    embedder: Embedder,
    files: Sequence[tuple[str, bytes]],
    replace: bool = False,
    on_file: FileProgress | None = None,
    on_page: PageProgress | None = None,
) -> CorpusReport:
    """Index uploaded (name, bytes) pairs: each is written to a temp folder of its own and
    handed to `add_files` under its sanitised name, which checks name, size and type, reads
    the text and copies accepted files into the corpus. Nothing in an upload is ever run."""
    with tempfile.TemporaryDirectory(prefix="eduqa-upload-") as temp:
        paths, names = [], []
        for i, (name, data) in enumerate(files):
            folder = Path(temp) / str(i)
            folder.mkdir()
            # a short name: one too long for the file system is refused by `add_files` with
            # its reason rather than failing the write; the suffix tells the loader the type
            path = folder / f"upload{Path(safe_name(name)).suffix.lower()}"
            path.write_bytes(data)
            paths.append(path)
            names.append(safe_name(name))
        return add_files(
            current,
            embedder,
            paths,
            names=names,
            on_file=on_file,
            replace=replace,
            on_page=on_page,
        )


def one_plan(
    files: Sequence[tuple[str, bytes]], name: str | None = None
) -> list[tuple[str, bytes]]:
    """Uploads with their page photos joined into one PDF, in the natural order of their names,
    for a plan photographed page by page: one document to ask and cite, not one per page. The
    PDF is named `name` or after the first page; other files pass unchanged. A name with no
    photo to join is refused: the user asked for a plan that would not be made."""
    photo = [Path(f[0]).suffix.lower() in IMAGE_EXTENSIONS for f in files]
    if name and not any(photo):
        kinds = "/".join(e.lstrip(".") for e in IMAGE_EXTENSIONS)
        raise ConfigError("--one-plan", f"none of the files is a page photo ({kinds})")
    if sum(photo) < (1 if name else 2):
        return list(files)
    pages = in_page_order([f for f, is_photo in zip(files, photo, strict=True) if is_photo])
    joined = (_pdf_name(name) if name else f"{Path(pages[0][0]).stem}.pdf", join_pages(pages))
    return [joined, *(f for f, is_photo in zip(files, photo, strict=True) if not is_photo)]


def _pdf_name(name: str) -> str:
    """The name given, as a PDF's ("要点v1.2" → "要点v1.2.pdf", not "要点v1.pdf")."""
    base = Path(name).name
    return base if base.lower().endswith(".pdf") else f"{base}.pdf"
