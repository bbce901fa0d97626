"""A wall screen's session (role `screen`): no idle or absolute limit while screens.kiosk_session is on,
still ended at once by an administrator, and it signs in straight into /screen."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import flask
import pytest

from core.config import Config
from core.config_screens import ScreenSettings
from datasources.appdb import AppDB
from datasources.users import set_disabled, upsert_user
from tests.test_sessions import HOUR, MINUTE, Clock, assert_ended, make_server

DAY = 24 * HOUR


@pytest.fixture
def appdb(tmp_path: Path) -> AppDB:
    db = AppDB(f"sqlite:///{tmp_path}/app.db")
    db.migrate()
    upsert_user(db.engine, "wall", "right-pw", "screen")
    upsert_user(db.engine, "leader1", "right-pw", "leader")
    return db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from web import auth

    fake = Clock()
    monkeypatch.setattr(auth, "time", fake)
    return fake


def _sign_in(server: flask.Flask, username: str, next_path: str | None = None) -> tuple[flask.testing.FlaskClient, str]:
    client = server.test_client()
    data = {"username": username, "password": "right-pw"} | ({"next": next_path} if next_path else {})
    response = client.post("/login", data=data)
    assert response.status_code == 303
    return client, urlsplit(response.headers["Location"]).path


def test_a_screen_session_outlasts_the_idle_and_absolute_limits(appdb: AppDB, clock: Clock) -> None:
    server = make_server(appdb)
    wall, _ = _sign_in(server, "wall")
    leader, _ = _sign_in(server, "leader1")
    for _ in range(3 * 24 * 6):  # three days of a screen polling every 10 minutes
        clock.advance(10 * MINUTE)
        assert wall.get("/").status_code == 200
    assert_ended(leader)  # the same days end a leader's session (idle 30 min, 12 h in all)
    clock.advance(2 * DAY)  # switched off over a weekend, no request at all
    assert wall.get("/").get_data(as_text=True) == "home wall"


def test_an_administrator_still_ends_a_screen_session(appdb: AppDB, clock: Clock) -> None:
    server = make_server(appdb)
    wall, _ = _sign_in(server, "wall")
    clock.advance(DAY)
    appdb.bump_session_version("wall")  # what a change of password, role or scope does
    assert_ended(wall)
    wall, _ = _sign_in(server, "wall")
    set_disabled(appdb.engine, "wall", True)
    assert_ended(wall)


def test_with_kiosk_sessions_off_a_screen_session_ends_like_any_other(appdb: AppDB, clock: Clock) -> None:
    server = make_server(appdb, Config(screens=ScreenSettings(kiosk_session=False)))
    wall, _ = _sign_in(server, "wall")
    clock.advance(30 * MINUTE)
    assert_ended(wall)


def test_the_screen_cookie_survives_a_browser_restart_and_others_do_not(appdb: AppDB) -> None:
    server = make_server(appdb)
    response = server.test_client().post("/login", data={"username": "wall", "password": "right-pw"})
    assert "Expires=" in response.headers["Set-Cookie"]
    response = server.test_client().post("/login", data={"username": "leader1", "password": "right-pw"})
    assert "Expires=" not in response.headers["Set-Cookie"]


def test_a_screen_account_signs_in_straight_into_the_screen(appdb: AppDB) -> None:
    server = make_server(appdb)
    assert _sign_in(server, "wall")[1] == "/screen"
    assert _sign_in(server, "wall", "/screen/wall")[1] == "/screen/wall"
    assert _sign_in(server, "leader1")[1] == "/"
