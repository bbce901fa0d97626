"""Engine and dialect specifics, one module per engine; the rest of data access stays portable.

`create_warehouse_engine` and `create_appdb_engine` build the one engine of each kind a process
holds; `insert_ignoring_duplicates` is the dialect's "insert unless the key exists".
"""
from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

from datasources.engines import mysql, postgresql, sqlite

_BY_BACKEND: dict[str, ModuleType] = {"sqlite": sqlite, "postgresql": postgresql, "mysql": mysql,
                                      "mariadb": mysql}


def _dialect(backend: str) -> ModuleType | None:
    return _BY_BACKEND.get(backend)


def guard_after_fork(engine: sa.Engine) -> sa.Engine:
    """Make an engine safe to inherit through fork (gunicorn --preload).

    A pooled connection opened in the parent is never used by a child: the child sees it was
    made by another process and drops it, so two processes never share one socket
    (SQLAlchemy's documented recipe for pools and os.fork).
    """

    @event.listens_for(engine, "connect")
    def _remember_pid(_dbapi_conn: Any, record: Any) -> None:
        record.info["pid"] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _check_pid(_dbapi_conn: Any, record: Any, proxy: Any) -> None:
        if record.info.get("pid") != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise sa.exc.DisconnectionError("connection was opened by another process; reconnecting")

    return engine


def create_warehouse_engine(url: str, *, statement_timeout_s: float, pool_size: int) -> sa.Engine:
    """A pooled, pre-pinged, read-only engine whose statements stop after the timeout."""
    parsed = make_url(url)
    dialect = _dialect(parsed.get_backend_name())
    if dialect is sqlite:
        return guard_after_fork(sqlite.warehouse_engine(parsed, statement_timeout_s))
    connect_args = dialect.warehouse_connect_args(statement_timeout_s) if dialect else {}
    engine = sa.create_engine(parsed, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size,
                              pool_recycle=1800, connect_args=connect_args)
    if dialect is not None:
        dialect.prepare_warehouse_engine(engine, statement_timeout_s)
    return guard_after_fork(engine)


def create_appdb_engine(url: str) -> sa.Engine:
    """The application database's engine: pooled, pre-pinged, with the engine's own settings."""
    parsed = make_url(url)
    dialect = _dialect(parsed.get_backend_name())
    if dialect is sqlite:
        return guard_after_fork(sqlite.appdb_engine(parsed))
    connect_args = dialect.appdb_connect_args(parsed) if dialect else {}
    return guard_after_fork(sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args))


def warehouse_down(exc: sa.exc.DBAPIError, dialect_name: str) -> bool:
    """Whether a failed warehouse statement means "unavailable" (serve the last good data), not a bug.

    Connection failures and timeouts (OperationalError), a dropped connection, and for SQLite
    a file that cannot be read (corrupt, truncated, replaced by something else).
    """
    if isinstance(exc, sa.exc.OperationalError) or exc.connection_invalidated:
        return True
    return _dialect(dialect_name) is sqlite and sqlite.unreadable(exc)


def warehouse_alive(conn: sa.Connection) -> bool:
    """Whether the warehouse answers a trivial query now (and, for SQLite, holds any tables)."""
    if _dialect(conn.dialect.name) is sqlite:
        return sqlite.alive(conn)
    conn.execute(sa.text("SELECT 1"))
    return True


def insert_ignoring_duplicates(conn: sa.Connection, table: sa.TableClause, values: dict[str, Any]) -> None:
    """Insert a row unless one with the same key exists (the engine's own upsert form)."""
    dialect = _dialect(conn.dialect.name) or sqlite
    conn.execute(dialect.insert_ignore(table, values))


def lock_migrations(conn: sa.Connection) -> None:
    """Serialise schema migrations across processes inside the current transaction."""
    dialect = _dialect(conn.dialect.name)
    if dialect is not None:
        dialect.lock_migrations(conn)
