"""Sessions: the cookie's flags, idle and absolute limits, ending every session of a user at once,
and real client addresses behind trusted proxies (docs/security.md, "Sessions")."""
from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import flask
import pytest

from core.config import Config, load_config
from core.config_checks import ConfigError
from datasources.appdb import AppDB
from datasources.users import get_user, set_disabled, upsert_user
from web import auth
from web.auth import current_user, install_auth

MINUTE, HOUR = 60.0, 3600.0


@pytest.fixture
def appdb(tmp_path: Path) -> AppDB:
    """A migrated SQLite app database with one leader."""
    db = AppDB(f"sqlite:///{tmp_path}/app.db")
    db.migrate()
    upsert_user(db.engine, "leader1", "right-pw", "leader", "110105")
    return db


class Clock:
    """web/auth.py's `time`, moved by hand; nothing else's."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(auth, "time", fake)
    return fake


def make_server(appdb: AppDB, config: Config | None = None) -> flask.Flask:
    """A minimal Flask app standing in for the Dash server."""
    app = flask.Flask(__name__)
    app.extensions["cockpit"] = SimpleNamespace(appdb=appdb, config=config or Config())
    app.secret_key = "test-secret"
    install_auth(app)

    @app.route("/")
    def index() -> str:
        return f"home {current_user().username}"

    @app.route("/api/v1/x")
    def api_x() -> dict:
        return {"user": current_user().username}

    @app.route("/_dash-update-component", methods=["POST"])
    def dash_update() -> dict:
        return {"response": {}}

    return app


@pytest.fixture
def server(appdb: AppDB) -> flask.Flask:
    return make_server(appdb)


def signed_in(server: flask.Flask, **kwargs) -> flask.testing.FlaskClient:
    client = server.test_client()
    response = client.post("/login", data={"username": "leader1", "password": "right-pw"}, **kwargs)
    assert response.status_code == 303
    return client


def assert_ended(client: flask.testing.FlaskClient) -> None:
    """Pages go to the sign-in form (and back afterwards), the API and Dash get 401."""
    page = client.get("/?tab=2")
    assert page.status_code == 302
    assert urlsplit(page.headers["Location"]).path == "/login"
    assert client.get("/api/v1/x").status_code == 401
    assert client.post("/_dash-update-component").status_code == 401


def test_cookie_is_http_only_same_site_lax_and_not_secure_by_default(server: flask.Flask) -> None:
    cookie = server.test_client().post("/login", data={"username": "leader1", "password": "right-pw"}) \
        .headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Expires" not in cookie  # a browser-session cookie: the limits below end it on the server


def test_cookie_is_secure_when_served_over_https(appdb: AppDB) -> None:
    server = make_server(appdb, Config(session_secure_cookie=True))
    response = server.test_client().post("/login", data={"username": "leader1", "password": "right-pw"},
                                         base_url="https://cockpit.example")
    assert "; Secure" in response.headers["Set-Cookie"]


def test_idle_session_ends(server: flask.Flask, clock: Clock) -> None:
    client = signed_in(server)
    for _ in range(4):  # in use: every 29 minutes for two hours
        clock.advance(29 * MINUTE)
        assert client.get("/").status_code == 200
    clock.advance(30 * MINUTE)
    assert_ended(client)


def test_idle_limit_is_configurable(appdb: AppDB, clock: Clock) -> None:
    client = signed_in(make_server(appdb, Config(session_idle_minutes=5)))
    clock.advance(4 * MINUTE)
    assert client.get("/").status_code == 200
    clock.advance(5 * MINUTE)
    assert_ended(client)


def test_session_ends_after_the_absolute_limit_however_busy(server: flask.Flask, clock: Clock) -> None:
    client = signed_in(server)
    for _ in range(int(12 * HOUR / (10 * MINUTE)) - 1):
        clock.advance(10 * MINUTE)
        assert client.get("/api/v1/x").status_code == 200
    clock.advance(10 * MINUTE)  # 12 hours after signing in
    assert_ended(client)
    assert signed_in(server).get("/").status_code == 200  # a new sign-in starts a new 12 hours


def test_last_seen_is_rewritten_at_most_once_a_minute(server: flask.Flask, clock: Clock) -> None:
    client = signed_in(server)
    set_cookie = []
    for step in (10, 20, 31, 5, 40, 30):
        clock.advance(step)
        response = client.get("/")
        assert response.status_code == 200
        set_cookie.append("Set-Cookie" in response.headers)
    # At +10, +30 s: unchanged; +61 s: rewritten; +66, +106 s: unchanged; +136 s: rewritten.
    assert set_cookie == [False, False, True, False, False, True]


def test_sign_out_ends_a_copied_cookie(server: flask.Flask, appdb: AppDB) -> None:
    client = signed_in(server)
    cookie = client.get_cookie("session").value
    copy = server.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/").get_data(as_text=True) == "home leader1"
    assert client.get("/logout").status_code == 302
    assert client.get_cookie("session") is None
    assert_ended(copy)
    # The old cookie cannot sign the user out again elsewhere: only a live session bumps the version.
    version = get_user(appdb.engine, "leader1").session_version
    other = signed_in(server)
    stale = server.test_client()
    stale.set_cookie("session", cookie)
    stale.get("/logout")
    assert get_user(appdb.engine, "leader1").session_version == version
    assert other.get("/").status_code == 200


def test_sign_out_in_one_browser_ends_the_others(server: flask.Flask) -> None:
    office, home = signed_in(server), signed_in(server)
    assert home.get("/").status_code == 200
    office.post("/logout")
    assert_ended(home)
    assert signed_in(server).get("/").status_code == 200


def test_password_change_and_disabling_end_sessions(server: flask.Flask, appdb: AppDB) -> None:
    client = signed_in(server)
    upsert_user(appdb.engine, "leader1", "new-password-1", "leader", "110105")
    assert_ended(client)
    client = server.test_client()
    assert client.post("/login", data={"username": "leader1", "password": "new-password-1"}).status_code == 303
    # Disabled and enabled again before the session's next request: it has ended all the same.
    set_disabled(appdb.engine, "leader1", True)
    set_disabled(appdb.engine, "leader1", False)
    assert_ended(client)


def test_bump_session_version(server: flask.Flask, appdb: AppDB) -> None:
    client = signed_in(server)
    before = get_user(appdb.engine, "leader1")
    appdb.bump_session_version("leader1")
    after = get_user(appdb.engine, "leader1")
    assert after.session_version == before.session_version + 1
    assert (after.role, after.region_scope, after.disabled) == (before.role, before.region_scope, before.disabled)
    assert_ended(client)
    with pytest.raises(LookupError):
        appdb.bump_session_version("nobody")


def test_a_session_from_before_these_limits_ends(server: flask.Flask) -> None:
    """A cookie signed before the upgrade (no version, no times) is not honoured."""
    with server.test_request_context():
        cookie = server.session_interface.get_signing_serializer(server).dumps(
            {"username": "leader1", "role": "leader", "region_scope": "110105"})
    client = server.test_client()
    client.set_cookie("session", cookie)
    assert_ended(client)


# Behind trusted proxies: the full app, as gunicorn serves it.

@pytest.fixture
def proxied_app(make_config):
    """create_app behind `trusted_proxies` proxies."""
    from app import create_app

    def build(trusted_proxies: int) -> flask.Flask:
        config = make_config("postgresql+psycopg://postgres@127.0.0.1:1/none", trusted_proxies=trusted_proxies)
        return create_app(config).server

    return build


def audit_addresses(server: flask.Flask) -> list[tuple]:
    with server.extensions["cockpit"].appdb.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(
            "SELECT action, ip FROM audit_log WHERE action LIKE 'login%' ORDER BY id")]


def proxied_login(client, password: str, forwarded_for: str) -> int:
    return client.post("/login", data={"username": "admin", "password": password},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code


def test_behind_a_trusted_proxy_the_client_address_counts(proxied_app) -> None:
    from tests.conftest import ADMIN_PASSWORD
    from web import throttle

    server = proxied_app(1)
    client = server.test_client()
    for _ in range(throttle.FREE_FAILURES):
        assert proxied_login(client, "wrong", "203.0.113.7") == 401
    assert proxied_login(client, ADMIN_PASSWORD, "203.0.113.7") == 429
    # Another client behind the same proxy (same REMOTE_ADDR) is not held up.
    assert proxied_login(client, ADMIN_PASSWORD, "198.51.100.20") == 303
    assert audit_addresses(server)[-1] == ("login", "198.51.100.20")
    assert {ip for _, ip in audit_addresses(server)} == {"203.0.113.7", "198.51.100.20"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(proxied_app) -> None:
    from tests.conftest import ADMIN_PASSWORD

    server = proxied_app(0)
    assert proxied_login(server.test_client(), ADMIN_PASSWORD, "203.0.113.7") == 303
    assert audit_addresses(server) == [("login", "127.0.0.1")]


def test_a_trusted_proxy_passes_on_the_host_and_scheme(proxied_app) -> None:
    """The same-site rule compares Origin with the Host the browser used (X-Forwarded-Host)."""
    from tests.conftest import ADMIN_PASSWORD

    headers = {"Origin": "https://cockpit.example", "Host": "127.0.0.1:8050",
               "X-Forwarded-Host": "cockpit.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    data = {"username": "admin", "password": ADMIN_PASSWORD}
    assert proxied_app(0).test_client().post("/login", data=data, headers=headers).status_code == 403
    assert proxied_app(1).test_client().post("/login", data=data, headers=headers).status_code == 303


def test_config_keys_and_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("", encoding="utf-8")
    config = load_config({"COCKPIT_CONFIG": str(path)})
    assert (config.session_secure_cookie, config.session_idle_minutes, config.session_absolute_hours,
            config.trusted_proxies) == (False, 30, 12, 0)
    path.write_text("session: {secure_cookie: true, idle_minutes: 15, absolute_hours: 8.5}\n"
                    "server: {trusted_proxies: 1}\n", encoding="utf-8")
    config = load_config({"COCKPIT_CONFIG": str(path)})
    assert (config.session_secure_cookie, config.session_idle_minutes, config.session_absolute_hours,
            config.trusted_proxies) == (True, 15, 8.5, 1)


@pytest.mark.parametrize(("text", "key"), [
    ("session: {secure_cookie: 'yes'}\n", "session.secure_cookie"),
    ("session: {idle_minutes: 0}\n", "session.idle_minutes"),
    ("session: {absolute_hours: -1}\n", "session.absolute_hours"),
    ("session: {same_site: Strict}\n", "session.same_site"),
    ("server: {trusted_proxies: true}\n", "server.trusted_proxies"),
    ("server: {trusted_proxies: -1}\n", "server.trusted_proxies"),
])
def test_bad_session_and_proxy_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config({"COCKPIT_CONFIG": str(path)})
    assert str(info.value).startswith(key)
