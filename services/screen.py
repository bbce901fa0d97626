"""The wall screen's data (`/screen`): each panel's figures, the red-alert banner, stale data.

Plain values and DataFrames from the memoized warehouse reads; components/screen*.py draws them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from core.errors import MissingSchema
from datasources.economy import indicator_values
from datasources.indicators import catalogue
from datasources.screen import household_status_counts
from datasources.status import WarehouseStatus
from datasources.warehouse import Warehouse

# Monitoring statuses of fact_household in the order the panel shows them (docs/demo-data.md).
MONITOR_STATUSES = ("at_risk", "monitored", "risk_eliminated", "stable")
RED_STATES = ("overdue", "seriously_lagging")


@dataclass(frozen=True)
class Freshness:
    """Whether the screen must say its data are stale, and why ('unreachable', 'old' or None)."""

    stale: bool
    reason: str | None
    as_of: str | None


def freshness(status: WarehouseStatus, now: datetime, stale_after_min: float) -> Freshness:
    """Stale when the warehouse is unreachable (or serves its last-good copy) or its newest data
    are older than `stale_after_min` minutes at `now` (aware)."""
    if not status.reachable or status.stale:
        return Freshness(True, "unreachable", status.data_as_of)
    stamp = pd.to_datetime(status.data_as_of, utc=True, errors="coerce", format="ISO8601")
    if pd.isna(stamp) or now - stamp.to_pydatetime() > timedelta(minutes=stale_after_min):
        return Freshness(True, "old", status.data_as_of)
    return Freshness(False, None, status.data_as_of)


def red_list(projects: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Overdue and seriously lagging projects, worst first: overdue before lagging, then by lag.

    Columns of `project_status` (datasources/projects.py); at most `limit` rows; attrs["total"]
    is how many there are in all.
    """
    red = projects[projects["state"].isin(RED_STATES)]
    ranked = red.assign(_overdue=(red["state"] != "overdue").astype(int),
                        _lag=pd.to_numeric(red["lag_pts"], errors="coerce").fillna(-1))
    ranked = ranked.sort_values(["_overdue", "_lag", "project_code"], ascending=[True, False, True], kind="stable")
    out = ranked.drop(columns=["_overdue", "_lag"]).head(limit).reset_index(drop=True)
    out.attrs["total"] = len(red)
    return out


def alarm_alerts(live: pd.DataFrame, now: datetime, window_min: float) -> pd.DataFrame:
    """Red (level I) alerts still unacknowledged (combined status 'new') that occurred within the
    last `window_min` minutes, newest first: what takes the banner."""
    if live.empty:
        return live
    occurred = pd.to_datetime(live["occurred_at"], utc=True, errors="coerce", format="ISO8601")
    keep = ((live["level"] == 1).fillna(False) & (live["status"] == "new")
            & (occurred >= pd.Timestamp(now) - pd.Timedelta(minutes=window_min)))
    return live[keep.astype(bool)].assign(_t=occurred[keep.astype(bool)]).sort_values(
        "_t", ascending=False, kind="stable").drop(columns="_t").reset_index(drop=True)


def household_summary(wh: Warehouse, region_code: str | None) -> dict[str, int] | None:
    """Households per monitoring status (every status of MONITOR_STATUSES, others as 'other'),
    or None when the warehouse has no fact_household."""
    try:
        frame = household_status_counts(wh, region_code)
    except MissingSchema:
        return None
    counts = dict.fromkeys(MONITOR_STATUSES, 0)
    for status, n in zip(frame["monitor_status"], frame["households"]):
        key = status if status in counts else "other"
        counts[key] = counts.get(key, 0) + int(n)
    return counts


def trend_indicator(wh: Warehouse, wanted: str | None) -> pd.Series | None:
    """The trend panel's indicator row: `wanted` when the catalogue has it, else the first monthly
    headline indicator, else the first headline one; None for an empty catalogue."""
    cat = catalogue(wh)
    if wanted and (cat["indicator_code"] == wanted).any():
        return cat[cat["indicator_code"] == wanted].iloc[0]
    headline = cat[cat["headline"]]
    monthly = headline[headline["frequency"] == "month"]
    for frame in (monthly, headline, cat):
        if not frame.empty:
            return frame.iloc[0]
    return None


def year_on_year(wh: Warehouse, indicator_code: str, region_code: str) -> tuple[int | None, pd.DataFrame]:
    """The latest year with data and a frame month (1–12), this_year, last_year of the indicator's values."""
    rows = indicator_values(wh, indicator_code, (region_code,))
    rows = rows[rows["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")]
    if rows.empty:
        return None, pd.DataFrame(columns=["month", "this_year", "last_year"])
    year = int(str(rows["period"].max())[:4])
    values = pd.to_numeric(rows["value"], errors="coerce")
    by_period = dict(zip(rows["period"].astype(str), values))
    months = sorted({int(p[5:7]) for p in by_period if p[:4] in (str(year), str(year - 1))})
    frame = pd.DataFrame({
        "month": months,
        "this_year": [by_period.get(f"{year}-{m:02d}") for m in months],
        "last_year": [by_period.get(f"{year - 1}-{m:02d}") for m in months],
    })
    return year, frame
