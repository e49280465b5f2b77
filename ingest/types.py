"""Records that flow from ingestion to the index and the app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RawText:
    """What a loader read from a file, before cleaning.

    `text` keeps the loader's structure hints: PDF pages are separated by form feeds ("\\f") so
    cleaning can drop running headers and page numbers; DOCX/Markdown headings are Markdown
    "#" lines; DOCX table rows are lines of cells joined by " | ".
    """

    text: str
    source_format: str  # "txt", "md", "pdf", "docx" or "image"
    encoding: str | None = None  # detected encoding of a text file
    ocr: tuple[tuple[int, float], ...] = ()  # (page number, OCR confidence) of each page read


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What a plan is: found in its text, correctable by the user."""

    title: str
    year: int | None  # the year the plan is about (for a summary+plan: the plan's year)
    years: tuple[int, ...]  # every year it covers (summary year and plan year)
    region: str | None  # county or city, e.g. "平江县", "怀化市"
    province: str | None  # only where the text says so
    doc_type: str | None  # 工作计划 / 工作要点 / 工作总结与计划 / 工作方案 …
    issuer: str | None
    published: str | None  # ISO date, "2020-03-11"


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch of a document that belongs to one heading path (outline node)."""

    path: tuple[str, ...]  # heading texts from the top, e.g. ("二、工作目标", "学前教育")
    start: int  # char offsets into the cleaned text
    end: int


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage as it is indexed and cited.

    `text` is exactly `cleaned[start:end]`; `section` is the heading path; `year` is the year the
    passage is about (the summary's year inside a summary part).
    """

    chunk_id: str  # content hash: same document text and span give the same id
    doc_id: str
    ordinal: int  # position within its document
    start: int
    end: int
    text: str
    section: tuple[str, ...]
    year: int | None
    # "result" in a summary part (what was achieved), "target" in a plan part, None when the
    # document does not say; "2020年新增学位目标" and "2019年完成了…" look in different parts
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One figure of a plan, the clause that holds it and what it measures.

    `doc_text[start:end] == text` (the clause); `figure_start`/`figure_end` point at the figure
    itself ("85%", "5.2万平方米") in the same cleaned text.
    """

    doc_id: str
    indicator: str  # what the figure measures, e.g. "三年学前教育毛入园率"
    value: float  # in base units: "1.5万平方米" → 15000
    value_max: float | None  # upper end of a range ("3-4个" → 4), else None
    unit: str  # base unit: "%", "人", "平方米", "元" …
    qualifier: str | None  # 以上 / 以内 / 以下 / 左右 / 不低于 / 控制在 / 达到 / 完成 / 超过 …
    kind: str | None  # "target" (plan part), "result" (summary part) or None, from the chunk
    year: int | None
    section: tuple[str, ...]
    text: str
    start: int
    end: int
    figure_start: int
    figure_end: int


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned document with its metadata and chunks."""

    doc_id: str  # hash of the cleaned text: identical content gives the same id
    file_name: str  # name in the corpus directory, the key users and QA sets use
    text: str  # cleaned text, what offsets point into
    meta: DocumentMeta
    source_format: str
    chunks: tuple[Chunk, ...]
    targets: tuple[Target, ...] = ()  # every figure, from `ingest.targets`
    ocr: tuple[tuple[int, float], ...] = ()  # (page number, confidence) of each page OCR read
