"""The rules of Chinese plan text that ingest and app share: what counts as a letter, what is
garbage, how lines end."""

from __future__ import annotations

import unicodedata

_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def letters(text: str) -> int:
    """Chinese characters and Latin letters: what words are made of in a plan."""
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or c.isascii() and c.isalpha())


def garbage_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for char in text if _is_garbage(char)) / len(text)


def _is_garbage(char: str) -> bool:
    if char == "\ufffd":
        return True
    # Cc: control, Cs: lone surrogate, Co: private use, Cn: unassigned.
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in _TEXT_CONTROLS
