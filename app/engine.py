"""An open index with its embedder: what search, ask and compare work on.

Opening loads the model once; `refresh()` picks up a newer index generation written by another
process (an upload in the web app, `eduqa add` in a shell) without reloading the model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from index.backend import SearchIndex
from index.embedders import Embedder
from index.indexer import Index

from .corpus import load_model
from .query import Region, region_aliases
from .settings import Settings


@dataclass
class Engine:
    settings: Settings
    embedder: Embedder
    index: SearchIndex  # today FAISS + segmented BM25 + SQLite (`Index`)
    regions: tuple[Region, ...] = field(default=())
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Engine:
        embedder = embedder or load_model(settings)
        index = Index.open(settings.index_dir, embedder.name)
        engine = cls(settings, embedder, index)
        engine._load_regions()
        return engine

    def _load_regions(self) -> None:
        names = sorted({d.meta.region for d in self.index.documents() if d.meta.region})
        self.regions = tuple(Region(n, region_aliases(n)) for n in names)

    def refresh(self) -> bool:
        """Switch to the live index generation if a writer replaced it; True when it did.

        The old view is not closed: a search in another session may still be reading it, and
        its connections close when the last reference goes.
        """
        with self._lock:
            if self.index.is_live():
                return False
            self.index = Index.open(self.settings.index_dir, self.embedder.name)
            self._load_regions()
            return True

    def close(self) -> None:
        self.index.close()
