"""The JSON API: authentication, numbers, bad parameters, outages."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import ADMIN_PASSWORD
from tests.tiny_warehouse import EXPECTED_PROJECT_STATES, build_tiny_warehouse


def signed_in(client: FlaskClient) -> FlaskClient:
    response = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 303
    return client


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.db"
    build_tiny_warehouse(f"sqlite:///{path}")
    return path


@pytest.fixture
def client(tiny_path: Path, make_config) -> FlaskClient:
    return create_app(make_config(f"sqlite:///{tiny_path}")).server.test_client()


def test_everything_but_health_needs_sign_in(client: FlaskClient) -> None:
    assert client.get("/api/v1/health").status_code == 200
    for path in ("/api/v1/summary", "/api/v1/anything"):
        response = client.get(path)
        assert response.status_code == 401 and "error" in response.json
    assert client.post("/_dash-update-component", json={}).status_code == 401


def test_health(client: FlaskClient) -> None:
    assert client.get("/api/v1/health").json == {
        "status": "ok", "warehouse": "ok", "data_as_of": "2026-11-21T04:00:00Z", "app_db": "ok", "cache": "in-process"}


def test_summary_of_the_city_hand_computed(client: FlaskClient) -> None:
    body = signed_in(client).get("/api/v1/summary").json
    assert body["region_code"] == "141100"
    gdp, unemployment = body["indicators"]
    assert gdp == {"indicator_code": "GDP", "name": "地区生产总值", "unit": "亿元", "period": "2026-09",
                   "value": 1500.0, "yoy_pct": 5.2, "yoy_pp": None, "target": 2000.0,
                   "completion_pct": 75.0}
    assert unemployment["value"] is None and unemployment["completion_pct"] is None
    assert body["alerts_open_by_level"] == {"1": 1, "2": 1, "3": 0, "4": 1}
    assert body["projects_by_state"] == EXPECTED_PROJECT_STATES


def test_summary_of_a_county(client: FlaskClient) -> None:
    body = signed_in(client).get("/api/v1/summary?region=141102").json
    assert body["region_code"] == "141102"
    assert body["indicators"][0]["value"] == 600.0
    # An amount compares in percent (yoy_pp null); a rate in points: 5.30 − 5.20 = 0.1 (not +1.9 %).
    gdp, unemployment = body["indicators"]
    assert gdp["yoy_pp"] is None
    assert unemployment["value"] == 5.3 and unemployment["yoy_pct"] == 1.9
    assert unemployment["yoy_pp"] == pytest.approx(0.1)
    assert body["alerts_open_by_level"] == {"1": 1, "2": 0, "3": 0, "4": 1}
    assert body["projects_by_state"]["lagging"] == 1 and body["projects_by_state"]["overdue"] == 0


@pytest.mark.parametrize(("query", "status"), [
    ("region=abc", 400), ("region=14110", 400), ("region=141100%27%20OR%201=1", 400),
    ("region=149999", 404), ("region=", 400),
])
def test_bad_parameters_are_4xx_with_a_message(client: FlaskClient, query: str, status: int) -> None:
    response = signed_in(client).get(f"/api/v1/summary?{query}")
    assert response.status_code == status
    assert response.json["error"]["status"] == status and response.json["error"]["message"]


def test_unknown_endpoint_and_method(client: FlaskClient) -> None:
    signed_in(client)
    assert client.get("/api/v1/nope").status_code == 404
    assert client.get("/api/v1/nope").json["error"]["message"].startswith("no such API endpoint")
    assert client.post("/api/v1/summary").status_code == 405


def test_outage_degrades_health_and_serves_last_good_summary(tiny_path: Path, make_config) -> None:
    app = create_app(make_config(f"sqlite:///{tiny_path}"))
    client = signed_in(app.server.test_client())
    before = client.get("/api/v1/summary").json
    assert client.get("/api/v1/health").json["status"] == "ok"
    warehouse = app.server.extensions["cockpit"].warehouse
    warehouse.engine.dispose()
    shutil.move(tiny_path, tiny_path.with_suffix(".away"))
    for key in [k for k in warehouse.cache._cache if not k.endswith(":last-good")]:
        warehouse.cache.delete(key)
    health = client.get("/api/v1/health").json
    assert health == {"status": "degraded", "warehouse": "unreachable", "data_as_of": "2026-11-21T04:00:00Z",
                      "app_db": "ok", "cache": "in-process"}
    assert client.get("/api/v1/summary").json == before
    shutil.move(tiny_path.with_suffix(".away"), tiny_path)  # back: it recovers by itself
    for key in [k for k in warehouse.cache._cache if not k.endswith(":last-good")]:
        warehouse.cache.delete(key)
    assert client.get("/api/v1/health").json["status"] == "ok"


def test_unreachable_at_start_still_serves(tmp_path: Path, make_config) -> None:
    app = create_app(make_config("postgresql+psycopg://postgres@127.0.0.1:1/none"))
    client = app.server.test_client()
    assert client.get("/api/v1/health").json == {"status": "degraded", "warehouse": "unreachable",
                                                 "data_as_of": None, "app_db": "ok", "cache": "in-process"}
    signed_in(client)
    response = client.get("/api/v1/summary")
    assert response.status_code == 503 and "unreachable" in response.json["error"]["message"]
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200  # the shell renders without the city name
