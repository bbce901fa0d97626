"""Hostile requests to the poverty page's callbacks and to the households API: never a 500, never
a hang, no error in the log; and the drill callback goes only to a child of the view's region."""
from __future__ import annotations

import logging
import random
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors
from tests.poverty_warehouse import A1, CITY, LISHI, TOWN_A, XIAOYI, build_poverty_warehouse
from tests.test_fuzz_api import HOSTILE_TEXT
from tests.test_fuzz_callbacks import HOSTILE_JSON
from tests.test_fuzz_callbacks import _requests as callback_requests

TIME_LIMIT_S = 15
MAX_REQUESTS = 800
EXTRA_JSON = ['{"region": "141102"}', '{"region": "141181100200"}', '{"region": "149999"}', '{"region": 141102}',
              '{"region": ["141102"]}', '"followed"', '"stable"', '{"points": [{"customdata": "141181"}]}',
              '{"points": [{"customdata": "141102100"}]}', '{"points": [{"customdata": ["141102"]}]}']


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('poverty-fuzz')}/wh.db"
    build_poverty_warehouse(url)
    return url


@pytest.fixture
def client(warehouse: str, make_config) -> FlaskClient:
    client = create_app(make_config(warehouse)).server.test_client()
    sign_in_as(client, "leader", LISHI)  # scoped: hostile regions outside 离石区 must answer 403, not 500
    return client


def test_no_poverty_callback_answers_500_or_hangs(client: FlaskClient, caplog, monkeypatch) -> None:
    monkeypatch.setattr("tests.test_fuzz_callbacks.HOSTILE_JSON", HOSTILE_JSON + EXTRA_JSON)
    bodies = [(name, body) for name, body in callback_requests(client.get("/_dash-dependencies").json)
              if "poverty" in name]
    assert {name.strip(".").split(".")[0] for name, _ in bodies} >= {"poverty-summary", "poverty-grid",
                                                                      "poverty-location", "poverty-download"}
    sample = random.Random(20261201).sample(bodies, min(MAX_REQUESTS, len(bodies)))
    caplog.set_level(logging.ERROR)

    def send(body: str):
        return lambda: client.post("/_dash-update-component", data=body.encode("utf-8", "surrogatepass"),
                                   content_type="application/json")

    assert server_errors(((f"{n}: {b[:200]}", send(b)) for n, b in sample), TIME_LIMIT_S) == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_no_households_route_answers_500_or_hangs(client: FlaskClient, caplog) -> None:
    urls = [f"{route}?{name}={quote(value, safe='', errors='surrogatepass')}"
            for route in ("/api/v1/households", "/api/v1/households/summary")
            for name in ("region", "status", "limit", "offset") for value in HOSTILE_TEXT]
    caplog.set_level(logging.ERROR)
    failures = server_errors(((url[:150], lambda u=url: client.get(u)) for url in urls), TIME_LIMIT_S)
    assert failures == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []


def _drill(client: FlaskClient, region: object, customdata: object):
    body = {"output": "poverty-location.href", "outputs": {"id": "poverty-location", "property": "href"},
            "inputs": [{"id": "poverty-children-graph", "property": "clickData",
                        "value": {"points": [{"customdata": customdata}]}}],
            "state": [{"id": "poverty-view", "property": "data", "value": {"region": region}}],
            "changedPropIds": ["poverty-children-graph.clickData"]}
    return client.post("/_dash-update-component", json=body)


def test_a_bar_click_drills_only_to_a_child(client: FlaskClient) -> None:
    response = _drill(client, LISHI, TOWN_A)
    assert response.status_code == 200
    assert response.json["response"]["poverty-location"]["href"] == f"/poverty/{TOWN_A}"
    assert _drill(client, TOWN_A, A1).json["response"]["poverty-location"]["href"] == f"/poverty/{A1}"
    for customdata in (XIAOYI, LISHI, "1411021", None, ["141102100"], "141102100'; --"):
        assert _drill(client, LISHI, customdata).status_code == 204, customdata
    assert _drill(client, CITY, LISHI).status_code == 403  # the view's region lies outside the scope
    sign_in_as(client, "analyst")  # the whole city
    assert _drill(client, CITY, LISHI).json["response"]["poverty-location"]["href"] == f"/poverty/{LISHI}"
    assert _drill(client, CITY, "149999").status_code == 204  # not below the city
