"""Every role, scoped and unscoped, against every page, callback family, API route and export.

The expected answers are written out here from docs/security.md's matrix, not read from
core/permissions.py, so a change to the matrix must change this file too.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.tiny_warehouse import build_tiny_warehouse

ROLES = ("leader", "duty_officer", "analyst", "screen", "admin")
# What each role may do, by hand from docs/security.md.
MAY_VIEW = {"leader", "duty_officer", "analyst", "admin"}
MAY_SEE_OVERVIEW = {"leader", "duty_officer", "analyst", "screen", "admin"}
MAY_EXPORT = {"leader", "analyst"}
MAY_ACT = {"duty_officer"}
MAY_ANNOTATE = {"leader", "analyst"}
MAY_DISPATCH = {"leader", "duty_officer"}
PAGES = {"/": MAY_SEE_OVERVIEW, "/economy": MAY_VIEW, "/alerts": MAY_VIEW, "/projects": MAY_VIEW,
         "/alerts/A1": MAY_VIEW, "/projects/P1": MAY_VIEW, "/poverty": MAY_VIEW, "/poverty/141102": MAY_VIEW,
         "/briefing": MAY_VIEW, "/map": MAY_VIEW, "/screen": MAY_SEE_OVERVIEW, "/screen/wall": MAY_SEE_OVERVIEW,
         "/dispatch?alert=A1": MAY_VIEW}
HOME, OTHER = "141102", "141181"  # two counties of the tiny warehouse's city 141100


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('matrix')}/tiny.db"
    build_tiny_warehouse(url)
    return url


@pytest.fixture
def app_client(warehouse: str, make_config) -> FlaskClient:
    return create_app(make_config(warehouse)).server.test_client()


def _router(client: FlaskClient, path: str) -> str:
    pathname, _, search = path.partition("?")
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": "?" + search if search else ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def _callback(client: FlaskClient, output: str, outputs: list[dict], inputs: list[dict], state: list[dict],
              changed: str):
    body = {"output": output, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "state": state, "changedPropIds": [changed]}
    return client.post("/_dash-update-component", json=body)


def _economy_view(region: str) -> dict:
    return {"region": region, "indicator": "GDP", "period": "2026-09", "measure": "value",
            "query": {"indicator": "GDP", "period": None, "measure": None}}


def _export(client: FlaskClient, region: str):
    chart = {"type": "economy-export", "chart": "trend", "fmt": "csv", "at": "trend"}
    return _callback(client, "economy-download.data", [{"id": "economy-download", "property": "data"}],
                     [[{"id": chart, "property": "n_clicks", "value": 1}]],
                     [{"id": "economy-view", "property": "data", "value": _economy_view(region)}],
                     json.dumps(chart, separators=(",", ":"), sort_keys=True) + ".n_clicks")


def _show_region(client: FlaskClient, region: str):
    outputs = [{"id": "economy-kpis", "property": "children"}]
    for chart in ("trend", "progress"):
        outputs.append({"id": {"chart": chart, "type": "economy-graph"}, "property": "figure"})
    outputs.append({"id": "economy-progress-note", "property": "children"})
    outputs += [{"id": "economy-forecast-line", "property": "children"},
                {"id": "economy-forecast-method", "property": "children"}]
    output = ".." + "...".join(
        (json.dumps(o["id"], separators=(",", ":"), sort_keys=True) if isinstance(o["id"], dict) else o["id"])
        + "." + o["property"] for o in outputs) + ".."
    view = [{"id": "economy-view", "property": "data", "value": _economy_view(region)}]
    return _callback(client, output, outputs, view, [], "economy-view.data")


def _detail(client: FlaskClient, alert_id: str) -> str:
    names = ["alert-detail-body.children", "alert-detail-sig.data", "alert-action-form.style"]
    outputs = [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names]
    inputs = [{"id": "alert-detail-id", "property": "data", "value": alert_id},
              {"id": "alert-detail-tick", "property": "n_intervals", "value": None},
              {"id": "alert-detail-version", "property": "data", "value": None}]
    response = _callback(client, ".." + "...".join(names) + "..", outputs, inputs,
                         [{"id": "alert-detail-sig", "property": "data", "value": None}], "alert-detail-id.data")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def _console(client: FlaskClient, county: str | None):
    names = ["alerts-list.children", "alerts-counts.children", "alerts-map.figure", "alerts-feed.data",
             "alerts-sig.data", "alerts-note.children"]
    outputs = [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names]
    inputs = [{"id": "alerts-tick", "property": "n_intervals", "value": 1},
              {"id": "alerts-push", "property": "data", "value": None},
              {"id": "alerts-level", "property": "value", "value": None},
              {"id": "alerts-category", "property": "value", "value": None},
              {"id": "alerts-county", "property": "value", "value": county},
              {"id": "alerts-status", "property": "value", "value": "open"},
              {"id": "alerts-since", "property": "value", "value": "all"},
              {"id": "alert-detail-version", "property": "data", "value": None}]
    return _callback(client, ".." + "...".join(names) + "..", outputs, inputs,
                     [{"id": "alerts-sig", "property": "data", "value": None}], "alerts-county.value")


def _act(client: FlaskClient, alert_id: str):
    return client.post(f"/api/v1/alerts/{alert_id}/actions", json={"action": "acknowledge"})


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(app_client: FlaskClient, role: str) -> None:
    sign_in_as(app_client, role)
    for path, allowed in PAGES.items():
        denied = "access-denied" in _router(app_client, path)
        assert denied == (role not in allowed), f"{role} {path}"


@pytest.mark.parametrize("role", ROLES)
def test_callbacks_api_and_export_by_role(app_client: FlaskClient, role: str) -> None:
    sign_in_as(app_client, role)
    viewer = role in MAY_VIEW
    assert (_show_region(app_client, HOME).status_code == 403) == (not viewer)
    assert (_console(app_client, None).status_code == 403) == (not viewer)
    assert (_export(app_client, HOME).status_code == 403) == (role not in MAY_EXPORT)
    # The briefing's files need EXPORT before anything else is looked at (an exporter gets 400: no format).
    assert (app_client.get("/api/v1/briefing").status_code == 403) == (role not in MAY_EXPORT)
    for url in ("/api/v1/summary", "/api/v1/alerts", "/api/v1/alerts/A1", "/api/v1/indicators",
                "/api/v1/indicators/GDP/values?region=141100", "/api/v1/indicators/GDP/scenario?region=141100",
                "/api/v1/annotations?indicator=GDP", "/api/v1/projects", "/api/v1/projects/P1",
                "/api/v1/cameras/nearby?lon=111.1&lat=37.5", "/api/v1/dispatches?alert_id=A1"):
        assert (app_client.get(url).status_code == 403) == (not viewer), f"{role} {url}"
    note = {"indicator_code": "GDP", "period": "2026-09", "text": "x"}
    assert (app_client.post("/api/v1/annotations", json=note).status_code == 403) == (role not in MAY_ANNOTATE)
    assert (_act(app_client, "A1").status_code == 403) == (role not in MAY_ACT)
    # An empty order is refused 400 to those who may dispatch; a step on no order 404 to those who may act.
    assert (app_client.post("/api/v1/dispatches", json={}).status_code == 403) == (role not in MAY_DISPATCH)
    step = app_client.post("/api/v1/dispatches/1/status", json={"status": "received"}).status_code
    assert (step == 403) == (role not in MAY_ACT)
    assert app_client.get("/api/v1/health").status_code == 200


@pytest.mark.parametrize("role", ["leader", "duty_officer", "analyst"])
def test_a_scoped_user_sees_only_their_region(app_client: FlaskClient, role: str) -> None:
    sign_in_as(app_client, role, HOME)
    listed = {a["alert_id"] for a in app_client.get("/api/v1/alerts?status=all").json["alerts"]}
    assert listed == {"A1", "A3", "A5"}  # the tiny warehouse's alerts in 141102, by hand
    assert app_client.get(f"/api/v1/alerts?region={OTHER}").status_code == 403
    assert app_client.get(f"/api/v1/summary?region={OTHER}").status_code == 403
    assert app_client.get("/api/v1/summary").json["region_code"] == HOME
    assert app_client.get("/api/v1/alerts/A2").status_code == 403
    assert app_client.get("/api/v1/alerts/A1").status_code == 200
    assert _show_region(app_client, OTHER).status_code == 403
    assert _show_region(app_client, HOME).status_code == 200
    assert _console(app_client, OTHER).status_code == 403
    console = _console(app_client, None)
    assert console.status_code == 200
    feed = console.json["response"]["alerts-feed"]["data"]
    assert {a[0] for a in feed["alerts"]} == {"A1", "A5"}  # open alerts of 141102 only
    assert "access-denied" in _router(app_client, f"/economy/{OTHER}")
    assert "access-denied" not in _router(app_client, f"/economy/{HOME}")
    assert "access-denied" in _detail(app_client, "A2")
    assert "access-denied" not in _detail(app_client, "A1")
    if role in MAY_EXPORT:
        assert _export(app_client, OTHER).status_code == 403
        assert _export(app_client, HOME).status_code == 200
    if role in MAY_ACT:
        assert _act(app_client, "A2").status_code == 403
        assert _act(app_client, "A1").status_code == 200


def test_every_server_callback_has_a_permission(app_client: FlaskClient) -> None:
    """A new callback without a family in web/access.py would be refused for everyone."""
    from web.access import callback_permission

    sign_in_as(app_client, "leader")
    unknown = []
    for dep in app_client.get("/_dash-dependencies").json:
        if dep.get("clientside_function"):
            continue
        first = dep["output"].strip(".").split("...")[0].rsplit(".", 1)[0]
        output_id = json.loads(first) if first.startswith("{") else first
        if not callback_permission(output_id)[0]:
            unknown.append(dep["output"])
    assert unknown == []


def test_the_shell_shows_a_screen_account_only_the_overview(app_client: FlaskClient, tmp_path: Path) -> None:
    sign_in_as(app_client, "screen")
    page = app_client.get("/").get_data(as_text=True)
    layout = app_client.get("/_dash-layout").get_data(as_text=True)
    assert page and '"nav.economy"' not in layout
    assert "/economy" not in layout and "/alerts" not in layout


# Every server callback family, by its first output, and the roles that may run it: by hand from
# docs/security.md (a new family must be added here, or the test below fails).
EVERYONE = set(ROLES)
FAMILY_ROLES = {
    "app-data-as-of": EVERYONE, "_pages_content": EVERYONE, "overview-kpis": MAY_SEE_OVERVIEW,
    "screen-sig": MAY_SEE_OVERVIEW, "screen-alarm": MAY_SEE_OVERVIEW,
    "economy-kpis": MAY_VIEW, "economy-graph": MAY_VIEW, "economy-warnings": MAY_VIEW,
    "economy-location": MAY_VIEW, "economy-download": MAY_EXPORT, "economy-scenario-line": MAY_VIEW,
    "economy-note-message": MAY_ANNOTATE, "projects-tiles": MAY_VIEW,
    "poverty-summary": MAY_VIEW, "poverty-grid": MAY_VIEW, "poverty-location": MAY_VIEW,
    "poverty-download": MAY_EXPORT, "map-graph": MAY_VIEW, "map-location": MAY_VIEW,
    "projects-grid": MAY_VIEW, "projects-download": MAY_EXPORT, "project-detail-body": MAY_VIEW,
    "project-detail-download": MAY_EXPORT, "alerts-list": MAY_VIEW, "alerts-stats": MAY_VIEW,
    "alert-detail-id": MAY_VIEW,
    "alert-detail-body": MAY_VIEW, "alert-action-message": MAY_ACT, "admin-users": {"admin"},
    "admin-username": {"admin"}, "admin-audit-grid": {"admin"}, "admin-audit-download": {"admin"},
    "briefing-period": MAY_VIEW, "briefing-preview": MAY_VIEW,
    "dispatch-wall": MAY_VIEW, "dispatch-orders": MAY_VIEW, "dispatch-form-message": MAY_DISPATCH,
    "dispatch-step-message": MAY_ACT,
}


def _family_requests(client: FlaskClient) -> dict[str, dict]:
    """One request body per server callback, every input and state null, keyed by its family."""
    bodies = {}
    for dep in client.get("/_dash-dependencies").json:
        if dep.get("clientside_function"):
            continue
        parts = dep["output"].strip(".").split("...")
        outputs = []
        for part in parts:
            component, prop = part.rsplit(".", 1)
            outputs.append({"id": json.loads(component) if component.startswith("{") else component,
                            "property": prop})
        first = outputs[0]["id"]
        family = first.get("type") if isinstance(first, dict) else first

        def slot(spec: dict) -> dict | list:
            if not spec["id"].startswith("{"):
                return {"id": spec["id"], "property": spec["property"], "value": None}
            return []  # a pattern-matching input with no component on the page
        bodies[family] = {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                          "inputs": [slot(s) for s in dep["inputs"]], "state": [slot(s) for s in dep["state"]],
                          "changedPropIds": []}
    return bodies


@pytest.mark.parametrize("role", ROLES)
def test_every_callback_family_by_role(app_client: FlaskClient, role: str) -> None:
    sign_in_as(app_client, role)
    bodies = _family_requests(app_client)
    assert set(bodies) == set(FAMILY_ROLES)
    for family, body in bodies.items():
        if family == "_pages_content":
            continue  # the page router: its pages answer for themselves (test_pages_by_role)
        status = app_client.post("/_dash-update-component", json=body).status_code
        assert (status == 403) == (role not in FAMILY_ROLES[family]), f"{role} {family}: {status}"
