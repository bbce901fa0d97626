"""Dispatch orders in the app database: issue one, move it a step, read them back.

An order is one `dispatch_order` row (its lead department in `dept_code`: the first chosen, or
'' for resources only), one `dispatch_target` row per department or resource it names, and one
`dispatch_event` row per status it went through (migrations 1 and 5 of datasources/appdb.py).
Everything one call writes is written in one transaction: an order is never half stored. A
`request_id` makes a retried or double-clicked request count once. Which step may follow which
is core/dispatch_rules.py's.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from core.audit import DISPATCH, DISPATCH_STATUS
from core.dispatch_rules import UnknownDispatch, check_step
from core.errors import InvalidAction
from datasources.appdb import UtcDateTime, utc_now
from datasources.audit import audit_in

dispatch_order = sa.table(
    "dispatch_order", sa.column("id", sa.Integer), sa.column("alert_id", sa.String),
    sa.column("dept_code", sa.String), sa.column("camera_id", sa.String), sa.column("instruction", sa.Text),
    sa.column("status", sa.String), sa.column("created_by", sa.String), sa.column("created_at", UtcDateTime),
    sa.column("updated_at", UtcDateTime), sa.column("request_id", sa.String), sa.column("deadline", UtcDateTime))
dispatch_target = sa.table(
    "dispatch_target", sa.column("id", sa.Integer), sa.column("dispatch_id", sa.Integer),
    sa.column("kind", sa.String), sa.column("code", sa.String), sa.column("name", sa.String))
dispatch_event = sa.table(
    "dispatch_event", sa.column("id", sa.Integer), sa.column("dispatch_id", sa.Integer),
    sa.column("status", sa.String), sa.column("username", sa.String), sa.column("at", UtcDateTime),
    sa.column("note", sa.Text), sa.column("request_id", sa.String))
ORDER_COLUMNS = ("id", "alert_id", "dept_code", "camera_id", "instruction", "status", "created_by",
                 "created_at", "updated_at", "deadline")


@dataclass(frozen=True)
class Written:
    """What a write left behind: the order's id, and whether the request was a replay."""

    dispatch_id: int
    duplicate: bool


def _immediate(engine: Engine) -> Connection:
    # SQLite: BEGIN IMMEDIATE takes the write lock first, so two officers' steps run one after another.
    return engine.connect().execution_options(cockpit_begin_immediate=True)


def issue_order(engine: Engine, *, alert_id: str, departments: Sequence[tuple[str, str]],
                resources: Sequence[tuple[str, str]], instruction: str, deadline: datetime,
                username: str, request_id: str, camera_id: str | None = None,
                address: str | None = None) -> Written:
    """Store a new order in status "issued" with its targets ((code, name) pairs), first event
    and audit event (from client `address`).

    One transaction; a `request_id` seen before answers its order (duplicate=True) or, when it
    was used for another alert, InvalidAction. SQLAlchemyError when the database fails (then
    nothing is stored).
    """
    for attempt in range(2):
        try:
            with _immediate(engine) as conn, conn.begin():
                seen = conn.execute(sa.select(dispatch_order.c.id, dispatch_order.c.alert_id)
                                    .where(dispatch_order.c.request_id == request_id)).first()
                if seen is not None:
                    if seen.alert_id != alert_id:
                        raise InvalidAction("dispatch.err.request_reused", conflict=False)
                    return Written(int(seen.id), duplicate=True)
                now = utc_now()
                new_id = conn.execute(sa.insert(dispatch_order).values(
                    alert_id=alert_id, dept_code=departments[0][0] if departments else "", camera_id=camera_id,
                    instruction=instruction, status="issued", created_by=username, created_at=now,
                    updated_at=now, request_id=request_id, deadline=deadline)
                    .returning(dispatch_order.c.id)).scalar_one()
                rows = ([{"dispatch_id": new_id, "kind": "dept", "code": c, "name": n} for c, n in departments]
                        + [{"dispatch_id": new_id, "kind": "resource", "code": c, "name": n} for c, n in resources])
                conn.execute(sa.insert(dispatch_target), rows)
                conn.execute(sa.insert(dispatch_event).values(dispatch_id=new_id, status="issued", username=username,
                                                              at=now, request_id=request_id))
                audit_in(conn, username, DISPATCH, f"alert={alert_id} depts={','.join(c for c, _ in departments)} "
                         f"resources={','.join(c for c, _ in resources)}", address, f"dispatch:{new_id}")
                return Written(int(new_id), duplicate=False)
        except IntegrityError:
            # Only the unique request_id can collide: a concurrent retry committed first; the
            # second pass finds it and answers as a replay.
            if attempt:
                raise
    raise AssertionError("unreachable")


def set_status(engine: Engine, dispatch_id: int, status: str, username: str, *, request_id: str,
               note: str | None = None, address: str | None = None) -> Written:
    """Move an order to `status` if it follows its current one, recording who and when (and auditing it).

    UnknownDispatch for no such order; InvalidAction (conflict) for a step that does not
    follow; a `request_id` seen before for this order and status answers duplicate=True.
    """
    for attempt in range(2):
        try:
            with _immediate(engine) as conn, conn.begin():
                current = conn.execute(sa.select(dispatch_order.c.status).where(dispatch_order.c.id == dispatch_id)
                                       .with_for_update()).scalar()
                if current is None:
                    raise UnknownDispatch(dispatch_id)
                seen = conn.execute(sa.select(dispatch_event.c.dispatch_id, dispatch_event.c.status)
                                    .where(dispatch_event.c.request_id == request_id)).first()
                if seen is not None:
                    if (seen.dispatch_id, seen.status) != (dispatch_id, status):
                        raise InvalidAction("dispatch.err.request_reused", conflict=False)
                    return Written(dispatch_id, duplicate=True)
                check_step(current, status)
                now = utc_now()
                conn.execute(sa.update(dispatch_order).where(dispatch_order.c.id == dispatch_id)
                             .values(status=status, updated_at=now))
                conn.execute(sa.insert(dispatch_event).values(dispatch_id=dispatch_id, status=status,
                                                              username=username, at=now, note=note,
                                                              request_id=request_id))
                audit_in(conn, username, DISPATCH_STATUS, status, address, f"dispatch:{dispatch_id}")
                return Written(dispatch_id, duplicate=False)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def orders(engine: Engine, *, alert_ids: Sequence[str] | None = None, dispatch_id: int | None = None,
           open_only: bool = False) -> pd.DataFrame:
    """Orders (ORDER_COLUMNS), newest first: of these alerts, or the one `dispatch_id`, or all."""
    o = dispatch_order
    stmt = sa.select(*[o.c[c] for c in ORDER_COLUMNS]).order_by(o.c.created_at.desc(), o.c.id.desc())
    if alert_ids is not None:
        stmt = stmt.where(o.c.alert_id.in_(list(alert_ids)))
    if dispatch_id is not None:
        stmt = stmt.where(o.c.id == dispatch_id)
    if open_only:
        stmt = stmt.where(o.c.status.not_in(["done", "cancelled"]))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=list(ORDER_COLUMNS))


def targets(engine: Engine, dispatch_ids: Sequence[int]) -> pd.DataFrame:
    """The departments and resources of these orders: dispatch_id, kind ('dept'/'resource'), code, name."""
    t = dispatch_target
    stmt = (sa.select(t.c.dispatch_id, t.c.kind, t.c.code, t.c.name)
            .where(t.c.dispatch_id.in_([int(i) for i in dispatch_ids])).order_by(t.c.id))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=["dispatch_id", "kind", "code", "name"])


def events(engine: Engine, dispatch_ids: Sequence[int]) -> pd.DataFrame:
    """The status history of these orders, oldest first: dispatch_id, status, username, at, note."""
    e = dispatch_event
    stmt = (sa.select(e.c.dispatch_id, e.c.status, e.c.username, e.c.at, e.c.note)
            .where(e.c.dispatch_id.in_([int(i) for i in dispatch_ids])).order_by(e.c.at, e.c.id))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([r._asdict() for r in rows], columns=["dispatch_id", "status", "username", "at", "note"])
