"""MySQL-protocol engines (MySQL, MariaDB, Apache Doris, StarRocks) as a warehouse."""
from __future__ import annotations

import contextlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import mysql as mysql_dialect


def warehouse_connect_args(_statement_timeout_s: float) -> dict[str, Any]:
    """A connect timeout; the statement timeout is set per session (see below)."""
    return {"connect_timeout": 5}


def prepare_warehouse_engine(engine: sa.Engine, statement_timeout_s: float) -> None:
    """Each new session gets the statement timeout and read-only transactions."""
    timeout_ms = int(statement_timeout_s * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            # MySQL and Doris/StarRocks know max_execution_time (ms); MariaDB max_statement_time (s).
            for statement in (f"SET SESSION max_execution_time = {timeout_ms}",
                              f"SET SESSION max_statement_time = {timeout_ms / 1000}",
                              "SET SESSION TRANSACTION READ ONLY"):
                # An engine without the variable keeps its default.
                with contextlib.suppress(Exception):
                    cur.execute(statement)


def appdb_connect_args(_url: sa.URL) -> dict[str, Any]:
    """A connect timeout, so a health check answers "down" instead of hanging."""
    return {"connect_timeout": 10}


def insert_ignore(table: sa.TableClause, values: dict[str, Any]) -> sa.Executable:
    """INSERT IGNORE."""
    return mysql_dialect.insert(table).values(values).prefix_with("IGNORE")


def lock_migrations(_conn: sa.Connection) -> None:
    """Not serialised: the application database is supported on SQLite and PostgreSQL only."""
