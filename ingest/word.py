"""DOCX → text: paragraphs and tables in document order, heading styles as Markdown levels.

Imported only when a Word file is read, so commands that never read one do not load python-docx.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from .chinese import normalize_newlines
from .errors import CorruptFileError, FileTooLargeError, short_reason
from .types import RawText

# python-docx on a zip that is not a Word package: OpcError (no package), KeyError (missing part),
# ValueError (wrong content type), lxml's XMLSyntaxError (broken part), BadZipFile (broken zip).
_DOCX_PARSE_ERRORS = (OpcError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile)

# Compound-file magic: legacy .doc and password-protected Office files are OLE containers.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# A zip bomb is refused before anything is inflated: python-docx reads every part into memory
# and parses its XML (about ten times the XML's size). Word's own files compress XML about
# 5-20 to 1 and images not at all.
MAX_UNPACKED = 200 * 2**20
MAX_RATIO = 100
_RATIO_FROM = 2**20  # parts smaller than this may compress as they like

_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-6])", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "标题"})


def load_docx(path: Path, data: bytes) -> RawText:
    """The body of a Word file's bytes; refuses .doc, password-protected and broken files."""
    if data.startswith(_OLE_MAGIC):
        raise CorruptFileError(
            path,
            "cannot read DOCX: it is a password-protected or old-format (.doc) Word file; "
            "remove the password or save it as .docx",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CorruptFileError(path, "cannot read DOCX: not a DOCX (zip) file, or truncated")
    _check_unpacked(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except _DOCX_PARSE_ERRORS as error:
        raise CorruptFileError(path, f"cannot read DOCX: {short_reason(error)}") from error
    return RawText(normalize_newlines("\n".join(lines)), "docx")


def _check_unpacked(path: Path, data: bytes) -> None:
    """Refuse a DOCX whose parts would inflate past MAX_UNPACKED, or one part of which is
    compressed more than MAX_RATIO to 1, from the sizes its zip directory declares."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as error:
        raise CorruptFileError(path, f"cannot read DOCX: {short_reason(error)}") from error
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED:
        raise FileTooLargeError(
            path,
            f"DOCX unpacks to {unpacked / 2**20:.0f} MB; the limit is "
            f"{MAX_UNPACKED / 2**20:.0f} MB (a zip bomb?)",
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise FileTooLargeError(
                path,
                f"DOCX part {part.filename} is compressed {ratio:.0f} to 1; the limit is "
                f"{MAX_RATIO} to 1 (a zip bomb?)",
            )


def _docx_lines(document: docx.document.Document) -> Iterator[str]:
    """Body blocks in document order: paragraphs as lines, each table row as one line."""
    for block in _docx_blocks(document.element.body, document):
        if isinstance(block, Paragraph):
            yield _paragraph_line(block)
        else:
            yield from _table_lines(block)


def _docx_blocks(
    container: etree._Element, parent: docx.document.Document
) -> Iterator[Paragraph | Table]:
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            # Content controls (Word's form fields, some templates) wrap ordinary body blocks.
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_blocks(content, parent)


def _paragraph_line(paragraph: Paragraph) -> str:
    level = _heading_level(paragraph)
    if level is None:
        return paragraph.text
    text = " ".join(paragraph.text.split())
    return f"{'#' * level} {text}" if text else ""


def _heading_level(paragraph: Paragraph) -> int | None:
    """Markdown level of a heading-styled paragraph (its style or one it is based on)."""
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:  # base-style chains are short; 10 guards loops
        name = (style.name or "").strip()
        if name.lower() in _TITLE_STYLES:
            return 1
        match = _HEADING_STYLE.fullmatch(name)
        if match:
            return int(match.group(1))
        style = style.base_style
        seen += 1
    return None


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            # A horizontally merged cell comes back once per grid column it spans; python-docx
            # offers no public identity for a cell, so compare the underlying <w:tc>.
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            yield " | ".join(cells)
