"""The one map's state in the URL and what a click leads to (core/map_view.py), checked at the boundary."""
from __future__ import annotations

import pytest

from core.map_view import MapState, checked_layers, clicked_href

IDS = ["counties", "townships", "alerts", "projects", "cameras", "resources"]
DEFAULT_ON = ["counties", "alerts", "projects"]
MEASURES = ("value", "yoy_pct", "completion_pct")


def test_a_good_query_is_read_and_written_back() -> None:
    query = {"layers": "alerts,counties", "indicator": "GDP", "measure": "yoy_pct", "lon": "111.5",
             "lat": "37.4", "zoom": "8.25"}
    state, bad = MapState.from_query(query, IDS, DEFAULT_ON, MEASURES)
    assert bad == ()
    assert state == MapState(("counties", "alerts"), "GDP", "yoy_pct", 111.5, 37.4, 8.25)  # configured order
    assert state.href() == ("/map?layers=counties,alerts&indicator=GDP&measure=yoy_pct"
                            "&lon=111.50000&lat=37.40000&zoom=8.25")
    assert MapState.parse(state.data(), IDS, MEASURES) == state


def test_no_query_gives_the_configured_layers_and_an_empty_list_none() -> None:
    assert MapState.from_query({}, IDS, DEFAULT_ON, MEASURES) == (MapState(tuple(DEFAULT_ON)), ())
    assert MapState.from_query({"layers": ""}, IDS, DEFAULT_ON, MEASURES) == (MapState(()), ())


@pytest.mark.parametrize(("query", "bad", "layers"), [
    ({"layers": "counties,nope"}, ("layers",), ("counties",)),
    ({"layers": ["counties"]}, ("layers",), tuple(DEFAULT_ON)),
    ({"measure": "x"}, ("measure",), tuple(DEFAULT_ON)),
    ({"indicator": "\x00"}, ("indicator",), tuple(DEFAULT_ON)),
    ({"lon": "111", "lat": "37"}, ("view",), tuple(DEFAULT_ON)),
    ({"lon": "NaN", "lat": "37", "zoom": "8"}, ("view",), tuple(DEFAULT_ON)),
    ({"lon": "111", "lat": "37", "zoom": "99"}, ("view",), tuple(DEFAULT_ON)),
    ({"lon": "1" * 500, "lat": "37", "zoom": "8"}, ("view",), tuple(DEFAULT_ON)),
])
def test_bad_values_are_dropped_and_named(query: dict, bad: tuple, layers: tuple) -> None:
    state, found = MapState.from_query(query, IDS, DEFAULT_ON, MEASURES)
    assert found == bad and state.layers == layers
    assert state.lon is None and state.indicator is None and state.measure is None


@pytest.mark.parametrize("raw", [
    None, [], "x", {"layers": ["counties"]},
    {"layers": ["nope"], "indicator": None, "measure": None, "lon": None, "lat": None, "zoom": None},
    {"layers": "counties", "indicator": None, "measure": None, "lon": None, "lat": None, "zoom": None},
    {"layers": [], "indicator": 5, "measure": None, "lon": None, "lat": None, "zoom": None},
    {"layers": [], "indicator": None, "measure": "x", "lon": None, "lat": None, "zoom": None},
    {"layers": [], "indicator": None, "measure": None, "lon": 1e308, "lat": 0, "zoom": 1},
    {"layers": [], "indicator": None, "measure": None, "lon": "111", "lat": "37", "zoom": "8"},
    {"layers": [], "indicator": None, "measure": None, "lon": True, "lat": 37, "zoom": 8},
])
def test_a_malformed_store_is_refused(raw: object) -> None:
    assert MapState.parse(raw, IDS, MEASURES) is None


def test_the_layer_switches_must_name_known_layers() -> None:
    assert checked_layers(["alerts", "counties"], IDS) == ("counties", "alerts")
    assert checked_layers([], IDS) == ()
    for bad in (None, "counties", ["counties", 1], ["x"], IDS + ["counties"], [{"a": 1}]):
        assert checked_layers(bad, IDS) is None


def _click(*customdata: object) -> dict:
    return {"points": [{"customdata": list(customdata)}]}


def test_a_click_leads_to_the_economy_an_alert_a_camera_or_a_project() -> None:
    assert clicked_href(_click("region", "141102", "离石区")) == "/economy/141102"
    assert clicked_href(_click("region", "141102001", "x")) == "/economy/141102001"
    assert clicked_href(_click("alert", "AL-2026:7", "x")) == "/alerts/AL-2026%3A7"
    assert clicked_href(_click("camera", "14110200001320000021", "x")) == "/dispatch?camera=14110200001320000021"
    assert clicked_href(_click("project", "P-1", "x")) == "/projects/P-1"


@pytest.mark.parametrize("click", [
    None, "x", {"points": "x"}, {"points": []}, {"points": [1]}, _click("cluster", "", "12 个"),
    _click("resource", "R1", "x"), _click("region", "14110", "x"), _click("region", "../admin", "x"),
    _click("alert", "a/b", "x"), _click("camera", "x" * 65, "x"), _click("project", "P 1", "x"),
    _click("alert"), _click(1, 2, 3), {"points": [{"customdata": {"a": 1}}]},
])
def test_a_click_on_anything_else_leads_nowhere(click: object) -> None:
    assert clicked_href(click) is None
