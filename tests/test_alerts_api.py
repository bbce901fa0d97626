"""Alerts JSON API and alert data on the hand-made warehouse: filters, detail, nearby, actions, statistics."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from flask.testing import FlaskClient

from app import create_app
from core.geo import haversine_km
from services.alerts import daily_counts, response_times
from tests.conftest import sign_in_as

KM_PER_DEG = 6371.0088 * math.pi / 180  # a degree of latitude on the mean sphere


@pytest.fixture
def client(alerts_url: str, make_config) -> FlaskClient:
    client = create_app(make_config(alerts_url, cache_ttl_s={"alerts": 0, "regions": 0})).server.test_client()
    sign_in_as(client, "duty_officer")
    return client


def ids(body: dict) -> list[str]:
    return [a["alert_id"] for a in body["alerts"]]


def test_open_alerts_most_severe_and_newest_first(client: FlaskClient) -> None:
    body = client.get("/api/v1/alerts").json
    assert ids(body) == ["A1", "A6", "A2", "A5", "A4"]
    a1 = body["alerts"][0]
    assert a1 == {"alert_id": "A1", "category": "fire", "level": 1, "title": "森林火情", "region_code": "141102",
                  "occurred_at": "2026-11-21T01:00:00Z", "status": "new", "acknowledged_at": None, "overdue": True}
    by_id = {a["alert_id"]: a for a in body["alerts"]}
    # Unknown category and level read as "other"; A6 (orange, new, an hour old) is past its 15 minutes.
    assert (by_id["A4"]["category"], by_id["A4"]["level"], by_id["A4"]["overdue"]) == ("other", None, False)
    assert by_id["A6"]["overdue"] is True
    assert by_id["A2"]["overdue"] is False  # acknowledged in the warehouse
    assert body["skipped"]["unknown_level"] == 1


@pytest.mark.parametrize("query,expected", [
    ("?status=all", ["A1", "A3", "A6", "A2", "A5", "A4"]),
    ("?level=1", ["A1"]),
    ("?level=other", ["A4"]),
    ("?category=other", ["A4"]),
    ("?category=fire&status=all", ["A1", "A3"]),
    ("?region=141181", ["A6", "A2", "A4"]),
    ("?region=141102", ["A1", "A5"]),
    ("?status=all&since=2026-11-21T02:00:00Z", ["A6", "A2", "A5", "A4"]),
    ("?since=2026-11-21T02:30:00%2B00:00", ["A6", "A5", "A4"]),
])
def test_filters(client: FlaskClient, query: str, expected: list[str]) -> None:
    assert ids(client.get(f"/api/v1/alerts{query}").json) == expected


@pytest.mark.parametrize("query,status", [
    ("?status=closed", 400), ("?level=5", 400), ("?category=meteor", 400), ("?since=yesterday", 400),
    ("?region=abc", 400), ("?region=149999", 404),
])
def test_bad_parameters_are_4xx(client: FlaskClient, query: str, status: int) -> None:
    response = client.get(f"/api/v1/alerts{query}")
    assert response.status_code == status and "message" in response.json["error"]


def test_detail_with_nearby_resources_and_cameras(client: FlaskClient) -> None:
    body = client.get("/api/v1/alerts/A6").json
    assert (body["alert_id"], body["status"], body["level"], body["description"]) == ("A6", "new", 2, "坡体裂缝")
    assert [r["resource_id"] for r in body["resources"]] == ["R0", "R1"]
    assert body["resources"][0]["distance_km"] == 0
    assert body["resources"][1]["distance_km"] == pytest.approx(0.1 * KM_PER_DEG, abs=1e-6)
    # The offline C2 is listed too (with its status), so the reader sees why it cannot play.
    assert [(c["camera_id"], c["status"], round(c["distance_km"], 3)) for c in body["cameras"]] == \
        [("C2", "offline", 0.0), ("C1", "online", round(0.05 * KM_PER_DEG, 3))]
    assert body["actions"] == [] and body["department"] is None


def test_alert_without_coordinates_has_no_nearby(client: FlaskClient) -> None:
    body = client.get("/api/v1/alerts/A1").json
    assert (body["lon"], body["resources"], body["cameras"]) == (None, [], [])


def test_unknown_alert_is_404(client: FlaskClient) -> None:
    assert client.get("/api/v1/alerts/NOPE").status_code == 404
    response = client.post("/api/v1/alerts/NOPE/actions", json={"action": "acknowledge"})
    assert response.status_code == 404


def test_actions_change_the_combined_status_everywhere(client: FlaskClient) -> None:
    post = lambda body: client.post("/api/v1/alerts/A6/actions", json=body)  # noqa: E731
    ack = post({"action": "acknowledge", "request_id": "req-ack-0001"})
    assert ack.status_code == 200 and ack.json["state"]["status"] == "acknowledged"
    assert ack.json["alert"]["actions"][0]["username"] == "duty_officer"
    again = post({"action": "acknowledge", "request_id": "req-ack-0001"})
    assert again.status_code == 200 and again.json["duplicate"] is True
    conflict = post({"action": "acknowledge"})
    assert conflict.status_code == 409 and "already acknowledged" in conflict.json["error"]["message"]
    assert post({"action": "assign", "dept_code": "NOPE"}).status_code == 400
    assigned = post({"action": "assign", "dept_code": "XFZD", "note": "出动"})
    assert assigned.json["alert"]["department"]["phone"] == "0358-119"
    assert post({"action": "escalate", "level": 1}).json["state"]["level"] == 1
    assert post({"action": "escalate", "level": "1"}).status_code == 400
    listed = {a["alert_id"]: a for a in client.get("/api/v1/alerts").json["alerts"]}["A6"]
    assert (listed["status"], listed["level"], listed["overdue"]) == ("dispatched", 1, False)
    assert listed["acknowledged_at"] is not None
    assert post({"action": "resolve"}).json["state"]["status"] == "resolved"
    resolve_again = post({"action": "resolve"})
    assert resolve_again.status_code == 409
    assert "A6" not in ids(client.get("/api/v1/alerts").json)
    assert post({"action": "note", "note": "复盘完成"}).status_code == 200
    actions = client.get("/api/v1/alerts/A6").json["actions"]
    assert [a["action"] for a in actions] == ["acknowledge", "assign", "escalate", "resolve", "note"]


def test_summary_counts_combined_open_alerts(client: FlaskClient) -> None:
    assert client.get("/api/v1/summary").json["alerts_open_by_level"] == {"1": 1, "2": 2, "3": 0, "4": 1}
    client.post("/api/v1/alerts/A1/actions", json={"action": "close", "note": "误报"})
    client.post("/api/v1/alerts/A6/actions", json={"action": "escalate", "level": 1})
    assert client.get("/api/v1/summary").json["alerts_open_by_level"] == {"1": 1, "2": 1, "3": 0, "4": 1}


@pytest.mark.parametrize("body", [None, [], {"action": "dance"}, {"action": "note", "note": 5},
                                  {"action": "note", "note": "x", "request_id": "short"}])
def test_bad_action_bodies_are_400(client: FlaskClient, body: object) -> None:
    response = client.post("/api/v1/alerts/A6/actions", json=body) if body is not None else \
        client.post("/api/v1/alerts/A6/actions", data="not json", content_type="application/json")
    assert response.status_code == 400


def test_haversine_by_hand() -> None:
    # Beijing (116.4074, 39.9042) to Shanghai (121.4737, 31.2304): about 1067 km.
    import numpy as np

    assert haversine_km(116.4074, 39.9042, np.array([121.4737]), np.array([31.2304]))[0] == \
        pytest.approx(1067.3, abs=1.0)


def test_daily_counts_roll_utc_hours_into_local_days() -> None:
    hourly = pd.DataFrame({"hour": ["2026-11-20T15", "2026-11-20T16", "2026-11-21 01"],
                           "category": ["fire", "fire", "flood"], "level": pd.array([1, 2, pd.NA], dtype="Int64"),
                           "n": [2, 3, 1]})
    by_level = daily_counts(hourly, "Asia/Shanghai", "level")
    # 15:00 UTC is 23:00 in Shanghai (the 20th); 16:00 UTC is midnight, the 21st.
    assert by_level.values.tolist() == [["2026-11-20", "1", 2], ["2026-11-21", "2", 3], ["2026-11-21", "other", 1]]
    by_category = daily_counts(hourly, "Asia/Shanghai", "category")
    assert by_category.values.tolist() == [["2026-11-20", "fire", 2], ["2026-11-21", "fire", 3],
                                           ["2026-11-21", "flood", 1]]


def test_response_times_mean_and_p90_by_hand() -> None:
    t0 = pd.Timestamp("2026-11-21T00:00:00Z")
    frame = pd.DataFrame({
        "county": ["141102"] * 3 + ["141181"],
        "occurred_at": ["2026-11-21T00:00:00Z"] * 4,
        "acknowledged_at": [t0 + pd.Timedelta(minutes=m) for m in (2, 4, 12)] + [pd.NaT],
        "resolved_at": [t0 + pd.Timedelta(minutes=60), pd.NaT, pd.NaT, t0 + pd.Timedelta(minutes=30)],
    })
    stats = response_times(frame, "county").set_index("county")
    assert stats.loc["141102", "n"] == 3
    assert stats.loc["141102", "ack_mean"] == pytest.approx(6.0)
    # p90 of 2, 4, 12 with linear interpolation: 4 + 0.8 × (12 − 4) = 10.4
    assert stats.loc["141102", "ack_p90"] == pytest.approx(10.4)
    assert stats.loc["141102", "resolve_mean"] == pytest.approx(60.0)
    assert pd.isna(stats.loc["141181", "ack_mean"]) and stats.loc["141181", "resolve_p90"] == pytest.approx(30.0)
