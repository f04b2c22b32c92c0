"""Access control on a small app built here: every role on every kind of route, anonymous
visitors (redirect vs 401), public read mode, CSRF, sessions, login rate limits, redaction and
the custody entries. Runs on every engine (``db_url``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import custody_log, sessions, users
from factfinder.web import auth_users
from factfinder.web.access_policy import Decision, Policy, decide, safe_next
from factfinder.web.auth import can_see_protected, install_auth, redact
from factfinder.web.auth_ratelimit import RateLimiter, rate_limit
from factfinder.web.auth_users import LoginLimits, User

ROLES = ("admin", "investigator", "reviewer", "viewer")
PASSWORD = "a long enough passphrase"
WITNESS = "Witness Maryam K."


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """argon2 with its real parameters takes half a second a hash: too slow for many tests."""
    monkeypatch.setattr(auth_users, "hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(auth_users, "_dummy_hash", None)


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    for role in ROLES:
        auth_users.add_user(database, role, role, PASSWORD, "setup")
    yield database
    database.close()


def make_app(db: Database, **options) -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> str:
        return f"<p>home {redact(request, WITNESS)}</p>"

    @app.get("/page", response_class=HTMLResponse)
    def page() -> str:
        return "<p>a page</p>"

    @app.get("/api/x")
    def api_x(request: Request) -> dict[str, object]:
        return {"ok": True, "witness": redact(request, WITNESS)}

    async def echo(request: Request) -> dict[str, object]:
        return {"ok": True, "body": len(await request.body())}

    for path in ("/x", "/api/x", "/review/x", "/api/review/x", "/admin/x", "/submit"):
        app.add_api_route(path, echo, methods=["POST"])
    for path in ("/review", "/admin", "/submissions", "/api/submissions/1", "/healthz",
                 "/static/app.css", "/submit", "/users"):
        app.add_api_route(path, lambda: {"ok": True}, methods=["GET"])
    install_auth(app, db, **options)
    return app


def client_for(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


def csrf_of(client: TestClient) -> str:
    return client.get("/api/session").json()["csrf_token"]


def log_in(client: TestClient, username: str, password: str = PASSWORD, next_: str = "/"):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "next": next_, "csrf_token": token})


@pytest.fixture
def app(db):
    return make_app(db)


def logged_in(app: FastAPI, role: str) -> TestClient:
    client = client_for(app)
    r = log_in(client, role)
    assert r.status_code == 303, r.text
    return client


# -- every role on every kind of route --------------------------------------------------------

A, I, R, V = ROLES  # noqa: E741
EVERYONE = set(ROLES)
EXPECT: dict[tuple[str, str], set[str]] = {  # who gets 200 (everybody else logged in: 403)
    ("GET", "/"): EVERYONE,
    ("GET", "/page"): EVERYONE,
    ("GET", "/api/x"): EVERYONE,
    ("GET", "/review"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("POST", "/x"): {A, I},
    ("POST", "/api/x"): {A, I},
    ("POST", "/review/x"): {A, I, R},
    ("POST", "/api/review/x"): {A, I, R},
    ("GET", "/admin"): {A},
    ("POST", "/admin/x"): {A},
    ("GET", "/users"): {A},
    ("GET", "/submissions"): {A, I},
    ("GET", "/api/submissions/1"): {A, I},
    ("POST", "/submit"): {A, I},  # public_submit is off
}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_route(app, role):
    client = logged_in(app, role)
    headers = {"X-CSRF-Token": csrf_of(client)}
    for (method, path), allowed in EXPECT.items():
        r = client.request(method, path, headers=headers)
        want = 200 if role in allowed else 403
        assert r.status_code == want, (role, method, path, r.status_code, r.text)
        if want == 403 and path.startswith("/api/"):
            assert r.json()["detail"].startswith("forbidden")


def test_policy_function_agrees_with_the_table():
    for (method, path), allowed in EXPECT.items():
        for role in ROLES:
            want = Decision.ALLOW if role in allowed else Decision.FORBID
            assert decide(role, method, path) is want, (role, method, path)
    # prefixes match on segment boundaries only
    assert decide("viewer", "GET", "/administrators") is Decision.ALLOW
    assert decide("reviewer", "POST", "/reviewers") is Decision.FORBID
    assert decide("viewer", "DELETE", "/x") is Decision.FORBID
    assert decide("reviewer", "PATCH", "/api/review/1") is Decision.ALLOW
    # open areas only on plain paths
    assert decide(None, "GET", "/static/app.css") is Decision.ALLOW
    assert decide(None, "GET", "/static/../admin") is Decision.LOGIN
    assert decide(None, "GET", "/static//x") is Decision.LOGIN


def test_anonymous_pages_redirect_and_api_gets_401(app):
    client = client_for(app)
    r = client.get("/page?q=a b")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fpage%3Fq%3Da%2520b"
    r = client.post("/x", data={"a": "1"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    for method, path in (("GET", "/api/x"), ("POST", "/api/x"), ("GET", "/api/submissions/1")):
        r = client.request(method, path)
        assert r.status_code == 401 and r.json() == {"detail": "not logged in"}
        assert r.headers["content-type"].startswith("application/json")
    for path in ("/healthz", "/static/app.css", "/login", "/api/session"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/session").json()["user"] is None


def test_public_read_mode(db):
    client = client_for(make_app(db, public_read=True))
    for path in ("/", "/page", "/api/x", "/healthz"):
        assert client.get(path).status_code == 200, path
    assert WITNESS not in client.get("/").text and "[protected]" in client.get("/").text
    assert client.get("/api/x").json()["witness"] == "[protected]"
    for path in ("/admin", "/review", "/submissions", "/users"):
        assert client.get(path).status_code == 303, path
    assert client.get("/api/submissions/1").status_code == 401
    token = csrf_of(client)  # even with a valid token, anonymous visitors do not write
    assert client.post("/x", headers={"X-CSRF-Token": token}).status_code == 303
    assert client.post("/api/x", headers={"X-CSRF-Token": token}).status_code == 401
    assert client.post("/review/x", headers={"X-CSRF-Token": token}).status_code == 303


def test_public_submission_form(db):
    client = client_for(make_app(db, public_submit=True))
    assert client.get("/submit").status_code == 200
    assert client.post("/submit", data={"text": "x"}).status_code == 403  # no CSRF token
    r = client.post("/submit", data={"text": "x", "csrf_token": csrf_of(client)})
    assert r.status_code == 200
    assert client.get("/submissions").status_code == 303  # reading them stays protected


# -- redaction --------------------------------------------------------------------------------

def test_redaction_by_role(app):
    assert [can_see_protected(User("u", r)) for r in ROLES] == [True, True, False, False]
    assert not can_see_protected(None)
    for role in ROLES:
        client = logged_in(app, role)
        body = client.get("/").text
        visible = role in ("admin", "investigator")
        assert (WITNESS in body) is visible and ("[protected]" in body) is not visible
        assert client.get("/api/x").json()["witness"] == (WITNESS if visible else "[protected]")


def test_redact_fails_closed_without_auth():
    bare = FastAPI()

    @bare.get("/")
    def home(request: Request) -> dict[str, object]:
        return {"w": redact(request, WITNESS), "none": redact(request, None),
                "custom": redact(request, 3, placeholder="…")}

    assert TestClient(bare).get("/").json() == {"w": "[protected]", "none": None, "custom": "…"}


# -- CSRF -------------------------------------------------------------------------------------

def test_csrf_missing_wrong_and_right(app):
    client = logged_in(app, "investigator")
    token = csrf_of(client)
    assert client.post("/x").status_code == 403
    assert client.post("/x", data={"csrf_token": "0" * 64}).status_code == 403
    assert client.post("/x", headers={"X-CSRF-Token": "nope"}).status_code == 403
    r = client.post("/api/x", json={"a": 1})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = client.post("/x", data={"csrf_token": token, "text": "héllo"})
    assert r.status_code == 200 and r.json()["body"] > 0  # the body still reaches the route
    assert client.post("/x", headers={"X-CSRF-Token": token}).status_code == 200
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, "/x").status_code in (403,), method


def test_csrf_in_multipart_forms(app):
    client = logged_in(app, "investigator")
    token = csrf_of(client)
    files = {"file": ("a.txt", b'name="csrf_token"\r\n\r\nforged', "text/plain")}
    r = client.post("/x", data={"csrf_token": token, "note": "x"}, files=files)
    assert r.status_code == 200 and r.json()["body"] > 100
    assert client.post("/x", data={"note": "x"}, files=files).status_code == 403
    bad = {"file": ("csrf_token", token.encode(), "text/plain")}  # a file is not the field
    assert client.post("/x", data={"note": "x"}, files=bad).status_code == 403


def test_csrf_token_is_bound_to_the_session(app):
    ana, bob = logged_in(app, "investigator"), logged_in(app, "admin")
    assert csrf_of(ana) != csrf_of(bob)
    assert ana.post("/x", headers={"X-CSRF-Token": csrf_of(bob)}).status_code == 403
    anonymous = client_for(app)
    assert ana.post("/x", headers={"X-CSRF-Token": csrf_of(anonymous)}).status_code == 403


def test_anonymous_csrf_is_a_signed_double_submit(app):
    client = client_for(app)
    page = client.get("/login")
    cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("ff_csrf="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"username": "viewer", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data={**form, "csrf_token": "x"}).status_code == 403
    other = client_for(app)  # another visitor's cookie with this token: refused
    other.get("/login")
    assert other.post("/login", data=form).status_code == 403
    client.cookies.set("ff_csrf", "A" * 32)  # a cookie planted by someone else: token mismatch
    assert client.post("/login", data=form).status_code == 403


# -- login, sessions, logout ------------------------------------------------------------------

def test_login_sets_a_strict_cookie_and_logs_custody(app, db):
    client = client_for(app)
    r = log_in(client, "Investigator", next_="/page?x=1")
    assert r.status_code == 303 and r.headers["location"] == "/page?x=1"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("ff_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert client.get("/api/session").json()["user"] == {"username": "investigator",
                                                          "role": "investigator"}
    with db.read() as conn:
        stored = conn.execute(select(sessions.c.token_hash)).scalars().all()
        entry = custody.entries(conn, obj="user:investigator", action="login")[-1]
    assert token not in stored and auth_users.token_hash(token) in stored
    assert entry.actor == "investigator" and entry.details["role"] == "investigator"
    assert client.get("/login").status_code == 303  # already logged in


def test_secure_cookies(db):
    client = client_for(make_app(db, cookie_secure=True))
    page = client.get("/login")
    assert any(c.startswith("__Host-ff_csrf=") and "; Secure" in c
               for c in page.headers.get_list("set-cookie"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    nonce = page.cookies["__Host-ff_csrf"]
    client.cookies.clear()
    client.cookies.set("__Host-ff_csrf", nonce)
    r = client.post("/login", data={"username": "viewer", "password": PASSWORD,
                                    "csrf_token": token})
    assert r.status_code == 303
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("__Host-ff_session="))
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_wrong_password_and_unknown_user(app, db):
    client = client_for(app)
    r = log_in(client, "viewer", "wrong password here")
    assert r.status_code == 401 and "Wrong username or password" in r.text
    assert "ff_session=" not in r.headers.get("set-cookie", "")
    secret_typed_as_name = "MySecretPassword99"
    r = log_in(client, secret_typed_as_name, "whatever it was")
    assert r.status_code == 401 and "Wrong username or password" in r.text
    with db.read() as conn:
        failed = custody.entries(conn, action="login-failed")
        rows = conn.execute(select(custody_log)).mappings().all()
    assert [e.object for e in failed] == ["user:viewer", "user:?"]
    assert failed[0].details["reason"] == "wrong password"
    assert {e.actor for e in failed} == {"anonymous"}
    assert not any(secret_typed_as_name.lower() in str(dict(r)).lower() for r in rows)
    assert not any(PASSWORD in str(dict(r)) for r in rows)


def test_disabled_user_cannot_log_in_and_is_logged_out(app, db):
    client = logged_in(app, "viewer")
    auth_users.set_disabled(db, "viewer", True, "admin")
    r = client.get("/page")
    assert r.status_code == 303 and "ff_session=;" in r.headers["set-cookie"]
    assert log_in(client_for(app), "viewer").status_code == 401
    auth_users.set_disabled(db, "viewer", False, "admin")
    assert log_in(client_for(app), "viewer").status_code == 303


def test_role_change_takes_effect_at_once(app, db):
    client = logged_in(app, "viewer")
    headers = {"X-CSRF-Token": csrf_of(client)}
    assert client.post("/x", headers=headers).status_code == 403
    auth_users.set_role(db, "viewer", "investigator", "admin")
    assert client.post("/x", headers=headers).status_code == 200


def test_session_expiry_and_idle_timeout(app, db):
    client = logged_in(app, "viewer")
    assert client.get("/page").status_code == 200
    past = auth_users.stamp(auth_users.now() - timedelta(seconds=1))
    with db.write() as conn:
        conn.execute(update(sessions).values(expires_at=past))
    r = client.get("/page")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    with db.read() as conn:
        assert conn.execute(select(sessions)).first() is None  # removed when seen expired

    client = logged_in(app, "viewer")
    idle = auth_users.stamp(auth_users.now() - timedelta(hours=2, seconds=1))
    with db.write() as conn:
        conn.execute(update(sessions).values(last_seen_at=idle))
    assert client.get("/api/x").status_code == 401


def test_requests_keep_a_session_alive(db):
    from factfinder.web.auth_users import SessionPolicy

    policy = SessionPolicy(idle=timedelta(minutes=30), touch_every=timedelta(0))
    app = make_app(db, session=policy)
    client = logged_in(app, "viewer")
    earlier = auth_users.stamp(auth_users.now() - timedelta(minutes=20))
    with db.write() as conn:
        conn.execute(update(sessions).values(last_seen_at=earlier))
    assert client.get("/page").status_code == 200
    with db.read() as conn:
        assert conn.execute(select(sessions.c.last_seen_at)).scalar_one() > earlier


def test_logout_invalidates_the_session(app, db):
    client = logged_in(app, "admin")
    token = client.cookies["ff_session"]
    assert "Log out" in client.get("/logout").text
    assert client.post("/logout").status_code == 403  # CSRF applies to logout too
    r = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert "ff_session=;" in r.headers["set-cookie"]
    replay = client_for(app)
    replay.cookies.set("ff_session", token)  # the old cookie is worth nothing now
    assert replay.get("/page").status_code == 303
    with db.read() as conn:
        assert conn.execute(select(sessions)).first() is None
        assert custody.entries(conn, obj="user:admin", action="logout")[-1].actor == "admin"


@pytest.mark.parametrize("value,expected", [
    ("/page?x=1", "/page?x=1"),
    ("/documents/abc#top", "/documents/abc#top"),
    ("//evil.example/x", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("evil.example", "/"),
    ("/login?next=//evil.example", "/"),
    ("/x\r\nSet-Cookie: a=b", "/"),
    ("", "/"),
    (None, "/"),
])
def test_next_is_a_local_path(value, expected):
    assert safe_next(value) == expected


def test_login_refuses_open_redirects(app):
    for target in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        r = log_in(client_for(app), "viewer", next_=target)
        assert r.status_code == 303 and r.headers["location"] == "/", target
    assert client_for(app).get("/login?next=//evil.example").status_code == 200
    client = logged_in(app, "viewer")
    assert client.get("/login?next=https://evil.example").headers["location"] == "/"


def test_login_page_escapes_and_labels(app):
    client = client_for(app)
    hostile = '/x"><script>alert(1)</script>'
    page = client.get("/login", params={"next": hostile}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert '<label for="username">' in page and '<label for="password">' in page
    assert 'autocomplete="current-password"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": "<b>x</b>", "password": "p" * 12,
                                    "csrf_token": token})
    assert "<b>x</b>" not in r.text and "&lt;b&gt;x&lt;/b&gt;" in r.text
    assert r.headers["cache-control"] == "no-store"


# -- rate limits ------------------------------------------------------------------------------

def test_login_rate_limit_per_username(db):
    app = make_app(db, limits=LoginLimits(per_user=3, per_address=100))
    for _ in range(3):
        assert log_in(client_for(app), "viewer", "wrong password!").status_code == 401
    r = log_in(client_for(app), "viewer")  # even the right password is refused now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "Too many failed logins" in r.text
    assert log_in(client_for(app), "reviewer").status_code == 303  # other users are not
    with db.read() as conn:
        assert len(custody.entries(conn, action="login-failed")) == 3  # refusals not logged


def test_login_rate_limit_per_address(db):
    app = make_app(db, limits=LoginLimits(per_user=100, per_address=4))
    for name in ("a1", "a2", "viewer", "a4"):
        assert log_in(client_for(app), name, "wrong password!").status_code == 401
    assert log_in(client_for(app), "admin").status_code == 429


def test_failed_logins_leave_the_window(db):
    limits = LoginLimits(per_user=2, per_address=100, window=timedelta(minutes=15))
    app = make_app(db, limits=limits)
    for _ in range(2):
        log_in(client_for(app), "viewer", "wrong password!")
    assert log_in(client_for(app), "viewer").status_code == 429
    from factfinder.db.schema import login_attempts

    old = auth_users.stamp(auth_users.now() - timedelta(minutes=16))
    with db.write() as conn:
        conn.execute(update(login_attempts).values(at=old))
    assert log_in(client_for(app), "viewer").status_code == 303


def test_generic_rate_limiter():
    t = [0.0]
    limiter = RateLimiter(clock=lambda: t[0])
    assert [limiter.hit("k", 2, 10) for _ in range(3)] == [True, True, False]
    assert limiter.hit("other", 2, 10)
    assert 9.9 < limiter.retry_after("k") <= 10
    t[0] = 10.5
    assert limiter.hit("k", 2, 10)
    key = "test-generic-rate-limit"
    assert rate_limit(key, 1, 60) and not rate_limit(key, 1, 60)


# -- passwords --------------------------------------------------------------------------------

def test_passwords_are_argon2_hashes_never_plaintext(db):
    with db.read() as conn:
        rows = conn.execute(select(users.c.username, users.c.password_hash)).all()
    assert len(rows) == 4
    for _, digest in rows:
        assert digest.startswith("$argon2id$") and PASSWORD not in digest
    assert len({d for _, d in rows}) == 4  # salted


def test_real_argon2_parameters(monkeypatch):
    monkeypatch.setattr(auth_users, "hasher", PasswordHasher())
    digest = auth_users.hash_password("correct horse battery")
    assert digest.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth_users.verify_password(digest, "correct horse battery")
    assert not auth_users.verify_password(digest, "correct horse batterY")
    assert not auth_users.verify_password("not a hash", "x")


def test_weak_or_bad_input_is_refused(db):
    with pytest.raises(auth_users.UserError, match="too short"):
        auth_users.add_user(db, "newbie", "viewer", "short", "admin")
    with pytest.raises(auth_users.UserError, match="unknown role"):
        auth_users.add_user(db, "newbie", "boss", PASSWORD, "admin")
    with pytest.raises(auth_users.UserError, match="invalid username"):
        auth_users.add_user(db, "new bie", "viewer", PASSWORD, "admin")
    with pytest.raises(auth_users.UserError, match="exists already"):
        auth_users.add_user(db, "VIEWER", "viewer", PASSWORD, "admin")
    with pytest.raises(auth_users.UserError, match="must not be the username"):
        auth_users.add_user(db, "longusername", "viewer", "LongUsername", "admin")


def test_password_change_ends_sessions(app, db):
    client = logged_in(app, "reviewer")
    assert auth_users.set_password(db, "reviewer", "a brand new passphrase", "admin") == 1
    assert client.get("/page").status_code == 303
    assert log_in(client_for(app), "reviewer").status_code == 401
    assert log_in(client_for(app), "reviewer", "a brand new passphrase").status_code == 303


def test_websockets_are_refused(app):
    from starlette.websockets import WebSocketDisconnect

    @app.websocket("/ws")
    async def ws(websocket):  # pragma: no cover - never reached
        await websocket.accept()

    with pytest.raises(WebSocketDisconnect), client_for(app).websocket_connect("/ws"):
        pass


def test_policy_defaults():
    assert Policy() == Policy(public_read=False, public_submit=False)


def test_login_body_is_small(app):
    client = client_for(app)
    token = csrf_of(client)
    r = client.post("/login", data={"username": "x" * 70_000, "csrf_token": token})
    assert r.status_code == 413


def test_has_users(db_url):
    empty = Database(db_url)
    assert not auth_users.has_users(empty)
    auth_users.add_user(empty, "first", "admin", PASSWORD, "setup")
    assert auth_users.has_users(empty)
    empty.close()


def test_start_session_for_tests_of_other_routes(app, db):
    client = client_for(app)
    client.cookies.set("ff_session", auth_users.start_session(db, "Reviewer"))
    session = client.get("/api/session").json()
    assert session["user"] == {"username": "reviewer", "role": "reviewer"}
    assert client.post("/review/x", headers={"X-CSRF-Token": session["csrf_token"]}
                       ).status_code == 200
    assert str(User("ana", "viewer")) == "ana" == User("ana", "viewer").name
