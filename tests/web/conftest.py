"""A small hostile case for the web tests: one document carrying XSS payloads (with mentions,
dates, claims and events extracted from it) and the sample lists linked."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factfinder.cli.main import app as cli
from factfinder.web import auth_users
from factfinder.web.app import create_app

from ..conftest import SAMPLE
from .hostile import HOSTILE_TEXT

LISTS = [str(SAMPLE / "lists" / f"list_{x}.csv") for x in "abc"]


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """Real argon2 takes ~0.5 s a hash on 2 cores: the tests use a cheap setting."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth_users, "hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def session_for(db, role: str = "admin") -> str:
    """A session token for a user named after its role (created on first use)."""
    with db.read() as conn:
        known = auth_users.get_user(conn, role) is not None
    if not known:
        auth_users.add_user(db, role, role, "a long test password", "test")
    return auth_users.start_session(db, role)


def logged_in(app, db, role: str = "admin") -> TestClient:
    """A test client logged in as ``role``, sending the session's CSRF token."""
    client = TestClient(app)
    client.cookies.set("ff_session", session_for(db, role))
    client.headers["X-CSRF-Token"] = client.get("/api/session").json()["csrf_token"]
    return client


@pytest.fixture
def hostile(case, tmp_path):
    (tmp_path / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (tmp_path / "hostile.html").write_text(
        "<html><head><title>Page <script>alert(8)</script></title></head><body>"
        "<h1>Report</h1><p>Guards executed 12 prisoners in Golvar in 1988, "
        "<a href=\"javascript:alert(9)\">the centre</a> said.</p>"
        "<img src=x onerror=alert(10)><svg><script>alert(11)</script></svg></body></html>",
        encoding="utf-8")
    # as the CLI does it: intake, then extraction and entity resolution
    res = CliRunner().invoke(cli, ["ingest", str(tmp_path / "hostile.txt"),
                                   str(tmp_path / "hostile.html"), "--db", case.db.url,
                                   "--evidence", str(case.store.root), "--actor", "t",
                                   "--quiet"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return case


@pytest.fixture
def client(hostile):
    return logged_in(create_app(hostile.db, hostile.store), hostile.db)


@pytest.fixture
def linked_client(hostile, tmp_path):
    res = CliRunner().invoke(cli, ["link", *LISTS, "--out", str(tmp_path / "links.csv"),
                                   "--db", hostile.db.url, "--evidence",
                                   str(hostile.store.root), "--actor", "t"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return logged_in(create_app(hostile.db, hostile.store), hostile.db)
