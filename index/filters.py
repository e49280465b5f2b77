"""What a search is restricted to: years, places, document types or documents."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.types import DocumentMeta


@dataclass(frozen=True, slots=True)
class Filters:
    """Metadata restrictions of a search; empty means any."""

    years: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()  # short or full names ("四川" matches "四川省")
    doc_types: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()  # one plan at a time: comparing a topic across plans

    def __bool__(self) -> bool:
        return bool(self.years or self.regions or self.provinces or self.doc_types or self.doc_ids)


def document_passes(doc_id: str, meta: DocumentMeta, filters: Filters) -> bool:
    """Whether a document passes the filters other than years (a passage's year is its own)."""
    province = meta.province or ""
    return (
        (not filters.doc_ids or doc_id in filters.doc_ids)
        and (not filters.regions or meta.region in filters.regions)
        and (not filters.provinces or any(p and province.startswith(p) for p in filters.provinces))
        and (not filters.doc_types or meta.doc_type in filters.doc_types)
    )
