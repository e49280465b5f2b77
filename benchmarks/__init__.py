"""Benchmarks: eduqa beside the tutorial pipeline, embedding throughput, scale, ask latency."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shown(path: Path | str) -> str:
    """A path as a report names it: relative to the repository when inside it, else its name
    (a report must not carry the machine path of the checkout it ran in)."""
    path = Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def repo_relative(text: str) -> str:
    """Text with the checkout's own path taken out of every path it holds."""
    return text.replace(f"{ROOT.as_posix()}/", "")
