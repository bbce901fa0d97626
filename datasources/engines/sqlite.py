"""SQLite: the embedded default's warehouse (read-only) and application database."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import sqlite as sqlite_dialect

WAL_SWITCH_WAIT_S = 10


def absolute_url(url: str, base_dir: Path) -> str:
    """A SQLite URL with a relative path made relative to `base_dir`, not the cwd; others unchanged."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:" \
            or parsed.database.startswith("file:") or os.path.isabs(parsed.database):
        return url
    return parsed.set(database=str(base_dir / parsed.database)).render_as_string(hide_password=False)


def _read_only_url(url: sa.URL) -> sa.URL:
    # mode=ro keeps a wrong path from silently creating an empty database file.
    if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return url
    return url.set(database=f"file:{url.database}", query={**url.query, "mode": "ro", "uri": "true"})


def warehouse_engine(url: sa.URL, statement_timeout_s: float) -> sa.Engine:
    """A read-only engine whose statements are aborted after the timeout."""
    engine = sa.create_engine(_read_only_url(url), pool_pre_ping=True,
                              connect_args={"timeout": statement_timeout_s})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA query_only = ON")

    @event.listens_for(engine, "before_cursor_execute")
    def _arm(conn: sa.Connection, *_args: Any) -> None:
        deadline = time.monotonic() + statement_timeout_s
        # SQLite has no statement timeout; a progress handler that returns true aborts the query.
        conn.connection.dbapi_connection.set_progress_handler(
            lambda: 1 if time.monotonic() > deadline else 0, 10_000)

    return engine


def _switch_to_wal(cursor: Any) -> None:
    """`PRAGMA journal_mode=WAL`, retried: switching a new database to WAL needs a lock that
    SQLite's busy timeout does not wait for, and another process may be starting at the same time."""
    deadline = time.monotonic() + WAL_SWITCH_WAIT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def appdb_engine(url: sa.URL) -> sa.Engine:
    """The application database on SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE on request."""
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite would otherwise commit before DDL on its own; SQLAlchemy issues BEGIN below.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent writers queue instead of
        # failing with "database is locked" when upgrading a read lock.
        immediate = conn.get_execution_options().get("cockpit_begin_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def insert_ignore(table: sa.TableClause, values: dict[str, Any]) -> sa.Executable:
    """INSERT … ON CONFLICT DO NOTHING."""
    return sqlite_dialect.insert(table).values(values).on_conflict_do_nothing()


def lock_migrations(_conn: sa.Connection) -> None:
    """Nothing to do: BEGIN IMMEDIATE already holds the database's write lock."""
