"""Word-level BM25 over passages (jieba words via rjieba), in append-only segments.

Search-mode segmentation emits both a compound and its parts (学前教育 → 学前, 教育, 学前教育), so
a question that words a term differently from the plan still shares tokens with it.

Why segments and not a bm25s index: bm25s bakes idf into its matrix and cannot add documents
(bm25s issues #5 and #98), so every write would re-index the whole corpus, about a minute and
6 GB at a million passages. Here each write appends one segment holding the raw term
frequencies of its new passages; removed passages simply stop being live (the store says which
are); scores are computed at query time from the live passages' count, document frequencies and
mean length with bm25s' default formula (Lucene idf, k1 1.5, b 0.75), so they equal a fresh
bm25s index of the same passages, which the tests check. Small segments are merged into one as
they pile up, and a merge drops dead rows. Segment files never change once written, so a new
index generation links them instead of copying.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rjieba

_KEEP = re.compile(r"[\w%.]+")  # drops punctuation-only tokens; keeps "85%", "5.2"
K1, B = 1.5, 0.75  # bm25s' defaults
MAX_SEGMENTS = 8  # past this, every segment but the largest is merged into one
MAX_DEAD = 0.3  # a segment with more dead rows than this is rewritten
_TERMS, _SEGMENTS, _DF = "terms.txt", "segments.json", "df.npy"
_ARRAYS = ("vids", "lengths", "terms", "indptr", "rows", "freqs")


def tokenize(text: str) -> list[str]:
    """Lower-cased search-mode words of a text, punctuation dropped.

    Dictionary words only (no HMM guessing of new words): HMM joins characters differently in
    a question than in a plan ("多少套公租房" → 套公/租房, "建设公租房" → 公/租房), and then the
    two never share the word.
    """
    return [t.lower() for t in rjieba.cut_for_search(text, False) if _KEEP.fullmatch(t)]


def bm25_idf(passages: int, df: np.ndarray) -> np.ndarray:
    """Lucene's BM25 idf of terms held by `df` of `passages` passages (bm25s' default)."""
    n = max(passages, 1)
    return np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)


def words(text: str) -> list[str]:
    """Lower-cased dictionary words of a text, each once, punctuation dropped: `tokenize`
    is these words and their dictionary parts. Text written as these words with spaces between
    makes any jieba in search mode give back `tokenize`'s tokens, with or without HMM, as
    spaces keep it from joining characters into guessed words."""
    return [w.lower() for w in rjieba.cut(text, False) if _KEEP.fullmatch(w)]


class Vocabulary:
    """Term ids, append-only and shared by every index a writer derives from one loaded index:
    an id added later is simply unseen by an older index (its df is zero there)."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self.ids = {t: i for i, t in enumerate(terms)}

    def add(self, token: str) -> int:
        term = self.ids.get(token)
        if term is None:
            term = self.ids[token] = len(self.terms)
            self.terms.append(token)
        return term


@dataclass(frozen=True)
class Segment:
    """Term frequencies of some passages: the postings of terms[i] are
    rows[indptr[i]:indptr[i + 1]]. Only the segment's own terms are listed, so its size does
    not grow with the vocabulary."""

    name: str
    vids: np.ndarray  # int64, ascending: the passage of each row
    lengths: np.ndarray  # float32 tokens per row
    terms: np.ndarray  # int64 ascending term ids with postings here
    indptr: np.ndarray  # int64 [len(terms) + 1]
    rows: np.ndarray  # int32 row of each posting
    freqs: np.ndarray  # float32 term frequency of each posting

    def span(self, term: int) -> tuple[int, int] | None:
        """Where the term's postings are, or None when it has none here."""
        i = int(np.searchsorted(self.terms, term))
        if i == len(self.terms) or self.terms[i] != term:
            return None
        return int(self.indptr[i]), int(self.indptr[i + 1])

    def posting_terms(self) -> np.ndarray:
        """The term id of each posting."""
        return np.repeat(self.terms, np.diff(self.indptr))

    def save(self, directory: Path) -> None:
        (directory / self.name).mkdir()
        for array in _ARRAYS:
            np.save(directory / self.name / f"{array}.npy", getattr(self, array))

    @classmethod
    def load(cls, directory: Path, name: str) -> Segment:
        """Memory-mapped: a query pages in only the postings of its terms."""
        arrays = (np.load(directory / name / f"{a}.npy", mmap_mode="r") for a in _ARRAYS)
        return cls(name, *arrays)


def _segment(name: str, vids, lengths, terms, rows, freqs) -> Segment:
    """A segment from postings in any order (sorted here by term, then row)."""
    order = np.lexsort((rows, terms))
    present, counts = np.unique(terms, return_counts=True)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Segment(
        name,
        np.asarray(vids, dtype=np.int64),
        np.asarray(lengths, dtype=np.float32),
        present.astype(np.int64),
        indptr,
        np.asarray(rows, dtype=np.int32)[order],
        np.asarray(freqs, dtype=np.float32)[order],
    )


class LexicalIndex:
    """BM25 over the live passages; row i of every score array is the i-th live vid."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        segments: list[Segment],
        live: np.ndarray,
        df: np.ndarray | None = None,
    ) -> None:
        """`live`: the vids to score, ascending (the store's passages); `df` as saved with the
        segments, or None to count it (a write does, and saves it for the readers)."""
        self._vocabulary = vocabulary
        self._segments = segments
        self._live = [np.isin(s.vids, live) for s in segments]
        self.size = int(sum(m.sum() for m in self._live))
        n_terms = len(vocabulary.terms)
        self._df = _document_frequencies(segments, self._live, n_terms) if df is None else df
        total = sum(float(s.lengths[m].sum()) for s, m in zip(segments, self._live, strict=True))
        self._mean_length = total / self.size if self.size else 1.0
        self._saturation: dict[str, np.ndarray] = {}

    @classmethod
    def empty(cls) -> LexicalIndex:
        return cls(Vocabulary([]), [], np.zeros(0, dtype=np.int64))

    def with_live(self, live: np.ndarray) -> LexicalIndex:
        """The same segments scoring another set of live vids (after removals)."""
        return LexicalIndex(self._vocabulary, self._segments, live)

    # queries ---------------------------------------------------------------------------------
    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every live row for the query (0 where no token matches)."""
        out = [np.zeros(len(s.vids), dtype=np.float32) for s in self._segments]
        vocabulary = self._vocabulary.ids
        ids = [vocabulary[t] for t in query_tokens if t in vocabulary]
        idf = self._idf_of(np.array(ids, dtype=np.int64))
        for term, weight in zip(ids, idf, strict=True):
            for segment, scores in zip(self._segments, out, strict=True):
                span = segment.span(term)
                if span is not None:
                    part = self._saturated(segment)[span[0] : span[1]]
                    scores[segment.rows[span[0] : span[1]]] += weight * part
        live = [s[m] for s, m in zip(out, self._live, strict=True)]
        return np.concatenate(live) if live else np.zeros(0, dtype=np.float32)

    def _saturated(self, segment: Segment) -> np.ndarray:
        """BM25's term-frequency part of every posting, tf / (tf + k1 (1 - b + b dl / avgdl)),
        computed once per segment: a query then adds slices instead of recomputing them."""
        part = self._saturation.get(segment.name)
        if part is None:
            norm = K1 * (1 - B + B * segment.lengths / self._mean_length)
            part = segment.freqs / (segment.freqs + norm[segment.rows])
            self._saturation[segment.name] = part
        return part

    def known(self, token: str) -> bool:
        """Whether any live passage holds the token."""
        term = self._vocabulary.ids.get(token, len(self._df))
        return term < len(self._df) and self._df[term] > 0

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 (Lucene) inverse document frequency of each token; highest for an unseen one."""
        ids = np.array([self._vocabulary.ids.get(t, -1) for t in tokens], dtype=np.int64)
        return self._idf_of(ids)

    def _idf_of(self, ids: np.ndarray) -> np.ndarray:
        """Ids this index has no df for (unknown, or added after it) count as unseen."""
        counted = np.append(self._df, 0.0)
        df = counted[np.where((ids >= 0) & (ids < len(self._df)), ids, len(self._df))]
        return bm25_idf(self.size, df)

    # writing ---------------------------------------------------------------------------------
    def with_passages(
        self, vids: Sequence[int], token_lists: Sequence[Sequence[str]]
    ) -> LexicalIndex:
        """This index plus a segment of these passages, merged as the policy says.

        `vids` must be larger than every vid already in the index (the store never reuses
        them), so concatenated segments stay in vid order.
        """
        vocabulary = self._vocabulary
        rows, cols, freqs, lengths = [], [], [], []
        for row, tokens in enumerate(token_lists):
            counts: dict[int, int] = {}
            for token in tokens:
                term = vocabulary.add(token)
                counts[term] = counts.get(term, 0) + 1
            rows += [row] * len(counts)
            cols += counts.keys()
            freqs += counts.values()
            lengths.append(len(tokens))
        segments, live = list(self._segments), list(self._live)
        if len(vids):
            name = f"seg-{_next_number(segments):06d}"
            segments.append(
                _segment(
                    name,
                    vids,
                    lengths,
                    np.array(cols, dtype=np.int64),
                    np.array(rows, dtype=np.int64),
                    freqs,
                )
            )
            live.append(np.ones(len(vids), dtype=bool))
        segments = _merged(segments, live)
        live_vids = np.concatenate(
            [s.vids[m] for s, m in zip(self._segments, self._live, strict=True)]
            + [np.asarray(vids, dtype=np.int64)]
        )
        return LexicalIndex(vocabulary, segments, live_vids)

    def save(self, directory: Path) -> None:
        """Write the terms, new segments, document frequencies and the segment list.

        Segments already in `directory` (linked from the previous generation) are kept as they
        are; ones no longer listed are deleted.
        """
        directory.mkdir(parents=True, exist_ok=True)
        (directory / _TERMS).write_text("\n".join(self._vocabulary.terms), encoding="utf-8")
        np.save(directory / _DF, self._df)
        wanted = [s.name for s in self._segments]
        for segment in self._segments:
            if not (directory / segment.name).exists():
                segment.save(directory)
        for old in directory.glob("seg-*"):
            if old.name not in wanted:
                shutil.rmtree(old)
        (directory / _SEGMENTS).write_text(json.dumps(wanted), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, live: np.ndarray) -> LexicalIndex:
        """The index in `directory` (empty when there is none yet), scoring the `live` vids."""
        if not (directory / _SEGMENTS).exists():
            return cls.empty()
        text = (directory / _TERMS).read_text(encoding="utf-8")
        names = json.loads((directory / _SEGMENTS).read_text(encoding="utf-8"))
        segments = [Segment.load(directory, name) for name in names]
        vocabulary = Vocabulary(text.split("\n") if text else [])
        return cls(vocabulary, segments, live, np.load(directory / _DF))


def _document_frequencies(
    segments: list[Segment], live: list[np.ndarray], n_terms: int
) -> np.ndarray:
    """Live passages holding each term."""
    df = np.zeros(n_terms, dtype=np.float64)
    for segment, alive in zip(segments, live, strict=True):
        if alive.all():
            df[segment.terms] += np.diff(segment.indptr)
        else:
            kept = alive[segment.rows]
            df += np.bincount(segment.posting_terms()[kept], minlength=n_terms)
    return df


def _next_number(segments: list[Segment]) -> int:
    return max((int(s.name[4:10]) for s in segments), default=0) + 1


def _merged(segments: list[Segment], live: list[np.ndarray]) -> list[Segment]:
    """Segments after merging: too many → all but the largest into one; too dead → rewritten."""
    if not segments:
        return segments
    sizes = [int(m.sum()) for m in live]
    largest = int(np.argmax(sizes))
    if len(segments) > MAX_SEGMENTS:
        picked = [i for i in range(len(segments)) if i != largest]
    else:
        picked = [i for i, m in enumerate(live) if len(m) and 1 - m.mean() > MAX_DEAD]
    if not picked:
        return segments
    # merging only neighbours keeps the concatenation in vid order
    first, last = min(picked), max(picked)
    merged = _merge(
        segments[first : last + 1],
        live[first : last + 1],
        f"seg-{_next_number(segments):06d}",
    )
    return segments[:first] + ([merged] if len(merged.vids) else []) + segments[last + 1 :]


def _merge(segments: list[Segment], live: list[np.ndarray], name: str) -> Segment:
    """One segment of the live rows of consecutive segments."""
    vids, lengths, terms, rows, freqs = [], [], [], [], []
    offset = 0
    for segment, alive in zip(segments, live, strict=True):
        new_row = np.cumsum(alive) - 1 + offset  # old row → row in the merged segment
        kept = alive[segment.rows]
        vids.append(segment.vids[alive])
        lengths.append(segment.lengths[alive])
        terms.append(segment.posting_terms()[kept])
        rows.append(new_row[segment.rows[kept]])
        freqs.append(segment.freqs[kept])
        offset += int(alive.sum())
    return _segment(
        name,
        np.concatenate(vids),
        np.concatenate(lengths),
        np.concatenate(terms),
        np.concatenate(rows),
        np.concatenate(freqs),
    )
