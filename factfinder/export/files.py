"""Writing an export's files: the output folder, CSV / JSON / NDJSON rows, and their hashes.

Every row passes through the reader's :class:`~factfinder.redaction.Redactor` here, just
before it is written, whatever the format: protected names are masked in every string, the
values of protected keys (``author``, ``collector`` …) replaced, and rows whose ``id`` is a
hidden protected entity dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factfinder.redaction import Redactor


class ExportError(Exception):
    """An export that cannot be made (bad output folder, missing package); one line."""


@dataclass(frozen=True)
class Written:
    name: str  # file name inside the output folder
    rows: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "rows": self.rows, "sha256": self.sha256}


def prepare_out(out: Path, force: bool) -> None:
    """Create ``out`` (a folder); refuse one that holds files unless ``force``."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ExportError(f"--out {out} is not empty: choose a new folder, or --force to "
                          "write into it")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".factfinder-export-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ExportError(f"cannot write to --out {out}: {exc.strerror or exc}") from exc


def cell(value: Any) -> str:
    """One CSV cell: lists of plain values joined by ``; ``, objects as JSON, booleans as
    ``true``/``false``, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)) and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write_file(out: Path, name: str, data: bytes) -> str:
    try:
        (out / name).write_bytes(data)
    except OSError as exc:
        raise ExportError(f"cannot write {out / name}: {exc.strerror or exc}") from exc
    return hashlib.sha256(data).hexdigest()


def redact_rows(rows: Iterable[dict[str, Any]], redactor: Redactor) -> list[dict[str, Any]]:
    """``rows`` as the reader may see them; references to a hidden entity (its id as a
    column's value, as in ``claimant_entity``) become empty."""
    kept = redactor.json(list(rows))
    if not redactor.active or not redactor.entity_ids:
        return list(kept)
    hidden = redactor.entity_ids

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return None if v in hidden else v
        if isinstance(v, list):
            return [x for x in v if not (isinstance(x, str) and x in hidden)]
        return v

    return [{k: clean(v) for k, v in r.items()} for r in kept]


def encode(fmt: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> bytes:
    """``rows`` as ``fmt`` (csv, json or ndjson), with exactly ``columns`` in this order."""
    ordered = [{c: r.get(c) for c in columns} for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in ordered:
            w.writerow([cell(r[c]) for c in columns])
        return buf.getvalue().encode("utf-8")
    if fmt == "json":
        return (json.dumps(ordered, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "ndjson":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ordered).encode("utf-8")
    raise ExportError(f"unknown table format {fmt!r}")


def write_table(out: Path, table: str, fmt: str, columns: Sequence[str],
                rows: list[dict[str, Any]], redactor: Redactor) -> Written:
    """Redact and write one table as ``<table>.<fmt>``."""
    kept = redact_rows(rows, redactor)
    name = f"{table}.{fmt}"
    return Written(name, len(kept), write_file(out, name, encode(fmt, columns, kept)))
