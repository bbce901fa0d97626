"""The duty console's refresh on the hand-made warehouse: a console that shows a view gets only the changes."""
from __future__ import annotations

import sys
import time
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.alerts_warehouse import insert_alert
from tests.conftest import sign_in_as
from tests.test_list_patch import apply

OUTPUTS = [("alerts-list", "children"), ("alerts-counts", "children"), ("alerts-map", "figure"),
           ("alerts-feed", "data"), ("alerts-sig", "data"), ("alerts-note", "children")]
PATCH = "__dash_patch_update"


def refresh_request(shown: str | None, pushed: str | None = None) -> dict:
    """The request a console sends when its stream says the alerts changed (no filters set)."""
    inputs = [("alerts-tick", "n_intervals", 1), ("alerts-push", "data", pushed), ("alerts-level", "value", None),
              ("alerts-category", "value", None), ("alerts-county", "value", None),
              ("alerts-status", "value", "open"), ("alerts-since", "value", "all"),
              ("alert-detail-version", "data", 0)]
    return {"output": ".." + "...".join(f"{i}.{p}" for i, p in OUTPUTS) + "..",
            "outputs": [{"id": i, "property": p} for i, p in OUTPUTS],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": "alerts-sig", "property": "data", "value": shown}],
            "changedPropIds": ["alerts-push.data" if pushed else "alerts-tick.n_intervals"]}


@pytest.fixture
def client(alerts_url: str, make_config, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    client = create_app(make_config(alerts_url, cache_ttl_s={"alerts": 0})).server.test_client()
    # The console's clock held still (the page module create_app has just loaded): ages and overdue
    # marks move in steps of the clock, and must not move between the refreshes a test compares.
    frozen = time.time()
    clock = SimpleNamespace(time=lambda: frozen, monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(sys.modules["pages.alerts"], "time", clock)
    sign_in_as(client, "duty_officer")
    return client


def refresh(client: FlaskClient, shown: str | None, pushed: str | None = None) -> dict:
    response = client.post("/_dash-update-component", json=refresh_request(shown, pushed))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["response"]


def row_ids(children: list[dict]) -> list[str]:
    return [child["props"]["id"]["id"] for child in children]


def test_a_new_alert_reaches_a_console_as_one_inserted_row(client: FlaskClient, alerts_url: str) -> None:
    first = refresh(client, None)
    shown_rows = first["alerts-list"]["children"]
    assert row_ids(shown_rows) == ["A1", "A6", "A2", "A5", "A4"]
    figure = first["alerts-map"]["figure"]

    insert_alert(alerts_url, "LIVE-1", 2, "新发山体滑坡")
    changed = refresh(client, first["alerts-sig"]["data"], pushed="v2")
    patch = changed["alerts-list"]["children"]
    assert patch[PATCH] == PATCH
    assert [op["operation"] for op in patch["operations"]] == ["Insert"]
    # The patched list is the list a console opening now gets whole.
    whole = refresh(client, None)
    assert row_ids(whole["alerts-list"]["children"])[:3] == ["A1", "LIVE-1", "A6"]
    assert apply(shown_rows, _as_patch(patch)) == whole["alerts-list"]["children"]

    # The map sends only the orange markers' trace, not the layout.
    map_patch = changed["alerts-map"]["figure"]
    assert map_patch[PATCH] == PATCH
    assert {tuple(op["location"][:1]) for op in map_patch["operations"]} == {("data",)}
    orange = next(i for i, trace in enumerate(whole["alerts-map"]["figure"]["data"])
                  if "LIVE-1" in trace["customdata"])
    assert [op["location"] for op in map_patch["operations"]] == [["data", orange]]
    assert "layout" not in str(map_patch["operations"])
    assert figure["layout"] == whole["alerts-map"]["figure"]["layout"]
    assert "LIVE-1" in [a[0] for a in changed["alerts-feed"]["data"]["alerts"]]
    # Unacknowledged: A1, A4 and A6 of the warehouse, then LIVE-1 too.
    assert (first["alerts-feed"]["data"]["unack"], changed["alerts-feed"]["data"]["unack"]) == (3, 4)


def test_an_acknowledgement_reaches_a_console_as_one_changed_row(client: FlaskClient) -> None:
    first = refresh(client, None)
    assert client.post("/api/v1/alerts/A6/actions", json={"action": "acknowledge"}).status_code == 200
    changed = refresh(client, first["alerts-sig"]["data"], pushed="v2")
    ops = changed["alerts-list"]["children"]["operations"]
    assert [(op["operation"], op["location"]) for op in ops] == [("Assign", [1])]
    assert "已确认" in str(ops[0]["params"]["value"])


def test_a_push_that_changes_nothing_for_the_view_sends_nothing(client: FlaskClient) -> None:
    first = refresh(client, None)
    response = client.post("/_dash-update-component", json=refresh_request(first["alerts-sig"]["data"], "v1"))
    assert response.status_code == 204


def test_an_unknown_shown_view_gets_everything(client: FlaskClient) -> None:
    whole = refresh(client, "a-signature-no-longer-cached", pushed="v2")
    assert row_ids(whole["alerts-list"]["children"]) == ["A1", "A6", "A2", "A5", "A4"]
    # The whole map comes with the county borders the later edits leave in place.
    layers = whole["alerts-map"]["figure"]["layout"]["map"]["layers"]
    borders = [layer for layer in layers if layer.get("type") == "line"]
    assert [sorted(f["id"] for f in layer["source"]["features"]) for layer in borders] == [["141102", "141181"]]


def _as_patch(wire: dict):
    """A Patch object carrying wire operations, for `apply`."""
    from dash import Patch

    patch = Patch()
    patch._operations.extend(wire["operations"])
    return patch


def test_borders_are_added_to_a_copy_of_the_map() -> None:
    from components.alerts import with_borders

    figure = {"data": [], "layout": {"map": {"layers": [{"type": "fill"}], "zoom": 7}}}
    borders = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "141102", "geometry": None}]}
    bordered = with_borders(figure, borders)
    assert [layer.get("type") for layer in bordered["layout"]["map"]["layers"]] == ["fill", "line"]
    assert bordered["layout"]["map"]["layers"][1]["source"] is borders
    assert bordered["layout"]["map"]["zoom"] == 7
    assert figure["layout"]["map"]["layers"] == [{"type": "fill"}]  # the cached figure is untouched
    assert with_borders(figure, None) is figure
    assert with_borders(figure, {"type": "FeatureCollection", "features": []}) is figure
