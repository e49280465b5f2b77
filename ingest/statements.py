"""Statements of a passage: what an answer may quote whole, and what the index embeds one by one.

A statement is a sentence, or, when a sentence runs over MAX_STATEMENT characters, a run of its
clauses. The index embeds each statement of each passage (a passage vector mixes several topics;
a question matches one of them), and the answer stage cuts its candidates from the same spans,
so both read the text the same way.
"""

from __future__ import annotations

from .chinese import clauses, sentences, trim_span

MAX_STATEMENT = 100  # chars: a statement read at a glance


def statements(text: str) -> list[tuple[int, int]]:
    """(start, end) of the statements of a text, in order."""
    out: list[tuple[int, int]] = []
    for s, e in sentences(text):
        s, e = trim_span(text, s, e)
        if e <= s:
            continue
        if e - s <= MAX_STATEMENT:
            out.append((s, e))
            continue
        parts = clauses(text, s, e)
        for i, (cs, _) in enumerate(parts):
            last = i
            while last + 1 < len(parts) and parts[last + 1][1] - cs <= MAX_STATEMENT:
                last += 1
            out.append((cs, min(parts[last][1], cs + MAX_STATEMENT)))
    return out
