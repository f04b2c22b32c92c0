"""Exports of a case: ``csv`` / ``json`` / ``ndjson`` tables, FollowTheMoney entities
(``ftm``) and HURIDOCS Events Standard Formats (``esf``).

:func:`export` reads what the :class:`~factfinder.export.select.Filters` keep, redacts it for
the reader (protected persons and documents left out unless ``include_protected``, and then
marked), writes the files into one folder, and records the export in the custody log (action
``export``: format, filters, every file with its SHA-256 and row count, whether protected
persons were included). docs/export.md describes every file and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factfinder import custody
from factfinder.db import Database
from factfinder.export.files import ExportError, Written, prepare_out
from factfinder.export.select import FilterError, Filters, read_selection

FORMATS = ("csv", "json", "ndjson", "ftm", "esf")

__all__ = ["FORMATS", "ExportError", "ExportResult", "FilterError", "Filters", "export"]


@dataclass
class ExportResult:
    format: str
    out: Path
    filters: Filters
    files: list[Written] = field(default_factory=list)
    custody_seq: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The stable JSON summary (``factfinder export … --json``)."""
        return {"format": self.format, "out": str(self.out), "filters": {
            k: v for k, v in self.filters.as_json().items() if k != "include_protected"},
            "include_protected": self.filters.include_protected,
            "files": [f.as_json() for f in self.files], "counts": self.counts,
            "custody_seq": self.custody_seq}


def export(db: Database, fmt: str, out: Path, filters: Filters, actor: str,
           force: bool = False, evidence_dir: Path | None = None) -> ExportResult:
    """Write the export ``fmt`` of what ``filters`` keep into the folder ``out`` and log it.

    Raises :class:`ExportError` (unknown format, unusable folder, missing package) and
    :class:`FilterError` (a bad filter) before anything is written or logged. With
    ``evidence_dir``, the custody head file there is brought up to date."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "ftm":
        from factfinder.export.ftm import require_followthemoney

        require_followthemoney()
    filters.check()
    with db.read() as conn:
        sel = read_selection(conn, filters)
        prepare_out(out, force)
        if fmt == "ftm":
            from factfinder.export.ftm import export_ftm

            files = export_ftm(conn, sel, out)
        elif fmt == "esf":
            from factfinder.export.esf import export_esf

            files = export_esf(conn, sel, out)
        else:
            from factfinder.export.tables import export_tables

            files = export_tables(conn, sel, fmt, out)
    result = ExportResult(fmt, out, sel.filters, files,
                          counts={f.name.rsplit(".", 1)[0]: f.rows for f in files})
    with db.write() as conn:
        entry = custody.append(conn, "export", f"export:{fmt}", actor, {
            "format": fmt, "out": str(out.resolve()),
            "filters": {k: v for k, v in sel.filters.as_json().items()
                        if k != "include_protected"},
            "include_protected": sel.filters.include_protected,
            "files": [f.as_json() for f in files], "counts": result.counts})
    result.custody_seq = entry.seq
    if evidence_dir is not None:
        custody.write_head_file(evidence_dir, entry.seq, entry.hash)
    return result
