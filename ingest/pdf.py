"""PDF → text: pypdf's text layer, one page per form feed; refusals name the reason.

Imported only when a PDF is read, so commands that never read one do not load pypdf.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, PyPdfError

from .errors import CorruptFileError, EncryptedPdfError, ScannedPdfError
from .loaders import garbage_share, normalize_newlines, short_reason
from .types import RawText

ENCRYPTED_PDF = "PDF is password-protected; remove the password and add it again"
SCANNED_PDF = "no text layer (scanned PDF) — OCR needed; OCR is not supported"
GARBLED_PDF = (
    "text layer is unreadable (fonts without a Unicode map) — OCR needed; OCR is not supported"
)

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


def load_pdf(path: Path, data: bytes) -> RawText:
    """The text layer of a PDF's bytes; refuses encrypted, scanned, garbled or cut-off files."""
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
        raise CorruptFileError(path, f"cannot read PDF: {short_reason(error)}") from error
    text = "\f".join(pages)
    if pages and not text.strip():
        raise ScannedPdfError(path, SCANNED_PDF)
    if garbage_share("".join(text.split())) > _MAX_PDF_GARBAGE_SHARE:
        raise ScannedPdfError(path, GARBLED_PDF)
    return RawText(normalize_newlines(text), "pdf")
