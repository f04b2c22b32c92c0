"""Who may do what, by path and method: one pure function, so that the whole policy can be read
(and tested) in one place. docs/access.md has it as a table.

Paths fall into areas by prefix (a prefix matches itself and everything below it, on ``/``
boundaries: ``/review`` matches ``/review`` and ``/review/x``, not ``/reviewers``):

* open: the login page, static files, the health check — anyone, logged in or not;
* admin: the admin pages and user management — admins only, whatever the method;
* protected: data about protected persons as such (submissions) — admins and investigators only;
* review: the review queue — reviewers may write here, besides investigators and admins;
* public submission (only when switched on): the submission form for families and witnesses,
  which anyone may open and send;
* everything else: pages and the JSON API under ``/api``.

Reading is GET, HEAD and OPTIONS; anything else is writing. Viewers only read; reviewers read,
and write under the review area; investigators read and write everywhere but the admin area;
admins do everything. With ``public_read``, visitors who are not logged in may read pages and
the API outside the admin, protected and review areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_PATHS = ("/login", "/logout", "/static", "/healthz", "/api/session")
ADMIN_PATHS = ("/admin", "/api/admin", "/users", "/api/users")
PROTECTED_PATHS = ("/submissions", "/api/submissions")
REVIEW_PATHS = ("/review", "/api/review")
SUBMIT_PATHS = ("/submit", "/api/submit")
API_PREFIX = "/api"


class Decision(Enum):
    ALLOW = "allow"
    LOGIN = "login"  # not logged in: pages redirect to /login, the API answers 401
    FORBID = "forbid"  # logged in, but the role may not: 403


@dataclass(frozen=True)
class Policy:
    public_read: bool = False
    public_submit: bool = False
    protected_paths: tuple[str, ...] = PROTECTED_PATHS
    submit_paths: tuple[str, ...] = SUBMIT_PATHS


def under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def is_api(path: str) -> bool:
    return under(path, (API_PREFIX,)) or path == "/openapi.json"


def _plain(path: str) -> bool:
    """No dot segments, empty segments or backslashes: open areas are matched only on paths
    that the router cannot read differently from us."""
    segments = path.split("/")[1:]
    return "\\" not in path and not any(s in (".", "..") for s in segments) and \
        "" not in segments[:-1]


def decide(role: str | None, method: str, path: str, policy: Policy = Policy()) -> Decision:
    """What the middleware does with a request; ``role`` is None for anonymous visitors."""
    read = method.upper() in READ_METHODS
    if under(path, OPEN_PATHS) and _plain(path):
        return Decision.ALLOW
    if policy.public_submit and under(path, policy.submit_paths) and _plain(path):
        return Decision.ALLOW
    admin = under(path, ADMIN_PATHS)
    protected = under(path, policy.protected_paths)
    review = under(path, REVIEW_PATHS)
    if role is None:
        if policy.public_read and read and not (admin or protected or review):
            return Decision.ALLOW
        return Decision.LOGIN
    if role == "admin":
        return Decision.ALLOW
    if admin:
        return Decision.FORBID
    if protected:
        return Decision.ALLOW if role == "investigator" else Decision.FORBID
    if read:
        return Decision.ALLOW if role in ("investigator", "reviewer", "viewer") else \
            Decision.FORBID
    if role == "investigator":
        return Decision.ALLOW
    if role == "reviewer" and review:
        return Decision.ALLOW
    return Decision.FORBID


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to after login, or ``default``: never another site
    (``//evil.example``, ``https://…``, ``/\\evil``, ``javascript:…``), never the login page."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return default
    if any(c in value for c in "\\\r\n\t") or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    if under(parts.path, ("/login", "/logout")):
        return default
    return value
