"""Making a case file: gather, check the originals, render the reports, write the manifest and
the files (a folder or a zip), and log the export in the custody log."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factfinder import custody
from factfinder.casefile import CasefileError
from factfinder.casefile import manifest as mf
from factfinder.casefile.gather import CaseData, gather
from factfinder.db import Database
from factfinder.store import EvidenceStore


@dataclass
class Result:
    out: Path
    case: CaseData
    manifest: dict[str, Any]
    manifest_sha256: str
    custody_seq: int

    def as_json(self) -> dict[str, Any]:
        m = self.manifest
        return {"out": str(self.out), "subject": m["subject"],
                "manifest_sha256": self.manifest_sha256, "custody_entry": self.custody_seq,
                "custody_head": m["custody_head"], "include_protected": m["include_protected"],
                "items": m["counts"], "files": len(m["files"]),
                "withheld": m["withheld"]}


COMPRESSED = (".gz", ".bz2", ".xz", ".zst")


def extension(filename: str | None, media_type: str | None) -> str:
    """A harmless extension for an original's file in the case file (its name is its hash)."""
    suffixes = [s.lower() for s in Path(filename or "").suffixes[-2:]]
    if len(suffixes) == 2 and suffixes[1] in COMPRESSED and re.fullmatch(
            r"\.[a-z0-9]{1,10}", suffixes[0]):
        return "".join(suffixes)  # .warc.gz, .tar.gz
    if suffixes and re.fullmatch(r"\.[a-z0-9]{1,10}", suffixes[-1]):
        return suffixes[-1]
    guessed = mimetypes.guess_extension((media_type or "").split(";")[0].strip()) or ""
    return guessed if re.fullmatch(r"\.[a-z0-9]{1,10}", guessed) else ".bin"


def _manifest(case: CaseData, files: list[dict[str, Any]]) -> dict[str, Any]:
    s = case.subject
    return {
        "schema": mf.SCHEMA,
        "subject": {"kind": s["kind"], "id": s["id"], "name": s["name"]},
        "created_at": case.created_at,
        "exported_by": case.exported_by,
        "custody_head": {"seq": case.head[0], "hash": case.head[1]},
        "include_protected": case.include_protected,
        "counts": {k: sum(1 for i in case.items if i["kind"] == k)
                   for k in ("event", "claim", "quote")} | {"sources": len(case.sources)},
        "files": files,
        "withheld": [{"sha256": o["sha256"], "documents": o["documents"],
                      "media_type": o["media_type"], "bytes": o["bytes"], "reason": o["reason"]}
                     for o in case.withheld],
    }


def build_casefile(db: Database, store: EvidenceStore, ref: str, out: Path, *,
                   include_protected: bool, actor: str, pdf: bool = True) -> Result:
    """Write the case file about ``ref`` to ``out`` (a folder, or a zip when it ends in .zip)
    and log it (custody action ``casefile``)."""
    from factfinder.casefile import report_html, report_pdf

    if out.exists() and (out.suffix.lower() == ".zip" or not out.is_dir() or any(out.iterdir())):
        raise CasefileError(f"{out} already exists (give a new folder or zip)")

    def original_path(sha: str) -> Path | None:
        return store.path_for(sha) if store.has(sha) else None

    with db.read() as conn:
        case = gather(conn, ref, include_protected=include_protected, actor=actor,
                      original_path=original_path)
    paths: dict[str, str] = {}
    members: list[tuple[str, mf.Source]] = []
    for o in case.originals:
        if o["withheld"]:
            continue
        problem = store.check(o["sha256"])
        if problem:
            raise CasefileError(f"original {o['sha256']} is {problem} in the evidence store: "
                                "run `factfinder verify`; no case file was written")
        name = f"originals/{o['sha256']}{extension(o['filename'], o['media_type'])}"
        paths[o["sha256"]] = name
        members.append((name, store.path_for(o["sha256"])))
    members.append(("report.html", report_html.render(case, paths)))
    if pdf:
        members.append(("report.pdf", report_pdf.render(case, paths)))
    roles = {"report.html": "report", "report.pdf": "report"}
    files = []
    for name, source in sorted(members, key=lambda m: m[0]):
        sha, size = mf.digest(source)
        if name.startswith("originals/") and sha != name.split("/")[1].split(".")[0]:
            raise CasefileError(f"original {name} changed while being read; no case file "
                                "was written")
        files.append({"path": name, "sha256": sha, "bytes": size,
                      "role": roles.get(name, "original")})
    manifest = _manifest(case, files)
    raw = mf.manifest_bytes(manifest)
    members += [(mf.MANIFEST, raw), (mf.MANIFEST_SUM, mf.sum_line(raw))]
    try:
        mf.write(out, members, case.created_at)
    except FileExistsError as exc:
        raise CasefileError(str(exc)) from exc
    manifest_sha = hashlib.sha256(raw).hexdigest()
    with db.write() as conn:
        entry = custody.append(conn, "casefile", case.subject["id"], actor, {
            "manifest_sha256": manifest_sha, "files": len(files),
            "withheld": len(case.withheld), "include_protected": include_protected,
            "custody_head": {"seq": case.head[0], "hash": case.head[1]},
            "items": manifest["counts"]})
    custody.write_head_file(store.root, entry.seq, entry.hash)
    return Result(out, case, manifest, manifest_sha, entry.seq)
