"""The tutorial pipeline eduqa is measured against, run with the same model on the same machine.

What a user would otherwise build: LangChain's RecursiveCharacterTextSplitter(chunk_size=500,
chunk_overlap=50) over each file's text, multilingual-e5-small (the same packaged weights, with
e5's passage:/query: prefixes), a flat inner-product FAISS index, no lexical side, no metadata.
It saves the index and the chunk texts to a directory, as `FAISS.save_local` would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
_INDEX, _CHUNKS = "baseline.faiss", "chunks.json"


@dataclass(frozen=True, slots=True)
class BaselineHit:
    doc: str
    text: str
    score: float


class Baseline:
    """A flat FAISS index over 500/50 character chunks."""

    def __init__(self, index: faiss.Index, chunks: list[tuple[str, str]], model) -> None:
        self.index = index
        self.chunks = chunks  # (file name, chunk text)
        self.model = model

    @classmethod
    def build(cls, files: list[Path], model) -> Baseline:
        from langchain_text_splitters import RecursiveCharacterTextSplitter  # build only

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP
        )
        chunks = [
            (path.name, piece)
            for path in files
            for piece in splitter.split_text(path.read_text(encoding="utf-8"))
        ]
        vectors = np.asarray(model.passage([text for _, text in chunks]), dtype=np.float32)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return cls(index, chunks, model)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(directory / _INDEX))
        (directory / _CHUNKS).write_text(json.dumps(self.chunks, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, directory: Path, model) -> Baseline:
        chunks = [tuple(c) for c in json.loads((directory / _CHUNKS).read_text("utf-8"))]
        return cls(faiss.read_index(str(directory / _INDEX)), chunks, model)

    def search(self, question: str, k: int = 10) -> list[BaselineHit]:
        query = np.asarray(self.model.query([question]), dtype=np.float32).reshape(1, -1)
        scores, ids = self.index.search(query, k)
        return [
            BaselineHit(self.chunks[i][0], self.chunks[i][1], float(s))
            for s, i in zip(scores[0], ids[0], strict=True)
            if i >= 0
        ]

    def texts(self) -> list[str]:
        return [text for _, text in self.chunks]
