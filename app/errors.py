"""What the corpus folder refuses (a name too long or taken, a copy that failed), and every
error a user can meet, as one line for the command line and the page."""

from __future__ import annotations

import shutil
import sqlite3

from ingest.errors import EduqaError, system_reason


class NameTooLongError(EduqaError):
    """A file name too long to keep beside its metadata sidecar in the corpus folder."""


class CopyError(EduqaError):
    """A file could not be copied into the corpus folder (a full disk, no permission)."""


class NameTakenError(EduqaError):
    """Another document already has this file name (and replacing it was not asked for)."""


# what a user can meet: eduqa's own refusals, and what the system or SQLite refused (a full
# disk, a read-only or missing folder, a locked database); shutil.Error is an OSError
USER_ERRORS = (EduqaError, OSError, sqlite3.Error)


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
