"""Emergency alerts in the warehouse: the alerts, what lies around them, hourly counts.

Memoized with `@dataset` (the "alerts" TTL for the live feed, the "regions" TTL for dimension
tables that change rarely). What the cockpit makes of them is in `services/alerts.py`.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.contract import ALERT_CATEGORIES, ALERT_LEVELS, CLOSED_ALERT_STATUSES
from core.geo import bounding_box, haversine_km
from datasources.cache import dataset
from datasources.regions import within
from datasources.status import future_stamps, not_future, now_stamp
from datasources.warehouse import Warehouse

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
    """normalise_alerts, plus one row per alert_id (the latest update wins), with counts.

    A row whose occurred_at or updated_at is later than now is a bad row: left out (before the
    latest update is chosen, so it cannot hide a good one) and counted as "future_stamp". The
    cut-off is taken here, inside the memoized query (see `datasources.status.now_stamp`).
    """
    now = now_stamp()
    future = future_stamps(raw["occurred_at"], now) | future_stamps(raw["updated_at"], now)
    frame = normalise_alerts(raw[~future])
    before = len(frame)
    if "updated_at" in frame:
        frame = (frame.assign(_order=range(len(frame)))
                 .sort_values("updated_at", na_position="first", kind="stable")
                 .drop_duplicates("alert_id", keep="last").sort_values("_order").drop(columns="_order"))
    frame = frame.reset_index(drop=True)
    frame.attrs["skipped"] = {"unknown_level": int(frame["level"].isna().sum()),
                              "duplicate": before - len(frame), "future_stamp": int(future.sum())}
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


@dataset("regions")
def departments(wh: Warehouse) -> pd.DataFrame:
    """Departments: dept_code, name, phone, conference_url (a dimension, on the long TTL)."""
    d = wh.table("dim_department")
    cols = ["dept_code", "name", "phone", "conference_url"]
    return wh.read(sa.select(*[wh.col(d, c) for c in cols]).order_by(d.c.dept_code))


def _near(wh: Warehouse, contract_name: str, columns: list[str], lon: float, lat: float,
          radius_km: float) -> pd.DataFrame:
    """Rows of a table with lon/lat within `radius_km`, nearest first, with distance_km.

    SQL keeps only the bounding box of the circle (plain comparisons any engine can index);
    the exact great-circle distance is computed here on those few rows.
    """
    t = wh.table(contract_name)
    lon0, lat0, lon1, lat1 = bounding_box(lon, lat, radius_km)
    stmt = sa.select(*[wh.col(t, c) for c in columns]).where(
        t.c.lat.between(sa.bindparam("lat0"), sa.bindparam("lat1")),
        t.c.lon.between(sa.bindparam("lon0"), sa.bindparam("lon1")))
    rows = wh.read(stmt, {"lat0": lat0, "lat1": lat1, "lon0": lon0, "lon1": lon1})
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
    """The `limit` nearest cameras within the radius, online or not (an offline one is listed with
    its status, so the reader sees why it cannot play)."""
    return _near(wh, "dim_camera", ["camera_id", "name", "region_code", "lon", "lat", "kind", "status",
                                    "stream_url", "owner_dept"], lon, lat, radius_km).head(limit)


@dataset("alerts")
def hourly_counts(wh: Warehouse, since: str, region_code: str | None = None) -> pd.DataFrame:
    """Alerts per UTC hour, category and level since `since`: hour (text), category, level, n.

    Aggregated in SQL to the hour, so the page can roll hours into days of its own time zone.
    The hour is the first 13 characters of the timestamp as text (`2026-11-21T08` or, for a
    timestamp column, `2026-11-21 08`). Rows stamped later than now are left out, as in `_normalised`.
    """
    a = wh.table("fact_alert")
    hour = sa.func.substr(sa.cast(a.c.occurred_at, sa.String), 1, 13).label("hour")
    stmt = (sa.select(hour, a.c.category, a.c.level, sa.func.count().label("n"))
            .where(a.c.occurred_at >= sa.bindparam("since"), not_future(a.c.occurred_at),
                   *([not_future(a.c.updated_at)] if "updated_at" in a.c else []))
            .group_by(hour, a.c.category, a.c.level))
    if region_code:
        stmt = stmt.where(within(a.c.region_code, region_code))
    return normalise_alerts(wh.read(stmt, {"since": since, "now": now_stamp()}))












