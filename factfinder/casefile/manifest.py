"""The case file's manifest, writing the case file (a folder or a zip), and verifying a received
one on its own, without the case database.

``manifest.json`` lists every other file with its SHA-256, size and role, the custody-chain head
the case file was exported from and what was withheld; ``manifest.sha256`` holds the SHA-256 of
``manifest.json`` in ``sha256sum`` format, so that a change to the manifest itself shows too.
The same hash is written into the case database's custody log (action ``casefile``), where it
cannot be rewritten without breaking the chain: compare it with what ``verify-casefile`` prints
to know that the whole case file, manifest included, is the one that was exported.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

SCHEMA = "factfinder-casefile/1"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
CHUNK = 1024 * 1024

Source = bytes | Path  # what a member holds: bytes made here, or a file copied as it is


def digest(source: Source) -> tuple[str, int]:
    """(SHA-256, size) of a member's content."""
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest(), len(source)
    h, n = hashlib.sha256(), 0
    with source.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def sum_line(data: bytes) -> bytes:
    return f"{hashlib.sha256(data).hexdigest()}  {MANIFEST}\n".encode("ascii")


def _zip_time(created_at: str) -> tuple[int, int, int, int, int, int]:
    d, t = created_at[:10], created_at[11:19]
    y, mo, da = (int(x) for x in d.split("-"))
    h, mi, s = (int(x) for x in t.split(":"))
    return (max(y, 1980), mo, da, h, mi, s)


def write(out: Path, members: list[tuple[str, Source]], created_at: str) -> None:
    """Write the members (path → content) as a folder, or as a zip when ``out`` ends in .zip
    (members in path order, each dated ``created_at``: the same content gives the same zip)."""
    members = sorted(members, key=lambda m: m[0])
    if out.suffix.lower() == ".zip":
        if out.exists():
            raise FileExistsError(f"{out} already exists")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.part-{os.getpid()}")
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, source in members:
                    info = zipfile.ZipInfo(name, date_time=_zip_time(created_at))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    with zf.open(info, "w") as dst:
                        if isinstance(source, bytes):
                            dst.write(source)
                        else:
                            with source.open("rb") as src:
                                shutil.copyfileobj(src, dst, CHUNK)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        return
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} already exists and is not an empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part-{os.getpid()}")  # never a half-written case file
    try:
        tmp.mkdir()
        for name, source in members:
            target = tmp.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(source, bytes):
                target.write_bytes(source)
            else:
                shutil.copyfile(source, target)
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# -- verifying --------------------------------------------------------------------------------


@dataclass
class Problem:
    file: str
    problem: str  # missing / changed / unlisted / unreadable / unsafe
    detail: str

    def as_json(self) -> dict[str, str]:
        return {"file": self.file, "problem": self.problem, "detail": self.detail}

    def line(self) -> str:
        return f"{self.file}: {self.problem} — {self.detail}"


@dataclass
class Verdict:
    path: str
    manifest_sha256: str | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        m = self.manifest
        return {"path": self.path, "ok": self.ok, "manifest_sha256": self.manifest_sha256,
                "schema": m.get("schema"), "subject": m.get("subject"),
                "created_at": m.get("created_at"), "exported_by": m.get("exported_by"),
                "custody_head": m.get("custody_head"),
                "include_protected": m.get("include_protected"),
                "files_checked": self.checked, "withheld": len(m.get("withheld") or []),
                "problems": [p.as_json() for p in self.problems]}


class _Reader:
    """The members of a case file, a folder or a zip, read without extracting anything."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.bad: list[Problem] = []
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            names = [i.filename for i in self.zip.infolist() if not i.is_dir()]
            for n in {n for n in names if names.count(n) > 1}:
                self.bad.append(Problem(n, "unsafe", "the zip holds this name more than once"))
            self.names = set(names)
        else:
            self.names = set()
            for root, dirs, files in os.walk(path):
                for name in files + [d for d in dirs if Path(root, d).is_symlink()]:
                    p = Path(root, name)
                    rel = p.relative_to(path).as_posix()
                    if p.is_symlink() or not p.is_file():
                        self.bad.append(Problem(rel, "unsafe", "not a plain file (a link?)"))
                    else:
                        self.names.add(rel)

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(name)
        return self.path.joinpath(*PurePosixPath(name).parts).read_bytes()

    def digest(self, name: str) -> tuple[str, int]:
        h, n = hashlib.sha256(), 0
        if self.zip is not None:
            fh: Any = self.zip.open(name)
        else:
            fh = self.path.joinpath(*PurePosixPath(name).parts).open("rb")
        with fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                h.update(chunk)
                n += len(chunk)
        return h.hexdigest(), n

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _safe(name: Any) -> bool:
    if not isinstance(name, str) or not name or "\\" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return all(p not in ("", ".", "..") for p in parts) and ":" not in parts[0]


def verify(path: Path) -> Verdict:
    """Check a received case file (folder or zip) on its own: the manifest against
    ``manifest.sha256``, every listed file against its hash and size, and nothing unlisted."""
    verdict = Verdict(str(path))
    if not path.exists():
        verdict.problems.append(Problem(str(path), "missing", "no such folder or zip"))
        return verdict
    try:
        reader = _Reader(path)
    except (zipfile.BadZipFile, OSError) as exc:
        verdict.problems.append(Problem(path.name, "unreadable", f"not a case file: {exc}"))
        return verdict
    try:
        _check(reader, verdict)
    finally:
        reader.close()
    return verdict


def _check(reader: _Reader, verdict: Verdict) -> None:
    problems = verdict.problems
    problems.extend(reader.bad)
    if MANIFEST not in reader.names:
        problems.append(Problem(MANIFEST, "missing", "the manifest is missing: nothing can be "
                                "checked"))
        return
    raw = reader.read(MANIFEST)
    verdict.manifest_sha256 = hashlib.sha256(raw).hexdigest()
    if MANIFEST_SUM not in reader.names:
        problems.append(Problem(MANIFEST_SUM, "missing", "the manifest's own hash is missing"))
    else:
        recorded = reader.read(MANIFEST_SUM).decode("ascii", errors="replace").split()
        if not recorded or recorded[0].lower() != verdict.manifest_sha256:
            problems.append(Problem(MANIFEST, "changed", "its SHA-256 is "
                                    f"{verdict.manifest_sha256}, not the one in {MANIFEST_SUM}"))
    try:
        manifest = json.loads(raw.decode("utf-8"))
        files = manifest["files"]
        assert isinstance(files, list)
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        problems.append(Problem(MANIFEST, "unreadable", f"not a case-file manifest ({exc})"))
        return
    verdict.manifest = manifest
    if manifest.get("schema") != SCHEMA:
        problems.append(Problem(MANIFEST, "unreadable", f"unknown schema "
                                f"{manifest.get('schema')!r} (this version reads {SCHEMA})"))
    listed: set[str] = set()
    for f in files:
        name = f.get("path") if isinstance(f, dict) else None
        if not _safe(name) or name in (MANIFEST, MANIFEST_SUM):
            problems.append(Problem(str(name), "unsafe", "the manifest lists a path outside "
                                    "the case file or a reserved name"))
            continue
        assert isinstance(name, str) and isinstance(f, dict)
        if name in listed:
            problems.append(Problem(name, "unsafe", "listed twice in the manifest"))
            continue
        listed.add(name)
        if name not in reader.names:
            problems.append(Problem(name, "missing", "listed in the manifest, not in the "
                                    "case file"))
            continue
        try:
            sha, size = reader.digest(name)
        except OSError as exc:
            problems.append(Problem(name, "unreadable", str(exc)))
            continue
        verdict.checked += 1
        if sha != str(f.get("sha256", "")).lower():
            problems.append(Problem(name, "changed", f"its SHA-256 is {sha}, the manifest "
                                    f"says {f.get('sha256')}"))
        elif size != f.get("bytes"):
            problems.append(Problem(name, "changed", f"{size} bytes, the manifest says "
                                    f"{f.get('bytes')}"))
    for name in sorted(reader.names - listed - {MANIFEST, MANIFEST_SUM}):
        problems.append(Problem(name, "unlisted", "in the case file but not in the manifest"))


def iter_lines(verdict: Verdict) -> Iterator[str]:
    """The verdict for people, one line each."""
    m = verdict.manifest
    if m:
        s = m.get("subject") or {}
        head = m.get("custody_head") or {}
        yield f"case file about {s.get('kind')} {s.get('name')} ({s.get('id')})"
        yield (f"exported {m.get('created_at')} by {m.get('exported_by')} from custody entry "
               f"{head.get('seq')} ({head.get('hash')})")
    if verdict.manifest_sha256:
        yield f"manifest SHA-256 {verdict.manifest_sha256}"
    for p in verdict.problems:
        yield p.line()
