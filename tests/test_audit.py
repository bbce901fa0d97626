"""The audit log: every action the code records, the search API and its CSV, and append-only by source."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from core.audit import ACTIONS, PERSONAL_DATA_VIEWED
from core.i18n import t
from datasources.appdb import AppDB
from datasources.audit import audit, search_audit
from tests.alerts_warehouse import insert
from tests.conftest import sign_in_as, throwaway_pg_database
from tests.tiny_warehouse import build_tiny_warehouse
from web.audit import audit_personal_data_view

PROJECT = Path(__file__).resolve().parent.parent
GOOD_PW = "Yellow-River-2026"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('audit')}/tiny.db"
    build_tiny_warehouse(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a department to dispatch to
        insert(conn, "dim_department", [{"dept_code": "XFZD", "name": "消防救援支队"}])
    engine.dispose()
    return url


@pytest.fixture
def app_client(warehouse: str, make_config) -> FlaskClient:
    app = create_app(make_config(warehouse))

    # Stands in for a page that shows unmasked personal data (none does yet).
    def show_household() -> str:
        audit_personal_data_view("household:H1", "contact details")
        return "ok"

    app.server.add_url_rule("/test-personal-data", "test_personal_data", show_household)
    return app.server.test_client()


def _events(client: FlaskClient, query: str = "") -> list[dict]:
    response = client.get(f"/api/v1/admin/audit{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["events"]


def _export(client: FlaskClient):
    """The economy page's CSV export of the trend chart of 141102 (as tests/test_access_matrix.py)."""
    chart = {"type": "economy-export", "chart": "trend", "fmt": "csv", "at": "trend"}
    view = {"region": "141102", "indicator": "GDP", "period": "2026-09", "measure": "value",
            "query": {"indicator": "GDP", "period": None, "measure": None}}
    body = {"output": "economy-download.data", "outputs": {"id": "economy-download", "property": "data"},
            "inputs": [[{"id": chart, "property": "n_clicks", "value": 1}]],
            "state": [{"id": "economy-view", "property": "data", "value": view}],
            "changedPropIds": [json.dumps(chart, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    return client.post("/_dash-update-component", json=body, environ_base={"REMOTE_ADDR": "10.0.0.5"})


def _do_everything(client: FlaskClient) -> None:
    """One of each audited action, from client address 10.0.0.5 where there is a request."""
    addr = {"environ_base": {"REMOTE_ADDR": "10.0.0.5"}}
    assert client.post("/login", data={"username": "nobody", "password": "x"}, **addr).status_code == 401
    sign_in_as(client, "leader")  # login
    assert _export(client).status_code == 200
    assert client.get("/test-personal-data", **addr).status_code == 200
    assert client.get("/logout", **addr).status_code == 302
    sign_in_as(client, "duty_officer")
    action = {"action": "acknowledge", "request_id": "req-000001"}
    assert client.post("/api/v1/alerts/A1/actions", json=action, **addr).status_code == 200
    assert client.post("/api/v1/alerts/A1/actions", json=action, **addr).json["duplicate"] is True
    order = {"alert_id": "A1", "dept_codes": ["XFZD"], "instruction": "赶赴现场", "request_id": "order-000001",
             "deadline": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}
    oid = client.post("/api/v1/dispatches", json=order, **addr).json["dispatch_id"]
    assert client.post("/api/v1/dispatches", json=order, **addr).json["duplicate"] is True
    assert client.post(f"/api/v1/dispatches/{oid}/status", json={"status": "received"}, **addr).status_code == 200
    sign_in_as(client, "analyst")
    note = {"indicator_code": "GDP", "period": "2026-06", "text": "政策出台"}
    nid = client.post("/api/v1/annotations", json=note, **addr).json["id"]
    assert client.patch(f"/api/v1/annotations/{nid}", json={"text": "政策落地"}, **addr).status_code == 200
    sign_in_as(client, "admin")
    body = {"username": "wang", "password": GOOD_PW, "role": "leader"}
    assert client.post("/api/v1/admin/users", json=body, **addr).status_code == 201
    assert client.patch("/api/v1/admin/users/wang", json={"disabled": True}, **addr).status_code == 200


def test_every_action_the_code_produces_is_recorded(app_client: FlaskClient) -> None:
    _do_everything(app_client)
    events = _events(app_client, "?limit=1000")
    assert {e["action"] for e in events} == set(ACTIONS)
    assert all(set(e) == {"at", "actor", "action", "object", "address", "detail"} for e in events)
    by_action: dict[str, list[dict]] = {}
    for event in events:
        by_action.setdefault(event["action"], []).append(event)

    def one(action: str) -> dict:
        return by_action[action][-1]  # the oldest of its kind

    assert one("admin_password_set") == {**one("admin_password_set"), "actor": None, "object": "admin",
                                         "address": None}
    assert one("login_failed")["actor"] == "nobody" and one("login_failed")["detail"] == "unknown user"
    assert [e["actor"] for e in by_action["login"]] == ["admin", "analyst", "duty_officer", "leader"]  # newest first
    assert by_action["logout"][0]["actor"] == "leader" and by_action["logout"][0]["address"] == "10.0.0.5"
    export = one("export")
    assert (export["actor"], export["address"]) == ("leader", "10.0.0.5")
    assert export["object"].endswith(".csv") and "economy trend csv region=141102" in export["detail"]
    assert [(e["actor"], e["object"], e["detail"], e["address"]) for e in by_action["alert_action"]] == \
        [("duty_officer", "A1", "acknowledge", "10.0.0.5")]  # the replay is not recorded again
    assert [(e["actor"], e["object"], e["detail"], e["address"]) for e in by_action["dispatch"]] == \
        [("duty_officer", "dispatch:1", "alert=A1 depts=XFZD resources=", "10.0.0.5")]  # once
    assert [(e["object"], e["detail"]) for e in by_action["dispatch_status"]] == [("dispatch:1", "received")]
    assert [(e["actor"], e["object"], e["address"]) for e in by_action["annotation_added"]] == \
        [("analyst", "annotation:1", "10.0.0.5")] and "政策出台" in one("annotation_added")["detail"]
    assert one("annotation_changed")["detail"] == "text=政策落地"
    created, changed = one("user_created"), one("user_changed")
    assert (created["actor"], created["object"], created["address"]) == ("admin", "wang", "10.0.0.5")
    assert "role=leader" in created["detail"] and GOOD_PW not in json.dumps(events)
    assert (changed["object"], changed["detail"]) == ("wang", "disabled=true")
    viewed = one(PERSONAL_DATA_VIEWED)
    assert (viewed["actor"], viewed["object"], viewed["address"]) == ("leader", "household:H1", "10.0.0.5")
    # Newest first, timestamps in UTC.
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    assert all(e["at"].endswith("Z") for e in events)


def test_password_changes_by_role_are_audited_without_the_password(app_client: FlaskClient) -> None:
    sign_in_as(app_client, "admin")
    app_client.post("/api/v1/admin/users", json={"username": "wang", "password": GOOD_PW, "role": "leader"})
    app_client.patch("/api/v1/admin/users/wang", json={"password": "Fen-River-2027", "role": "analyst"})
    changed = _events(app_client, "?action=user_changed")[0]
    assert changed["detail"] == "role=analyst password"
    assert "Fen-River" not in json.dumps(_events(app_client, "?limit=1000"))


def test_filters(app_client: FlaskClient) -> None:
    _do_everything(app_client)
    assert {e["actor"] for e in _events(app_client, "?actor=duty_officer")} == {"duty_officer"}
    assert {e["action"] for e in _events(app_client, "?action=logout")} == {"logout"}
    both = _events(app_client, "?actor=admin&action=user_created")
    assert [(e["actor"], e["action"], e["object"]) for e in both] == [("admin", "user_created", "wang")]
    assert _events(app_client, "?actor=nobody-at-all") == []
    # A bare date is a day in the cockpit's time zone (core/audit.parse_bound): count days there,
    # or from 16:00 UTC on, "tomorrow" in UTC is already today in Beijing.
    now = datetime.now(ZoneInfo(app_client.application.extensions["cockpit"].config.timezone))
    tomorrow, yesterday = (now + timedelta(days=1)).date().isoformat(), (now - timedelta(days=2)).date().isoformat()
    everything = _events(app_client, "?limit=1000")
    assert _events(app_client, f"?since={tomorrow}") == []
    assert _events(app_client, f"?until={yesterday}") == []
    assert _events(app_client, f"?since={yesterday}&until={tomorrow}&limit=1000") == everything
    middle = everything[len(everything) // 2]["at"]
    newer = _events(app_client, f"?since={middle}&limit=1000")
    older = _events(app_client, f"?until={middle}&limit=1000")
    assert newer + older == everything  # since inclusive, until exclusive
    first = app_client.get("/api/v1/admin/audit?limit=1").json
    assert len(first["events"]) == 1 and first["more"] is True and first["events"][0] == everything[0]
    assert app_client.get("/api/v1/admin/audit?limit=1000").json["more"] is False


@pytest.mark.parametrize("query, message", [
    ("since=yesterday", "since must be an ISO 8601 date"), ("until=2026-13-01", "until must be an ISO 8601 date"),
    ("since=9999-12-31T23:59:59-14:00", "since"), ("until=9999-12-31", "until"),
    ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("limit=%C2%B2", "limit"),
    ("actor=" + "x" * 65, "actor"), ("action=%00", "action"),
])
def test_bad_filters_are_400(app_client: FlaskClient, query: str, message: str) -> None:
    sign_in_as(app_client, "admin")
    for path in ("/api/v1/admin/audit", "/api/v1/admin/audit.csv"):
        if path.endswith(".csv") and query.startswith("limit"):
            continue
        response = app_client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert message in response.json["error"]["message"]


def test_csv_download(app_client: FlaskClient) -> None:
    _do_everything(app_client)
    # A stranger's "user name" must not become a formula in a spreadsheet.
    app_client.post("/login", data={"username": "=HYPERLINK(\"http://x\")", "password": "x"})
    response = app_client.get("/api/v1/admin/audit.csv?action=login_failed")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [t(f"admin.audit.{f}", "zh") for f in ("at", "actor", "action", "object", "address",
                                                              "detail")]
    assert {r[2] for r in rows[1:]} == {"login_failed"} and len(rows) == 3
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[2][1] == "nobody"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", rows[1][0])  # the cockpit's time zone
    # The download is itself an export in the log.
    export = _events(app_client, "?action=export")[0]
    assert (export["actor"], export["object"]) == ("admin", "audit.csv")
    assert "2 events" in export["detail"] and "action=login_failed" in export["detail"]


def test_the_page_download_is_audited(app_client: FlaskClient) -> None:
    sign_in_as(app_client, "admin")
    body = {"output": "admin-audit-download.data", "outputs": {"id": "admin-audit-download", "property": "data"},
            "inputs": [{"id": "admin-audit-csv", "property": "n_clicks", "value": 1}],
            "state": [{"id": f"admin-{k}", "property": "value", "value": v}
                      for k, v in (("actor", "admin"), ("action", None), ("since", None), ("until", None))],
            "changedPropIds": ["admin-audit-csv.n_clicks"]}
    response = app_client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    download = response.json["response"]["admin-audit-download"]["data"]
    assert download["filename"].startswith("审计日志_") and download["base64"]
    export = _events(app_client, "?action=export")[0]
    assert export["object"] == download["filename"] and "actor=admin" in export["detail"]


@pytest.fixture(params=["sqlite", "postgresql"])
def appdb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppDB]:
    if request.param == "sqlite":
        db = AppDB(f"sqlite:///{tmp_path}/app.db")
        db.migrate()
        yield db
        return
    with throwaway_pg_database("cockpit_test_audit") as url:
        db = AppDB(url)
        db.migrate()
        yield db
        db.engine.dispose()


def test_search_on_both_engines(appdb: AppDB) -> None:
    start = datetime.now(UTC)
    for n in range(5):
        audit(appdb.engine, f"user{n % 2}", "login", f"n={n}", "10.0.0.1", None)
    audit(appdb.engine, "x" * 100, "a" * 100, "long values are cut", "1" * 100, "o" * 300)
    events = search_audit(appdb.engine, limit=100)
    assert [e.detail for e in events] == ["long values are cut", *[f"n={n}" for n in range(4, -1, -1)]]
    assert (len(events[0].actor), len(events[0].action), len(events[0].address), len(events[0].object)) == \
        (64, 64, 64, 256)
    assert all(e.at.tzinfo is not None and start <= e.at <= datetime.now(UTC) for e in events)
    assert [e.detail for e in search_audit(appdb.engine, actor="user1")] == ["n=3", "n=1"]
    assert search_audit(appdb.engine, since=datetime.now(UTC)) == []
    assert len(search_audit(appdb.engine, until=datetime.now(UTC) + timedelta(seconds=1))) == 6
    assert len(search_audit(appdb.engine, limit=2)) == 2


def _source_files() -> list[Path]:
    return sorted(p for pkg in ("app.py", "core", "datasources", "services", "components", "web", "pages", "cli",
                                "demo", "scripts", "bench")
                  for p in ([PROJECT / pkg] if pkg.endswith(".py") else (PROJECT / pkg).rglob("*.py")))


def test_no_code_updates_or_deletes_audit_rows() -> None:
    """Append-only: no UPDATE, DELETE or TRUNCATE of audit_log anywhere in the code."""
    sql = re.compile(r"\b(update\s+audit_log|delete\s+from\s+audit_log|truncate\s+(table\s+)?audit_log"
                     r"|drop\s+table\s+(if\s+exists\s+)?audit_log)\b", re.IGNORECASE)
    core = re.compile(r"\b(update|delete)\(\s*_?audit", re.IGNORECASE)
    wrong = [f"{path.relative_to(PROJECT)}:{n}" for path in _source_files()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if sql.search(line) or core.search(line)]
    assert wrong == []
    # The one module that writes the table has an insert and a select, nothing else.
    module = (PROJECT / "datasources" / "audit.py").read_text(encoding="utf-8")
    assert "sa.insert(_audit_log)" in module
    assert not re.search(r"\b(update|delete)\s*\(|\.(update|delete)\b|exec_driver_sql|sa\.text", module)
    # …and no other served module names the table, except the migrations that create it.
    naming = {str(p.relative_to(PROJECT)) for p in _source_files()
              if "audit_log" in p.read_text(encoding="utf-8")}
    assert naming == {"datasources/audit.py", "datasources/appdb.py"}


def test_a_user_change_is_not_made_without_its_audit_row(app_client: FlaskClient,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlalchemy.exc

    from services import accounts

    sign_in_as(app_client, "admin")
    assert app_client.post("/api/v1/admin/users",
                           json={"username": "wang", "password": GOOD_PW, "role": "leader"}).status_code == 201

    def broken(*_args: object, **_kwargs: object) -> None:
        raise sqlalchemy.exc.OperationalError("INSERT INTO audit_log", {}, Exception("disk full"))

    monkeypatch.setattr(accounts, "audit_in", broken)
    assert app_client.patch("/api/v1/admin/users/wang", json={"role": "analyst"}).status_code == 503
    assert app_client.post("/api/v1/admin/users",
                           json={"username": "li", "password": GOOD_PW, "role": "leader"}).status_code == 503
    monkeypatch.undo()
    users = {u["username"]: u for u in app_client.get("/api/v1/admin/users").json["users"]}
    assert users["wang"]["role"] == "leader" and "li" not in users
