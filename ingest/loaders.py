"""Read a document file (.txt, .md, .pdf, .docx) into `RawText`.

`load_file` is the one way to read a file; each format has a small private loader. Loaders keep
structure hints for cleaning (see `RawText`): PDF pages joined by form feeds, DOCX headings as
Markdown "#" lines, DOCX table rows as cells joined by " | ".
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import charset_normalizer
import docx
import pypdf
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf.errors import DependencyError, PyPdfError

from ingest.errors import (
    CorruptFileError,
    DecodingError,
    EmptyDocumentError,
    EncryptedPdfError,
    ScannedPdfError,
    UnsupportedFileError,
)
from ingest.types import RawText

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx")

NO_TEXT = "no text in file"
NOT_TEXT = "not text: binary data"
UNKNOWN_ENCODING = "cannot detect the text encoding; save it as UTF-8"
ENCRYPTED_PDF = "PDF is password-protected; remove the password and add it again"
SCANNED_PDF = "no text layer (scanned PDF) — OCR needed; OCR is not supported"
GARBLED_PDF = (
    "text layer is unreadable (fonts without a Unicode map) — OCR needed; OCR is not supported"
)

# gb18030 is a superset of gb2312 and gbk: decoding with it never loses a character they have,
# and it also covers rare characters (e.g. "𠀀") and "€" that a GBK decode would reject.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})  # codecs.lookup() names

# Share of decoded characters that may be control, unassigned or replacement characters before
# the "text" is judged to be binary data that happened to decode.
_MAX_TEXT_GARBAGE_SHARE = 0.05
# Share of a PDF's non-space characters that may be garbage. pypdf gives U+FFFD for glyphs it
# cannot map to Unicode (damaged streams, fonts without a Unicode map): a few are bullets and
# symbols, a majority means the text layer is useless.
_MAX_PDF_GARBAGE_SHARE = 0.5
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")

# Acrobat's rules, which pypdf follows loosely: "%PDF-" within the first 1024 bytes and "%%EOF"
# within the last 1024. pypdf accepts files without the end marker and then may read only the
# pages it can reach, so a cut-off file would load with text silently missing.
_PDF_MARKER_WINDOW = 1024  # bytes

# Errors pypdf raises on malformed input besides its own PyPdfError family: it parses with
# int(), dict lookups, struct and zlib and lets their errors through on garbage.
_PDF_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, IndexError, struct.error, zlib.error)

# python-docx on a zip that is not a Word package: OpcError (no package), KeyError (missing part),
# ValueError (wrong content type), lxml's XMLSyntaxError (broken part), BadZipFile (broken zip).
_DOCX_PARSE_ERRORS = (OpcError, KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile)

# Compound-file magic: legacy .doc and password-protected Office files are OLE containers.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-6])", re.IGNORECASE)
_TITLE_STYLES = frozenset({"title", "标题"})


def load_file(path: Path) -> RawText:
    """Read a .txt, .md, .pdf or .docx file into text with structure hints.

    Raises:
        UnsupportedFileError: another extension.
        EmptyDocumentError: the file holds no text.
        DecodingError: a text file that is binary data or in an unknown encoding.
        CorruptFileError: a PDF or DOCX its parser cannot read.
        EncryptedPdfError: a password-protected PDF.
        ScannedPdfError: a PDF with pages but no text layer.
    """
    extension = path.suffix.lower()
    loader = _LOADERS.get(extension)
    if loader is None:
        shown = extension or "(none)"
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise UnsupportedFileError(
            path, f"unsupported file type '{shown}'; eduqa reads {supported}"
        )
    data = path.read_bytes()
    if not data:
        raise EmptyDocumentError(path, "file is empty (0 bytes)")
    if not data.strip():
        raise EmptyDocumentError(path, NO_TEXT)
    raw = loader(path, data)
    if not raw.text.strip():
        raise EmptyDocumentError(path, NO_TEXT)
    return raw


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- plain text and Markdown ---------------------------------------------------------------


def _load_txt(path: Path, data: bytes) -> RawText:
    return _load_text(path, data, "txt")


def _load_md(path: Path, data: bytes) -> RawText:
    return _load_text(path, data, "md")


def _load_text(path: Path, data: bytes, source_format: str) -> RawText:
    text, encoding = _decode(path, data)
    if _looks_binary(text):
        raise DecodingError(path, NOT_TEXT)
    return RawText(_normalize_newlines(text), source_format, encoding)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode strictly: BOMs first, then UTF-8, then whatever charset-normalizer finds."""
    # UTF-16 ("Unicode" in Windows Notepad) is full of NUL bytes, so only its BOM marks it.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DecodingError(path, NOT_TEXT) from None
    if b"\x00" in data:
        raise DecodingError(path, NOT_TEXT)
    encodings = ("utf-8-sig", "utf-8") if data.startswith(codecs.BOM_UTF8) else ("utf-8",)
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    # UTF-16/32 without a BOM is too rare to trust a guess of it for NUL-free bytes.
    candidates = [
        name
        for match in charset_normalizer.from_bytes(data)  # best match first
        if not (name := codecs.lookup(match.encoding).name).startswith(("utf-16", "utf-32"))
    ]
    if not candidates:
        raise DecodingError(path, UNKNOWN_ENCODING)
    # Short GB texts also decode as Korean or Japanese and may rank those first; this corpus is
    # mainland Chinese, so a plausible GB reading wins. Big5 texts rarely list a GB candidate.
    gb_plausible = any(name in _GB_FAMILY for name in candidates)
    encoding = "gb18030" if gb_plausible else candidates[0]
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        raise DecodingError(path, UNKNOWN_ENCODING) from None


def _looks_binary(text: str) -> bool:
    return _garbage_share(text) > _MAX_TEXT_GARBAGE_SHARE


def _garbage_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for char in text if _is_garbage(char)) / len(text)


def _is_garbage(char: str) -> bool:
    if char == "\ufffd":
        return True
    # Cc: control, Cs: lone surrogate, Co: private use, Cn: unassigned.
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in _TEXT_CONTROLS


# --- PDF -----------------------------------------------------------------------------------


def _load_pdf(path: Path, data: bytes) -> RawText:
    if b"%PDF-" not in data[:_PDF_MARKER_WINDOW]:
        raise CorruptFileError(path, "cannot read PDF: not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-_PDF_MARKER_WINDOW:]:
        raise CorruptFileError(path, "cannot read PDF: file is truncated (no %%EOF at the end)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and (reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED):
            raise EncryptedPdfError(path, ENCRYPTED_PDF)
        pages = [page.extract_text() for page in reader.pages]
    except DependencyError:
        # An AES-encrypted PDF, often with an empty user password ("no copying" only).
        raise EncryptedPdfError(
            path, "PDF is AES-encrypted; reading it needs the 'cryptography' package"
        ) from None
    except _PDF_PARSE_ERRORS as error:
        raise CorruptFileError(path, f"cannot read PDF: {_short_reason(error)}") from error
    text = "\f".join(pages)
    if pages and not text.strip():
        raise ScannedPdfError(path, SCANNED_PDF)
    if _garbage_share("".join(text.split())) > _MAX_PDF_GARBAGE_SHARE:
        raise ScannedPdfError(path, GARBLED_PDF)
    return RawText(_normalize_newlines(text), "pdf")


# --- DOCX ----------------------------------------------------------------------------------


def _load_docx(path: Path, data: bytes) -> RawText:
    if data.startswith(_OLE_MAGIC):
        raise CorruptFileError(
            path,
            "cannot read DOCX: it is a password-protected or old-format (.doc) Word file; "
            "remove the password or save it as .docx",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CorruptFileError(path, "cannot read DOCX: not a DOCX (zip) file, or truncated")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except _DOCX_PARSE_ERRORS as error:
        raise CorruptFileError(path, f"cannot read DOCX: {_short_reason(error)}") from error
    return RawText(_normalize_newlines("\n".join(lines)), "docx")


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


def _short_reason(error: Exception) -> str:
    """First line of a parser's message, unquoted (KeyError quotes its argument)."""
    message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    first_line = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return first_line[:200]


_LOADERS: dict[str, Callable[[Path, bytes], RawText]] = {
    ".txt": _load_txt,
    ".md": _load_md,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
