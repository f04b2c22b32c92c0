"""Content-addressed evidence store: every original kept byte for byte under its SHA-256.

Layout: ``<root>/sha256/ab/abcd…`` (as git does: 256 folders keep each one to a few thousand
files at a million originals). A file is written to a temporary name, flushed to disk and
renamed into place, so a crash never leaves a partial original under a real name; once
written it is made read-only and never touched again. Writing the same bytes twice is a no-op.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

CHUNK = 1024 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, data: bytes, *, sync: bool = True) -> str:
        """Store ``data``; return its SHA-256. Existing originals are never rewritten.

        With ``sync=False`` the bytes are not forced to disk here: the caller must call
        ``sync(sha)`` before committing anything that refers to them (intake does this in its
        writer, so workers do not wait on the disk)."""
        sha = sha256_bytes(data)
        target = self.path_for(sha)
        if target.is_file():
            return sha
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".incoming-{sha[:16]}-{os.getpid()}-{threading.get_ident()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IRGRP)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return sha

    def sync(self, sha256: str) -> None:
        """Force an original's bytes to disk."""
        fd = os.open(self.path_for(sha256), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def check(self, sha256: str) -> str | None:
        """None when the original is present and intact, else what is wrong with it."""
        path = self.path_for(sha256)
        if not path.is_file():
            return "missing"
        actual = sha256_file(path)
        if actual != sha256:
            return f"altered (its bytes now hash to {actual})"
        return None

    def iter_hashes(self) -> Iterator[str]:
        base = self.root / "sha256"
        if not base.is_dir():
            return
        for path in base.glob("*/*"):
            if path.is_file() and not path.name.startswith("."):
                yield path.name
