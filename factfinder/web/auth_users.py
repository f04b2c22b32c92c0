"""Users, passwords, login sessions and failed-login records, over the case database.

No web framework here: the ``users`` commands and the web app's login both use these functions.
Every change to a user, every login, failed login and logout is a custody-log entry (object
``user:NAME``); nothing secret is ever written to the log. Passwords are hashed with argon2id
(argon2-cffi's defaults: 64 MiB, 3 passes, parallelism 4), so a stolen database does not give
them away cheaply.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import auth_keys, login_attempts, sessions, users

ROLES = ("admin", "investigator", "reviewer", "viewer")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; this only bounds the work a request can ask for

hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so that a wrong name takes as long as a
# wrong password (made on first use: hashing at import would slow every command down).
_dummy_hash: str | None = None


class UserError(ValueError):
    """A request about users that cannot be done (unknown user, bad role, weak password …)."""


@dataclass(frozen=True)
class User:
    """Who is logged in: what ``request.state.user`` holds (None for anonymous visitors)."""

    username: str
    role: str

    @property
    def can_see_protected(self) -> bool:
        return self.role in ("admin", "investigator")

    @property
    def name(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


def now() -> datetime:
    return datetime.now(UTC)


def stamp(when: datetime) -> str:
    """The same fixed-width ISO form as the custody log, so strings compare like times."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


# -- names, roles, passwords ------------------------------------------------------------------

def normalize_username(name: str) -> str:
    """Usernames are case-insensitive: stored and compared in lower case."""
    value = name.strip().lower()
    if not USERNAME.fullmatch(value):
        raise UserError(
            f"invalid username {name!r}: 1–64 characters, letters, digits and . _ @ - "
            "(starting with a letter or digit)")
    return value


def check_role(role: str) -> str:
    value = role.strip().lower()
    if value not in ROLES:
        raise UserError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    return value


def check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"password too long: at most {MAX_PASSWORD} characters")
    if password.strip().lower() == username:
        raise UserError("password must not be the username")


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hash


# -- user administration ----------------------------------------------------------------------

def get_user(conn: Connection, username: str) -> dict[str, object] | None:
    row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def _require(conn: Connection, username: str) -> dict[str, object]:
    row = get_user(conn, username)
    if row is None:
        raise UserError(f"no user {username!r}")
    return row


def add_user(db: Database, username: str, role: str, password: str, actor: str) -> User:
    name, role = normalize_username(username), check_role(role)
    check_password(password, name)
    digest = hash_password(password)
    at = stamp(now())
    try:
        with db.write() as conn:
            if get_user(conn, name) is not None:
                raise UserError(f"user {name!r} exists already")
            conn.execute(insert(users), {"username": name, "role": role, "password_hash": digest,
                                         "created_at": at, "updated_at": at, "disabled": 0})
            custody.append(conn, "user-add", f"user:{name}", actor, {"role": role})
    except IntegrityError as exc:  # added by someone else at the same moment
        raise UserError(f"user {name!r} exists already") from exc
    return User(name, role)


def set_password(db: Database, username: str, password: str, actor: str) -> int:
    """Change a password and end the user's sessions; returns how many were ended."""
    name = normalize_username(username)
    check_password(password, name)
    digest = hash_password(password)
    with db.write() as conn:
        _require(conn, name)
        conn.execute(update(users).where(users.c.username == name).values(
            password_hash=digest, updated_at=stamp(now())))
        ended = _end_sessions(conn, name)
        custody.append(conn, "user-passwd", f"user:{name}", actor, {"sessions_ended": ended})
    return ended


def set_role(db: Database, username: str, role: str, actor: str) -> tuple[str, str]:
    """Give a user another role (effective at their next request); returns (old, new)."""
    name, role = normalize_username(username), check_role(role)
    with db.write() as conn:
        old = str(_require(conn, name)["role"])
        if old != role:
            conn.execute(update(users).where(users.c.username == name).values(
                role=role, updated_at=stamp(now())))
            custody.append(conn, "user-role", f"user:{name}", actor, {"from": old, "to": role})
    return old, role


def set_disabled(db: Database, username: str, disabled: bool, actor: str) -> int:
    """Disable (ending every session) or enable a user; returns the sessions ended."""
    name = normalize_username(username)
    with db.write() as conn:
        row = _require(conn, name)
        ended = _end_sessions(conn, name) if disabled else 0
        if bool(row["disabled"]) != disabled:
            conn.execute(update(users).where(users.c.username == name).values(
                disabled=int(disabled), updated_at=stamp(now())))
            custody.append(conn, "user-disable" if disabled else "user-enable", f"user:{name}",
                           actor, {"sessions_ended": ended} if disabled else {})
    return ended


def list_users(conn: Connection) -> list[dict[str, object]]:
    live: dict[str, int] = dict(conn.execute(
        select(sessions.c.username, func.count()).where(sessions.c.expires_at > stamp(now()))
        .group_by(sessions.c.username)).all())
    return [{"username": r["username"], "role": r["role"], "created_at": r["created_at"],
             "updated_at": r["updated_at"], "disabled": bool(r["disabled"]),
             "sessions": int(live.get(r["username"], 0))}
            for r in conn.execute(select(users).order_by(users.c.username)).mappings()]


def has_users(db: Database) -> bool:
    """Whether anyone can log in at all (``factfinder serve`` says how to add the first)."""
    with db.read() as conn:
        return conn.execute(select(users.c.pk).where(users.c.disabled == 0).limit(1)
                            ).first() is not None


def _end_sessions(conn: Connection, username: str) -> int:
    return conn.execute(delete(sessions).where(sessions.c.username == username)).rowcount or 0


# -- server keys ------------------------------------------------------------------------------

def server_key(db: Database, name: str = "auth") -> bytes:
    """A random key kept in the database (made on first use), shared by every server process."""
    with db.read() as conn:
        value = conn.execute(select(auth_keys.c.value).where(auth_keys.c.name == name)).scalar()
    if value is None:
        try:
            with db.write() as conn:
                value = conn.execute(
                    select(auth_keys.c.value).where(auth_keys.c.name == name)).scalar()
                if value is None:
                    value = secrets.token_hex(32)
                    conn.execute(insert(auth_keys), {"name": name, "value": value,
                                                     "created_at": stamp(now())})
        except IntegrityError:  # another process made it first
            with db.read() as conn:
                value = conn.execute(
                    select(auth_keys.c.value).where(auth_keys.c.name == name)).scalar_one()
    return bytes.fromhex(str(value))


def keyed(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


# -- sessions and logins ----------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    lifetime: timedelta = timedelta(hours=12)  # from login, whatever happens
    idle: timedelta = timedelta(hours=2)  # without a request
    touch_every: timedelta = timedelta(minutes=1)  # how stale last_seen may get (fewer writes)


@dataclass(frozen=True)
class LoginLimits:
    per_user: int = 5  # failed logins for one username …
    per_address: int = 20  # … or from one client address …
    window: timedelta = timedelta(minutes=15)  # … within this window, then refused


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    user: User | None = None
    token: str | None = None
    reason: str = ""  # "ok", "wrong", "limited"
    retry_after: int = 0  # seconds, when limited


def load_session(db: Database, token: str, policy: SessionPolicy) -> tuple[User | None, str]:
    """The user behind a session token, or None when it is unknown, expired, idle too long or
    its user is disabled (then the session row is removed). Also returns the token's hash."""
    digest = token_hash(token)
    with db.read() as conn:
        row = conn.execute(
            select(sessions.c.expires_at, sessions.c.last_seen_at, users.c.username, users.c.role,
                   users.c.disabled)
            .join(users, users.c.username == sessions.c.username)
            .where(sessions.c.token_hash == digest)).mappings().first()
    if row is None:
        return None, digest
    t = now()
    last_seen = parse_stamp(row["last_seen_at"])
    if row["disabled"] or row["expires_at"] <= stamp(t) or last_seen + policy.idle <= t:
        _quiet_write(db, delete(sessions).where(sessions.c.token_hash == digest))
        return None, digest
    if t - last_seen >= policy.touch_every:
        _quiet_write(db, update(sessions).where(sessions.c.token_hash == digest)
                     .values(last_seen_at=stamp(t)))
    return User(row["username"], row["role"]), digest


def _quiet_write(db: Database, statement: Executable) -> None:
    """A small write to ``sessions`` on the way to serving a page: outside the custody writer
    lock (it is no custody entry), and skipped when the database stays busy (a later request
    does it)."""
    try:
        with db.engine.begin() as conn:
            conn.execute(statement)
    except OperationalError:
        pass


def login(db: Database, username: str, password: str, address: str, key: bytes,
          policy: SessionPolicy, limits: LoginLimits) -> LoginResult:
    """Check a password and open a session, with rate limiting of failures per username and per
    client address. Logs ``login`` or ``login-failed`` (a name that is no user is not written to
    the log: it may be a password typed into the wrong field)."""
    typed = username.strip().lower()[:200]
    user_key, address_key = keyed(key, "user", typed), keyed(key, "address", address)
    t = now()
    since = stamp(t - limits.window)
    with db.read() as conn:
        by_user = _failures(conn, login_attempts.c.user_key == user_key, since)
        by_address = _failures(conn, login_attempts.c.address_key == address_key, since)
        row = get_user(conn, typed) if USERNAME.fullmatch(typed) else None
    wait = max(_wait(by_user, limits.per_user, limits.window, t),
               _wait(by_address, limits.per_address, limits.window, t))
    if wait > 0:
        return LoginResult(False, reason="limited", retry_after=wait)
    stored = str(row["password_hash"]) if row else _dummy()
    good = verify_password(stored, password[:MAX_PASSWORD]) and row is not None
    if not good or row is None or row["disabled"]:
        with db.write() as conn:
            conn.execute(insert(login_attempts), {"user_key": user_key, "address_key": address_key,
                                                  "at": stamp(t)})
            conn.execute(delete(login_attempts).where(
                login_attempts.c.at < stamp(t - max(limits.window, timedelta(days=1)))))
            if row is None:
                custody.append(conn, "login-failed", "user:?", "anonymous",
                               {"reason": "unknown user", "address": address})
            else:
                custody.append(conn, "login-failed", f"user:{typed}", "anonymous",
                               {"reason": "disabled" if good else "wrong password",
                                "address": address})
        return LoginResult(False, reason="wrong")
    user = User(str(row["username"]), str(row["role"]))
    token = secrets.token_urlsafe(32)
    rehash = hasher.check_needs_rehash(stored)
    with db.write() as conn:
        conn.execute(insert(sessions), {
            "token_hash": token_hash(token), "username": user.username, "created_at": stamp(t),
            "expires_at": stamp(t + policy.lifetime), "last_seen_at": stamp(t)})
        conn.execute(delete(sessions).where(sessions.c.expires_at <= stamp(t)))
        if rehash:
            conn.execute(update(users).where(users.c.username == user.username)
                         .values(password_hash=hash_password(password)))
        custody.append(conn, "login", f"user:{user.username}", user.username,
                       {"role": user.role, "address": address})
    return LoginResult(True, user, token, reason="ok")


def start_session(db: Database, username: str, policy: SessionPolicy | None = None) -> str:
    """Open a session for an existing user without a password (tests, and tools that have
    checked who it is some other way); returns the token for the session cookie. Not logged."""
    policy = policy or SessionPolicy()
    name = normalize_username(username)
    token, t = secrets.token_urlsafe(32), now()
    with db.write() as conn:
        _require(conn, name)
        conn.execute(insert(sessions), {
            "token_hash": token_hash(token), "username": name, "created_at": stamp(t),
            "expires_at": stamp(t + policy.lifetime), "last_seen_at": stamp(t)})
    return token


def _failures(conn: Connection, cond: ColumnElement[bool], since: str) -> list[str]:
    return [str(at) for at in conn.execute(
        select(login_attempts.c.at).where(cond, login_attempts.c.at > since)
        .order_by(login_attempts.c.at)).scalars()]


def _wait(failures: list[str], limit: int, window: timedelta, t: datetime) -> int:
    """Seconds until fewer than ``limit`` of these failures are inside the window (0: now)."""
    if len(failures) < limit:
        return 0
    leaves = parse_stamp(failures[len(failures) - limit]) + window
    return max(1, int((leaves - t).total_seconds()) + 1)


def logout(db: Database, token: str) -> User | None:
    """End a session (logged as ``logout``); returns whose it was."""
    digest = token_hash(token)
    with db.write() as conn:
        row = conn.execute(select(sessions.c.username).where(sessions.c.token_hash == digest)
                           ).first()
        if row is None:
            return None
        conn.execute(delete(sessions).where(sessions.c.token_hash == digest))
        custody.append(conn, "logout", f"user:{row[0]}", str(row[0]), {})
        user = get_user(conn, str(row[0]))
    return User(str(row[0]), str(user["role"]) if user else "")
