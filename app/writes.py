"""The write protocol of a document across the corpus folder and the index.

The corpus folder holds the files, the index what was read from them; `build` makes the index
agree with the folder, so a file the index holds must never go missing from it. Every write
(add, replace, remove; also `build` and metadata edits) runs under the index's writer lock, in
this order:

1. **stage**: each added file is copied into a staging folder of this write,
   `CORPUS/.eduqa-staging/<pid>-<token>/`, and flushed to disk. The folder is hidden, so `build`
   never takes a staged copy for a document, and unique, so two writes never share one.
2. **journal**: `journal.json` in that folder lists what the write does, each document with
   the content id the index will hold under its name (added) or stop holding (removed).
3. **commit**: the index switches to its new generation in one rename (`index/generations.py`).
4. **apply**: staged files are moved into the corpus under their names, removed documents'
   files and sidecars deleted.
5. **clean**: the staging folder is deleted.

Whatever a crash interrupts, the next writer finishes it before anything else (`recover`): a
staging folder without a journal never reached the commit and is deleted; with a journal, the
live index says whether the commit happened. If it did, step 4 is done again (it can be done
twice); if not, nothing in the corpus was touched and the folder is deleted. Either way the
corpus and the index agree again, and nothing the index committed is lost.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from index.faults import crash_point
from index.generations import fsync_path
from ingest.overrides import sidecar_path

T = TypeVar("T")

STAGING = ".eduqa-staging"
JOURNAL = "journal.json"
_LEGACY_STAGED = ".adding"  # how writes before this protocol staged a file: ".NAME.adding"


@dataclass(frozen=True, slots=True)
class Intent:
    """One document's change: "add" (the staged `file` becomes `name`) or "remove"."""

    op: str
    name: str
    doc_id: str  # the content the index holds under `name` once the write commits (add), or
    # held before it (remove)
    file: str = ""  # the staged copy, in the staging folder


@dataclass
class Staging:
    """The staging folder of one write, and what it will do."""

    corpus: Path
    folder: Path
    intents: list[Intent] = field(default_factory=list)
    committed: bool = False

    def stage(self, source: Path) -> Path:
        """A flushed copy of `source` in the staging folder, under a short name of its own
        with the source's suffix (a long document name cannot make the copy fail)."""
        copy = self.folder / f"{secrets.token_hex(4)}{source.suffix.lower()}"
        try:
            shutil.copyfile(source, copy)
            fsync_path(copy)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
        return copy

    def add(self, copy: Path, name: str, doc_id: str) -> None:
        self.intents.append(Intent("add", name, doc_id, copy.name))

    def remove(self, name: str, doc_id: str) -> None:
        self.intents.append(Intent("remove", name, doc_id))

    def commit(self, commit: Callable[[], T]) -> T:
        """Steps 2–4: journal, `commit` the index, apply the changes to the corpus."""
        crash_point("staged")
        partial = self.folder / f"{JOURNAL}.tmp"
        partial.write_text(json.dumps([asdict(i) for i in self.intents]), encoding="utf-8")
        fsync_path(partial)
        os.replace(partial, self.folder / JOURNAL)
        fsync_path(self.folder)
        crash_point("journaled")
        result = commit()
        self.committed = True
        crash_point("switched")
        apply(self.corpus, self.folder, self.intents)
        return result


@contextmanager
def staging(corpus: Path) -> Iterator[Staging]:
    """A new staging folder for one write (under the writer lock), deleted when the write
    ends, unless it failed after its commit: then the journal stays for `recover`."""
    root = corpus / STAGING
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir()
    stage = Staging(corpus, folder)
    failed = True
    try:
        yield stage
        failed = False
    finally:
        if not (failed and stage.committed):
            shutil.rmtree(folder, ignore_errors=True)
            _remove_if_empty(root)


def apply(corpus: Path, folder: Path, intents: list[Intent]) -> None:
    """Step 4 for a committed write: staged files into the corpus, removed files out. Each
    step may already have been done (a recovery after a crash half way): it is skipped then."""
    for intent in intents:
        target = corpus / intent.name
        if intent.op == "add":
            staged = folder / intent.file
            if staged.exists():
                os.replace(staged, target)
                crash_point("moved")
        else:
            target.unlink(missing_ok=True)
            sidecar_path(target).unlink(missing_ok=True)
    fsync_path(corpus)


def recover(
    corpus: Path, live: Callable[[str], str | None], read_id: Callable[[Path, str], str]
) -> list[str]:
    """Finish or roll back every write a crash interrupted (see the module docstring).

    `live(name)` is the content id the live index holds under a name; `read_id(path, name)` the
    content id of a file read as `name` (only for copies staged by writes before this protocol,
    which kept no journal). Returns the names whose change was finished."""
    finished: list[str] = []
    root = corpus / STAGING
    for staged in corpus.glob(f".*{_LEGACY_STAGED}"):
        name = staged.name[1 : -len(_LEGACY_STAGED)]
        if live(name) is not None and _legacy_id(root, staged, name, read_id) == live(name):
            os.replace(staged, corpus / name)
            finished.append(name)
        else:
            staged.unlink()
    for folder in sorted(root.iterdir()) if root.is_dir() else ():
        journal = folder / JOURNAL
        if folder.is_dir() and journal.exists():
            intents = [Intent(**i) for i in json.loads(journal.read_text(encoding="utf-8"))]
            done = [i for i in intents if _committed(i, live(i.name))]
            if len(done) == len(intents):  # a write commits all its changes or none
                apply(corpus, folder, intents)
                finished += [i.name for i in intents]
        shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink()
    _remove_if_empty(root)
    return finished


def _legacy_id(
    root: Path, staged: Path, name: str, read_id: Callable[[Path, str], str]
) -> str | None:
    """The content id of a copy staged as ".NAME.adding", read through a copy that has the
    name's suffix (the loader goes by it); the original stays until it is decided."""
    root.mkdir(exist_ok=True)
    readable = root / f"legacy{Path(name).suffix.lower()}"
    try:
        shutil.copyfile(staged, readable)
        return read_id(readable, name)
    except Exception:  # a partial copy that cannot be read is nothing the index holds
        return None
    finally:
        readable.unlink(missing_ok=True)


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):  # gone, or a failed write's journal is still in it
        folder.rmdir()


def _committed(intent: Intent, live_id: str | None) -> bool:
    if intent.op == "add":
        return live_id == intent.doc_id
    return live_id != intent.doc_id
