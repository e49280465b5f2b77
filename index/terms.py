"""Document frequencies of eduqa's own words, for a backend that scores BM25 elsewhere.

Question analysis asks whether the corpus uses a word and how rare it is (`known`, `idf`): to
split question words the plans never use, and to pick the word an answer must contain. With
Milvus, BM25 runs in the server, which does not expose its statistics, so the generation keeps
this small table itself: a word and the number of live passages holding it, kept up to date
as passages are added and removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .lexical import bm25_idf

_TERMS, _DF = "terms.txt", "terms-df.npy"


class TermStats:
    def __init__(self, df: Counter[str], passages: int) -> None:
        self._df = df
        self.passages = passages

    @classmethod
    def empty(cls) -> TermStats:
        return cls(Counter(), 0)

    def add(self, token_lists: Iterable[Sequence[str]]) -> None:
        for tokens in token_lists:
            self._df.update(set(tokens))
            self.passages += 1

    def remove(self, token_lists: Iterable[Sequence[str]]) -> None:
        for tokens in token_lists:
            self._df.subtract(set(tokens))
            self.passages -= 1

    def known(self, token: str) -> bool:
        return self._df.get(token, 0) > 0

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        df = np.array([max(self._df.get(t, 0), 0) for t in tokens], dtype=np.float64)
        return bm25_idf(self.passages, df)

    def save(self, directory: Path) -> None:
        held = sorted(t for t, n in self._df.items() if n > 0)
        (directory / _TERMS).write_text("\n".join(held), encoding="utf-8")
        np.save(directory / _DF, np.array([self._df[t] for t in held], dtype=np.int64))

    @classmethod
    def load(cls, directory: Path, passages: int) -> TermStats:
        """The table saved in a generation, for its `passages` live passages."""
        text = (directory / _TERMS).read_text(encoding="utf-8")
        terms = text.split("\n") if text else []
        counts = np.load(directory / _DF).tolist()
        return cls(Counter(dict(zip(terms, counts, strict=True))), passages)
