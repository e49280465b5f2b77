"""The base of eduqa's errors, and what reading a file can refuse.

Every message names the file (or index), the reason and, where there is one, the fix, so the CLI
can print it as a single line and the UI can show it as is. Each layer keeps the errors it
raises beside it (`index/errors.py`, `app/errors.py`); `EduqaError` and `ConfigError`, which
every layer raises, live here at the bottom.
"""

from __future__ import annotations

from pathlib import Path


class EduqaError(Exception):
    """Base of every error eduqa raises on purpose."""

    def __init__(self, subject: str | Path, reason: str) -> None:
        self.subject = str(subject)
        self.reason = reason
        super().__init__(f"{self.subject}: {reason}")


class UnsupportedFileError(EduqaError):
    """The file's extension is not one eduqa can read."""


class EmptyDocumentError(EduqaError):
    """The file holds no text (empty, whitespace only, or nothing left after cleaning)."""


class DecodingError(EduqaError):
    """A text file in no encoding eduqa recognises (or binary data named .txt)."""


class CorruptFileError(EduqaError):
    """A PDF or DOCX that its parser cannot open (truncated, random bytes, broken zip)."""


class EncryptedPdfError(EduqaError):
    """A password-protected PDF."""


class ScannedPdfError(EduqaError):
    """A scanned file (a PDF without a usable text layer, a page photo) that cannot be read:
    the OCR engine is unavailable, or it finds no text."""


class OcrUnavailableError(EduqaError):
    """OCR cannot run: its engine cannot load (a missing or broken install), or a worker
    process reading pages stopped."""


class FileTooLargeError(EduqaError):
    """An upload over the configured size limit."""


class ConfigError(EduqaError):
    """A setting or option with a value eduqa cannot use (also: a missing optional extra)."""


def system_reason(error: OSError) -> str:
    """What the system said of a file it could not read or write ("No such file or
    directory", "Permission denied")."""
    return error.strerror or str(error)


def short_reason(error: Exception) -> str:
    """First line of a parser's message, unquoted (KeyError quotes its argument)."""
    message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    first_line = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return first_line[:200]
