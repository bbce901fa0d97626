"""Alert use cases: the live list by combined status, console filters, statistics, actions, detail.

The warehouse side comes from the memoized reads in `datasources/alerts.py`, the officers'
actions from `datasources/alert_states.py`; `combine` folds the two together.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from core.alert_lifecycle import OPEN_STATUSES, combine_level, combine_status
from core.audit import ALERT_ACTION
from core.contract import ALERT_LEVELS
from core.errors import InvalidAction, MissingSchema, OutOfScope, UnknownAlert
from core.permissions import in_scope
from core.regions import code_prefix
from datasources.alert_states import ActionResult, alert_states, latest_action_id, record_action, timeline
from datasources.alerts import alerts_since, cameras_near, departments, find_alert, open_alerts, resources_near
from datasources.audit import audit
from datasources.warehouse import Warehouse


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


def _known_alert(wh: Warehouse, alert_id: str, scope: str | None = None) -> pd.DataFrame:
    """The alert's row; UnknownAlert when there is none, OutOfScope when it lies outside `scope`."""
    found = find_alert(wh, alert_id)
    if found.empty:
        raise UnknownAlert(alert_id)
    region = str(found.iloc[0]["region_code"])
    if not in_scope(region, scope):
        raise OutOfScope(region)
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
                 note: str | None = None, scope: str | None = None, address: str | None = None) -> ActionResult:
    """Record an officer's action on a warehouse alert (see `alert_states.record_action`), and
    audit it (from client `address`) unless it replays an earlier request.

    Raises UnknownAlert, OutOfScope (the alert lies outside the officer's `scope`),
    InvalidAction (also for a department the warehouse does not know),
    or AppDatabaseError when the app database fails.
    """
    alert = _known_alert(wh, alert_id, scope).iloc[0]
    if (action == "assign" and dept_code and wh.has_table("dim_department")
            and dept_code not in set(departments(wh)["dept_code"].astype(str))):
        raise InvalidAction("alerts.err.unknown_dept", conflict=False, dept=dept_code)
    result = record_action(appdb, alert_id, action, username, request_id=request_id,
                           warehouse_status=str(alert["status"]), warehouse_level=alert["level"],
                           dept_code=dept_code, level=level, note=note)
    if not result.duplicate:
        audit(appdb, username, ALERT_ACTION, action, address, alert_id)
    return result


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
                 now: datetime, radius_km: float, n_cameras: int, scope: str | None = None) -> AlertDetail:
    """Everything the detail drawer, the detail page and the API show about one alert.

    Raises UnknownAlert, or OutOfScope when the alert lies outside the reader's `scope`.
    """
    known = _known_alert(wh, alert_id, scope)
    alert = combine(known, alert_states(appdb, [alert_id]), now, ack_limit_min).iloc[0].to_dict()
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


def combine(alerts: pd.DataFrame, states: pd.DataFrame, now: datetime,
            ack_limit_min: Mapping[int, float]) -> pd.DataFrame:
    """Warehouse alerts with the cockpit's state folded in.

    Adds warehouse_status; replaces status and level by the combined ones; adds dept_code,
    acknowledged_at, resolved_at, and `overdue`: still unacknowledged (combined status 'new')
    past the configured limit for its level.
    """
    frame = alerts.rename(columns={"status": "warehouse_status", "level": "warehouse_level"})
    merged = frame.merge(states.rename(columns={"status": "cockpit_status", "level": "cockpit_level"})
                         [["alert_id", "cockpit_status", "cockpit_level", "dept_code", "acknowledged_at",
                           "resolved_at"]],
                         on="alert_id", how="left")
    merged["status"] = [combine_status(w, c) for w, c in
                        zip(merged["warehouse_status"], merged["cockpit_status"])]
    merged["level"] = pd.array([combine_level(w, c) for w, c in
                                zip(merged["warehouse_level"], merged["cockpit_level"])], dtype="Int64")
    occurred = pd.to_datetime(merged["occurred_at"], utc=True, errors="coerce", format="ISO8601")
    limit = merged["level"].map(lambda lv: ack_limit_min.get(int(lv)) if not pd.isna(lv) else None)
    limit_td = pd.to_timedelta(pd.to_numeric(limit, errors="coerce"), unit="min")
    age = pd.Timestamp(now) - occurred
    merged["overdue"] = ((merged["status"] == "new") & limit_td.notna() & (age > limit_td)).fillna(False)
    merged["overdue"] = merged["overdue"].astype(bool)
    return merged.drop(columns=["cockpit_status", "cockpit_level"])

