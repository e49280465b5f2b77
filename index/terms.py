"""Term statistics of the live passages, for a backend that keeps its postings elsewhere.

Question analysis asks whether the corpus uses a word and how rare it is (`known`, `idf`): to
split question words the plans never use, and to pick the word an answer must contain. And a
shortlist of passages is scored with BM25 over the whole corpus (`scores`): Milvus Lite keeps
BM25 statistics per segment, so its scores depend on how rows fell into segments, and a
passage only the dense search found has no BM25 score from Milvus at all. With Milvus the
generation therefore keeps this small table: each word with the number of live passages
holding it, and the passages' total length, kept up to date as passages come and go.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from .lexical import K1, B, bm25_idf

_TERMS, _COUNTS = "terms.txt", "terms.npz"


class TermStats:
    def __init__(self, df: Counter[str], passages: int, tokens: int) -> None:
        self._df = df
        self.passages = passages
        self.tokens = tokens  # of all live passages: their mean length normalises BM25

    @classmethod
    def empty(cls) -> TermStats:
        return cls(Counter(), 0, 0)

    def add(self, token_lists: Iterable[Sequence[str]]) -> None:
        for tokens in token_lists:
            self._df.update(set(tokens))
            self.passages += 1
            self.tokens += len(tokens)

    def remove(self, token_lists: Iterable[Sequence[str]]) -> None:
        for tokens in token_lists:
            self._df.subtract(set(tokens))
            self.passages -= 1
            self.tokens -= len(tokens)

    def known(self, token: str) -> bool:
        return self._df.get(token, 0) > 0

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        df = np.array([max(self._df.get(t, 0), 0) for t in tokens], dtype=np.float64)
        return bm25_idf(self.passages, df)

    def scores(self, query: Sequence[str], passages: Sequence[Sequence[str]]) -> np.ndarray:
        """BM25 of each passage (its tokens) for the query, as the FAISS backend scores it."""
        weights = list(zip(query, self.idf(query).tolist(), strict=True))
        mean_length = self.tokens / self.passages if self.passages else 1.0
        out = np.zeros(len(passages), dtype=np.float32)
        for i, tokens in enumerate(passages):
            counts = Counter(tokens)
            norm = K1 * (1 - B + B * len(tokens) / mean_length)
            out[i] = sum(w * counts[t] / (counts[t] + norm) for t, w in weights if counts[t])
        return out

    def save(self, directory: Path) -> None:
        held = sorted(t for t, n in self._df.items() if n > 0)
        (directory / _TERMS).write_text("\n".join(held), encoding="utf-8")
        df = np.array([self._df[t] for t in held], dtype=np.int64)
        np.savez(directory / _COUNTS, df=df, tokens=np.int64(self.tokens))

    @classmethod
    def load(cls, directory: Path, passages: int) -> TermStats:
        """The table saved in a generation, for its `passages` live passages."""
        text = (directory / _TERMS).read_text(encoding="utf-8")
        terms = text.split("\n") if text else []
        with np.load(directory / _COUNTS) as counts:
            df, tokens = counts["df"].tolist(), int(counts["tokens"])
        return cls(Counter(dict(zip(terms, df, strict=True))), passages, tokens)
