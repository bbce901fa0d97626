"""`/api/v1/projects` and `/api/v1/projects/<code>` on the hand-made projects warehouse: the hand
figures, filters, region scope, 400/403/404, and the page callbacks' exports (CSV, Excel)."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.projects_warehouse import LATEST_NOTE, LISHI, XIAOYI, build_projects_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('projects_api')}/wh.db"
    build_projects_warehouse(url)
    return url


@pytest.fixture
def client(warehouse: str, make_config) -> FlaskClient:
    return create_app(make_config(warehouse)).server.test_client()


def _codes(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/projects{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(p["project_code"] for p in response.json["projects"])


def test_list_rows_match_the_hand_figures(client: FlaskClient) -> None:
    sign_in_as(client, "analyst")
    body = client.get("/api/v1/projects").json
    assert body["skipped"] == {"out_of_range": 1, "no_report": 1, "bad_dates": 1, "unknown_project": 1}
    rows = {p["project_code"]: p for p in body["projects"]}
    assert set(rows) == {f"P0{i}" for i in range(1, 10)}
    assert rows["P03"] == {"project_code": "P03", "name": "孝义高速连接线", "region_code": XIAOYI,
                           "category": "transport", "planned_progress_pct": 70.0, "actual_progress_pct": 40.0,
                           "lag_pp": 30.0, "state": "seriously_lagging", "overdue": False,
                           "planned_investment_cum": 700.0, "actual_investment_cum": 300.0}
    assert rows["P04"]["overdue"] is True and rows["P04"]["state"] == "overdue"
    assert rows["P08"]["state"] is None  # progress 120: no state
    assert rows["P09"]["planned_progress_pct"] is None and rows["P09"]["state"] is None


def test_list_filters(client: FlaskClient) -> None:
    sign_in_as(client, "leader")
    assert _codes(client, "?state=overdue") == ["P04"]
    assert _codes(client, "?state=seriously_lagging") == ["P03", "P06"]
    assert _codes(client, "?category=water") == ["P02", "P08"]
    assert _codes(client, f"?region={LISHI}&state=on_track") == ["P01", "P07"]
    assert _codes(client, f"?region={XIAOYI}&category=industry&state=completed") == ["P05"]
    for bad in ("?state=late", "?state=" + "x" * 5000, "?category=nope", "?region=14", "?region=1411%27--"):
        response = client.get(f"/api/v1/projects{bad}")
        assert response.status_code == 400, bad
        assert "error" in response.json
    assert client.get("/api/v1/projects?region=149900").status_code == 404


def test_one_project_with_history_and_milestones(client: FlaskClient) -> None:
    sign_in_as(client, "leader")
    body = client.get("/api/v1/projects/P03").json
    assert body["project"]["state"] == "seriously_lagging" and body["project"]["owner_dept"] == "交通运输局"
    assert body["project"]["planned_end_date"] == "2027-12-31"
    assert [h["period"] for h in body["history"]] == ["2026-08", "2026-09", "2026-10"]
    assert [h["actual_progress_pct"] for h in body["history"]] == [30.0, 35.0, 40.0]
    assert [m["status"] for m in body["milestones"]] == ["done", "done_late", "late", "open"]
    assert body["milestones"][1]["days_late"] == 15 and body["milestones"][0]["planned_date"] == "2025-01-15"
    assert body["latest_note"] == {"period": LATEST_NOTE[1], "note": LATEST_NOTE[2]}
    plain = client.get("/api/v1/projects/P01").json  # no milestones, one report below 0
    assert plain["milestones"] == [] and plain["skipped"]["out_of_range"] == 1
    assert [h["valid"] for h in plain["history"]] == [False, True]
    assert client.get("/api/v1/projects/P07").json["project"]["bad_dates"] is True
    assert client.get("/api/v1/projects/NOPE").status_code == 404
    assert client.get("/api/v1/projects/" + "x" * 80).status_code == 400
    assert client.get("/api/v1/projects/a%20b").status_code == 400


def test_region_scope_and_roles(client: FlaskClient) -> None:
    sign_in_as(client, "analyst", LISHI)
    assert _codes(client) == ["P01", "P02", "P06", "P07", "P09"]
    assert client.get(f"/api/v1/projects?region={XIAOYI}").status_code == 403
    assert client.get("/api/v1/projects/P03").status_code == 403
    assert client.get("/api/v1/projects/P01").status_code == 200
    sign_in_as(client, "screen")
    assert client.get("/api/v1/projects").status_code == 403
    assert client.get("/api/v1/projects/P01").status_code == 403


def _export(client: FlaskClient, what: str, fmt: str, state: str | None = None):
    button = {"type": "projects-export", "what": what, "fmt": fmt}
    names = ("projects-county", "projects-category", "projects-level", "projects-state", "projects-dept")
    body = {"output": "projects-download.data", "outputs": {"id": "projects-download", "property": "data"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": n, "property": "value", "value": state if n == "projects-state" else None}
                      for n in names],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    return client.post("/_dash-update-component", json=body)


def _download(response) -> bytes:
    import base64

    data = response.json["response"]["projects-download"]["data"]
    return base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode()


def test_exports_of_the_lists(client: FlaskClient) -> None:
    sign_in_as(client, "analyst")
    red = _download(_export(client, "red", "csv")).decode("utf-8-sig").splitlines()
    assert red[0].startswith("项目编号,项目名称") and [line.split(",")[0] for line in red[1:]] == ["P03", "P06", "P04"]
    overdue = _download(_export(client, "list", "csv", "overdue")).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in overdue[1:]] == ["P04"]
    book = openpyxl.load_workbook(io.BytesIO(_download(_export(client, "investment", "xlsx"))))
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    industry = next(r for r in rows if r[1] == "产业")
    assert industry[header.index("计划累计投资（万元）")] == 1800.0
    assert industry[header.index("投资完成率（%）")] == pytest.approx(1650 / 1800 * 100)
    assert sheet.cell(row=2, column=header.index("投资完成率（%）") + 1).number_format == "#,##0.0"
    sign_in_as(client, "duty_officer")  # no EXPORT permission
    assert _export(client, "list", "csv").status_code == 403
