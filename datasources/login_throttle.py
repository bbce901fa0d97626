"""Failed sign-ins per (user name, client address) pair, kept in the app database.

The login throttle (`web/throttle.py`) decides from these counts how long a pair must wait.
They live in the app database, not the cache, so that every worker and every host sees the
same counts with or without Redis, and a restart does not reset them. A pair is stored only as
a hash, so any user name (however long or odd) is a short key, and the table names no one.

`add_failure` is atomic under concurrent writers: the row is created if missing and then
incremented by one UPDATE, which PostgreSQL runs under the row's lock and SQLite under the
database's write lock (BEGIN IMMEDIATE).
"""
from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from datasources.appdb import UtcDateTime
from datasources.engines import insert_ignoring_duplicates

login_failure = sa.table("login_failure", sa.column("pair", sa.String), sa.column("failures", sa.Integer),
                         sa.column("last_failure_at", UtcDateTime))


def pair_key(username: str, address: str) -> str:
    """The stored key of a (user name, client address) pair; user names compare case-insensitively."""
    raw = f"{username.casefold()}\x00{address}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(raw).hexdigest()


def failures(engine: Engine, pair: str, since: datetime) -> tuple[int, datetime] | None:
    """(failures, the last one's time) of `pair` when its last failure is not older than `since`."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(login_failure.c.failures, login_failure.c.last_failure_at)
                           .where(login_failure.c.pair == pair, login_failure.c.last_failure_at >= since)).first()
    return None if row is None else (int(row.failures), row.last_failure_at)


def add_failure(engine: Engine, pair: str, now: datetime, since: datetime) -> int:
    """Count one more failure of `pair` at `now`; the count now.

    A pair whose last failure is older than `since` starts again from one, and every such
    forgotten pair is deleted on the way.
    """
    c = login_failure.c
    with engine.connect() as conn:
        conn = conn.execution_options(cockpit_begin_immediate=True)
        with conn.begin():
            insert_ignoring_duplicates(conn, login_failure, {"pair": pair, "failures": 0, "last_failure_at": now})
            conn.execute(sa.update(login_failure).where(c.pair == pair).values(
                failures=sa.case((c.last_failure_at < since, 1), else_=c.failures + 1), last_failure_at=now))
            count = conn.execute(sa.select(c.failures).where(c.pair == pair)).scalar_one()
            conn.execute(sa.delete(login_failure).where(c.last_failure_at < since))
    return int(count)


def clear_failures(engine: Engine, pair: str) -> None:
    """Forget `pair`'s failures (after it signed in)."""
    with engine.begin() as conn:
        conn.execute(sa.delete(login_failure).where(login_failure.c.pair == pair))
