"""PostgreSQL: a production warehouse (read-only sessions) or application database."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect

_MIGRATION_LOCK_KEY = 0x636F636B  # "cock"


def warehouse_connect_args(statement_timeout_s: float) -> dict[str, Any]:
    """A connect timeout, a server-side statement timeout and read-only transactions."""
    timeout_ms = int(statement_timeout_s * 1000)
    return {"connect_timeout": 5,
            "options": f"-c statement_timeout={timeout_ms} -c default_transaction_read_only=on"}


def prepare_warehouse_engine(_engine: sa.Engine, _statement_timeout_s: float) -> None:
    """Nothing beyond the connect arguments."""


def appdb_connect_args(url: sa.URL) -> dict[str, Any]:
    """A health check must answer "down", not hang, when the server is unreachable."""
    return {} if "connect_timeout" in url.query else {"connect_timeout": 10}


def insert_ignore(table: sa.TableClause, values: dict[str, Any]) -> sa.Executable:
    """INSERT … ON CONFLICT DO NOTHING."""
    return pg_dialect.insert(table).values(values).on_conflict_do_nothing()


def lock_migrations(conn: sa.Connection) -> None:
    """A transaction-scoped advisory lock: one migrator at a time."""
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
