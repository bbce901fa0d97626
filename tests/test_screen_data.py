"""The wall screen's data, with numbers worked out by hand: red list, banner, stale data, households, trend."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

from datasources.status import WarehouseStatus
from datasources.warehouse import Warehouse
from services import screen
from tests.alerts_warehouse import insert
from tests.tiny_warehouse import build_tiny_warehouse

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TTL = {"regions": 60, "indicators": 60, "alerts": 60, "projects": 60, "quality": 60, "status": 60}


def _warehouse(url: str) -> Warehouse:
    return Warehouse(url, cache=SimpleCache(), ttl_s=TTL, stale_keep_s=3600, statement_timeout_s=10)


def test_freshness_says_why_data_are_stale() -> None:
    fresh = screen.freshness(WarehouseStatus(True, "2026-12-01T09:00:00Z", False), NOW, 180)
    assert (fresh.stale, fresh.reason) == (False, None)
    # 61 minutes old against a 60-minute limit.
    old = screen.freshness(WarehouseStatus(True, "2026-12-01T08:59:00Z", False), NOW, 60)
    assert (old.stale, old.reason, old.as_of) == (True, "old", "2026-12-01T08:59:00Z")
    down = screen.freshness(WarehouseStatus(False, "2026-12-01T09:59:00Z", True), NOW, 60)
    assert (down.stale, down.reason) == (True, "unreachable")
    assert screen.freshness(WarehouseStatus(True, None, False), NOW, 60).reason == "old"


def test_red_list_puts_overdue_first_then_the_largest_lag() -> None:
    projects = pd.DataFrame({
        "project_code": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "state": ["on_track", "seriously_lagging", "overdue", "seriously_lagging", "overdue", "lagging"],
        "lag_pts": [1.0, 16.0, 5.0, 30.0, None, 9.0],
    })
    red = screen.red_list(projects, 3)
    # Overdue P3 (lag 5) before overdue P5 (lag unknown), then seriously lagging P4 (30) before P2 (16).
    assert red["project_code"].tolist() == ["P3", "P5", "P4"]
    assert red.attrs["total"] == 4


def _live(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["alert_id", "level", "status", "occurred_at"])
    frame["level"] = frame["level"].astype("Int64")
    return frame


def test_the_banner_takes_recent_unacknowledged_red_alerts_newest_first() -> None:
    live = _live([
        ("OLD", 1, "new", "2026-12-01T07:59:00Z"),        # 121 minutes ago: outside a 120-minute window
        ("R1", 1, "new", "2026-12-01T09:00:00Z"),
        ("R2", 1, "new", "2026-12-01T09:30:00Z"),
        ("ACK", 1, "acknowledged", "2026-12-01T09:40:00Z"),
        ("O1", 2, "new", "2026-12-01T09:50:00Z"),
        ("NOLEVEL", None, "new", "2026-12-01T09:55:00Z"),
    ])
    assert screen.alarm_alerts(live, NOW, 120)["alert_id"].tolist() == ["R2", "R1"]
    assert screen.alarm_alerts(live.iloc[0:0], NOW, 120).empty


def test_households_by_monitoring_status(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/wh.db"
    build_tiny_warehouse(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "fact_household", [
            {"household_code": f"H{i}", "region_code": region, "head_name": "某", "members": 3,
             "income_per_capita": 9000.0, "monitor_status": status}
            for i, (region, status) in enumerate([
                ("141102001", "at_risk"), ("141102002", "at_risk"), ("141181001", "at_risk"),
                ("141102001", "stable"), ("141181001", "monitored"), ("141181001", "odd")])])
    engine.dispose()
    wh = _warehouse(url)
    assert screen.household_summary(wh, None) == {"at_risk": 3, "monitored": 1, "risk_eliminated": 0,
                                                  "stable": 1, "other": 1}
    assert screen.household_summary(wh, "141102") == {"at_risk": 2, "monitored": 0, "risk_eliminated": 0,
                                                      "stable": 1}
    wh.engine.dispose()


def test_no_household_table_means_no_summary(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/wh.db"
    build_tiny_warehouse(url, without=("fact_household",))
    wh = _warehouse(url)
    assert screen.household_summary(wh, None) is None
    wh.engine.dispose()


@pytest.fixture
def tiny(tmp_path: Path) -> Warehouse:
    url = f"sqlite:///{tmp_path}/wh.db"
    build_tiny_warehouse(url)
    wh = _warehouse(url)
    yield wh
    wh.engine.dispose()


def test_trend_indicator_and_this_year_against_last(tiny: Warehouse) -> None:
    # No code asked: the first monthly headline indicator of the tiny catalogue.
    assert screen.trend_indicator(tiny, None)["indicator_code"] == "UNEMPLOYMENT"
    assert screen.trend_indicator(tiny, "GDP")["indicator_code"] == "GDP"
    assert screen.trend_indicator(tiny, "NOPE")["indicator_code"] == "UNEMPLOYMENT"
    year, frame = screen.year_on_year(tiny, "UNEMPLOYMENT", "141102")
    # 141102 has 2026-09 = 5.30 and 2025-09 = 5.20.
    assert year == 2026
    assert frame.to_dict("records") == [{"month": 9, "this_year": 5.30, "last_year": 5.20}]
    year, frame = screen.year_on_year(tiny, "UNEMPLOYMENT", "141181")
    assert year is None and frame.empty
