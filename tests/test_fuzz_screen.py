"""Hostile requests to the wall screen's callbacks: never a 500, never a hang, nothing in the log.

tests/test_fuzz_callbacks.py leaves out callbacks with pattern-matching (ALL) outputs; both of
the screen's have them, so they are fuzzed here: hostile screen names and digests in the state,
and hostile panel keys in the outputs (a key names a panel of the screen, or nothing happens).
"""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors

LIMIT_S = 15
HOSTILE: list[Any] = [None, "", "main", "wall", "../main", "x" * 10_000, "141100'; DROP TABLE fact_alert; --",
                      "\u0000", "²", "１", 1, -1, 1e308, True, [], ["main"], {}, {"a": {"a": {"a": "x"}}}]
KEYS: list[Any] = ["0", "1", "5", "7", "99", "-1", "²", "x", "", None, 3, [], {"a": 1}]


def _refresh(name: Any, sig: Any, key: Any) -> dict:
    return {"output": '..screen-sig.data...{"key":["ALL"],"type":"screen-body"}.children...'
                      '{"key":["ALL"],"type":"screen-graph"}.figure..',
            "outputs": [{"id": "screen-sig", "property": "data"},
                        [{"id": {"type": "screen-body", "key": key}, "property": "children"}],
                        [{"id": {"type": "screen-graph", "key": key}, "property": "figure"}]],
            "inputs": [{"id": "screen-tick", "property": "n_intervals", "value": 1}],
            "state": [{"id": "screen-name", "property": "data", "value": name},
                      {"id": "screen-sig", "property": "data", "value": sig}],
            "changedPropIds": ["screen-tick.n_intervals"]}


def _alarms(shown: Any, key: Any) -> dict:
    names = ["screen-alarm.children", "screen-alarm.className", "screen-alarm-ids.data", "screen-stale.children",
             "screen-stale.className"]
    outputs: list[Any] = [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names]
    outputs.append([{"id": {"type": "screen-asof", "key": key}, "property": "children"}])
    outputs.append({"id": "screen-heartbeat", "property": "children"})
    return {"output": ".." + "...".join(names) + '...{"key":["ALL"],"type":"screen-asof"}.children...'
                      "screen-heartbeat.children..",
            "outputs": outputs,
            "inputs": [{"id": "screen-alarm-tick", "property": "n_intervals", "value": shown if key == "x" else 1}],
            "state": [{"id": "screen-alarm-ids", "property": "data", "value": shown}],
            "changedPropIds": ["screen-alarm-tick.n_intervals"]}


@pytest.fixture
def client(demo_sqlite_url: str, make_config) -> FlaskClient:
    client = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(client, "screen")
    return client


def test_the_screen_callbacks_refuse_hostile_values_without_a_500(client: FlaskClient, caplog) -> None:
    caplog.set_level(logging.ERROR)
    bodies = [(f"refresh {name!r:.40} {key!r}", _refresh(name, sig, key))
              for name, sig, key in itertools.product(HOSTILE, [None, {"b1": "x"}, "x", [1]], KEYS)]
    bodies += [(f"alarms {shown!r:.40} {key!r}", _alarms(shown, key))
               for shown, key in itertools.product(HOSTILE, KEYS)]

    def send(body: dict):
        text = json.dumps(body)
        return lambda: client.post("/_dash-update-component", data=text.encode(), content_type="application/json")

    assert server_errors(((label, send(body)) for label, body in bodies), LIMIT_S) == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_real_refresh_sends_only_what_changed(client: FlaskClient) -> None:
    # Panel 6 of the default main screen is the red list, 2 the map.
    first = client.post("/_dash-update-component", json=_refresh("main", None, "6"))
    assert first.status_code == 200
    answer = first.json["response"]
    sig = answer["screen-sig"]["data"]
    assert set(sig) == {"b6"}
    assert "screen-project" in json.dumps(answer)
    # The same again, told what the screen shows: nothing to send but the digests.
    again = client.post("/_dash-update-component", json=_refresh("main", sig, "6")).json["response"]
    assert "screen-body" not in json.dumps(again) and again["screen-sig"]["data"] == sig
    # The map's key on a page that shows a (now older) map: its markers as a patch, nothing for the
    # text outputs.
    chart = client.post("/_dash-update-component", json=_refresh("main", {"g2": "older"}, "2")).json["response"]
    assert set(chart["screen-sig"]["data"]) == {"g2"} and "screen-body" not in json.dumps(chart)
    assert chart['{"key":"2","type":"screen-graph"}']["figure"]["__dash_patch_update"]
    # A page that shows no map figure (its data failed when the page was laid out) gets the whole
    # figure: a patch of nothing was "Cannot patch undefined" in the wall's console (the soak).
    whole = client.post("/_dash-update-component", json=_refresh("main", None, "2")).json["response"]
    figure = whole['{"key":"2","type":"screen-graph"}']["figure"]
    assert "__dash_patch_update" not in figure and figure["data"] and figure["layout"]
    assert whole["screen-sig"]["data"] == chart["screen-sig"]["data"]
    # An unknown screen: nothing.
    assert client.post("/_dash-update-component", json=_refresh("nope", None, "6")).status_code == 204
