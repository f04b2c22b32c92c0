"""``factfinder users``: add, list, passwd, disable, enable, role; custody entries with the
actor; passwords from standard input or a hidden prompt, never echoed or stored in clear."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from typer.testing import CliRunner

from factfinder import custody
from factfinder.cli.main import app
from factfinder.db import Database
from factfinder.db.schema import users
from factfinder.web import auth_users

runner = CliRunner()
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    monkeypatch.setattr(auth_users, "hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_users_commands(db_url):
    base = ("--db", db_url, "--actor", "root")
    r = run("users", "add", "Ana", "--role", "investigator", "--password-stdin", *base,
            input=PASSWORD + "\n")
    assert r.exit_code == 0 and r.stdout.strip() == "added user ana (investigator)"
    assert PASSWORD not in r.stdout
    # without --password-stdin: a hidden prompt, asked twice
    r = run("users", "add", "bob", "--role", "viewer", *base, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0 and "added user bob (viewer)" in r.stdout
    assert PASSWORD not in r.stdout
    r = run("users", "list", "--db", db_url, "--json")
    rows = json.loads(r.stdout)
    assert [(u["username"], u["role"], u["disabled"]) for u in rows] == [
        ("ana", "investigator", False), ("bob", "viewer", False)]
    table = run("users", "list", "--db", db_url).stdout
    assert "ana" in table and "investigator" in table and "2 user(s)" in table

    r = run("users", "role", "bob", "reviewer", *base)
    assert r.exit_code == 0 and r.stdout.strip() == "bob: viewer → reviewer"
    r = run("users", "passwd", "bob", "--password-stdin", *base, input="another passphrase\n")
    assert r.exit_code == 0 and "password changed for bob; 0 session(s) ended" in r.stdout
    r = run("users", "disable", "bob", *base)
    assert r.exit_code == 0 and "disabled bob" in r.stdout
    r = run("users", "enable", "bob", *base)
    assert r.exit_code == 0 and "enabled bob" in r.stdout

    db = Database(db_url)
    with db.read() as conn:
        log = custody.entries(conn)
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    db.close()
    assert [(e.action, e.object, e.actor) for e in log] == [
        ("user-add", "user:ana", "root"), ("user-add", "user:bob", "root"),
        ("user-role", "user:bob", "root"), ("user-passwd", "user:bob", "root"),
        ("user-disable", "user:bob", "root"), ("user-enable", "user:bob", "root")]
    assert log[2].details == {"from": "viewer", "to": "reviewer"}
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in json.dumps(e.as_json()) for e in log)


def test_users_errors(db_url):
    base = ("--db", db_url, "--actor", "root")
    r = run("users", "add", "ana", "--role", "boss", "--password-stdin", *base, input="x\n")
    assert r.exit_code == 1 and "unknown role" in r.stderr
    r = run("users", "add", "ana", "--role", "viewer", "--password-stdin", *base, input="short\n")
    assert r.exit_code == 1 and "too short" in r.stderr
    r = run("users", "add", "ana", "--role", "viewer", *base,
            input=f"{PASSWORD}\n{PASSWORD}x\n{PASSWORD}\n{PASSWORD}\n")
    assert r.exit_code == 0  # a mismatched confirmation asks again
    r = run("users", "add", "ANA", "--role", "viewer", "--password-stdin", *base,
            input=PASSWORD + "\n")
    assert r.exit_code == 1 and "exists already" in r.stderr
    for args in (("passwd", "nobody", "--password-stdin"), ("disable", "nobody"),
                 ("enable", "nobody"), ("role", "nobody", "viewer")):
        r = run("users", *args, *base, input=PASSWORD + "\n")
        assert r.exit_code == 1 and "no user 'nobody'" in r.stderr, args
    r = run("users", "role", "ana", "boss", *base)
    assert r.exit_code == 1 and "unknown role" in r.stderr
    assert run("users", "--help").exit_code == 0
