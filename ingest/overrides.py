"""User corrections of a document's metadata, kept in a sidecar file beside the document.

The sidecar `NAME.meta.json` lives in the corpus directory next to `NAME`, so a correction
survives every rebuild and travels with the file; only the fields it names are overridden.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .types import DocumentMeta

SIDECAR_SUFFIX = ".meta.json"
_FIELDS = {f.name: f for f in dataclasses.fields(DocumentMeta)}


def sidecar_path(doc_path: Path) -> Path:
    return doc_path.with_name(doc_path.name + SIDECAR_SUFFIX)


def _checked(changes: dict[str, Any], subject: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in _FIELDS:
            valid = ", ".join(_FIELDS)
            raise ConfigError(subject, f"unknown metadata field '{key}'; valid fields: {valid}")
        if key == "year" and value is not None:
            value = int(value)
        if key == "years":
            value = tuple(sorted(int(y) for y in value))
        out[key] = value
    return out


def read_overrides(doc_path: Path) -> dict[str, Any]:
    """The corrections recorded for a document ({} when none)."""
    path = sidecar_path(doc_path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"not valid JSON ({exc}); fix or delete the file") from exc
    if not isinstance(data, dict):
        raise ConfigError(path, "must hold a JSON object of metadata fields")
    return _checked(data, path)


def write_overrides(doc_path: Path, changes: dict[str, Any]) -> dict[str, Any]:
    """Merge `changes` into the document's sidecar (a None value removes that correction)."""
    current = read_overrides(doc_path)
    merged = {**current, **_checked(changes, sidecar_path(doc_path))}
    merged = {k: v for k, v in merged.items() if v is not None}
    path = sidecar_path(doc_path)
    if merged:
        plain = {k: list(v) if isinstance(v, tuple) else v for k, v in merged.items()}
        path.write_text(json.dumps(plain, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return merged


def apply_overrides(meta: DocumentMeta, overrides: dict[str, Any]) -> DocumentMeta:
    """Metadata with the user's corrections on top; a corrected year joins `years`."""
    meta = dataclasses.replace(meta, **overrides)
    corrected_year = "year" in overrides and "years" not in overrides
    if corrected_year and meta.year is not None and meta.year not in meta.years:
        meta = dataclasses.replace(meta, years=(meta.year,))
    return meta
