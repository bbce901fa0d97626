"""Rows stamped in the future: never "data as of" a time to come, never shown, always counted.

The tiny warehouse (tests/tiny_warehouse.py) plus two indicator rows and two alerts stamped 20
days ahead. Its newest stamp that has passed is alert A5's occurred_at, 2026-11-21T04:00:00Z.
Run on SQLite and PostgreSQL with text stamps, and on PostgreSQL with timestamp and timestamptz
columns, since the cut-off is compared in SQL against either.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

from app import create_app
from datasources.alerts import alerts_since, find_alert, hourly_counts, open_alerts
from datasources.economy import indicator_values
from datasources.indicators import latest_values
from datasources.quality import data_quality
from datasources.status import warehouse_status
from datasources.warehouse import Warehouse
from demo.generate import build_demo_warehouse, default_end_period
from demo.schema import metadata
from tests.conftest import ADMIN_PASSWORD, built_warehouse
from tests.tiny_warehouse import build_tiny_warehouse

NEWEST_PASSED = "2026-11-21T04:00:00Z"  # alert A5 of the tiny warehouse
FUTURE = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
TTL = {"regions": 60, "indicators": 60, "alerts": 60, "projects": 60, "quality": 60, "status": 60}


def _insert(url: str, indicator_rows: list[tuple], alert_rows: list[tuple]) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if indicator_rows:
            conn.execute(metadata.tables["fact_indicator"].insert(), [
                dict(zip(("indicator_code", "region_code", "period", "value", "target", "yoy_pct", "updated_at"), r))
                for r in indicator_rows])
        if alert_rows:
            conn.execute(metadata.tables["fact_alert"].insert(), [
                dict(zip(("alert_id", "category", "level", "title", "region_code", "occurred_at", "status",
                          "updated_at"), r)) for r in alert_rows])
    engine.dispose()


def build_future_warehouse(url: str, column_type: str = "text") -> None:
    build_tiny_warehouse(url)
    _insert(url, [
        ("GDP", "141100", "2026-12", 2100.0, 2000.0, 5.5, FUTURE),  # a quarter not published yet
        ("GDP", "141102", "2026-09", 999.0, 800.0, 9.9, FUTURE),    # a "correction" from the future
    ], [
        ("F1", "fire", 1, "未来的火情", "141102", FUTURE, "new", FUTURE),
        ("F2", "flood", 2, "更新时间在未来", "141181", "2026-11-21T05:00:00Z", "acknowledged", FUTURE),
    ])
    if column_type != "text":  # PostgreSQL only: the same stamps in real timestamp columns
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for table, column in (("fact_indicator", "updated_at"), ("fact_alert", "occurred_at"),
                                  ("fact_alert", "updated_at")):
                cast = "::timestamptz" + (" AT TIME ZONE 'UTC'" if column_type == "timestamp" else "")
                conn.exec_driver_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {column_type} "
                                     f"USING {column}{cast}")
        engine.dispose()


@pytest.fixture(params=[("sqlite", "text"), ("postgresql", "text"), ("postgresql", "timestamp"),
                        ("postgresql", "timestamptz"), ("mysql", "text")], ids=lambda p: "-".join(p), scope="module")
def future_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    engine, column_type = request.param
    with built_warehouse(engine, lambda url: build_future_warehouse(url, column_type), tmp_path_factory,
                         "future") as url:
        yield url


@pytest.fixture
def wh(future_url: str) -> Iterator[Warehouse]:
    warehouse = Warehouse(future_url, cache=SimpleCache(), ttl_s=TTL, stale_keep_s=3600, statement_timeout_s=10)
    yield warehouse
    warehouse.engine.dispose()


def _utc(value: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def test_data_as_of_is_the_newest_stamp_that_has_passed(wh: Warehouse) -> None:
    status = warehouse_status(wh)
    assert status.reachable and not status.stale
    assert _utc(status.data_as_of) == _utc(NEWEST_PASSED)
    assert _utc(status.data_as_of) <= pd.Timestamp.now(tz="UTC")


def test_future_indicator_rows_are_not_shown(wh: Warehouse) -> None:
    city = latest_values(wh, "141100").set_index("indicator_code").loc["GDP"]
    assert city["period"] == "2026-09" and city["value"] == 1500.0  # not 2026-12's 2100
    county = latest_values(wh, "141102").set_index("indicator_code").loc["GDP"]
    assert county["period"] == "2026-09" and county["value"] == 600.0  # not the future 999

    lishi = indicator_values(wh, "GDP", ("141102",))
    assert lishi[["period", "value"]].values.tolist() == [["2026-09", 600.0]]
    assert lishi.attrs["skipped"]["future_stamp"] == 1 and lishi.attrs["skipped"]["duplicate"] == 0
    city_rows = indicator_values(wh, "GDP", ("141100",))
    assert city_rows[["period", "value"]].values.tolist() == [["2026-06", 900.0], ["2026-09", 1500.0]]
    assert city_rows.attrs["skipped"]["future_stamp"] == 1 and city_rows.attrs["skipped"]["duplicate"] == 1


def test_future_alerts_are_not_shown(wh: Warehouse) -> None:
    alerts = open_alerts(wh)
    assert set(alerts["alert_id"]) == {"A1", "A2", "A4", "A5"}
    assert alerts.attrs["skipped"]["future_stamp"] == 2
    assert set(alerts_since(wh, "2026-11-01T00:00:00Z")["alert_id"]) == {"A1", "A2", "A3", "A4", "A5"}
    assert find_alert(wh, "F1").empty and find_alert(wh, "F2").empty
    assert int(hourly_counts(wh, "2026-11-20T00:00:00Z")["n"].sum()) == 5  # A1–A5


def test_data_quality_counts_future_stamps(wh: Warehouse) -> None:
    counts = {(r["table"], r["problem"]): r["rows"] for r in data_quality(wh).to_dict("records")}
    assert counts[("fact_indicator", "future_stamp")] == 2
    assert counts[("fact_alert", "future_stamp")] == 2
    assert counts[("fact_indicator", "unknown_region")] == 1  # the other checks are untouched


def test_health_and_summary_api(tmp_path: Path, make_config) -> None:
    url = f"sqlite:///{tmp_path}/future.db"
    build_future_warehouse(url)
    client = create_app(make_config(url)).server.test_client()
    health = client.get("/api/v1/health").json
    assert health["data_as_of"] == NEWEST_PASSED
    assert _utc(health["data_as_of"]) <= pd.Timestamp.now(tz="UTC")
    assert client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 303
    gdp = client.get("/api/v1/summary").json["indicators"][0]
    assert (gdp["indicator_code"], gdp["period"], gdp["value"]) == ("GDP", "2026-09", 1500.0)


def test_a_stamp_that_comes_due_shows_after_the_cache_expires(tmp_path: Path) -> None:
    """The cut-off is not frozen into a cached frame: with a 1 s TTL the row appears once due."""
    url = f"sqlite:///{tmp_path}/soon.db"
    build_tiny_warehouse(url)
    due = (datetime.now(UTC) + timedelta(seconds=4)).replace(microsecond=0)
    soon = due.strftime("%Y-%m-%dT%H:%M:%SZ")
    _insert(url, [], [("S1", "fire", 1, "即将发生", "141102", soon, "new", soon)])
    wh = Warehouse(url, cache=SimpleCache(), ttl_s={"alerts": 1, "status": 1, "indicators": 1},
                   stale_keep_s=3600, statement_timeout_s=10)
    assert "S1" not in set(open_alerts(wh)["alert_id"])
    assert warehouse_status(wh).data_as_of == NEWEST_PASSED
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 1.5)
    assert "S1" in set(open_alerts(wh)["alert_id"])
    assert warehouse_status(wh).data_as_of == soon
    wh.engine.dispose()


def test_default_end_period_is_the_latest_published_month() -> None:
    # A month is published on the 20th of the next month.
    assert default_end_period(date(2026, 12, 1)) == "2026-10"
    assert default_end_period(date(2026, 11, 19)) == "2026-09"
    assert default_end_period(date(2026, 11, 20)) == "2026-10"
    assert default_end_period(date(2027, 1, 5)) == "2026-11"
    assert default_end_period(date(2027, 1, 31)) == "2026-12"
    assert default_end_period(date(2027, 2, 1)) == "2026-12"


def _stamps(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {f"{table}.{column}": conn.exec_driver_sql(f"SELECT MAX({column}) FROM {table}").scalar_one()
                 for table, column in (("fact_indicator", "updated_at"), ("fact_alert", "updated_at"),
                                       ("fact_alert", "occurred_at"), ("fact_household", "updated_at"))}
        found["period"] = conn.exec_driver_sql("SELECT MAX(period) FROM fact_indicator").scalar_one()
    engine.dispose()
    return found


def _twentieth_after(period: str) -> date:
    year, month = int(period[:4]), int(period[5:7])
    return date(year + 1, 1, 20) if month == 12 else date(year, month + 1, 20)


def test_demo_with_the_default_end_period_stamps_nothing_in_the_future(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    build_demo_warehouse(url)
    built = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamps = _stamps(url)
    period = stamps.pop("period")
    assert all(stamp <= built for stamp in stamps.values()), stamps
    # The latest period is published (the 20th of the month after it has come); the next is not.
    today = datetime.now(UTC).date()
    assert _twentieth_after(period) <= today < _twentieth_after(_twentieth_after(period).strftime("%Y-%m"))


def test_demo_with_an_unpublished_end_period_clamps_its_stamps(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo-now.db"
    this_month = datetime.now(UTC).strftime("%Y-%m")  # its rows would be stamped next month
    build_demo_warehouse(url, end_period=this_month)
    built = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamps = _stamps(url)
    assert stamps.pop("period") == this_month
    assert all(stamp <= built for stamp in stamps.values()), stamps
