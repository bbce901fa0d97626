"""Video dispatch API on the hand-made alerts warehouse: cameras nearby (distances by hand), orders, steps.

The warehouse (tests/alerts_warehouse.py) has alert A6 at (111.78, 37.14) with camera C1 0.05°
north of it and the offline C2 on it; this module adds C3 0.05° east, C4 without coordinates and
C5 far away. By hand, on the sphere of mean radius R = 6371.0088 km:
- C1, due north by Δφ = 0.05°: d = R·Δφ = 6371.0088 × 0.05 × π/180 = 5.559754 km;
- C3, due east by Δλ = 0.05° at φ = 37.14°: d = 2R·asin(cos φ · sin(Δλ/2))
  = 2 × 6371.0088 × asin(0.797179 × 4.363320e-4) = 4.432028 km
  (the spherical law of cosines, R·acos(sin²φ + cos²φ·cos Δλ), gives the same 4.432028 km).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from core.geo import haversine_km
from tests.alerts_warehouse import LAT, LON, insert
from tests.conftest import sign_in_as

C1_KM, C3_KM = 5.559754, 4.432028


def add_cameras(url: str) -> None:
    """C3 due east, C4 without coordinates, C5 ≈ 44 km away (outside a 30 km radius)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "dim_camera", [
            {"camera_id": "C3", "name": "东路口", "region_code": "141181", "lon": LON + 0.05, "lat": LAT,
             "kind": "traffic", "status": "online", "stream_url": "http://media.example/c3.m3u8"},
            {"camera_id": "C4", "name": "无坐标监控", "region_code": "141181", "lon": None, "lat": None,
             "kind": "city", "status": "online"},
            {"camera_id": "C5", "name": "远处监控", "region_code": "141181", "lon": LON + 0.4, "lat": LAT + 0.2,
             "kind": "city", "status": "online"}])
        conn.execute(sa.text("UPDATE dim_department SET conference_url = 'https://meet.example/xfzd' "
                             "WHERE dept_code = 'XFZD'"))
    engine.dispose()


@pytest.fixture
def app_(alerts_url: str, make_config):
    add_cameras(alerts_url)
    return create_app(make_config(alerts_url, cache_ttl_s={"alerts": 0, "regions": 0}))


@pytest.fixture
def client(app_) -> FlaskClient:
    client = app_.server.test_client()
    sign_in_as(client, "duty_officer")
    return client


def deadline(hours: float = 2) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def order_body(**values: object) -> dict:
    return {"alert_id": "A6", "dept_codes": ["XFZD"], "resource_ids": ["R0", "R1"],
            "instruction": "封控坡脚，疏散下方住户", "deadline": deadline(), **values}


def test_cameras_nearby_sorted_by_great_circle_distance(client: FlaskClient) -> None:
    body = client.get("/api/v1/cameras/nearby?alert_id=A6&radius_km=10").json
    got = [(c["camera_id"], c["status"], c["distance_km"]) for c in body["cameras"]]
    # Nearest first, in metres; C4 (no coordinates) and C5 (outside 10 km) left out; the offline C2 listed.
    assert got == [("C2", "offline", 0.0), ("C3", "online", round(C3_KM, 3)), ("C1", "online", round(C1_KM, 3))]
    assert set(body["cameras"][0]) >= {"camera_id", "name", "status", "distance_km", "stream_url"}
    assert body["cameras"][1]["stream_url"] == "http://media.example/c3.m3u8"
    assert body["cameras"][0]["stream_url"] is None  # offline


def test_the_great_circle_distance_is_the_hand_computed_one() -> None:
    km = haversine_km(LON, LAT, np.array([LON, LON + 0.05, LON]), np.array([LAT + 0.05, LAT, LAT]))
    assert km.tolist() == pytest.approx([C1_KM, C3_KM, 0.0], abs=1e-6)


def test_cameras_nearby_a_point_and_a_radius(client: FlaskClient) -> None:
    body = client.get(f"/api/v1/cameras/nearby?lon={LON}&lat={LAT + 0.05}&radius_km=1").json
    assert [(c["camera_id"], c["distance_km"]) for c in body["cameras"]] == [("C1", 0.0)]
    default = client.get(f"/api/v1/cameras/nearby?lon={LON}&lat={LAT}").json  # video.radius_km: 5
    assert [c["camera_id"] for c in default["cameras"]] == ["C2", "C3"]


@pytest.mark.parametrize("query,status", [
    ("", 400), ("?alert_id=A6&radius_km=0", 400), ("?alert_id=A6&radius_km=nan", 400),
    ("?alert_id=A6&radius_km=201", 400), ("?lon=200&lat=37", 400), ("?lon=111", 400),
    ("?alert_id=NOPE", 404), ("?alert_id=" + "x" * 300, 400),
])
def test_cameras_nearby_bad_input(client: FlaskClient, query: str, status: int) -> None:
    response = client.get(f"/api/v1/cameras/nearby{query}")
    assert response.status_code == status and response.json["error"]["message"]


def test_issue_and_progress_an_order_to_done(client: FlaskClient) -> None:
    created = client.post("/api/v1/dispatches", json=order_body(request_id="order-0001"))
    assert created.status_code == 201, created.json
    order = created.json
    assert (order["status"], order["alert_id"], order["dept_codes"], order["resource_ids"]) == \
        ("issued", "A6", ["XFZD"], ["R0", "R1"])
    assert (order["created_by"], order["overdue"], order["next"]) == ("duty_officer", False, ["received", "cancelled"])
    assert [t["name"] for t in order["targets"]] == ["消防救援支队", "就地救援队", "北面避难所"]
    oid = order["dispatch_id"]
    # The same request again: the same order, not a second one.
    again = client.post("/api/v1/dispatches", json=order_body(request_id="order-0001"))
    assert (again.status_code, again.json["dispatch_id"], again.json["duplicate"]) == (200, oid, True)
    for step in ("received", "en_route", "on_site", "done"):
        response = client.post(f"/api/v1/dispatches/{oid}/status", json={"status": step})
        assert (response.status_code, response.json["status"]) == (200, step)
    listed = client.get("/api/v1/dispatches?alert_id=A6").json["dispatches"]
    assert [o["dispatch_id"] for o in listed] == [oid]
    history = listed[0]["history"]
    assert [h["status"] for h in history] == ["issued", "received", "en_route", "on_site", "done"]
    assert all(h["username"] == "duty_officer" and h["at"].endswith("Z") for h in history)
    assert listed[0]["next"] == []
    # done → en_route does not follow: 409; an unknown order: 404; a status that is none: 400.
    assert client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "en_route"}).status_code == 409
    assert client.post("/api/v1/dispatches/999/status", json={"status": "received"}).status_code == 404
    assert client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "teleported"}).status_code == 400


def test_skipping_a_step_conflicts_and_cancel_is_allowed_before_done(client: FlaskClient) -> None:
    oid = client.post("/api/v1/dispatches", json=order_body()).json["dispatch_id"]
    skip = client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "on_site"})
    assert skip.status_code == 409 and "issued" in skip.json["error"]["message"]
    assert client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "cancelled"}).json["status"] == "cancelled"
    assert client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "received"}).status_code == 409


def test_unknown_departments_and_resources_are_named(client: FlaskClient) -> None:
    response = client.post("/api/v1/dispatches", json=order_body(dept_codes=["XFZD", "NOPE"],
                                                                 resource_ids=["R9"]))
    assert response.status_code == 400
    assert "NOPE" in response.json["error"]["message"] and "R9" in response.json["error"]["message"]
    assert "XFZD" not in response.json["error"]["message"]
    assert client.get("/api/v1/dispatches?alert_id=A6").json["dispatches"] == []


@pytest.mark.parametrize("change,status", [
    ({"dept_codes": [], "resource_ids": []}, 400), ({"instruction": " "}, 400), ({"instruction": "x" * 1001}, 400),
    ({"deadline": "tomorrow"}, 400), ({"deadline": "2026-12-01T18:00:00"}, 400),  # no offset
    ({"deadline": "2020-01-01T00:00:00Z"}, 400), ({"dept_codes": "XFZD"}, 400), ({"dept_codes": [1]}, 400),
    ({"alert_id": "NOPE"}, 404), ({"alert_id": None}, 400), ({"request_id": "short"}, 400),
    ({"instruction": "\ud800"}, 400),
])
def test_bad_orders_are_refused(client: FlaskClient, change: dict, status: int) -> None:
    # As text: json.dumps writes a lone surrogate as the escape \ud800, as a client would send it.
    response = client.post("/api/v1/dispatches", data=json.dumps(order_body(**change)),
                           content_type="application/json")
    assert response.status_code == status and response.json["error"]["message"]


def test_an_order_that_cannot_be_stored_leaves_nothing_and_can_be_retried(app_, client: FlaskClient) -> None:
    engine = app_.server.extensions["cockpit"].appdb.engine
    with engine.begin() as conn:  # the targets' insert fails after the order's row was written
        conn.exec_driver_sql("CREATE TRIGGER boom BEFORE INSERT ON dispatch_target "
                             "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    failed = client.post("/api/v1/dispatches", json=order_body(request_id="retry-0001"))
    assert failed.status_code == 503 and "same request_id" in failed.json["error"]["message"]
    with engine.connect() as conn:
        counts = [conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                  for t in ("dispatch_order", "dispatch_target", "dispatch_event")]
        audited = conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'dispatch'").scalar()
    assert counts == [0, 0, 0] and audited == 0
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER boom")
    assert client.post("/api/v1/dispatches", json=order_body(request_id="retry-0001")).status_code == 201


def test_who_may_issue_and_progress(app_) -> None:
    leader, analyst = app_.server.test_client(), app_.server.test_client()
    sign_in_as(leader, "leader")
    sign_in_as(analyst, "analyst")
    assert analyst.post("/api/v1/dispatches", json=order_body()).status_code == 403
    assert analyst.get("/api/v1/dispatches?alert_id=A6").status_code == 200
    oid = leader.post("/api/v1/dispatches", json=order_body()).json["dispatch_id"]  # leaders command
    assert leader.post(f"/api/v1/dispatches/{oid}/status", json={"status": "received"}).status_code == 403
    elsewhere = app_.server.test_client()
    sign_in_as(elsewhere, "duty_officer", "141102")  # A6 lies in 141181
    assert elsewhere.post(f"/api/v1/dispatches/{oid}/status", json={"status": "received"}).status_code == 403
    assert elsewhere.get("/api/v1/cameras/nearby?alert_id=A6").status_code == 403


def test_orders_are_audited(app_, client: FlaskClient) -> None:
    oid = client.post("/api/v1/dispatches", json=order_body(request_id="audit-0001")).json["dispatch_id"]
    client.post("/api/v1/dispatches", json=order_body(request_id="audit-0001"))  # a replay: not again
    client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "received"})
    with app_.server.extensions["cockpit"].appdb.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT username, action, object, detail FROM audit_log "
                                    "WHERE action LIKE 'dispatch%' ORDER BY id").all()
    assert [tuple(r) for r in rows] == [
        ("duty_officer", "dispatch", f"dispatch:{oid}", "alert=A6 depts=XFZD resources=R0,R1"),
        ("duty_officer", "dispatch_status", f"dispatch:{oid}", "received")]


def test_overdue_orders_are_marked(app_, client: FlaskClient) -> None:
    oid = client.post("/api/v1/dispatches", json=order_body()).json["dispatch_id"]
    past = datetime.now(UTC) - timedelta(minutes=5)
    with app_.server.extensions["cockpit"].appdb.engine.begin() as conn:
        conn.execute(sa.text("UPDATE dispatch_order SET deadline = :d WHERE id = :i"),
                     {"d": past.strftime("%Y-%m-%d %H:%M:%S.%f"), "i": oid})
    assert client.get("/api/v1/dispatches?alert_id=A6").json["dispatches"][0]["overdue"] is True
    for step in ("received", "en_route", "on_site", "done"):
        client.post(f"/api/v1/dispatches/{oid}/status", json={"status": step})
    assert client.get("/api/v1/dispatches?alert_id=A6").json["dispatches"][0]["overdue"] is False
