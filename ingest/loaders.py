"""Read a document file (.txt, .md, .pdf, .docx, or a page image) into `RawText`.

`load_file` is the one way to read a file. Text and Markdown are read here; PDF (`pdf.py`),
DOCX (`word.py`) and images (`images.py`, by OCR) are imported on first use, so a command that
reads no such file does not load their parsers. Loaders keep structure hints for cleaning (see
`RawText`): PDF and image pages joined by form feeds, DOCX headings as Markdown "#" lines,
DOCX table rows as cells joined by " | ".
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import charset_normalizer

from ingest.chinese import garbage_share, normalize_newlines
from ingest.errors import DecodingError, EmptyDocumentError, UnsupportedFileError
from ingest.types import RawText

if TYPE_CHECKING:
    from ingest.ocr import Ocr

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # page photos and scans
SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".pdf", ".docx", *IMAGE_EXTENSIONS)

NO_TEXT = "no text in file"
NOT_TEXT = "not text: binary data"
UNKNOWN_ENCODING = "cannot detect the text encoding; save it as UTF-8"
CUT_SHORT = "the file ends in the middle of a UTF-8 character: it was cut short; save it again"

# gb18030 is a superset of gb2312 and gbk: decoding with it never loses a character they have,
# and it also covers rare characters (e.g. "𠀀") and "€" that a GBK decode would reject.
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})  # codecs.lookup() names

# Share of decoded characters that may be control, unassigned or replacement characters before
# the "text" is judged to be binary data that happened to decode.
_MAX_TEXT_GARBAGE_SHARE = 0.05


def load_file(path: Path, ocr: Ocr | None = None) -> RawText:
    """Read a .txt, .md, .pdf, .docx or image file into text with structure hints; `ocr` says
    how scanned pages are read (cache, workers, page progress).

    Raises:
        UnsupportedFileError: another extension.
        EmptyDocumentError: the file holds no text.
        DecodingError: a text file that is binary data or in an unknown encoding.
        CorruptFileError: a PDF or DOCX its parser cannot read.
        EncryptedPdfError: a password-protected PDF.
        ScannedPdfError: a scanned PDF or image that OCR cannot read.
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
    raw = loader(path, data, ocr)
    if not raw.text.strip():
        raise EmptyDocumentError(path, NO_TEXT)
    return raw


# --- plain text and Markdown ---------------------------------------------------------------


def _load_txt(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    return _load_text(path, data, "txt")


def _load_md(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    return _load_text(path, data, "md")


def _load_text(path: Path, data: bytes, source_format: str) -> RawText:
    text, encoding = _decode(path, data)
    if _looks_binary(text):
        raise DecodingError(path, NOT_TEXT)
    return RawText(normalize_newlines(text), source_format, encoding)


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
        except UnicodeDecodeError as error:
            if error.reason == "unexpected end of data" and _utf8_until(data, error.start):
                raise DecodingError(path, CUT_SHORT) from None
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


def _utf8_until(data: bytes, end: int) -> bool:
    """Whether `data` is UTF-8 up to `end` and only an unfinished character follows: a UTF-8
    file cut short, not a file in another encoding."""
    try:
        data[:end].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return len(data) - end < 4


def _looks_binary(text: str) -> bool:
    return garbage_share(text) > _MAX_TEXT_GARBAGE_SHARE


def _load_pdf(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    from .pdf import load_pdf  # pypdf loads only when a PDF is read

    return load_pdf(path, data, ocr)


def _load_docx(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    from .word import load_docx  # python-docx loads only when a Word file is read

    return load_docx(path, data)


def _load_image(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    from .images import load_image  # the OCR engine loads only when an image is read

    return load_image(path, data, ocr)


_LOADERS: dict[str, Callable[[Path, bytes, Ocr | None], RawText]] = {
    ".txt": _load_txt,
    ".md": _load_md,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    **dict.fromkeys(IMAGE_EXTENSIONS, _load_image),
}
