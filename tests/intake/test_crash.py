"""kill -9 in the middle of an ingest loses no committed document and leaves no half-written
one; running again completes the rest."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factfinder.db import Database
from factfinder.store import EvidenceStore
from factfinder.verify import verify


@pytest.mark.slow
def test_kill_9_mid_run_then_resume(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    n = 400
    for i in range(n):
        body = " ".join(f"Paragraph {i} sentence {j} about detention case {i * 7 + j}."
                        for j in range(40))
        (corpus / f"doc{i:04}.txt").write_text(f"Report {i}\n\n{body}\n")
    db_path = tmp_path / "case.db"
    cmd = [sys.executable, "-m", "factfinder.cli.main", "ingest", str(corpus), "--db",
           str(db_path), "--quiet", "--jobs", "1", "--no-extract"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    committed = 0
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if not db_path.exists():
            continue
        try:
            with sqlite3.connect(db_path, timeout=1) as conn:
                committed = conn.execute("SELECT count(*) FROM originals").fetchone()[0]
        except sqlite3.Error:
            continue
        if committed >= 20:
            break
    assert proc.poll() is None, "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_orig = conn.execute("SELECT count(*) FROM originals").fetchone()[0]
        # every committed original has its documents and its extract entry: nothing half-written
        orphans = conn.execute(
            "SELECT count(*) FROM originals o WHERE NOT EXISTS "
            "(SELECT 1 FROM documents d WHERE d.original_sha256 = o.sha256)").fetchone()[0]
        extracts = conn.execute(
            "SELECT count(*) FROM custody_log WHERE action = 'extract'").fetchone()[0]
    assert 20 <= n_orig < n
    assert orphans == 0 and extracts == n_orig
    db = Database(f"sqlite:///{db_path}")
    store = EvidenceStore(tmp_path / "case.evidence")
    assert verify(db, store).ok

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM originals").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == n
        again = conn.execute(
            "SELECT count(*) FROM custody_log WHERE action = 'collect-again'").fetchone()[0]
    assert again == n_orig  # the committed ones were recognised, not re-added
    assert verify(db, store).ok
