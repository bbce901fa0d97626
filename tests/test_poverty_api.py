"""The households API, the page's list callback and its exports on the hand-made warehouse:
numbers by hand, masking without the personal-data permission, unmasked rows audited with it,
bad parameters 400, another region 403, an unknown one 404, roles as docs/security.md says."""
from __future__ import annotations

import base64
import csv
import io
import json

import openpyxl
import pytest
from flask.testing import FlaskClient

from app import create_app
from core.audit import EXPORT, PERSONAL_DATA_VIEWED
from datasources.audit import search_audit
from datasources.users import update_user
from tests.conftest import sign_in_as
from tests.poverty_warehouse import A1, CITY, LISHI, TOWN_A, XIAOYI, build_poverty_warehouse, household_code


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('poverty-api')}/wh.db"
    build_poverty_warehouse(url)
    return url


@pytest.fixture
def client(warehouse: str, make_config) -> FlaskClient:
    return create_app(make_config(warehouse)).server.test_client()


def _engine(client: FlaskClient):
    return client.application.extensions["cockpit"].appdb.engine


def _personal(client: FlaskClient, role: str = "leader", scope: str | None = None) -> str:
    """Sign in as a user of `role` holding the per-user personal-data flag."""
    name = sign_in_as(client, role, scope)
    update_user(_engine(client), name, {"personal_data": True})
    return name


def _viewed(client: FlaskClient, user: str) -> list:
    return search_audit(_engine(client), actor=user, action=PERSONAL_DATA_VIEWED)


def test_summary_counts_the_children_by_status(client: FlaskClient) -> None:
    sign_in_as(client, "analyst")
    body = client.get(f"/api/v1/households/summary?region={CITY}").json
    assert body["rows"] == [
        {"region_code": LISHI, "region_name": "离石区", "stable": 4, "monitored": 2, "at_risk": 3,
         "risk_eliminated": 1, "total": 10},
        {"region_code": XIAOYI, "region_name": "孝义市", "stable": 1, "monitored": 0, "at_risk": 1,
         "risk_eliminated": 0, "total": 2}]
    assert body["total"]["total"] == 12
    assert body["skipped"] == {"unknown_region": 1, "unknown_status": 1, "negative_income": 1, "null_value": 0,
                               "duplicate": 0}
    town = client.get(f"/api/v1/households/summary?region={TOWN_A}").json
    assert [(r["region_code"], r["total"]) for r in town["rows"]] == [(A1, 4), ("141102100201", 2)]
    assert town["unplaced"] == 1
    assert client.get(f"/api/v1/households/summary?region={A1}").json["rows"] == []  # a village: no children
    assert client.get("/api/v1/households/summary").json["region_code"] == CITY


def test_the_list_is_masked_paged_and_never_audited_when_masked(client: FlaskClient) -> None:
    user = sign_in_as(client, "leader")
    body = client.get(f"/api/v1/households?region={LISHI}&status=at_risk").json
    assert body["total"] == 3 and body["masked"] is True
    assert [h["household_code"] for h in body["households"]] == [household_code(h) for h in ("H10", "H1", "H5")]
    h1 = body["households"][1]
    assert (h1["head_name"], h1["id_number"], h1["income_per_capita"], h1["members"]) == (
        "张*", "1411**********1234", 4500.0, 3)
    text = json.dumps(body, ensure_ascii=False)
    assert "张三" not in text and "141102199001011234" not in text
    page = client.get(f"/api/v1/households?region={LISHI}&status=at_risk,monitored&limit=2&offset=3").json
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 3)
    assert [h["household_code"] for h in page["households"]] == [household_code("H2"), household_code("H7")]
    assert page["households"][0]["head_name"] == "李**"
    assert _viewed(client, user) == []


def test_a_user_with_personal_data_sees_names_and_each_view_is_audited(client: FlaskClient) -> None:
    user = _personal(client)
    body = client.get(f"/api/v1/households?region={LISHI}&status=at_risk").json
    assert body["masked"] is False
    assert (body["households"][1]["head_name"], body["households"][1]["id_number"]) == ("张三", "141102199001011234")
    events = _viewed(client, user)
    assert len(events) == 1 and events[0].object == f"households region={LISHI}"
    assert household_code("H1") in events[0].detail
    client.get(f"/api/v1/households?region={LISHI}&status=at_risk")
    assert len(_viewed(client, user)) == 2
    client.get(f"/api/v1/households?region={XIAOYI}&status=monitored")  # no rows: nothing shown
    assert len(_viewed(client, user)) == 2


@pytest.mark.parametrize(("query", "status"), [
    ("region=1411", 400), ("region=999999", 404), ("region=141199", 404), ("status=poor", 400),
    ("status=at_risk,", 400), ("limit=0", 400), ("limit=1001", 400), ("limit=abc", 400), ("offset=-1", 400),
    ("limit=１０", 400), ("offset=99999999999", 400),
])
def test_bad_parameters_are_refused(client: FlaskClient, query: str, status: int) -> None:
    sign_in_as(client, "analyst")
    response = client.get(f"/api/v1/households?{query}")
    assert response.status_code == status and response.json["error"]["message"]


def test_a_scoped_user_is_kept_in_their_region(client: FlaskClient) -> None:
    sign_in_as(client, "leader", XIAOYI)
    assert client.get(f"/api/v1/households?region={LISHI}").status_code == 403
    assert client.get(f"/api/v1/households/summary?region={CITY}").status_code == 403
    body = client.get("/api/v1/households").json
    assert body["region_code"] == XIAOYI and [h["household_code"] for h in body["households"]] == [
        household_code("H11")]


@pytest.mark.parametrize(("role", "status"), [("screen", 403), ("duty_officer", 200), ("admin", 200)])
def test_roles(client: FlaskClient, role: str, status: int) -> None:
    sign_in_as(client, role)
    assert client.get("/api/v1/households").status_code == status
    assert client.get("/api/v1/households/summary").status_code == status


def _list_callback(client: FlaskClient, region: str, choice: str = "followed"):
    body = {"output": "..poverty-grid.rowData...poverty-list-note.children..",
            "outputs": [{"id": "poverty-grid", "property": "rowData"},
                        {"id": "poverty-list-note", "property": "children"}],
            "inputs": [{"id": "poverty-view", "property": "data", "value": {"region": region}},
                       {"id": "poverty-status", "property": "value", "value": choice}],
            "state": [], "changedPropIds": ["poverty-view.data"]}
    return client.post("/_dash-update-component", json=body)


def _export(client: FlaskClient, region: str, fmt: str, choice: str = "followed"):
    button = {"type": "poverty-export", "fmt": fmt}
    body = {"output": "poverty-download.data", "outputs": {"id": "poverty-download", "property": "data"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": "poverty-view", "property": "data", "value": {"region": region}},
                      {"id": "poverty-status", "property": "value", "value": choice}],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    return client.post("/_dash-update-component", json=body)


def _file(response) -> tuple[str, bytes]:
    data = response.json["response"]["poverty-download"]["data"]
    return data["filename"], base64.b64decode(data["content"])


def test_the_page_list_masks_and_audits_like_the_api(client: FlaskClient) -> None:
    user = sign_in_as(client, "analyst")
    rows = _list_callback(client, LISHI).json["response"]["poverty-grid"]["rowData"]
    assert [(r["head_name"], r["id_number"]) for r in rows][1] == ("张*", "1411**********1234")
    assert _viewed(client, user) == []
    _personal(client, "analyst")
    rows = _list_callback(client, LISHI, "at_risk").json["response"]["poverty-grid"]["rowData"]
    assert [r["head_name"] for r in rows] == ["吴一", "张三", "赵六"]
    assert len(_viewed(client, user)) == 1
    assert _list_callback(client, "141102999").status_code == 204  # unknown region: no change
    sign_in_as(client, "analyst", XIAOYI)
    assert _list_callback(client, LISHI).status_code == 403


def test_exports_keep_the_masking(client: FlaskClient) -> None:
    user = sign_in_as(client, "leader")
    name, content = _file(_export(client, LISHI, "csv"))
    assert name == "防返贫监测对象名单_离石区_风险户和监测户.csv"
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0][:4] == ["户编码", "所在村", "户主", "身份证号"]
    assert [r[2] for r in table[1:]] == ["吴*", "张*", "赵*", "李**", "陈*"]
    assert "141102199001011234" not in content.decode("utf-8-sig")
    assert [e.object for e in search_audit(_engine(client), actor=user, action=EXPORT)] == [name]
    assert _viewed(client, user) == []
    _personal(client, "leader")
    name, content = _file(_export(client, LISHI, "xlsx", "at_risk"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][2:4] == ["张三", "141102199001011234"] and values[2][5] == 4500
    assert [e.detail for e in _viewed(client, user)] == [f"export {name}: 3 households"]


def test_exports_need_the_export_permission(client: FlaskClient) -> None:
    sign_in_as(client, "duty_officer")
    assert _export(client, LISHI, "csv").status_code == 403
    assert _list_callback(client, LISHI).status_code == 200
