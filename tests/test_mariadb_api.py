"""The JSON API over a MySQL-protocol warehouse (MariaDB, the stand-in for Doris/StarRocks).

The hand-made alerts warehouse is built into a throwaway MariaDB database and into SQLite; every
API answer must be the same on both (SQLite's are checked by hand in test_api.py and
test_alerts_api.py). With CI=true an unreachable MariaDB fails these tests instead of skipping.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from tests.alerts_warehouse import build_alerts_warehouse
from tests.conftest import sign_in_as, throwaway_mysql_database

A6_OCCURRED = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
READS = (
    "/api/v1/summary", "/api/v1/summary?region=141102", "/api/v1/summary?region=141181",
    "/api/v1/indicators", "/api/v1/indicators/GDP/values", "/api/v1/indicators/GDP/values?children=1",
    "/api/v1/indicators/UNEMPLOYMENT/values?start=2026-01&end=2026-12",
    "/api/v1/alerts", "/api/v1/alerts?status=all", "/api/v1/alerts?status=all&level=2&limit=1&offset=0",
    "/api/v1/alerts?region=141181", "/api/v1/alerts?since=2000-01-01T00:00:00Z",
    "/api/v1/alerts/A6", "/api/v1/alerts/A1", "/api/v1/alerts/NOPE", "/api/v1/summary?region=999999",
)


def _pin_a6(url: str) -> None:
    """A6 occurred "an hour before the build": the same moment in both copies, to the second."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE fact_alert SET occurred_at = :t WHERE alert_id = 'A6'"), {"t": A6_OCCURRED})
    engine.dispose()


@pytest.fixture(scope="module")
def mariadb_url() -> Iterator[str]:
    with throwaway_mysql_database("cockpit_test_alerts") as url:
        build_alerts_warehouse(url)
        _pin_a6(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    build_alerts_warehouse(url)
    _pin_a6(url)
    return url


def _client(url: str, make_config, tmp_path: Path, name: str) -> FlaskClient:
    client = create_app(make_config(url, app_db_url=f"sqlite:///{tmp_path}/{name}.db")).server.test_client()
    sign_in_as(client, "duty_officer")
    return client


def _comparable(body: object) -> object:
    """An answer without what differs by nature between two warehouses (the time the data was fetched)."""
    if isinstance(body, dict):
        return {k: _comparable(v) for k, v in body.items() if k not in ("fetched_at",)}
    if isinstance(body, list):
        return [_comparable(v) for v in body]
    return body


def test_every_read_answers_as_on_sqlite(mariadb_url: str, sqlite_url: str, make_config, tmp_path: Path) -> None:
    maria = _client(mariadb_url, make_config, tmp_path, "maria")
    lite = _client(sqlite_url, make_config, tmp_path, "lite")
    assert maria.get("/api/v1/health").json["warehouse"] == "ok"
    for path in READS:
        got, expected = maria.get(path), lite.get(path)
        assert got.status_code == expected.status_code, path
        assert _comparable(got.json) == _comparable(expected.json), path
    # Not empty answers agreeing by accident: the hand-made warehouse's figures are there.
    summary = maria.get("/api/v1/summary").json
    gdp = next(i for i in summary["indicators"] if i["indicator_code"] == "GDP")
    assert gdp["value"] == 1500.0 and gdp["completion_pct"] == 75.0
    assert maria.get("/api/v1/alerts/A6").json["title"] == "山体滑坡隐患"


def test_actions_over_a_mariadb_warehouse(mariadb_url: str, make_config, tmp_path: Path) -> None:
    client = _client(mariadb_url, make_config, tmp_path, "acts")
    post = lambda body: client.post("/api/v1/alerts/A6/actions", json=body)  # noqa: E731
    first = post({"action": "acknowledge", "request_id": "maria-ack-0001"})
    assert first.status_code == 200 and first.json["state"]["status"] == "acknowledged"
    assert post({"action": "acknowledge", "request_id": "maria-ack-0001"}).json["duplicate"] is True
    assert post({"action": "resolve", "request_id": "maria-res-0001"}).json["state"]["status"] == "resolved"
    listed = {a["alert_id"]: a["status"] for a in client.get("/api/v1/alerts?status=all").json["alerts"]}
    assert listed["A6"] == "resolved"
    assert "A6" not in {a["alert_id"] for a in client.get("/api/v1/alerts").json["alerts"]}
