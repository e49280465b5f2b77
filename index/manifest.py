"""The manifest: what built an index generation, so a mismatch is caught before it misleads.

It records the embedder and its dimension (vectors of two models must never be mixed), the
chunking settings and pipeline version (a change means passages differ and must be rebuilt),
each document's content hash, and where the passages are searched: the backend, and the FAISS
layout the corpus size called for or the Milvus collection.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from index.errors import IndexMismatchError

FORMAT = 7  # on-disk layout version of an index generation (7: OCR pages of a document)


@dataclass(frozen=True, slots=True)
class ManifestDocument:
    file_name: str
    doc_id: str  # content hash of the cleaned text
    fingerprint: str  # hash of everything indexed about it (metadata, passages)
    chunks: int


@dataclass(frozen=True, slots=True)
class Manifest:
    format: int
    embedder: str
    dim: int
    pipeline: str
    chunking: tuple[tuple[str, int], ...]
    documents: tuple[ManifestDocument, ...]
    backend: str = "faiss"  # `backend.BACKENDS`
    vectors: str = "flat"  # FAISS layout, `vectors.layout_for`: "flat" or "ivf<lists>"
    trained: int = 0  # vectors the IVF lists were trained for
    collection: str = ""  # the Milvus collection holding the passages (backend "milvus")

    def to_json(self) -> str:
        data = asdict(self)
        data["chunking"] = dict(self.chunking)
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        return cls(
            format=int(data["format"]),
            embedder=data["embedder"],
            dim=int(data["dim"]),
            pipeline=data["pipeline"],
            chunking=tuple(sorted((k, int(v)) for k, v in data["chunking"].items())),
            documents=tuple(ManifestDocument(**d) for d in data["documents"]),
            backend=data.get("backend", "faiss"),
            vectors=data.get("vectors", "flat"),
            trained=int(data.get("trained", 0)),
            collection=data.get("collection", ""),
        )

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls.from_json(path.read_text(encoding="utf-8"))

    def check(self, root: Path, embedder: str | None, backend: str | None) -> None:
        """Refuse an index another eduqa version, another embedder or another backend built
        (None: not checked), naming the fix."""
        if self.format != FORMAT:
            raise IndexMismatchError(
                root,
                f"built by another eduqa version (index format {self.format}, this one reads "
                f"{FORMAT}); rebuild it with `eduqa build --rebuild`",
            )
        if embedder is not None and self.embedder != embedder:
            raise IndexMismatchError(
                root,
                f"built with embedder '{self.embedder}', not '{embedder}'; rebuild it with "
                "`eduqa build --rebuild` or use the model it was built with",
            )
        if backend is not None and self.backend != backend:
            raise IndexMismatchError(
                root,
                f"held by the {self.backend} backend, but EDUQA_BACKEND is {backend}; "
                f"`eduqa migrate` moves it to {backend} with every document, or set "
                f"EDUQA_BACKEND={self.backend}",
            )
