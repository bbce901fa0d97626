"""The audit log in the application database: append one event, search events.

Append-only by construction: this module is the only code that touches `audit_log`, and it
has an INSERT and a SELECT, no UPDATE or DELETE (tests/test_audit.py checks the whole source).
The action names are in core/audit.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from datasources.appdb import UtcDateTime, utc_now

# Query-side view of the table (the DDL lives in datasources/appdb.py's migrations).
_audit_log = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", UtcDateTime),
                      sa.column("username", sa.String), sa.column("action", sa.String),
                      sa.column("object", sa.String), sa.column("detail", sa.Text), sa.column("ip", sa.String))
MAX_ROWS = 10_000  # the most one search returns (the CSV download); the JSON API pages by 1000


@dataclass(frozen=True)
class AuditEvent:
    """One audited action: when, who (None: the system or an unknown name), what, from where, on what."""

    at: datetime
    actor: str | None
    action: str
    object: str | None
    address: str | None
    detail: str


def audit(engine: Engine, actor: str | None, action: str, detail: str = "", ip: str | None = None,
          object_: str | None = None) -> None:
    """Append one event, stamped with the current UTC time; values are cut to their column's size."""
    with engine.begin() as conn:
        audit_in(conn, actor, action, detail, ip, object_)


def audit_in(conn: Connection, actor: str | None, action: str, detail: str = "", ip: str | None = None,
             object_: str | None = None) -> None:
    """`audit` inside the caller's transaction: the event is stored if and only if the change is."""
    conn.execute(sa.insert(_audit_log).values(
        at=utc_now(), username=actor[:64] if actor else actor, action=action[:64],
        object=object_[:256] if object_ else object_, detail=detail or "", ip=ip[:64] if ip else ip))


def search_audit(engine: Engine, *, actor: str | None = None, action: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 limit: int = 200) -> list[AuditEvent]:
    """Events newest first, at most `limit` (1 … MAX_ROWS): `actor` and `action` match exactly,
    `since` is inclusive and `until` exclusive (aware datetimes)."""
    limit = max(1, min(int(limit), MAX_ROWS))
    query = sa.select(_audit_log.c.at, _audit_log.c.username, _audit_log.c.action, _audit_log.c.object,
                      _audit_log.c.ip, _audit_log.c.detail)
    if actor:
        query = query.where(_audit_log.c.username == actor)
    if action:
        query = query.where(_audit_log.c.action == action)
    if since is not None:
        query = query.where(_audit_log.c.at >= since)
    if until is not None:
        query = query.where(_audit_log.c.at < until)
    query = query.order_by(_audit_log.c.at.desc(), _audit_log.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [AuditEvent(row.at, row.username, row.action, row.object, row.ip, row.detail or "") for row in rows]
