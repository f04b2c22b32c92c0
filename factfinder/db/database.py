"""Opening a case database: engine set-up, migrations to the current schema, transactions."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool, QueuePool

from factfinder.db.dialect import Dialect, dialect_for

MIGRATIONS = Path(__file__).with_name("migrations")
_OPEN: weakref.WeakSet[Database] = weakref.WeakSet()


def dispose_idle() -> None:
    """Close the idle pooled connections of every open case database (they reconnect when used
    again). For long-lived processes that open many databases, such as a test run: each CLI call
    made in-process opens its own engine, and PostgreSQL allows only so many connections."""
    for db in list(_OPEN):
        db.engine.dispose()


class Database:
    """A case database at a SQLAlchemy URL (SQLite file or PostgreSQL).

    ``read()`` gives a connection for queries; ``write()`` a transaction that holds the writer lock
    (SQLite ``BEGIN IMMEDIATE``; a PostgreSQL advisory lock), so custody entries are chained in
    order even with several processes writing.
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        parsed = make_url(url)
        self.backend = parsed.get_backend_name()
        self.dialect: Dialect = dialect_for(self.backend)
        self.engine = self._make_engine(url)
        _OPEN.add(self)
        if migrate:
            self.upgrade()

    @staticmethod
    def _make_engine(url: str) -> Engine:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            if os.environ.get("FACTFINDER_DB_NULLPOOL"):  # many short-lived engines (tests)
                return create_engine(parsed, poolclass=NullPool)
            return create_engine(parsed, pool_pre_ping=True)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        memory = not parsed.database or parsed.database == ":memory:"
        engine = create_engine(
            parsed,
            poolclass=NullPool if memory else QueuePool,
            connect_args={"timeout": 60, "check_same_thread": False},
            **({} if memory else {"pool_size": 4, "max_overflow": 8}),
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let us issue BEGIN ourselves (pysqlite's own transaction handling defers it).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process in WAL
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = "IMMEDIATE" if conn.get_execution_options().get("ff_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as raw:
            conn = raw.execution_options(ff_write=True)
            with conn.begin():
                self.dialect.lock_for_write(conn)
                yield conn

    # -- migrations -----------------------------------------------------------------------------

    def _alembic_config(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return cfg

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is current)."""
        if self.current_revision() == self.head_revision():
            return
        from alembic import command

        cfg = self._alembic_config()
        with self.engine.connect() as raw:
            conn = raw.execution_options(ff_write=True)
            with conn.begin():
                self.dialect.lock_for_write(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    def close(self) -> None:
        self.engine.dispose()
