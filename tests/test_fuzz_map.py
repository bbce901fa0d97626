"""The one map's callbacks fed every hostile value in every slot, plus near-valid states: never 5xx, no traceback."""
from __future__ import annotations

import json
import logging

from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors
from tests.test_fuzz_callbacks import REQUEST_LIMIT_S, _requests

GOOD_STATE = {"layers": ["counties"], "indicator": "GDP", "measure": "yoy_pct", "lon": None, "lat": None,
              "zoom": None}
NEAR_VALID = [
    (["counties", "nope"], "GDP", "yoy_pct", GOOD_STATE),
    (["counties"], "NOPE", "yoy_pct", GOOD_STATE),  # an unknown indicator: the first headline one is shown
    (["counties"], "GDP", "bogus", GOOD_STATE),
    (["counties"], "GDP", "yoy_pct", GOOD_STATE | {"lon": 111.0, "lat": 37.0, "zoom": 99}),
    (["counties"], "GDP", "yoy_pct", GOOD_STATE | {"layers": ["x" * 5000]}),
    ([], "GDP", "value", GOOD_STATE | {"lon": 111.0, "lat": 37.0, "zoom": 8}),
]


def _draw(layers: object, indicator: object, measure: object, state: object) -> str:
    return json.dumps({
        "output": "..map-graph.figure...map-legend.children...map-url-sink.data..",
        "outputs": [{"id": "map-graph", "property": "figure"}, {"id": "map-legend", "property": "children"},
                    {"id": "map-url-sink", "property": "data"}],
        "inputs": [{"id": "map-layers", "property": "value", "value": layers},
                   {"id": "map-indicator", "property": "value", "value": indicator},
                   {"id": "map-measure", "property": "value", "value": measure}],
        "state": [{"id": "map-state", "property": "data", "value": state}], "changedPropIds": ["map-layers.value"]})


def test_map_callbacks_never_fail_on_hostile_values(demo_sqlite_url: str, make_config, caplog) -> None:
    client: FlaskClient = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(client, "leader")
    mine = [d for d in client.get("/_dash-dependencies").json if "map-" in d["output"]]
    bodies = [(name, body) for name, body in _requests(mine)]
    assert {name.strip(".").split(".")[0] for name, _ in bodies} >= {"map-graph", "map-location"}
    bodies += [(f"near-valid {i}", _draw(*args)) for i, args in enumerate(NEAR_VALID)]
    caplog.set_level(logging.ERROR)

    def send(body: str):
        return lambda: client.post("/_dash-update-component", data=body.encode("utf-8", "surrogatepass"),
                                   content_type="application/json")

    assert server_errors(((f"{name}: {body[:200]}", send(body)) for name, body in bodies), REQUEST_LIMIT_S) == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_page_reads_a_hostile_url_without_failing(demo_sqlite_url: str, make_config) -> None:
    client = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(client, "analyst")
    for search in ("?layers=%00,../x&zoom=1e999&lon=NaN&lat=&indicator=" + "x" * 300, "?layers=counties&layers=x",
                   "?measure=%ud800", "?lon=111&lat=37&zoom=8"):
        body = {"output": ".._pages_content.children..._pages_store.data..",
                "outputs": [{"id": "_pages_content", "property": "children"},
                            {"id": "_pages_store", "property": "data"}],
                "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/map"},
                           {"id": "_pages_location", "property": "search", "value": search}],
                "state": [], "changedPropIds": ["_pages_location.pathname"]}
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code == 200, search
        text = response.get_data(as_text=True)
        assert "map-graph" in text
        assert ("链接中的参数无效" in text) == (search != "?lon=111&lat=37&zoom=8"), search
