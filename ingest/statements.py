"""Statements of a passage: what an answer may quote whole, and what the index embeds one by one.

A statement is a sentence, or, when a sentence runs over MAX_STATEMENT characters, a run of its
clauses. The index embeds each statement of each passage (a passage vector mixes several topics;
a question matches one of them), and the answer stage cuts its candidates from the same spans,
so both read the text the same way.
"""

from __future__ import annotations

import re

MAX_STATEMENT = 100  # chars: a statement read at a glance
_SENTENCE = re.compile(r"[^。!?;！？；\n]+[。!?;！？；]?")
_CLAUSE = re.compile(r"[^,，、:：]+[,，、:：]?")


def statements(text: str) -> list[tuple[int, int]]:
    """(start, end) of the statements of a text, in order."""
    out: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        s, e = m.start(), m.end()
        if not text[s:e].strip():
            continue
        if e - s <= MAX_STATEMENT:
            out.append((s, e))
            continue
        clauses = [(c.start(), c.end()) for c in _CLAUSE.finditer(text, s, e)]
        for i, (cs, _) in enumerate(clauses):
            last = i
            while last + 1 < len(clauses) and clauses[last + 1][1] - cs <= MAX_STATEMENT:
                last += 1
            out.append((cs, min(clauses[last][1], cs + MAX_STATEMENT)))
    return out
