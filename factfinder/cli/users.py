"""The ``users`` commands: people who log in to the web app (``factfinder serve``), their roles
and passwords. Every change is a custody-log entry with the actor (``--actor``).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

import sys
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from factfinder.cli.common import (
    ActorOption,
    DbOption,
    JsonOption,
    console,
    err,
    open_case,
    print_json,
)

users_app = typer.Typer(
    help="Users of the web app: add them, list them, change their password or role, disable "
    "them. Roles: admin, investigator, reviewer, viewer (see docs/access.md).",
    no_args_is_help=True)

NameArgument = Annotated[str, typer.Argument(
    metavar="NAME", help="Username (letters, digits and . _ @ -; case does not matter).")]
RoleArgument = Annotated[str, typer.Argument(
    metavar="ROLE", help="admin, investigator, reviewer or viewer.")]
PasswordStdinOption = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from the first line of standard input instead "
    "of asking for it (for scripts).")]


def register(app: typer.Typer) -> None:
    """Add the users commands to the app."""
    app.add_typer(users_app, name="users")


def _fail(exc: Exception) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(1)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@users_app.command("add")
def add(
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", help="admin, investigator, reviewer or viewer.",
                                      show_default=False)],
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Add a user with a role; asks for the password twice (hidden) unless --password-stdin."""
    from factfinder.web.auth_users import UserError, add_user, check_role, normalize_username

    conf, database, _ = open_case(db, None, actor)
    try:  # check before asking for a password
        normalize_username(name)
        check_role(role)
        user = add_user(database, name, role, _password(password_stdin), conf.actor)
    except UserError as exc:
        _fail(exc)
    console.print(f"added user {escape(user.username)} ({user.role})", soft_wrap=True)


@users_app.command("list")
def list_(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List users: role, when added, whether disabled, open sessions."""
    from factfinder.web.auth_users import list_users

    _, database, _ = open_case(db)
    with database.read() as conn:
        rows = list_users(conn)
    if json_out:
        print_json(rows)
        return
    table = Table(box=None, pad_edge=False)
    for col in ("username", "role", "added", "status", "sessions"):
        table.add_column(col, no_wrap=True)
    for r in rows:
        table.add_row(escape(str(r["username"])), str(r["role"]), str(r["created_at"])[:19],
                      "disabled" if r["disabled"] else "active", str(r["sessions"]))
    console.print(table)
    console.print(f"{len(rows)} user(s)")


@users_app.command("passwd")
def passwd(
    name: NameArgument,
    password_stdin: PasswordStdinOption = False,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Set a new password (the user's open sessions end)."""
    from factfinder.web.auth_users import UserError, get_user, normalize_username, set_password

    conf, database, _ = open_case(db, None, actor)
    try:
        username = normalize_username(name)
        with database.read() as conn:
            if get_user(conn, username) is None:
                raise UserError(f"no user {username!r}")
        ended = set_password(database, username, _password(password_stdin), conf.actor)
    except UserError as exc:
        _fail(exc)
    console.print(f"password changed for {escape(username)}; {ended} session(s) ended",
                  soft_wrap=True)


@users_app.command("disable")
def disable(name: NameArgument, db: DbOption = None, actor: ActorOption = None) -> None:
    """Disable a user: they can no longer log in and their sessions end (users are never
    deleted, so that the custody log's actors stay known)."""
    from factfinder.web.auth_users import UserError, set_disabled

    conf, database, _ = open_case(db, None, actor)
    try:
        ended = set_disabled(database, name, True, conf.actor)
    except UserError as exc:
        _fail(exc)
    console.print(f"disabled {escape(name.strip().lower())}; {ended} session(s) ended",
                  soft_wrap=True)


@users_app.command("enable")
def enable(name: NameArgument, db: DbOption = None, actor: ActorOption = None) -> None:
    """Let a disabled user log in again."""
    from factfinder.web.auth_users import UserError, set_disabled

    conf, database, _ = open_case(db, None, actor)
    try:
        set_disabled(database, name, False, conf.actor)
    except UserError as exc:
        _fail(exc)
    console.print(f"enabled {escape(name.strip().lower())}", soft_wrap=True)


@users_app.command("role")
def role(name: NameArgument, new_role: RoleArgument, db: DbOption = None,
         actor: ActorOption = None) -> None:
    """Give a user another role (effective at their next request)."""
    from factfinder.web.auth_users import UserError, set_role

    conf, database, _ = open_case(db, None, actor)
    try:
        old, new = set_role(database, name, new_role, conf.actor)
    except UserError as exc:
        _fail(exc)
    what = f"{old} → {new}" if old != new else f"already {new}"
    console.print(f"{escape(name.strip().lower())}: {what}", soft_wrap=True)
