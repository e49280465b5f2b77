"""Word-level BM25 over passages (jieba segmentation via rjieba, scoring via bm25s).

Search-mode segmentation emits both a compound and its parts (学前教育 → 学前, 教育, 学前教育), so
a question that words a term differently from the plan still shares tokens with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import rjieba

_KEEP = re.compile(r"[\w%.]+")  # drops punctuation-only tokens; keeps "85%", "5.2"


def tokenize(text: str) -> list[str]:
    """Lower-cased search-mode words of a text, punctuation dropped.

    Dictionary words only (no HMM guessing of new words): HMM joins characters differently in
    a question than in a plan ("多少套公租房" → 套公/租房, "建设公租房" → 公/租房), and then the
    two never share the word.
    """
    return [t.lower() for t in rjieba.cut_for_search(text, False) if _KEEP.fullmatch(t)]


class LexicalIndex:
    """BM25 over a fixed list of token lists; row i is the i-th passage given to `build`."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]]) -> LexicalIndex:
        model = bm25s.BM25()
        # bm25s refuses an empty vocabulary; an all-empty corpus still gets a valid index
        corpus = [list(tokens) or ["\u0000"] for tokens in token_lists] or [["\u0000"]]
        model.index(corpus, show_progress=False)
        return cls(model, len(token_lists))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query (0 where no token matches)."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        vocab = self._model.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)[: self.size]

    def known(self, token: str) -> bool:
        """Whether any passage holds the token."""
        return token in self._model.vocab_dict

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 inverse document frequency of each token (highest for an unseen token)."""
        vocab = self._model.vocab_dict
        indptr = self._model.scores["indptr"]
        n = max(self.size, 1)
        df = np.array(
            [indptr[vocab[t] + 1] - indptr[vocab[t]] if t in vocab else 0 for t in tokens],
            dtype=np.float64,
        )
        return np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)

    def save(self, directory: Path) -> None:
        self._model.save(str(directory))

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory)), size)
