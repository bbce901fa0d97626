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


def _file_identity(path: str | None) -> tuple[int, int, int] | None:
    """(device, inode, mtime) of the database file; None when there is no such file."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


def warehouse_engine(url: sa.URL, statement_timeout_s: float) -> sa.Engine:
    """A read-only engine whose statements are aborted after the timeout.

    A pooled connection is dropped when the file was replaced (another inode: a new copy moved
    into place) or rewritten since it was opened, so readers never keep reading a file that is
    gone; a missing file then reads as an unreachable warehouse.
    """
    path = url.database
    engine = sa.create_engine(_read_only_url(url), pool_pre_ping=True,
                              connect_args={"timeout": statement_timeout_s})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
        dbapi_conn.execute("PRAGMA query_only = ON")
        record.info["file"] = _file_identity(path)

    @event.listens_for(engine, "checkout")
    def _check_file(_dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file") != _file_identity(path):
            raise sa.exc.DisconnectionError("the warehouse file was replaced or changed; reconnecting")

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


def unreadable(exc: sa.exc.DBAPIError) -> bool:
    """Whether an error means the file cannot be read (corrupt, not a database, gone), not a bad query."""
    name = getattr(exc.orig, "sqlite_errorname", "")
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CANTOPEN"))


def alive(conn: sa.Connection) -> bool:
    """A file with no tables at all (truncated to nothing, or a wrong path) is no warehouse."""
    return bool(conn.execute(sa.text("SELECT count(*) FROM sqlite_master")).scalar())


def insert_ignore(table: sa.TableClause, values: dict[str, Any]) -> sa.Executable:
    """INSERT … ON CONFLICT DO NOTHING."""
    return sqlite_dialect.insert(table).values(values).on_conflict_do_nothing()


def lock_migrations(_conn: sa.Connection) -> None:
    """Nothing to do: BEGIN IMMEDIATE already holds the database's write lock."""
