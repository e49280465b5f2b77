"""What search returns: cited passages (`Hit`) for one question, in the scope it was searched."""

from __future__ import annotations

from dataclasses import dataclass

from index.filters import Filters

from .query import Question


@dataclass(frozen=True, slots=True)
class Hit:
    """A cited passage: where it is, what it says, how well it matched."""

    doc: str  # file name in the corpus
    doc_id: str
    title: str
    year: int | None  # the year the passage is about
    region: str | None
    kind: str | None  # "target" (plan part), "result" (summary part) or None
    section: tuple[str, ...]
    start: int
    end: int
    text: str  # cleaned[start:end]
    score: float  # the reranker's: the probability that the passage answers
    dense: float = 0.0  # cosine of question and passage (e5)
    lexical: float = 0.0  # BM25 of the passage for the question's words
    vid: int = -1  # the passage's id in the index (its statement vectors are kept by it)
    statements: tuple[float, ...] = ()  # cosine of question and each statement, in order

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "text": self.text,
            "score": round(self.score, 4),
            "start": self.start,
            "end": self.end,
            "title": self.title,
            "year": self.year,
            "region": self.region,
            "section": " › ".join(self.section),
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits for one question, and the scope they were searched in.

    `in_scope` is False when the question names a year or place that no passage has: the hits
    are then the nearest passages of the whole corpus, and must not be taken as the answer.
    """

    question: Question
    filters: Filters
    in_scope: bool
    hits: tuple[Hit, ...]

    @property
    def text(self) -> str:
        return self.question.text
