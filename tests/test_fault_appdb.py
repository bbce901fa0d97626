"""The app database (PostgreSQL, a private cluster of this test's own) stopped and started again.

Health says so; signed-in users keep reading as their session's last known user; sign-in
answers 503 with a clear message; an alert action answers 503 "not saved, kept for retry" with
its request_id, and the retry with that id after the database returns stores it exactly once.
"""
from __future__ import annotations

import sqlalchemy as sa

from app import create_app
from datasources.users import upsert_user
from tests.conftest import ADMIN_PASSWORD, sign_in_as
from tests.private_services import private_postgres


def _actions(url: str, request_id: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM alert_action WHERE request_id = :r"), {"r": request_id}).scalar()
    engine.dispose()
    return int(n)


def test_app_db_down_reads_go_on_actions_kept_for_retry_and_stored_once(alerts_url: str, make_config) -> None:
    with private_postgres() as pg:
        app = create_app(make_config(alerts_url, app_db_url=pg.url))
        officer = app.server.test_client()
        sign_in_as(officer, "duty_officer")
        upsert_user(app.server.extensions["cockpit"].appdb.engine, "wang", ADMIN_PASSWORD, "analyst")
        assert officer.get("/api/v1/health").json["app_db"] == "ok"
        summary = officer.get("/api/v1/summary").json

        pg.stop()
        health = officer.get("/api/v1/health")
        assert health.status_code == 200
        assert health.json["status"] == "degraded" and health.json["app_db"] == "unreachable"
        assert health.json["warehouse"] == "ok"
        # Signed in before: pages still open for the last known user, never a 500.
        for path in ("/", "/alerts", "/alerts/A6", "/economy"):
            response = officer.get(path)
            assert response.status_code == 200, path
        assert officer.get("/_dash-layout").status_code == 200
        # Whatever needs the officers' actions says why it cannot answer now.
        listing = officer.get("/api/v1/alerts")
        assert listing.status_code == 503 and "application database" in listing.json["error"]["message"]
        assert officer.get("/api/v1/summary").status_code == 503
        # Signing in cannot be checked now: 503 with a message, not a 500.
        newcomer = app.server.test_client()
        refused = newcomer.post("/login", data={"username": "wang", "password": ADMIN_PASSWORD})
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
        assert "应用数据库暂不可用" in refused.get_data(as_text=True)
        assert newcomer.get("/api/v1/summary").status_code == 401  # still no way in without signing in

        body = {"action": "acknowledge", "request_id": "retry-me-0001"}
        kept = officer.post("/api/v1/alerts/A6/actions", json=body)
        assert kept.status_code == 503
        assert kept.json["request_id"] == "retry-me-0001" and kept.json["saved"] is False
        assert "kept for retry" in kept.json["error"]["message"]
        # A client that sent no request_id is given one to retry with.
        generated = officer.post("/api/v1/alerts/A6/actions", json={"action": "acknowledge"})
        assert generated.status_code == 503 and len(generated.json["request_id"]) >= 16

        pg.start()
        first = officer.post("/api/v1/alerts/A6/actions", json=body)
        assert first.status_code == 200 and first.json["duplicate"] is False
        assert first.json["state"]["status"] == "acknowledged"
        again = officer.post("/api/v1/alerts/A6/actions", json=body)
        assert again.status_code == 200 and again.json["duplicate"] is True
        assert _actions(pg.url.split("?")[0], "retry-me-0001") == 1
        assert officer.get("/api/v1/health").json["status"] == "ok"
        assert officer.get("/api/v1/summary").json["region_code"] == summary["region_code"]
        assert newcomer.post("/login", data={"username": "wang", "password": ADMIN_PASSWORD}).status_code == 303


def test_last_known_user_keeps_scope_and_time_limits(alerts_url: str, make_config) -> None:
    with private_postgres() as pg:
        app = create_app(make_config(alerts_url, app_db_url=pg.url))
        scoped = app.server.test_client()
        sign_in_as(scoped, "analyst", "141102")
        pg.stop()
        # Still the analyst of 141102: another county is refused, their own is read.
        assert scoped.get("/api/v1/indicators/GDP/values?region=141181").status_code == 403
        assert scoped.get("/api/v1/indicators/GDP/values?region=141102").status_code == 200
        # A session whose cookie holds no user (signed out) stays out.
        stranger = app.server.test_client()
        assert stranger.get("/api/v1/indicators").status_code == 401


def test_page_action_kept_in_the_form_and_stored_once_on_retry(dash_duo, alerts_url: str, make_config) -> None:
    from selenium.webdriver.common.by import By

    from tests.browser import click_live, console_errors, start_signed_in, wait_live

    with private_postgres() as pg:
        start_signed_in(dash_duo, make_config(alerts_url, app_db_url=pg.url), "/alerts/A6", "duty_officer")
        driver = dash_duo.driver
        dash_duo.wait_for_element("#alert-action-note", timeout=20)
        note = driver.find_element(By.ID, "alert-action-text")
        note.send_keys("山体监测已到场")
        pg.stop()
        click_live(driver, "#alert-action-note")
        wait_live(driver, lambda d: "未保存" in d.find_element(By.ID, "alert-action-message").text, 20)
        assert "已保留" in driver.find_element(By.ID, "alert-action-message").text
        assert driver.find_element(By.ID, "alert-action-text").get_attribute("value") == "山体监测已到场"
        # Reading goes on meanwhile: the page is still there, its detail still shown.
        assert "山体滑坡隐患" in driver.find_element(By.ID, "alert-detail-body").text

        pg.start()
        click_live(driver, "#alert-action-note")
        wait_live(driver, lambda d: "已记录" in d.find_element(By.ID, "alert-action-message").text, 20)
        engine = sa.create_engine(pg.url.split("?")[0])
        with engine.connect() as conn:
            notes = conn.execute(sa.text("SELECT note FROM alert_action WHERE alert_id = 'A6'")).scalars().all()
        engine.dispose()
        assert notes == ["山体监测已到场"]  # stored once, with the text kept through the outage
        # The failed attempt's 503-free callback answers leave nothing in the console.
        assert console_errors(dash_duo) == []
