"""Hostile requests to the key-project callbacks and API: never a 500, never a hang, each status stated.

The grid's filters, the export buttons' ids and the project page's code come from the browser;
a forged request can put anything there. A filter value no dropdown offers changes nothing (204),
a code that is not a project code gives a calm panel (200), the API answers 400/404 JSON. Text
that is not valid Unicode (a lone surrogate) is refused with 400 by web/callback_guard.py.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors
from tests.projects_warehouse import build_projects_warehouse

TIME_LIMIT_S = 10
UPDATE = "/_dash-update-component"
SQL = "141100'; DROP TABLE dim_project; --"
HOSTILE: list[Any] = ["x" * 100_000, SQL, "\u0000", "\ud800", "999999", "NaN", ["141102"], 1, 2.5, True, {},
                      {"a": {"a": {}}}]
FILTERS = ("projects-county", "projects-category", "projects-level", "projects-state", "projects-dept")


def _status(value: Any, status: int) -> int:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return 400
    return status


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    from core.config import Config

    tmp = tmp_path_factory.mktemp("fuzz_projects")
    build_projects_warehouse(f"sqlite:///{tmp}/wh.db")
    app = create_app(Config(warehouse_url=f"sqlite:///{tmp}/wh.db", build_demo_if_missing=False,
                            app_db_url=f"sqlite:///{tmp}/app.db", admin_password="test-admin-pw",
                            secret_key="x", statement_timeout_s=10, prewarm_cache=False))
    test_client = app.server.test_client()
    sign_in_as(test_client, "analyst")
    return test_client


def _post(client: FlaskClient, body: dict) -> Any:
    return client.post(UPDATE, data=json.dumps(body), content_type="application/json")


def _grid(client: FlaskClient, values: dict[str, Any]):
    outputs = [{"id": "projects-grid", "property": "rowData"}, {"id": "projects-note", "property": "children"},
               {"id": "projects-title", "property": "children"}]
    return _post(client, {"output": "..projects-grid.rowData...projects-note.children...projects-title.children..",
                          "outputs": outputs, "changedPropIds": ["projects-county.value"],
                          "inputs": [{"id": f, "property": "value", "value": values.get(f)} for f in FILTERS]})


def _detail(client: FlaskClient, code: Any):
    return _post(client, {"output": "project-detail-body.children",
                          "outputs": {"id": "project-detail-body", "property": "children"},
                          "inputs": [{"id": "project-detail-code", "property": "data", "value": code}],
                          "changedPropIds": ["project-detail-code.data"]})


def _export(client: FlaskClient, button: Any, code: Any = "P03"):
    return _post(client, {"output": "project-detail-download.data",
                          "outputs": {"id": "project-detail-download", "property": "data"},
                          "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
                          "state": [{"id": "project-detail-code", "property": "data", "value": code}],
                          "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True)
                                             + ".n_clicks" if isinstance(button, dict) else "x.n_clicks"]})


def test_grid_filters_refuse_what_no_dropdown_offers(client: FlaskClient) -> None:
    assert _grid(client, {}).status_code == 200
    wrong = []
    for name in FILTERS:
        for value in HOSTILE:
            response = _grid(client, {name: value})
            if response.status_code != _status(value, 204):
                wrong.append(f"{name}={str(value)[:40]!r}: {response.status_code}")
    assert wrong == []
    assert _grid(client, {"projects-county": "141181", "projects-state": "overdue"}).status_code == 200


def test_project_page_codes(client: FlaskClient) -> None:
    wrong = []
    for value in [*HOSTILE, None, "NOPE", "../../etc/passwd"]:
        response = _detail(client, value)
        if response.status_code != _status(value, 200):
            wrong.append(f"{str(value)[:40]!r}: {response.status_code}")
        elif response.status_code == 200 and value in ("NOPE",):
            assert "NOPE" in response.get_data(as_text=True)
    assert wrong == []
    assert "孝义高速连接线" in _detail(client, "P03").get_data(as_text=True)


def test_detail_exports_with_forged_buttons(client: FlaskClient) -> None:
    good = {"type": "project-detail-export", "what": "curves", "fmt": "csv"}
    assert _export(client, good).status_code == 200
    forged = [{**good, "what": "passwords"}, {**good, "fmt": "exe"}, {**good, "what": ["curves"]}]
    for button in forged:
        assert _export(client, button).status_code in (204, 400), button
    for code in HOSTILE:
        assert _export(client, good, code).status_code == _status(code, 204), str(code)[:40]


def test_api_parameters_never_500(client: FlaskClient) -> None:
    texts = ["x" * 5000, SQL, "%00", "%ED%A0%80", "NaN", "141102", "overdue", ""]
    requests = []
    for name in ("state", "region", "category"):
        requests += [(f"{name}={v[:30]}", lambda n=name, v=v: client.get(f"/api/v1/projects?{n}={v}"))
                     for v in texts]
    requests += [(f"code={v[:30]}", lambda v=v: client.get(f"/api/v1/projects/{quote(v, safe='%')}"))
                 for v in texts if v]
    assert server_errors(requests, TIME_LIMIT_S) == []
    assert client.get(f"/api/v1/projects?state={quote(SQL)}").status_code == 400
    assert client.get(f"/api/v1/projects/{quote(SQL)}").status_code == 400
