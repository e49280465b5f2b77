"""PDF → text: pypdf's text layer, one page per form feed; a page without a usable text layer
(a scan, or fonts without a Unicode map) is rendered and read by OCR (`ingest/ocr.py`), so a
scanned or mixed PDF reads like a text one. Refusals name the reason.

Imported only when a PDF is read, so commands that never read one do not load pypdf.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, PyPdfError

from .chinese import garbage_share, letters, normalize_newlines
from .errors import (
    CorruptFileError,
    EncryptedPdfError,
    OcrUnavailableError,
    ScannedPdfError,
    short_reason,
)
from .ocr import DPI, Ocr, read_pages
from .types import RawText

ENCRYPTED_PDF = "PDF is password-protected; remove the password and add it again"
NO_TEXT = "no text on its pages, in a text layer or by OCR"

# A page showing an image with fewer letters than this in its text layer is a scan (which may
# carry a stamp's or a page number's text) and is read by OCR; a page without any letters or
# with a garbled layer is too. The reading with more letters is kept.
_MIN_PAGE_LETTERS = 20

# Share of a PDF's non-space characters that may be garbage. pypdf gives U+FFFD for glyphs it
# cannot map to Unicode (damaged streams, fonts without a Unicode map): a few are bullets and
# symbols, a majority means the text layer is useless.
_MAX_PDF_GARBAGE_SHARE = 0.5

# Acrobat's rules, which pypdf follows loosely: "%PDF-" within the first 1024 bytes and "%%EOF"
# within the last 1024. pypdf accepts files without the end marker and then may read only the
# pages it can reach, so a cut-off file would load with text silently missing.
_PDF_MARKER_WINDOW = 1024  # bytes

# Errors pypdf raises on malformed input besides its own PyPdfError family: it parses with
# int(), dict lookups, struct and zlib and lets their errors through on garbage.
_PDF_PARSE_ERRORS = (PyPdfError, ValueError, KeyError, IndexError, struct.error, zlib.error)


def load_pdf(path: Path, data: bytes, ocr: Ocr | None = None) -> RawText:
    """The text of a PDF's bytes, page by page: the text layer where a page has a usable one,
    OCR where it has none or garbage. Refuses encrypted, cut-off or unreadable files."""
    if b"%PDF-" not in data[:_PDF_MARKER_WINDOW]:
        raise CorruptFileError(path, "cannot read PDF: not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-_PDF_MARKER_WINDOW:]:
        raise CorruptFileError(path, "cannot read PDF: file is truncated (no %%EOF at the end)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and (reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED):
            raise EncryptedPdfError(path, ENCRYPTED_PDF)
        pages = [page.extract_text() for page in reader.pages]
        scanned = [n for n, page in enumerate(reader.pages) if not _usable(pages[n], page)]
    except DependencyError:
        # An AES-encrypted PDF, often with an empty user password ("no copying" only).
        raise EncryptedPdfError(
            path, "PDF is AES-encrypted; reading it needs the 'cryptography' package"
        ) from None
    except _PDF_PARSE_ERRORS as error:
        raise CorruptFileError(path, f"cannot read PDF: {short_reason(error)}") from error
    confidences: dict[int, float] = {}
    if scanned:
        try:
            read = read_pages(data, scanned, render_page, ocr or Ocr())
        except OcrUnavailableError as error:
            raise ScannedPdfError(path, f"scanned pages need OCR, and {error.reason}") from None
        except _RENDER_ERRORS as error:
            raise CorruptFileError(path, f"cannot render PDF page: {short_reason(error)}") from None
        for n, page in read.items():
            said = page.text  # laid out once
            if letters(said) >= letters(pages[n]):
                pages[n] = said
                confidences[n + 1] = page.confidence
            elif garbage_share("".join(pages[n].split())) > _MAX_PDF_GARBAGE_SHARE:
                pages[n] = ""  # garbage the OCR could not read either
    text = "\f".join(pages)
    if not text.strip():
        raise ScannedPdfError(path, NO_TEXT)
    return RawText(normalize_newlines(text), "pdf", ocr=tuple(sorted(confidences.items())))


def _usable(text: str, page: pypdf.PageObject) -> bool:
    """Whether a page's text layer reads it: letters, mostly not garbage (pypdf gives U+FFFD
    for glyphs of fonts without a Unicode map), and not a scanned image with a stamp's text."""
    body = "".join(text.split())
    found = letters(body)
    if not found or garbage_share(body) > _MAX_PDF_GARBAGE_SHARE:
        return False
    return found >= _MIN_PAGE_LETTERS or not _shows_image(page)


def _shows_image(page: pypdf.PageObject) -> bool:
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources else None
    if not objects:
        return False
    return any(o.get_object().get("/Subtype") == "/Image" for o in objects.get_object().values())


def render_page(data: bytes, n: int):
    """Page n of a PDF as an RGB image at the OCR resolution (PDFium)."""
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        image = document[n].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        document.close()
    return np.asarray(image)


_RENDER_ERRORS = (OSError, ValueError, RuntimeError)  # pypdfium2's PdfiumError is a RuntimeError
