"""Annotations on the record: notes that analysts and leaders pin to an indicator's time axis.

A note marks an event (a policy, a disaster, a data revision) at a month of one indicator,
for one region or, with no region, for every region. Stored in the app database's
`annotation` table (migration 6 in datasources/appdb.py) with who wrote it and when; only its
author may change it, and every write is audited in the same transaction as the change.
What a valid note is (period, text, the author's scope) is checked by the caller
(core/annotations.py, web/api/annotations.py); this module checks only what the table needs.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from core.audit import ANNOTATION_ADDED, ANNOTATION_CHANGED
from datasources.appdb import UtcDateTime, utc_now
from datasources.audit import audit_in

# Query-side view of the table (the DDL lives in datasources/appdb.py's migration 6).
_annotation = sa.table(
    "annotation", sa.column("id", sa.Integer), sa.column("indicator_code", sa.String),
    sa.column("region_code", sa.String), sa.column("period", sa.String), sa.column("text", sa.Text),
    sa.column("created_by", sa.String), sa.column("created_at", UtcDateTime),
    sa.column("updated_at", UtcDateTime))
_COLUMNS = ("id", "indicator_code", "region_code", "period", "text", "created_by", "created_at", "updated_at")
MAX_ROWS = 500  # the most one list returns: a chart with more marks than this is unreadable


class NotAuthor(PermissionError):
    """Someone other than its author tried to change a note."""


def _as_dict(row: Any) -> dict[str, Any]:
    note = {name: getattr(row, name) for name in _COLUMNS}
    note["created_at"] = note["created_at"].isoformat()
    note["updated_at"] = note["updated_at"].isoformat()
    return note


def list_annotations(engine: Engine, *, indicator_code: str | None = None,
                     region_code: str | None = None) -> list[dict[str, Any]]:
    """Notes in period order (oldest first), at most MAX_ROWS, as plain dicts.

    `indicator_code` matches exactly. `region_code` gives that region's notes and the notes
    without a region (they hold for every region); None gives all. Each dict has id,
    indicator_code, region_code, period ("YYYY-MM"), text, created_by, created_at and
    updated_at (ISO 8601 UTC texts).
    """
    query = sa.select(*[_annotation.c[name] for name in _COLUMNS])
    if indicator_code is not None:
        query = query.where(_annotation.c.indicator_code == indicator_code)
    if region_code is not None:
        query = query.where(sa.or_(_annotation.c.region_code == region_code,
                                   _annotation.c.region_code.is_(None)))
    query = query.order_by(_annotation.c.period, _annotation.c.id).limit(MAX_ROWS)
    with engine.connect() as conn:
        return [_as_dict(row) for row in conn.execute(query).all()]


def get_annotation(engine: Engine, annotation_id: int) -> dict[str, Any] | None:
    """One note by id, or None."""
    query = sa.select(*[_annotation.c[name] for name in _COLUMNS]).where(_annotation.c.id == annotation_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else _as_dict(row)


def add_annotation(engine: Engine, *, indicator_code: str, region_code: str | None, period: str,
                   text: str, author: str, address: str | None = None) -> dict[str, Any]:
    """Store a note by `author` and audit it (who, when, from where); return it as stored."""
    now = utc_now()
    with engine.begin() as conn:
        result = conn.execute(sa.insert(_annotation).values(
            indicator_code=indicator_code, region_code=region_code, period=period, text=text,
            created_by=author, created_at=now, updated_at=now).returning(_annotation.c.id))
        annotation_id = result.scalar_one()
        audit_in(conn, author, ANNOTATION_ADDED,
                 f"{indicator_code} {region_code or '*'} {period}: {text}"[:1000], address,
                 f"annotation:{annotation_id}")
    note = get_annotation(engine, annotation_id)
    assert note is not None  # just written in the transaction above
    return note


def edit_annotation(engine: Engine, annotation_id: int, *, editor: str, text: str | None = None,
                    period: str | None = None, address: str | None = None) -> dict[str, Any]:
    """Change a note's text and/or period; only its author may. Audited with the new values.

    LookupError when there is no such note, NotAuthor when `editor` did not write it.
    """
    changes: dict[str, Any] = {name: value for name, value in (("text", text), ("period", period))
                               if value is not None}
    with engine.begin() as conn:
        author = conn.execute(sa.select(_annotation.c.created_by)
                              .where(_annotation.c.id == annotation_id).with_for_update()).scalar()
        if author is None:
            raise LookupError(f"no annotation {annotation_id}")
        if author != editor:
            raise NotAuthor(f"annotation {annotation_id} was written by another user")
        conn.execute(sa.update(_annotation).where(_annotation.c.id == annotation_id)
                     .values(**changes, updated_at=utc_now()))
        audit_in(conn, editor, ANNOTATION_CHANGED,
                 "; ".join(f"{name}={value}" for name, value in changes.items())[:1000], address,
                 f"annotation:{annotation_id}")
    note = get_annotation(engine, annotation_id)
    assert note is not None  # just changed in the transaction above
    return note
