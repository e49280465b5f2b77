"""An open index with its embedder: what search, ask and compare work on.

Opening loads the model once; `refresh()` picks up a newer index generation written by another
process (an upload in the web app, `eduqa add` in a shell) without reloading the model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.backend import SearchIndex
from index.embedders import Embedder
from index.reader import Index
from index.store import StoredDocument

from .corpus import load_model
from .lexicon import Lexicon, load_lexicon
from .query import Region, region_aliases
from .settings import Settings


@dataclass(frozen=True)
class Titles:
    """Every document's title and issuer in one string, so finding the plans that name a place
    is one scan in C, not a loop over a province's documents."""

    text: str
    starts: np.ndarray  # where each document's part begins, ascending
    doc_ids: tuple[str, ...]

    @classmethod
    def of(cls, documents: Sequence[StoredDocument]) -> Titles:
        parts = [f"{d.meta.title} {d.meta.issuer or ''}\n" for d in documents]
        starts = np.cumsum([0] + [len(p) for p in parts])
        return cls("".join(parts), starts, tuple(d.doc_id for d in documents))

    def naming(self, names: Iterable[str]) -> tuple[str, ...]:
        """Ids of the documents whose title or issuer holds one of the names, in order."""
        hits: set[int] = set()
        for name in names:
            found = [m.start() for m in re.finditer(re.escape(name), self.text)]
            hits.update(np.searchsorted(self.starts, found, side="right").tolist())
        return tuple(self.doc_ids[i - 1] for i in sorted(hits))


@dataclass
class Engine:
    settings: Settings
    embedder: Embedder
    index: SearchIndex  # `Index`: the store, and FAISS + BM25 or Milvus for passages
    regions: tuple[Region, ...] = field(default=())
    titles: Titles = field(default_factory=lambda: Titles.of(()))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Engine:
        embedder = embedder or load_model(settings)
        index = Index.open(settings.index_dir, embedder.name, settings.backend)
        engine = cls(settings, embedder, index)
        engine._load_names()
        return engine

    def _load_names(self) -> None:
        """The regions and titles questions are matched against, read once per generation."""
        documents = self.index.documents()
        names = sorted({d.meta.region for d in documents if d.meta.region})
        self.regions = tuple(Region(n, region_aliases(n)) for n in names)
        self.titles = Titles.of(documents)

    def refresh(self) -> bool:
        """Switch to the live index generation if a writer replaced it; True when it did.

        The old view is not closed: a search in another session may still be reading it, and
        its connections close when the last reference goes.
        """
        with self._lock:
            if self.index.is_live():
                return False
            self.index = Index.open(
                self.settings.index_dir, self.embedder.name, self.settings.backend
            )
            self._load_names()
            return True

    @property
    def lexicon(self) -> Lexicon:
        """CC-CEDICT, parsed on first use (cached under the model cache)."""
        return load_lexicon(self.settings.model_cache)

    def close(self) -> None:
        self.index.close()
