"""One error hierarchy for the whole project.

Every message names the file (or index), the reason and, where there is one, the fix, so the CLI
can print it as a single line and the UI can show it as is.
"""

from __future__ import annotations

import shutil
import sqlite3
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
    """The OCR engine cannot load (a missing or broken install)."""


class DuplicateDocumentError(EduqaError):
    """The same content is already indexed under another file name."""


class FileTooLargeError(EduqaError):
    """An upload over the configured size limit."""


class NameTooLongError(EduqaError):
    """A file name too long to keep beside its metadata sidecar in the corpus folder."""


class CopyError(EduqaError):
    """A file could not be copied into the corpus folder (a full disk, no permission)."""


class NameTakenError(EduqaError):
    """Another document already has this file name (and replacing it was not asked for)."""


class DocumentNotFoundError(EduqaError):
    """A document name that the index does not hold."""


class IndexMissingError(EduqaError):
    """No index at the given directory yet."""


class IndexMismatchError(EduqaError):
    """The index was built with another embedder or format than the one asked for."""


class IndexLockedError(EduqaError):
    """Another process is writing the index."""


class ConfigError(EduqaError):
    """A setting or option with a value eduqa cannot use (also: a missing optional extra)."""


class MilvusUnavailableError(EduqaError):
    """The Milvus the settings name cannot be reached or opened."""


# what a user can meet: eduqa's own refusals, and what the system or SQLite refused (a full
# disk, a read-only or missing folder, a locked database); shutil.Error is an OSError
USER_ERRORS = (EduqaError, OSError, sqlite3.Error)


def system_reason(error: OSError) -> str:
    """What the system said of a file it could not read or write ("No such file or
    directory", "Permission denied")."""
    return error.strerror or str(error)


def one_line(error: BaseException) -> str:
    """An error as one line, "what: why", for the command line and the page."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        source, _, why = error.args[0][0]  # the first file a copy of a folder failed on
        return f"{source}: {why}"
    if isinstance(error, OSError):
        where = error.filename if error.filename is not None else "eduqa"
        return f"{where}: {system_reason(error)}"
    if isinstance(error, sqlite3.Error):
        return f"the index database: {error}"
    return str(error)
