"""Numbered generations of an index directory and the atomic switch between them.

An index directory holds generations (`gen-000001/`: manifest, store and the backend's files)
and a `CURRENT` file naming the live one. A writer prepares the next generation in a temporary
directory, renames it into place and then replaces `CURRENT`, so a crash at any point leaves
the previous generation whole and readers never see a half-written one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .faults import crash_point
from .manifest import Manifest

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
_KEEP_GENERATIONS = 2  # the live one and the one before (a reader may still hold it)


def live_generation(root: Path) -> Path | None:
    pointer = root / CURRENT
    if not pointer.exists():
        return None
    return root / pointer.read_text(encoding="utf-8").strip()


def live_manifest(root: Path) -> Manifest | None:
    """The manifest of the live generation, or None when there is no index yet."""
    generation = live_generation(root)
    if generation is None or not (generation / MANIFEST).exists():
        return None
    return Manifest.read(generation / MANIFEST)


def generation_manifests(root: Path) -> list[Manifest]:
    """The manifests of every generation on disk (the live one and any a reader may hold)."""
    return [
        Manifest.read(g / MANIFEST) for g in sorted(root.glob("gen-*")) if (g / MANIFEST).exists()
    ]


def next_generation_name(root: Path) -> str:
    numbers = [int(p.name.split("-")[1]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def carry(live: Path, work: Path, linked: str | None = None) -> None:
    """Copy the live generation's files into `work` for the next one to change; files whose
    path holds `linked` ("lexical/seg-": folders never changed once written) are hard-linked."""
    mark = f"{os.sep}{linked}" if linked else None

    def copy(source: str, target: str) -> None:
        if mark is not None and mark in source:
            os.link(source, target)
        else:
            shutil.copy2(source, target)

    shutil.copytree(live, work, copy_function=copy)


def switch_to(root: Path, work: Path) -> Path:
    """Make the prepared directory `work` the live generation; returns its new path."""
    _fsync_tree(work)
    generation = root / next_generation_name(root)
    os.rename(work, generation)
    crash_point("renamed")
    pointer_tmp = root / f"{CURRENT}.tmp"
    pointer_tmp.write_text(generation.name, encoding="utf-8")
    fsync_path(pointer_tmp)
    os.replace(pointer_tmp, root / CURRENT)
    fsync_path(root)
    _drop_old_generations(root, generation)
    return generation


def drop_unfinished(root: Path) -> None:
    """What a writer that crashed during the switch left: a generation renamed into place but
    never made live (numbered past the live one), and the half-written pointer."""
    (root / f"{CURRENT}.tmp").unlink(missing_ok=True)
    live = live_generation(root)
    for generation in root.glob("gen-*"):
        if live is None or generation.name > live.name:
            shutil.rmtree(generation, ignore_errors=True)


def _drop_old_generations(root: Path, live: Path) -> None:
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    for old in gens[:-_KEEP_GENERATIONS]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)


def fsync_path(path: Path) -> None:
    """Flush a file, or a directory's entries, to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            fsync_path(path)
    for path in sorted(p for p in root.rglob("*") if p.is_dir()):
        fsync_path(path)
    fsync_path(root)
