"""Access control for the web app: sessions, roles, CSRF, login rate limits, redaction.

``install_auth(app, db)`` adds one ASGI middleware and the login routes to a FastAPI app. For
every HTTP request the middleware

1. reads the session cookie and sets ``request.state.user`` (a ``User`` with ``username`` and
   ``role``, or None) and ``request.state.csrf_token``;
2. applies the policy of ``access_policy.decide`` (by path and method): a visitor who must log in
   is sent to ``/login?next=…`` (pages) or gets ``401`` JSON (``/api``); a role that may not gets
   ``403``;
3. on POST, PUT, PATCH and DELETE, checks the CSRF token from the ``X-CSRF-Token`` header or the
   form field ``csrf_token`` (URL-encoded or multipart forms): ``403`` when missing or wrong.
   Logged-in users' tokens are bound to their session; visitors who are not logged in get a
   signed double-submit token (a random cookie, and the server's HMAC of it in the form).

Pages show protected persons (witnesses, sources, submitters) only to roles that may see them:
``redact(request, value)`` returns the value or a placeholder, ``can_see_protected(user)`` says
which.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode

import jinja2
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from factfinder import custody
from factfinder.db import Database
from factfinder.redaction import Redactor
from factfinder.web.access_policy import (
    READ_METHODS,
    Decision,
    Policy,
    decide,
    is_api,
    safe_next,
)
from factfinder.web.auth_ratelimit import rate_limit
from factfinder.web.auth_users import (
    LoginLimits,
    SessionPolicy,
    User,
    load_session,
    login,
    logout,
    server_key,
)

__all__ = ["User", "can_see_protected", "client_address", "csrf_input", "current_user",
           "install_auth", "rate_limit", "redact", "require_protected"]

T = TypeVar("T")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TEMPLATES = Path(__file__).with_name("templates")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
# Headers of the responses the middleware writes itself (the app's own middleware may add more).
OWN_HEADERS = [
    ("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; "
     "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
]

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)


# -- helpers for pages and the API ------------------------------------------------------------

def current_user(request: Request) -> User | None:
    """The logged-in user, or None (also when auth is not installed)."""
    user = getattr(request.state, "user", None)
    return user if isinstance(user, User) else None


def can_see_protected(user: Any) -> bool:
    """Admins and investigators see protected persons; reviewers, viewers and anonymous
    visitors do not."""
    return getattr(user, "role", None) in ("admin", "investigator")


def redact(request: Request, value: T, placeholder: str = "[protected]") -> T | str:
    """``value`` for users who may see protected persons, else ``placeholder`` (None stays None:
    there is nothing to hide). Fails closed: without auth installed everything is redacted."""
    if value is None or can_see_protected(current_user(request)):
        return value
    return placeholder


def redactor_for(request: Request) -> Redactor:
    """What this request's user may see of protected persons (one per request). The protected
    entities are read once per state of the case (the custody head moves with every resolution
    run) and cached on the app."""
    cached = getattr(request.state, "redactor", None)
    if isinstance(cached, Redactor):
        return cached
    if can_see_protected(current_user(request)):
        r = Redactor.everything()
    else:
        db = request.app.state.db
        with db.read() as conn:
            key = custody.head(conn)
            hit = getattr(request.app.state, "redactor_cache", None)
            if hit is not None and hit[0] == key:
                r = hit[1]
            else:
                r = Redactor.load(conn, visible=False)
                request.app.state.redactor_cache = (key, r)
    request.state.redactor = r
    return r


def require_protected(request: Request) -> None:
    """A route dependency (``dependencies=[Depends(require_protected)]``) for routes whose whole
    answer is protected, e.g. the download of an original that names a witness."""
    if not can_see_protected(current_user(request)):
        raise HTTPException(403, "protected: admins and investigators only")


def csrf_input(request: Request) -> Markup:
    """The hidden form field to put in every POST form (a Jinja global)."""
    token = html.escape(str(getattr(request.state, "csrf_token", "")), quote=True)
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{token}">')


def client_address(request: Request) -> str:
    """The client's address (behind a reverse proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips so that this is the real client)."""
    return request.client.host if request.client else "unknown"


# -- configuration ----------------------------------------------------------------------------

@dataclass
class Auth:
    db: Database
    key: bytes
    policy: Policy = field(default_factory=Policy)
    session: SessionPolicy = field(default_factory=SessionPolicy)
    limits: LoginLimits = field(default_factory=LoginLimits)
    cookie_secure: bool = False
    max_form_bytes: int = 110 * 1024 * 1024

    @property
    def session_cookie(self) -> str:
        # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for path /,
        # and set by this host itself (no subdomain can plant one).
        return "__Host-ff_session" if self.cookie_secure else "ff_session"

    @property
    def csrf_cookie(self) -> str:
        return "__Host-ff_csrf" if self.cookie_secure else "ff_csrf"

    def cookie(self, name: str, value: str) -> str:
        return (f"{name}={value}; Path=/; HttpOnly; SameSite=Strict"
                + ("; Secure" if self.cookie_secure else ""))

    def expired_cookie(self, name: str) -> str:
        return self.cookie(name, "") + "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"

    def session_csrf(self, session_hash: str) -> str:
        return hmac.new(self.key, b"session:" + session_hash.encode(), hashlib.sha256).hexdigest()

    def anonymous_csrf(self, nonce: str) -> str:
        return hmac.new(self.key, b"anonymous:" + nonce.encode(), hashlib.sha256).hexdigest()


def install_auth(app: FastAPI, db: Database, *, public_read: bool = False,
                 cookie_secure: bool = False, public_submit: bool = False,
                 session: SessionPolicy | None = None, limits: LoginLimits | None = None,
                 ) -> Auth:
    """Put access control in front of every route of ``app`` and add ``/login``, ``/logout``
    and ``/api/session``. Call it in ``create_app`` before the app serves anything.

    ``public_read``: visitors who are not logged in may read (GET) pages and the API, except
    the admin, review and protected areas. ``cookie_secure``: cookies only over HTTPS (with the
    ``__Host-`` prefix); switch it on whenever the app is served over HTTPS.
    ``public_submit``: anyone may open and send the submission form (``/submit``,
    ``/api/submit``); the form handler rate-limits with ``rate_limit``.
    """
    auth = Auth(db, server_key(db), Policy(public_read=public_read, public_submit=public_submit),
                session or SessionPolicy(), limits or LoginLimits(), cookie_secure)
    app.state.auth = auth
    app.add_middleware(AuthMiddleware, auth=auth)
    app.include_router(_routes(auth))
    return auth


# -- the middleware ---------------------------------------------------------------------------

class AuthMiddleware:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], auth: Auth
                 ) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the app has none: refuse rather than leave a gap
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        auth = self.auth
        request = Request(scope)
        cookies = request.cookies
        extra: list[str] = []  # Set-Cookie headers for whatever response goes out

        user: User | None = None
        digest = ""
        token = cookies.get(auth.session_cookie)
        if token is not None:
            if TOKEN.fullmatch(token):
                user, digest = await run_in_threadpool(load_session, auth.db, token, auth.session)
            if user is None:
                extra.append(auth.expired_cookie(auth.session_cookie))
        if user is not None:
            csrf = auth.session_csrf(digest)
        else:
            nonce = cookies.get(auth.csrf_cookie)
            if nonce is None or not TOKEN.fullmatch(nonce):
                nonce = secrets.token_urlsafe(24)
                extra.append(auth.cookie(auth.csrf_cookie, nonce))
            csrf = auth.anonymous_csrf(nonce)
        state = scope.setdefault("state", {})
        state["user"] = user
        state["csrf_token"] = csrf

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(b"set-cookie", c.encode("latin-1")) for c in extra]
                if b"cache-control" not in names and not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        method = scope["method"].upper()
        path = scope["path"]
        api = is_api(path)
        decision = decide(user.role if user else None, method, path, auth.policy)
        if decision is Decision.LOGIN:
            if api:
                response = _json(401, "not logged in")
            else:
                raw = scope.get("raw_path") or path.encode()
                here = raw.decode("latin-1") + (
                    "?" + scope["query_string"].decode("latin-1")
                    if scope.get("query_string") else "")
                response = _plain(303, "", location="/login?" + urlencode({"next": here}))
            await response(scope, receive, send_with_cookies)
            return
        if decision is Decision.FORBID:
            assert user is not None
            why = f"forbidden: the role {user.role} may not {method} {path}"
            response = _json(403, why) if api else _page(403, "Forbidden", why)
            await response(scope, receive, send_with_cookies)
            return

        if method not in READ_METHODS:
            small = path in ("/login", "/logout")  # nothing big is ever sent there
            body, complete = await _read_body(receive, 64 * 1024 if small else
                                              auth.max_form_bytes)
            if not complete:
                response = _json(413, "request too large") if api else _page(
                    413, "Too large", "The request is too large.")
                await response(scope, receive, send_with_cookies)
                return
            given = request.headers.get(CSRF_HEADER) or _form_field(
                body, request.headers.get("content-type", ""), CSRF_FIELD)
            if not given or not hmac.compare_digest(given.encode("utf-8", "replace"),
                                                    csrf.encode()):
                why = "CSRF token missing or wrong: reload the page and send the form again"
                response = _json(403, why) if api else _page(403, "Forbidden", why)
                await response(scope, receive, send_with_cookies)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send_with_cookies)


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # client went away
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _form_field(body: bytes, content_type: str, name: str) -> str | None:
    """One text field of a URL-encoded or multipart form (without a multipart library)."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        try:
            values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10_000)
        except ValueError:
            return None
        found = values.get(name)
        return found[0] if found else None
    if kind == "multipart/form-data":
        m = re.search(r'boundary="?([^";,]+)"?', content_type, re.IGNORECASE)
        if not m:
            return None
        delimiter = b"--" + m.group(1).encode("latin-1")
        wanted = re.compile(rb'(?i)^content-disposition:\s*form-data\s*;(.*;)?\s*name="'
                            + re.escape(name.encode()) + rb'"\s*(;|$)')
        for part in body.split(delimiter)[1:]:
            if part.startswith(b"--"):
                break
            head, sep, value = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
            if sep and any(wanted.match(line) and b"filename" not in line.lower()
                           for line in head.split(b"\r\n")):
                return value.removesuffix(b"\r\n").decode("utf-8", "replace")
    return None


def _plain(status: int, body: str, location: str | None = None) -> Response:
    headers = dict(OWN_HEADERS)
    if location:
        headers["location"] = location
    return Response(body, status_code=status, headers=headers, media_type="text/plain")


def _json(status: int, detail: str) -> Response:
    return Response(json.dumps({"detail": detail}), status_code=status,
                    headers=dict(OWN_HEADERS), media_type="application/json")


def _page(status: int, title: str, text: str) -> Response:
    body = _env.get_template("login.html").render(
        mode="message", title=title, message=text, user=None, csrf_token="", next="/",
        error=None)
    return HTMLResponse(body, status_code=status, headers=dict(OWN_HEADERS))


# -- login, logout, session -------------------------------------------------------------------

def _routes(auth: Auth) -> APIRouter:
    router = APIRouter()

    def render(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
        values = {"mode": "login", "title": "Log in", "user": current_user(request),
                  "csrf_token": request.state.csrf_token, "next": "/", "error": None,
                  "message": None, "username": ""}
        values.update(context)
        return HTMLResponse(_env.get_template("login.html").render(**values), status_code=status)

    @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> Response:
        target = safe_next(next)
        if current_user(request) is not None:
            return RedirectResponse(target, status_code=303)
        return render(request, next=target)

    @router.post("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_form(request: Request) -> Response:
        form = _form(await request.body())
        username, password = form.get("username", ""), form.get("password", "")
        target = safe_next(form.get("next"))
        if not username or not password:
            return render(request, 400, next=target, username=username,
                          error="Enter your username and password.")
        result = await run_in_threadpool(login, auth.db, username, password,
                                         client_address(request), auth.key, auth.session,
                                         auth.limits)
        if result.reason == "limited":
            minutes = max(1, -(-result.retry_after // 60))
            limited = render(request, 429, next=target, username=username,
                             error=f"Too many failed logins. Try again in {minutes} minute(s).")
            limited.headers["retry-after"] = str(result.retry_after)
            return limited
        if not result.ok or result.token is None:
            return render(request, 401, next=target, username=username,
                          error="Wrong username or password.")
        response = RedirectResponse(target, status_code=303)
        response.headers.append("set-cookie", auth.cookie(auth.session_cookie, result.token))
        return response

    @router.get("/logout", response_class=HTMLResponse, include_in_schema=False)
    def logout_page(request: Request) -> Response:
        if current_user(request) is None:
            return RedirectResponse("/login", status_code=303)
        return render(request, mode="logout", title="Log out")

    @router.post("/logout", include_in_schema=False)
    async def logout_form(request: Request) -> Response:
        token = request.cookies.get(auth.session_cookie)
        if token and TOKEN.fullmatch(token):
            await run_in_threadpool(logout, auth.db, token)
        response = RedirectResponse("/login", status_code=303)
        response.headers.append("set-cookie", auth.expired_cookie(auth.session_cookie))
        return response

    @router.get("/api/session", tags=["session"])
    def api_session(request: Request) -> dict[str, Any]:
        """Who is logged in, and the CSRF token to send as ``X-CSRF-Token`` with writes."""
        user = current_user(request)
        return {"user": {"username": user.username, "role": user.role} if user else None,
                "can_see_protected": can_see_protected(user),
                "csrf_token": request.state.csrf_token}

    return router


def _form(body: bytes) -> dict[str, str]:
    try:
        values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=100)
    except ValueError:
        return {}
    return {k: v[0] for k, v in values.items() if v}
