"""Emergency alerts: the warehouse's alerts, what lies around them, and their statistics.

Warehouse reads are memoized with `@dataset` (the "alerts" TTL for the live feed, the
"regions" TTL for dimension tables that change rarely); the cockpit's own actions come from
`alert_workflow` and are folded in by `alert_workflow.combine`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from datasources.alert_workflow import (OPEN_STATUSES, ActionResult, InvalidAction, alert_states, combine,
                                       latest_action_id, record_action, timeline)
from datasources.cache import dataset
from datasources.contract import ALERT_CATEGORIES, ALERT_LEVELS, CLOSED_ALERT_STATUSES
from datasources.regions import code_prefix, within
from datasources.warehouse import MissingSchema, Warehouse

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.32

ALERT_COLUMNS = ("alert_id", "category", "level", "title", "description", "region_code", "lon",
                 "lat", "source", "occurred_at", "status", "updated_at")


def normalise_alerts(rows: pd.DataFrame) -> pd.DataFrame:
    """Unknown categories become 'other'; a level outside 1–4 becomes NA (shown as 'other')."""
    frame = rows.copy()
    frame["category"] = frame["category"].where(frame["category"].isin(ALERT_CATEGORIES), "other")
    level = pd.to_numeric(frame["level"], errors="coerce")
    frame["level"] = level.where(level.isin(ALERT_LEVELS)).astype("Int64")
    return frame


@dataset("alerts")
def open_alerts(wh: Warehouse, region_code: str | None = None) -> pd.DataFrame:
    """Alerts whose warehouse status is not resolved or closed, most severe and newest first.

    `attrs["skipped"]["unknown_level"]` counts alerts whose level is not 1–4.
    """
    a = wh.table("fact_alert")
    stmt = sa.select(*[wh.col(a, c) for c in ALERT_COLUMNS]).where(
        a.c.status.not_in(CLOSED_ALERT_STATUSES))
    if region_code:
        stmt = stmt.where(within(a.c.region_code, region_code))
    raw = wh.read(stmt.order_by(a.c.level, a.c.occurred_at.desc()))
    return _normalised(raw)


def _normalised(raw: pd.DataFrame) -> pd.DataFrame:
    """normalise_alerts, plus one row per alert_id (the latest update wins), with counts."""
    frame = normalise_alerts(raw)
    before = len(frame)
    if "updated_at" in frame:
        frame = (frame.assign(_order=range(len(frame)))
                 .sort_values("updated_at", na_position="first", kind="stable")
                 .drop_duplicates("alert_id", keep="last").sort_values("_order").drop(columns="_order"))
    frame = frame.reset_index(drop=True)
    frame.attrs["skipped"] = {"unknown_level": int(frame["level"].isna().sum()),
                              "duplicate": before - len(frame)}
    # A digest of the content, computed once per query and cached with the frame, so that
    # every console poll can tell "nothing changed" without hashing the frame again.
    frame.attrs["digest"] = int(pd.util.hash_pandas_object(frame, index=False).sum())
    return frame


@dataset("alerts")
def alerts_since(wh: Warehouse, since: str | None = None, region_code: str | None = None) -> pd.DataFrame:
    """Alerts of any status that occurred at or after `since` (ISO 8601 UTC; None: all).

    `since` is compared as text in SQL: the contract's ISO timestamps sort as text, and a
    timestamp column casts the parameter.
    """
    a = wh.table("fact_alert")
    stmt = sa.select(*[wh.col(a, c) for c in ALERT_COLUMNS])
    if since:
        stmt = stmt.where(a.c.occurred_at >= sa.bindparam("since"))
    if region_code:
        stmt = stmt.where(within(a.c.region_code, region_code))
    return _normalised(wh.read(stmt.order_by(a.c.level, a.c.occurred_at.desc()), {"since": since}))


@dataset("alerts")
def find_alert(wh: Warehouse, alert_id: str) -> pd.DataFrame:
    """The alert with this id (one row, or none when the warehouse does not know it)."""
    a = wh.table("fact_alert")
    stmt = sa.select(*[wh.col(a, c) for c in ALERT_COLUMNS]).where(a.c.alert_id == sa.bindparam("id"))
    return _normalised(wh.read(stmt, {"id": alert_id})).head(1)


def live_alerts(wh: Warehouse, appdb: Engine, ack_limit_min: Mapping[int, float], now: datetime,
                region_code: str | None = None) -> pd.DataFrame:
    """Open alerts by the combined status (warehouse and cockpit), most severe and newest first.

    The warehouse side is the shared, memoized `open_alerts` of the whole city (one query per
    TTL, whatever the number of consoles); region filtering happens here on the cached frame.
    """
    return live_from(*live_inputs(wh, appdb, region_code), now, ack_limit_min)


def live_inputs(wh: Warehouse, appdb: Engine, region_code: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the live list is made of: the warehouse's open alerts and the cockpit's states of them.

    Split from `live_from` so a console can tell from these (cheaply) that nothing changed.
    """
    alerts = filter_alerts(open_alerts(wh), region_code=region_code)
    return alerts, alert_states(appdb, alerts["alert_id"].tolist())


def live_version(wh: Warehouse, appdb: Engine) -> str:
    """A token that changes when the open alerts or the cockpit's actions change.

    Cheap enough to ask several times a second: the memoized open alerts' digest (one
    warehouse query per TTL per process) and one indexed lookup in the app database.
    """
    alerts = open_alerts(wh)
    return f"{alerts.attrs.get('digest')}.{latest_action_id(appdb)}{'.stale' if alerts.attrs.get('stale') else ''}"


def live_from(alerts: pd.DataFrame, states: pd.DataFrame, now: datetime,
              ack_limit_min: Mapping[int, float]) -> pd.DataFrame:
    """`live_inputs` combined: the open ones, sorted, with the warehouse frame's attrs."""
    combined = combine(alerts, states, now, ack_limit_min)
    frame = sort_alerts(combined[combined["status"].isin(OPEN_STATUSES)])
    frame.attrs.update(alerts.attrs)
    return frame


def console_alerts(wh: Warehouse, appdb: Engine, ack_limit_min: Mapping[int, float], now: datetime, *,
                   status: str = "open", since: str | None = None, region_code: str | None = None,
                   level: str | None = None, category: str | None = None,
                   live: pd.DataFrame | None = None) -> pd.DataFrame:
    """Alerts as a console or the API lists them, by combined status, sorted, filtered.

    `status`: 'open', 'all' or one status; `since`: ISO 8601 UTC lower bound on occurred_at;
    `level`: '1'–'4' or 'other' (no valid level); `category`: a contract category ('other'
    includes the unknown ones). Open alerts come from the shared live feed (`live`, when the
    caller has it already); other statuses from a query bounded by `since`.
    """
    if status == "open":
        frame = live if live is not None else live_alerts(wh, appdb, ack_limit_min, now)
    else:
        raw = alerts_since(wh, since, region_code)
        combined = combine(raw, alert_states(appdb, raw["alert_id"].tolist()), now, ack_limit_min)
        frame = sort_alerts(combined if status == "all" else combined[combined["status"] == status])
        frame.attrs.update(raw.attrs)
    return filter_alerts(frame, since=since, region_code=region_code, level=level, category=category)


def filter_alerts(frame: pd.DataFrame, *, since: str | None = None, region_code: str | None = None,
                  level: str | None = None, category: str | None = None) -> pd.DataFrame:
    """The rows of a combined alerts frame that match the filters (see `console_alerts`)."""
    keep = pd.Series(True, index=frame.index)
    if since:
        occurred = pd.to_datetime(frame["occurred_at"], utc=True, errors="coerce", format="ISO8601")
        keep &= occurred >= pd.Timestamp(since)
    if region_code:
        keep &= frame["region_code"].astype(str).str.startswith(code_prefix(region_code))
    if level:
        keep &= frame["level"].isna() if level == "other" else (frame["level"] == int(level)).fillna(False)
    if category:
        keep &= frame["category"] == category
    return frame[keep].reset_index(drop=True)


def sort_alerts(frame: pd.DataFrame) -> pd.DataFrame:
    """Most severe first (unknown levels last), then newest first."""
    occurred = pd.to_datetime(frame["occurred_at"], utc=True, errors="coerce", format="ISO8601")
    return (frame.assign(_lv=frame["level"].fillna(99), _t=occurred)
            .sort_values(["_lv", "_t"], ascending=[True, False], na_position="last", kind="stable")
            .drop(columns=["_lv", "_t"]).reset_index(drop=True))


@dataset("regions")
def departments(wh: Warehouse) -> pd.DataFrame:
    """Departments: dept_code, name, phone, conference_url (a dimension, on the long TTL)."""
    d = wh.table("dim_department")
    cols = ["dept_code", "name", "phone", "conference_url"]
    return wh.read(sa.select(*[wh.col(d, c) for c in cols]).order_by(d.c.dept_code))


def haversine_km(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point to many (WGS84 degrees)."""
    p1, p2 = math.radians(lat1), np.radians(lat2.astype(float))
    dphi = p2 - p1
    dlmb = np.radians(lon2.astype(float)) - math.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _near(wh: Warehouse, contract_name: str, columns: list[str], lon: float, lat: float,
          radius_km: float, equals: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Rows of a table with lon/lat within `radius_km`, nearest first, with distance_km.

    SQL keeps only the bounding box of the circle (plain comparisons any engine can index);
    the exact great-circle distance is computed here on those few rows.
    """
    t = wh.table(contract_name)
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    stmt = sa.select(*[wh.col(t, c) for c in columns]).where(
        t.c.lat.between(sa.bindparam("lat0"), sa.bindparam("lat1")),
        t.c.lon.between(sa.bindparam("lon0"), sa.bindparam("lon1")))
    for name, value in (equals or {}).items():
        stmt = stmt.where(t.c[name] == value)
    rows = wh.read(stmt, {"lat0": lat - dlat, "lat1": lat + dlat, "lon0": lon - dlon, "lon1": lon + dlon})
    rows = rows.dropna(subset=["lon", "lat"])
    rows["distance_km"] = haversine_km(lon, lat, rows["lon"].to_numpy(), rows["lat"].to_numpy())
    return rows[rows["distance_km"] <= radius_km].sort_values("distance_km", kind="stable").reset_index(drop=True)


@dataset("regions")
def resources_near(wh: Warehouse, lon: float, lat: float, radius_km: float) -> pd.DataFrame:
    """Emergency resources (teams, depots, shelters, medical, vehicles) within the radius, nearest first."""
    return _near(wh, "dim_resource", ["resource_id", "kind", "name", "region_code", "lon", "lat",
                                      "capacity", "dept_code"], lon, lat, radius_km)


@dataset("regions")
def cameras_near(wh: Warehouse, lon: float, lat: float, radius_km: float, limit: int) -> pd.DataFrame:
    """The `limit` nearest online cameras within the radius."""
    return _near(wh, "dim_camera", ["camera_id", "name", "region_code", "lon", "lat", "kind", "stream_url",
                                    "owner_dept"], lon, lat, radius_km,
                 equals={"status": "online"}).head(limit)


@dataset("alerts")
def hourly_counts(wh: Warehouse, since: str, region_code: str | None = None) -> pd.DataFrame:
    """Alerts per UTC hour, category and level since `since`: hour (text), category, level, n.

    Aggregated in SQL to the hour, so the page can roll hours into days of its own time zone.
    The hour is the first 13 characters of the timestamp as text (`2026-11-21T08` or, for a
    timestamp column, `2026-11-21 08`).
    """
    a = wh.table("fact_alert")
    hour = sa.func.substr(sa.cast(a.c.occurred_at, sa.String), 1, 13).label("hour")
    stmt = (sa.select(hour, a.c.category, a.c.level, sa.func.count().label("n"))
            .where(a.c.occurred_at >= sa.bindparam("since"))
            .group_by(hour, a.c.category, a.c.level))
    if region_code:
        stmt = stmt.where(within(a.c.region_code, region_code))
    return normalise_alerts(wh.read(stmt, {"since": since}))


def daily_counts(hourly: pd.DataFrame, tz: str, by: str) -> pd.DataFrame:
    """Alerts per local day and `by` ('category' or 'level'): columns day, <by>, n."""
    hours = pd.to_datetime(hourly["hour"].str.replace(" ", "T", regex=False) + ":00:00Z",
                           utc=True, errors="coerce", format="ISO8601")
    frame = hourly.assign(day=hours.dt.tz_convert(tz).dt.strftime("%Y-%m-%d"),
                          **{by: hourly[by].astype("string").fillna("other")})
    return frame.dropna(subset=["day"]).groupby(["day", by], as_index=False)["n"].sum()


def response_times(alerts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Minutes to acknowledge and to resolve, mean and p90, grouped by `by` (a column of `alerts`).

    `alerts` is a combined frame (see `combine`); alerts never acknowledged or never resolved
    count only towards the figures they have. Columns: <by>, n, ack_mean, ack_p90,
    resolve_mean, resolve_p90.
    """
    occurred = pd.to_datetime(alerts["occurred_at"], utc=True, errors="coerce", format="ISO8601")
    frame = pd.DataFrame({
        by: alerts[by],
        "ack": (pd.to_datetime(alerts["acknowledged_at"], utc=True) - occurred).dt.total_seconds() / 60,
        "resolve": (pd.to_datetime(alerts["resolved_at"], utc=True) - occurred).dt.total_seconds() / 60,
    })
    frame = frame[frame["ack"].notna() | frame["resolve"].notna()]
    grouped = frame.groupby(by)
    out = pd.DataFrame({
        "n": grouped.size(),
        "ack_mean": grouped["ack"].mean(), "ack_p90": grouped["ack"].quantile(0.9),
        "resolve_mean": grouped["resolve"].mean(), "resolve_p90": grouped["resolve"].quantile(0.9),
    }).reset_index()
    return out.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


def count_by_level(alerts: pd.DataFrame) -> dict[str, int]:
    """Open alerts per level '1'–'4' (every level present, zero when none)."""
    counts = alerts["level"].value_counts()
    return {str(level): int(counts.get(level, 0)) for level in ALERT_LEVELS}


class UnknownAlert(LookupError):
    """The warehouse has no alert with this id."""


def _known_alert(wh: Warehouse, alert_id: str) -> pd.DataFrame:
    found = find_alert(wh, alert_id)
    if found.empty:
        raise UnknownAlert(alert_id)
    return found


def _or_empty(read: Callable[[], pd.DataFrame], missing: list[str]) -> pd.DataFrame:
    """`read()`, or an empty frame when the warehouse lacks its optional table (named in `missing`)."""
    try:
        return read()
    except MissingSchema as exc:
        missing.append(exc.missing)
        return pd.DataFrame(columns=["name", "kind", "lon", "lat", "distance_km"])


def act_on_alert(wh: Warehouse, appdb: Engine, alert_id: str, action: str, username: str, *,
                 request_id: str, dept_code: str | None = None, level: int | None = None,
                 note: str | None = None) -> ActionResult:
    """Record an officer's action on a warehouse alert (see `alert_workflow.record_action`).

    Raises UnknownAlert, InvalidAction (also for a department the warehouse does not know),
    or SQLAlchemyError when the app database fails.
    """
    alert = _known_alert(wh, alert_id).iloc[0]
    if action == "assign" and dept_code and wh.has_table("dim_department"):
        if dept_code not in set(departments(wh)["dept_code"].astype(str)):
            raise InvalidAction("alerts.err.unknown_dept", conflict=False, dept=dept_code)
    return record_action(appdb, alert_id, action, username, request_id=request_id,
                         warehouse_status=str(alert["status"]), warehouse_level=alert["level"],
                         dept_code=dept_code, level=level, note=note)


@dataclass(frozen=True)
class AlertDetail:
    """One alert with the combined status, its actions, its department and what is around it.

    `resources` and `cameras` are None when the alert has no coordinates; `missing` names a
    dimension table the warehouse lacks (the detail is shown without that part).
    """

    alert: dict[str, Any]
    actions: pd.DataFrame
    dept: dict[str, Any] | None
    resources: pd.DataFrame | None
    cameras: pd.DataFrame | None
    missing: tuple[str, ...]


def alert_detail(wh: Warehouse, appdb: Engine, alert_id: str, ack_limit_min: Mapping[int, float],
                 now: datetime, radius_km: float, n_cameras: int) -> AlertDetail:
    """Everything the detail drawer, the detail page and the API show about one alert."""
    alert = combine(_known_alert(wh, alert_id), alert_states(appdb, [alert_id]), now, ack_limit_min).iloc[0].to_dict()
    missing: list[str] = []
    dept = None
    if not pd.isna(alert.get("dept_code")):
        try:
            rows = departments(wh)
            match = rows[rows["dept_code"] == alert["dept_code"]]
            dept = match.iloc[0].to_dict() if not match.empty else {"dept_code": alert["dept_code"],
                                                                    "name": alert["dept_code"]}
        except MissingSchema as exc:
            missing.append(exc.missing)
            dept = {"dept_code": alert["dept_code"], "name": alert["dept_code"]}
    resources = cameras = None
    if not (pd.isna(alert.get("lon")) or pd.isna(alert.get("lat"))):
        lon, lat = float(alert["lon"]), float(alert["lat"])
        resources = _or_empty(lambda: resources_near(wh, lon, lat, radius_km), missing)
        cameras = _or_empty(lambda: cameras_near(wh, lon, lat, radius_km, n_cameras), missing)
    return AlertDetail(alert, timeline(appdb, alert_id), dept, resources, cameras, tuple(missing))
