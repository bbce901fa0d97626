"""Sign-in guard, login/logout and the user management command."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import flask
import pytest

from core.config import Config
from datasources.appdb import AppDB
from datasources.cache import make_cache
from datasources.users import get_user, set_disabled, upsert_user, verify_password
from web import throttle
from web.auth import current_user, ensure_admin, install_auth, secret_key_for

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def appdb(tmp_path: Path) -> AppDB:
    """A migrated SQLite app database with one leader."""
    db = AppDB(f"sqlite:///{tmp_path}/app.db")
    db.migrate()
    upsert_user(db.engine, "leader1", "right-pw", "leader", "110105", "王局")
    return db


def make_server(appdb: AppDB, cache_url: str | None = None) -> flask.Flask:
    """A minimal Flask app standing in for the Dash server, on its own cache unless `cache_url`."""
    app = flask.Flask(__name__)
    config = Config()
    app.extensions["cockpit"] = SimpleNamespace(
        appdb=appdb, config=config, warehouse=SimpleNamespace(cache=make_cache(cache_url)))
    app.secret_key = secret_key_for(config, appdb)
    install_auth(app)

    @app.route("/")
    def index() -> str:
        user = current_user()
        return f"home {user.username if user else '-'}"

    @app.route("/reports")
    def reports() -> str:
        return "reports"

    @app.route("/api/v1/health")
    def health() -> dict:
        return {"ok": True}

    @app.route("/api/v1/x")
    def api_x() -> dict:
        return {"user": current_user().username, "role": flask.session["role"]}

    @app.route("/_dash-update-component", methods=["POST"])
    def dash_update() -> dict:
        return {"response": {}}

    return app


@pytest.fixture
def server(appdb: AppDB) -> flask.Flask:
    """The stand-in server with an in-process cache of its own."""
    return make_server(appdb)


@pytest.fixture
def client(server: flask.Flask) -> flask.testing.FlaskClient:
    """A test client without a session."""
    return server.test_client()


def login(client: flask.testing.FlaskClient, username: str = "leader1", password: str = "right-pw",
          next_target: str | None = None, address: str = "127.0.0.1"):
    """POST the login form from client address `address`."""
    data = {"username": username, "password": password}
    if next_target is not None:
        data["next"] = next_target
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def audit_actions(appdb: AppDB) -> list[tuple]:
    """(username, action, detail) of every audit row, oldest first."""
    with appdb.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(
            "SELECT username, action, detail FROM audit_log ORDER BY id")]


def test_page_redirects_to_login_with_next(client) -> None:
    response = client.get("/reports?region=110105&tab=2")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/reports?region=110105&tab=2"]


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/x"), ("post", "/_dash-update-component"), ("get", "/_reload-hash"),
    ("get", "/_favicon.ico"), ("get", "/api/v2/anything"),
])
def test_api_and_dash_routes_get_401_json(client, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json()["error"]["status"] == 401
    assert response.get_json()["error"]["message"] == "请先登录"


def test_health_and_login_page_are_public(client) -> None:
    assert client.get("/api/v1/health").get_json() == {"ok": True}
    page = client.get("/login?next=/reports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "城市领导驾驶舱" in html and 'name="username"' in html and 'name="password"' in html
    assert 'name="next" value="/reports"' in html
    assert "<link" not in html and "<script" not in html


def test_login_success_redirects_to_next(client, appdb: AppDB) -> None:
    response = login(client, next_target="/reports?tab=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/reports?tab=2"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/").get_data(as_text=True) == "home leader1"
    assert client.get("/api/v1/x").get_json() == {"user": "leader1", "role": "leader"}
    assert client.post("/_dash-update-component").status_code == 200
    assert audit_actions(appdb) == [("leader1", "login", "")]


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "evil.example", "", "/\r\nSet-Cookie: x=1",
])
def test_open_redirects_go_home(client, target: str) -> None:
    response = login(client, next_target=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_wrong_password(client, appdb: AppDB) -> None:
    response = login(client, password="wrong")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "用户名或密码错误" in html and 'value="leader1"' in html
    assert client.get("/").status_code == 302
    login(client, username="nobody")
    assert audit_actions(appdb) == [("leader1", "login_failed", "wrong password"),
                                    ("nobody", "login_failed", "unknown user")]


def test_login_page_escapes_input(client) -> None:
    html = login(client, username='"><script>x</script>', password="x").get_data(as_text=True)
    assert "<script>x" not in html


def test_logout(client, appdb: AppDB) -> None:
    login(client)
    response = client.get("/logout")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert client.get("/").status_code == 302
    assert client.post("/logout").status_code == 302
    assert [a[1] for a in audit_actions(appdb)] == ["login", "logout"]


def test_disabled_user_is_rejected_on_next_request(client, appdb: AppDB) -> None:
    login(client)
    assert client.get("/").status_code == 200
    set_disabled(appdb.engine, "leader1", True)
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/x").status_code == 401
    set_disabled(appdb.engine, "leader1", False)
    # The session was dropped, so re-enabling does not sign the user back in by itself.
    assert client.get("/").status_code == 302
    response = login(client)
    assert response.status_code == 303
    set_disabled(appdb.engine, "leader1", True)
    assert login(client).status_code == 401


def test_role_change_ends_the_session_and_applies_at_the_next_sign_in(client, appdb: AppDB) -> None:
    login(client)
    upsert_user(appdb.engine, "leader1", "right-pw", "analyst")
    assert client.get("/api/v1/x").status_code == 401
    login(client)
    assert client.get("/api/v1/x").get_json() == {"user": "leader1", "role": "analyst"}


def test_session_cookie_from_another_key_is_ignored(server: flask.Flask, appdb: AppDB) -> None:
    forger = flask.Flask("forger")
    forger.secret_key = "not-the-key"
    with forger.test_request_context():
        flask.session["username"] = "leader1"
        cookie = forger.session_interface.get_signing_serializer(forger).dumps(dict(flask.session))
    client = server.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 302


def fail(client: flask.testing.FlaskClient, times: int, username: str = "leader1",
         address: str = "127.0.0.1") -> None:
    """`times` wrong passwords, each answered 401."""
    for _ in range(times):
        assert login(client, username, "wrong", address=address).status_code == 401


def assert_throttled(response) -> None:
    """Refused for the first delay: 429, Retry-After in seconds, the message in minutes."""
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "登录失败次数过多，请 1 分钟后再试。" in html
    assert 0 < int(response.headers["Retry-After"]) <= math.ceil(throttle.FIRST_DELAY_S)


def test_delays_grow_from_the_sixth_failure_up_to_a_cap() -> None:
    delays = [throttle.delay_after(n) for n in range(1, 14)]
    assert delays == [0, 0, 0, 0, 15, 30, 60, 120, 240, 480, 900, 900, 900]
    assert throttle.delay_after(10**6) == throttle.MAX_DELAY_S


def test_a_pair_is_slowed_down_even_with_the_right_password(client, appdb: AppDB) -> None:
    fail(client, throttle.FREE_FAILURES)
    response = login(client, next_target="/reports")
    assert_throttled(response)
    assert 'value="leader1"' in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in
    # The user name is compared case-insensitively.
    assert_throttled(login(client, "LEADER1"))
    # Refused attempts are neither checked nor audited, nor counted: only the failures are.
    assert [a[1] for a in audit_actions(appdb)] == ["login_failed"] * throttle.FREE_FAILURES
    assert 0 < throttle.throttled_for(appdb.engine, "leader1", "127.0.0.1") <= throttle.FIRST_DELAY_S


def test_each_further_failure_doubles_the_wait(client, appdb: AppDB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "FIRST_DELAY_S", 0.4)
    fail(client, throttle.FREE_FAILURES)
    waits = []
    for _ in range(3):
        wait = throttle.throttled_for(appdb.engine, "leader1", "127.0.0.1")
        waits.append(wait)
        assert login(client, password="wrong").status_code == 429  # during the wait: refused, not counted
        time.sleep(wait + 0.05)
        fail(client, 1)  # after it: checked, and one more failure
    assert waits == pytest.approx([0.4, 0.8, 1.6], abs=0.1)
    time.sleep(throttle.throttled_for(appdb.engine, "leader1", "127.0.0.1") + 0.05)
    assert login(client).status_code == 303  # no lock: the right password goes in once the wait is over


def test_the_right_password_from_another_address_is_not_held_up(client, appdb: AppDB) -> None:
    fail(client, throttle.FREE_FAILURES, address="10.1.1.1")
    assert_throttled(login(client, address="10.1.1.1"))
    # The officer at their own desk: a wrong guess there is an ordinary failure, the right one goes in.
    fail(client, 1, address="10.2.2.2")
    assert login(client, address="10.2.2.2").status_code == 303
    # Signing in forgets only that address's failures: the attacker's address still waits.
    assert_throttled(login(client, address="10.1.1.1"))


def test_a_flood_from_one_address_holds_up_no_other_user_there(client, appdb: AppDB) -> None:
    """One proxy or office address: someone guessing there costs the others behind it nothing."""
    upsert_user(appdb.engine, "analyst1", "other-pw", "analyst")
    for n in range(20):
        fail(client, 1, username=f"guess{n}", address="10.1.1.1")
    fail(client, throttle.FREE_FAILURES, address="10.1.1.1")
    assert_throttled(login(client, address="10.1.1.1"))
    assert login(client, "analyst1", "other-pw", address="10.1.1.1").status_code == 303
    # Nor is there a ceiling per address for unknown names: refusing only those would tell which names exist.
    fail(client, 1, username="guess-more", address="10.1.1.1")


def test_success_forgets_the_pair(client) -> None:
    fail(client, throttle.FREE_FAILURES - 1)
    assert login(client).status_code == 303
    client.get("/logout")
    fail(client, throttle.FREE_FAILURES - 1)
    assert login(client).status_code == 303


def test_failures_are_forgotten_a_day_after_the_last(client, appdb: AppDB, monkeypatch: pytest.MonkeyPatch) -> None:
    fail(client, throttle.FREE_FAILURES)
    assert_throttled(login(client))
    monkeypatch.setattr(throttle, "FORGET_AFTER_S", 0.3)
    time.sleep(0.35)
    assert throttle.throttled_for(appdb.engine, "leader1", "127.0.0.1") == 0
    # The count starts again from one, and the forgotten row is gone.
    assert throttle.count_failure(appdb.engine, "leader1", "127.0.0.1") == 1
    with appdb.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM login_failure").scalar_one() == 1


@pytest.mark.parametrize("cache", ["in-process", "redis"])
def test_two_apps_on_one_app_database_share_the_counts(tmp_path: Path, make_config, request, cache: str) -> None:
    """Two workers (two create_app on the same SQLite app database): the counts are in the app
    database, so they are shared with an in-process cache as with Redis."""
    from app import create_app

    cache_url = request.getfixturevalue("redis_url") if cache == "redis" else None
    config = make_config("postgresql+psycopg://postgres@127.0.0.1:1/none", cache_url=cache_url)
    first, second = (create_app(config).server.test_client() for _ in range(2))
    username = f"ghost-{uuid.uuid4().hex[:8]}"
    for n in range(throttle.FREE_FAILURES):
        assert login(first if n % 2 else second, username, "wrong").status_code == 401
    assert_throttled(login(first, username))
    assert_throttled(login(second, username.upper()))
    assert login(second, username, address="10.8.0.1", password="wrong").status_code == 401


def test_ensure_admin_and_secret(appdb: AppDB) -> None:
    ensure_admin(appdb, None)
    assert get_user(appdb.engine, "admin") is None
    ensure_admin(appdb, "first-Admin-pw")
    ensure_admin(appdb, "second-Admin-pw")
    assert verify_password(appdb.engine, "admin", "second-Admin-pw").role == "admin"
    assert verify_password(appdb.engine, "admin", "first-Admin-pw") is None
    assert secret_key_for(Config(secret_key="from-env"), appdb) == "from-env"
    assert secret_key_for(Config(), appdb) == secret_key_for(Config(), appdb) == \
        appdb.shared_secret("session_secret")


def run_users(tmp_path: Path, *args: str, password: str | None = "cli-Password-1") -> subprocess.CompletedProcess:
    """Run `python -m cli.users` against the test's app database."""
    config_file = tmp_path / "empty.yaml"
    config_file.write_text("", encoding="utf-8")
    env = {**os.environ, "COCKPIT_APP_DB_URL": f"sqlite:///{tmp_path}/app.db",
           "COCKPIT_CONFIG": str(config_file)}
    env.pop("COCKPIT_NEW_USER_PASSWORD", None)
    if password is not None:
        env["COCKPIT_NEW_USER_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "cli.users", *args], cwd=PROJECT_DIR, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                          start_new_session=True)  # no controlling tty: getpass must not wait on it


def test_cli_added_user_can_log_in(tmp_path: Path, client, appdb: AppDB) -> None:
    added = run_users(tmp_path, "add", "duty1", "--role", "duty_officer", "--region", "110105",
                      "--display-name", "值班员")
    assert added.returncode == 0, added.stderr
    assert "duty1" in added.stdout
    listed = run_users(tmp_path, "list")
    assert listed.returncode == 0 and "duty1\tduty_officer\t110105\t值班员" in listed.stdout
    assert login(client, "duty1", "cli-Password-1").status_code == 303

    assert run_users(tmp_path, "passwd", "duty1", password="new-Password-2").returncode == 0
    assert login(client, "duty1", "cli-Password-1").status_code == 401
    assert run_users(tmp_path, "disable", "duty1").returncode == 0
    assert login(client, "duty1", "new-Password-2").status_code == 401
    assert run_users(tmp_path, "enable", "duty1").returncode == 0
    assert login(client, "duty1", "new-Password-2").status_code == 303
    assert ("cli", "user_created") in {(u.split(":")[0], a) for u, a, _ in audit_actions(appdb) if u}


@pytest.mark.parametrize("args, message", [
    (("add", "x1", "--role", "mayor"), "invalid role 'mayor'"),
    (("add", "leader1", "--role", "leader"), "leader1"),
    (("add", "x1", "--role", "leader", "--region", "12"), "invalid region scope"),
    (("passwd", "ghost"), "ghost"),
    (("disable", "ghost"), "ghost"),
    (("frobnicate",), "invalid choice"),
    (("add", "x1"), "--role"),
])
def test_cli_bad_input_exits_2(tmp_path: Path, appdb: AppDB, args: tuple, message: str) -> None:
    result = run_users(tmp_path, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert get_user(appdb.engine, "x1") is None


def test_cli_without_password_exits_2(tmp_path: Path, appdb: AppDB) -> None:
    result = run_users(tmp_path, "add", "x1", "--role", "leader", password=None)
    assert result.returncode == 2
    assert get_user(appdb.engine, "x1") is None

