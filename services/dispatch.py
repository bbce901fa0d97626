"""Video dispatch: where the wall is centred, which cameras are near, and dispatch orders.

A page or API route validates its input, then calls these with plain values. Orders are stored
by datasources/dispatch.py (one transaction each, audited there); their rules are
core/dispatch_rules.py.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from core.dispatch_rules import UnknownDispatch, check_order, is_overdue, next_statuses
from core.errors import InvalidAction, MissingSchema, OutOfScope, UnknownAlert
from core.permissions import in_scope
from core.values import is_missing
from datasources.alerts import cameras_near, departments, find_alert, resources_near
from datasources.cameras import cameras_without_position, find_camera, find_resources
from datasources.dispatch import events, issue_order, orders, set_status, targets
from datasources.warehouse import Warehouse

MAX_CAMERAS = 200


class UnknownCamera(LookupError):
    """The warehouse has no camera with this id."""


@dataclass(frozen=True)
class Centre:
    """What the wall is about: an alert, a camera or a point; `lon`/`lat` None when it has no position."""

    kind: str                     # "alert", "camera" or "point"
    lon: float | None
    lat: float | None
    region_code: str | None
    title: str
    alert: dict[str, Any] | None = None
    camera_id: str | None = None


def _position(row: dict[str, Any]) -> tuple[float | None, float | None]:
    if is_missing(row.get("lon")) or is_missing(row.get("lat")):
        return None, None
    return float(row["lon"]), float(row["lat"])


def alert_centre(wh: Warehouse, alert_id: str, scope: str | None) -> Centre:
    """The alert as the wall's centre; UnknownAlert, or OutOfScope outside the reader's `scope`."""
    found = find_alert(wh, alert_id)
    if found.empty:
        raise UnknownAlert(alert_id)
    row = found.iloc[0].to_dict()
    if not in_scope(str(row["region_code"]), scope):
        raise OutOfScope(str(row["region_code"]))
    lon, lat = _position(row)
    return Centre("alert", lon, lat, str(row["region_code"]), str(row.get("title") or alert_id), alert=row)


def camera_centre(wh: Warehouse, camera_id: str, scope: str | None) -> Centre:
    """A camera as the wall's centre; UnknownCamera, or OutOfScope outside the reader's `scope`."""
    found = find_camera(wh, camera_id)
    if found.empty:
        raise UnknownCamera(camera_id)
    row = found.iloc[0].to_dict()
    if not in_scope(str(row["region_code"]), scope):
        raise OutOfScope(str(row["region_code"]))
    lon, lat = _position(row)
    return Centre("camera", lon, lat, str(row["region_code"]), str(row.get("name") or camera_id), camera_id=camera_id)


def nearby_cameras(wh: Warehouse, centre: Centre, radius_km: float, scope: str | None = None) -> pd.DataFrame:
    """Cameras within `radius_km` of the centre that the reader's `scope` covers, nearest first
    with distance_km (any status). A camera centre comes first even without a position (then
    alone, its distance unknown)."""
    frame = pd.DataFrame(columns=["camera_id", "name", "region_code", "status", "distance_km", "stream_url"])
    if centre.lon is not None and centre.lat is not None:
        frame = cameras_near(wh, centre.lon, centre.lat, radius_km, MAX_CAMERAS)
    if centre.camera_id is not None and centre.camera_id not in set(frame["camera_id"].astype(str)):
        own = find_camera(wh, centre.camera_id).assign(distance_km=float("nan"))
        frame = pd.concat([own, frame], ignore_index=True) if not frame.empty else own.reset_index(drop=True)
    if scope is not None:
        frame = frame[[in_scope(str(r), scope) for r in frame["region_code"]]].reset_index(drop=True)
    return frame


def unplaced_cameras(wh: Warehouse, centre: Centre, scope: str | None) -> pd.DataFrame:
    """Cameras without coordinates in the centre's county (else the reader's scope, else the city),
    listed apart; `attrs["total"]` counts them all."""
    region = centre.region_code[:6] if centre.region_code else scope
    if scope is not None and region is not None and not in_scope(region, scope):
        region = scope  # a township-scoped reader sees only their own part of the county
    return cameras_without_position(wh, region)


def nearby_resources(wh: Warehouse, centre: Centre, radius_km: float) -> pd.DataFrame:
    """Emergency resources near the centre, nearest first (empty without a position or a dim_resource)."""
    if centre.lon is None or centre.lat is None:
        return pd.DataFrame(columns=["resource_id", "kind", "name", "distance_km"])
    try:
        return resources_near(wh, centre.lon, centre.lat, radius_km)
    except MissingSchema:
        return pd.DataFrame(columns=["resource_id", "kind", "name", "distance_km"])


def issue(wh: Warehouse, appdb: Engine, *, alert_id: str, dept_codes: object, resource_ids: object,
          instruction: object, deadline: object, username: str, request_id: str, now: datetime,
          scope: str | None = None, address: str | None = None) -> tuple[dict[str, Any], bool]:
    """Issue an order for an alert: (the order as `order_view` gives it, whether it was a replay).

    Raises UnknownAlert, OutOfScope, InvalidAction (bad input, or departments/resources the
    warehouse does not know: "dispatch.err.unknown" naming them), or AppDatabaseError.
    """
    alert_centre(wh, alert_id, scope)
    depts, resources, text, when = check_order(dept_codes, resource_ids, instruction, deadline, now)
    dept_rows = departments(wh) if depts else pd.DataFrame(columns=["dept_code", "name"])
    dept_names = dict(zip(dept_rows["dept_code"].astype(str), dept_rows["name"].astype(str), strict=True))
    res_rows = (find_resources(wh, tuple(sorted(resources))) if resources
                else pd.DataFrame(columns=["resource_id", "name"]))
    res_names = dict(zip(res_rows["resource_id"].astype(str), res_rows["name"].astype(str), strict=True))
    unknown = [*(f"dept_codes: {c}" for c in depts if c not in dept_names),
               *(f"resource_ids: {r}" for r in resources if r not in res_names)]
    if unknown:
        raise InvalidAction("dispatch.err.unknown", conflict=False, names=", ".join(unknown))
    written = issue_order(appdb, alert_id=alert_id, departments=[(c, dept_names[c]) for c in depts],
                          resources=[(r, res_names[r]) for r in resources], instruction=text, deadline=when,
                          username=username, request_id=request_id, address=address)
    return order_view(appdb, written.dispatch_id, now), written.duplicate


def _scoped_order(wh: Warehouse, appdb: Engine, dispatch_id: int, scope: str | None) -> pd.Series:
    found = orders(appdb, dispatch_id=dispatch_id)
    if found.empty:
        raise UnknownDispatch(dispatch_id)
    row = found.iloc[0]
    if scope is not None and not is_missing(row["alert_id"]):
        alert_centre(wh, str(row["alert_id"]), scope)
    return row


def progress(wh: Warehouse, appdb: Engine, dispatch_id: int, status: str, username: str, *, request_id: str,
             now: datetime, note: str | None = None, scope: str | None = None,
             address: str | None = None) -> tuple[dict[str, Any], bool]:
    """Move an order one step (or cancel it): (the order, whether it was a replay).

    Raises UnknownDispatch, OutOfScope (its alert lies outside `scope`), InvalidAction
    (conflict: the step does not follow), AppDatabaseError.
    """
    _scoped_order(wh, appdb, dispatch_id, scope)
    written = set_status(appdb, dispatch_id, status, username, request_id=request_id, note=note, address=address)
    return order_view(appdb, dispatch_id, now), written.duplicate


def orders_view(appdb: Engine, frame: pd.DataFrame, now: datetime) -> list[dict[str, Any]]:
    """Orders as plain dicts: targets, history, `overdue` and the `next` statuses a step may take."""
    if frame.empty:
        return []
    ids = [int(i) for i in frame["id"]]
    tg, ev = targets(appdb, ids), events(appdb, ids)
    out = []
    for row in frame.to_dict("records"):
        oid = int(row["id"])
        mine = tg[tg["dispatch_id"] == oid]
        deadline = None if is_missing(row["deadline"]) else row["deadline"]
        out.append({
            "dispatch_id": oid, "alert_id": row["alert_id"], "status": row["status"],
            "dept_codes": mine.loc[mine["kind"] == "dept", "code"].tolist(),
            "resource_ids": mine.loc[mine["kind"] == "resource", "code"].tolist(),
            "targets": mine[["kind", "code", "name"]].to_dict("records"),
            "instruction": row["instruction"], "deadline": deadline,
            "created_by": row["created_by"], "created_at": row["created_at"], "updated_at": row["updated_at"],
            "overdue": is_overdue(row["status"], deadline, now), "next": list(next_statuses(row["status"])),
            "history": ev.loc[ev["dispatch_id"] == oid, ["status", "username", "at", "note"]].to_dict("records"),
        })
    return out


def order_view(appdb: Engine, dispatch_id: int, now: datetime) -> dict[str, Any]:
    """One order as `orders_view` gives it; UnknownDispatch when there is none."""
    found = orders_view(appdb, orders(appdb, dispatch_id=dispatch_id), now)
    if not found:
        raise UnknownDispatch(dispatch_id)
    return found[0]


def alert_orders(appdb: Engine, alert_id: str, now: datetime) -> list[dict[str, Any]]:
    """An alert's orders, newest first."""
    return orders_view(appdb, orders(appdb, alert_ids=[alert_id]), now)


def open_orders_by_alert(appdb: Engine, now: datetime,
                         alert_ids: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """For the duty console: per alert with open orders (of these alerts; None: all), {"open": n, "overdue": m}."""
    frame = orders(appdb, alert_ids=None if alert_ids is None else list(alert_ids), open_only=True)
    out: dict[str, dict[str, int]] = {}
    for row in frame.to_dict("records"):
        counts = out.setdefault(str(row["alert_id"]), {"open": 0, "overdue": 0})
        counts["open"] += 1
        deadline = None if is_missing(row["deadline"]) else row["deadline"]
        counts["overdue"] += int(is_overdue(row["status"], deadline, now))
    return out
