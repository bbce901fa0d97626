"""The alert lifecycle in the app database: the actions officers took and the state they left.

The duty console's actions (acknowledge, assign, escalate, note, resolve, close) are kept in
`alert_action`, and the state they produced in `alert_state`, one row per alert. Which action
may follow which is the core's rule (`core/alert_lifecycle.py`).

`record_action` is safe under concurrent writers on SQLite and PostgreSQL: each action runs in
one transaction that first locks the alert's `alert_state` row (PostgreSQL: `SELECT … FOR
UPDATE`; SQLite: `BEGIN IMMEDIATE`, the database write lock), so two officers acting at once
are validated one after the other. A `request_id` makes a retried or double-clicked action
count once.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from core.alert_lifecycle import check_action, combine_level, combine_status, target_status
from core.errors import InvalidAction
from datasources.appdb import UtcDateTime, utc_now
from datasources.engines import insert_ignoring_duplicates

alert_action = sa.table(
    "alert_action", sa.column("id", sa.Integer), sa.column("alert_id", sa.String),
    sa.column("action", sa.String), sa.column("username", sa.String), sa.column("at", UtcDateTime),
    sa.column("dept_code", sa.String), sa.column("level", sa.Integer), sa.column("note", sa.Text),
    sa.column("request_id", sa.String))
alert_state = sa.table(
    "alert_state", sa.column("alert_id", sa.String), sa.column("status", sa.String),
    sa.column("level", sa.Integer), sa.column("dept_code", sa.String),
    sa.column("acknowledged_at", UtcDateTime), sa.column("acknowledged_by", sa.String),
    sa.column("resolved_at", UtcDateTime), sa.column("closed_at", UtcDateTime),
    sa.column("updated_at", UtcDateTime), sa.column("version", sa.Integer))
STATE_COLUMNS = ("alert_id", "status", "level", "dept_code", "acknowledged_at", "acknowledged_by",
                 "resolved_at", "closed_at", "updated_at", "version")


@dataclass(frozen=True)
class ActionResult:
    """What an action left behind: the alert's combined state, and whether it was a replay."""

    state: dict[str, Any]
    duplicate: bool


def _lock_state(conn: Connection, alert_id: str) -> Any:
    """Create the alert's state row if missing and lock it for this transaction."""
    now = utc_now()
    values = {"alert_id": alert_id, "updated_at": now, "version": 0}
    insert_ignoring_duplicates(conn, alert_state, values)
    return conn.execute(sa.select(*[alert_state.c[c] for c in STATE_COLUMNS])
                        .where(alert_state.c.alert_id == alert_id).with_for_update()).one()


def _state_dict(row: Any, warehouse_status: str, warehouse_level: object) -> dict[str, Any]:
    state = dict(row._mapping)
    state["warehouse_status"] = warehouse_status
    state["status"] = combine_status(warehouse_status, state["status"])
    state["level"] = combine_level(warehouse_level, state["level"])
    return state


def record_action(engine: Engine, alert_id: str, action: str, username: str, *, request_id: str,
                  warehouse_status: str, warehouse_level: object, dept_code: str | None = None,
                  level: int | None = None, note: str | None = None) -> ActionResult:
    """Validate and store one action on an alert, atomically; return the alert's new state.

    A `request_id` seen before returns the state without acting again (duplicate=True).
    Raises InvalidAction for a transition the combined status does not allow or bad input,
    and SQLAlchemyError when the app database fails (nothing is stored then).
    """
    note = note.strip() if isinstance(note, str) and note.strip() else None
    for attempt in range(2):
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(cockpit_begin_immediate=True)
                with conn.begin():
                    return _record(conn, alert_id, action, username, request_id, warehouse_status,
                                   warehouse_level, dept_code, level, note)
        except IntegrityError:
            # Only the unique request_id can collide: a concurrent retry of the same request
            # committed first. The loop's second pass finds it and answers as a replay.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _record(conn: Connection, alert_id: str, action: str, username: str, request_id: str,
            warehouse_status: str, warehouse_level: object, dept_code: str | None,
            level: int | None, note: str | None) -> ActionResult:
    row = _lock_state(conn, alert_id)
    seen = conn.execute(sa.select(alert_action.c.alert_id)
                        .where(alert_action.c.request_id == request_id)).first()
    if seen is not None:
        if seen.alert_id != alert_id:
            raise InvalidAction("alerts.err.request_reused", conflict=False)
        return ActionResult(_state_dict(row, warehouse_status, warehouse_level), duplicate=True)
    status = combine_status(warehouse_status, row.status)
    current_level = combine_level(warehouse_level, row.level)
    check_action(action, status, current_level, dept_code=dept_code, new_level=level, note=note)
    now = utc_now()
    conn.execute(sa.insert(alert_action).values(
        alert_id=alert_id, action=action, username=username, at=now, request_id=request_id,
        dept_code=dept_code if action == "assign" else None,
        level=level if action == "escalate" else None, note=note))
    changes: dict[str, Any] = {"updated_at": now, "version": row.version + 1}
    target = target_status(action)
    if target is not None:
        changes["status"] = target
    if action == "assign":
        changes["dept_code"] = dept_code
    if action == "escalate":
        changes["level"] = level
    # The first response of any kind ends the acknowledgement clock (a direct assignment or a
    # close as false alarm answers the alert as much as an acknowledgement does).
    if target is not None and row.acknowledged_at is None:
        changes["acknowledged_at"], changes["acknowledged_by"] = now, username
    if target == "resolved":
        changes["resolved_at"] = now
    if target == "closed":
        changes["closed_at"] = now
        if row.resolved_at is None:
            changes["resolved_at"] = now
    conn.execute(sa.update(alert_state).where(alert_state.c.alert_id == alert_id).values(changes))
    new_row = conn.execute(sa.select(*[alert_state.c[c] for c in STATE_COLUMNS])
                           .where(alert_state.c.alert_id == alert_id)).one()
    return ActionResult(_state_dict(new_row, warehouse_status, warehouse_level), duplicate=False)


def alert_states(engine: Engine, alert_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The cockpit's state rows (STATE_COLUMNS) for these alerts, or for all when None."""
    stmt = sa.select(*[alert_state.c[c] for c in STATE_COLUMNS]).where(alert_state.c.version > 0)
    if alert_ids is not None:
        if not alert_ids:
            return pd.DataFrame(columns=list(STATE_COLUMNS))
        stmt = stmt.where(alert_state.c.alert_id.in_(sa.bindparam("ids", expanding=True)))
    with engine.connect() as conn:
        rows = conn.execute(stmt, {"ids": list(alert_ids)} if alert_ids is not None else {}).all()
    return pd.DataFrame(rows, columns=list(STATE_COLUMNS))


def latest_action_id(engine: Engine) -> int:
    """The id of the newest action (0 when none): it moves with every recorded action."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(alert_action.c.id))).scalar() or 0)


def timeline(engine: Engine, alert_id: str) -> pd.DataFrame:
    """Every action on one alert, oldest first: action, username, at, dept_code, level, note."""
    stmt = (sa.select(alert_action.c.id, alert_action.c.action, alert_action.c.username,
                      alert_action.c.at, alert_action.c.dept_code, alert_action.c.level,
                      alert_action.c.note)
            .where(alert_action.c.alert_id == alert_id).order_by(alert_action.c.id))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["id", "action", "username", "at", "dept_code", "level", "note"])



