"""Every map fetches nothing from the internet: one inline MapLibre style (components.maps), no
glyph or sprite URL, no remote source; the only URL a figure may hold is the configured tile_url.

The browser test opens the alert console, an alert's detail page and /economy and checks that
Chromium asked no host but the test server, and logged no console error.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from dash.testing.composite import DashComposite
from plotly.io.json import to_json_plotly
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.support.ui import WebDriverWait

from components.alerts import MAP_BACKGROUND, alerts_map, position_map, with_borders
from components.maps import choropleth_figure, offline_style
from demo.regions import COUNTIES_FILE
from tests.browser import console_errors, start_signed_in

TILE_URL = "http://tiles.intranet/{z}/{x}/{y}.png"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def counties() -> dict:
    return json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))


def economy_figure(tile_url: str | None) -> go.Figure:
    codes = [f["id"] for f in counties()["features"]]
    frame = pd.DataFrame({"region_code": codes[:-1], "value": [10.0 * i for i in range(len(codes) - 1)]})
    return choropleth_figure(counties(), frame, "value", unit="亿元", title="地区生产总值", tile_url=tile_url)


def live_alerts() -> pd.DataFrame:
    return pd.DataFrame({
        "alert_id": ["A1", "A2", "A3", "A4"], "level": [1, 2, 4, None],
        "title": ["森林火情", "河道水位超警", "道路拥堵", "?"],
        "status": ["new", "acknowledged", "dispatched", "new"], "lon": [111.15, 111.78, 111.5, None],
        "lat": [37.52, 37.14, 37.3, None], "occurred_at": ["2026-11-21T01:00:00Z"] * 4})


def alert_figure(tile_url: str | None) -> go.Figure:
    return alerts_map(live_alerts(), (111.4, 37.4), "zh", "Asia/Shanghai", tile_url)


def bordered_figure(tile_url: str | None) -> dict:
    return with_borders(alert_figure(tile_url).to_plotly_json(), counties())


def position_figure(tile_url: str | None) -> go.Figure:
    near = pd.DataFrame({"name": ["北面避难所"], "lon": [111.78], "lat": [37.24], "distance_km": [11.1]})
    alert = {"alert_id": "A6", "level": 2, "title": "山体滑坡隐患", "lon": 111.78, "lat": 37.14}
    return position_map(alert, near, near.assign(name="路口摄像头"), "zh", tile_url)


MAPS = {"economy": economy_figure, "alerts": alert_figure, "alerts+borders": bordered_figure,
        "position": position_figure}


def _strings(value) -> list[str]:
    """Every key and string value in a JSON document."""
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _layout_map(figure: go.Figure | dict) -> dict:
    return json.loads(pio.to_json(figure))["layout"]["map"]


@pytest.mark.parametrize("tile_url", [None, TILE_URL], ids=["no-tiles", "intranet-tiles"])
@pytest.mark.parametrize("name", MAPS)
def test_every_map_has_an_inline_style_and_no_url_but_the_tiles(name: str, tile_url: str | None) -> None:
    figure = MAPS[name](tile_url)
    text = pio.to_json(figure)  # what the browser receives; it writes "/" as \u002f
    urls = [s for s in _strings(json.loads(text)) if "http" in s.lower()]
    assert urls == ([tile_url] if tile_url else []), urls
    leftover = text.replace(to_json_plotly(tile_url)[1:-1], "") if tile_url else text
    assert "http" not in leftover.lower()
    style = _layout_map(figure)["style"]
    assert isinstance(style, dict)
    assert "glyphs" not in style and "sprite" not in style
    # Only inline sources: data in the figure, nothing to fetch (no "url", no "tiles").
    assert all(source["type"] == "geojson" and isinstance(source["data"], dict) and not {"url", "tiles"} & set(source)
               for source in style["sources"].values())
    assert [layer["type"] for layer in style["layers"]] == ["background"]
    # No trace writes text onto the map (it would need glyphs).
    assert all("text" not in (trace.get("mode") or "") for trace in json.loads(text)["data"])
    assert not {"glyphs", "sprite"} & set(_strings(json.loads(text)))


@pytest.mark.parametrize("name", MAPS)
def test_tiles_are_a_raster_layer_only_when_configured(name: str) -> None:
    untiled = [layer for layer in _layout_map(MAPS[name](None)).get("layers", [])
               if layer.get("sourcetype") == "raster"]
    tiled = [layer for layer in _layout_map(MAPS[name](TILE_URL)).get("layers", [])
             if layer.get("sourcetype") == "raster"]
    assert untiled == []
    assert [(layer["source"], layer["below"]) for layer in tiled] == [([TILE_URL], "traces")]


def test_all_maps_share_one_style_builder() -> None:
    assert _layout_map(economy_figure(None))["style"] == offline_style()
    for name in ("alerts", "alerts+borders", "position"):
        assert _layout_map(MAPS[name](None))["style"] == offline_style(MAP_BACKGROUND)


# --- in Chromium --------------------------------------------------------------------------

class _NetworkLogOptions(Options):
    """Chromium options whose logging preferences keep the DevTools performance log too.

    dash.testing sets `goog:loggingPrefs` to the browser log only; this keeps its setting and
    adds the performance log, which holds every request the page and its workers started.
    """

    def set_capability(self, name: str, value) -> None:
        if name == "goog:loggingPrefs":
            value = {**value, "performance": "ALL"}
        super().set_capability(name, value)


@pytest.fixture
def dash_duo(request: pytest.FixtureRequest, dash_thread_server, tmpdir) -> DashComposite:
    """dash.testing's dash_duo with the conftest's Chromium flags and the DevTools network log."""
    options = _NetworkLogOptions()
    for hooked in request.config.hook.pytest_setup_options():
        for argument in hooked.arguments:
            options.add_argument(argument)
    with DashComposite(server=dash_thread_server, browser=request.config.getoption("webdriver"),
                       remote=request.config.getoption("remote"),
                       remote_url=request.config.getoption("remote_url"),
                       headless=request.config.getoption("headless"), options=[options],
                       download_path=tmpdir.mkdir("download").strpath,
                       percy_assets_root=request.config.getoption("percy_assets"),
                       percy_finalize=request.config.getoption("nopercyfinalize"),
                       pause=request.config.getoption("pause")) as composite:
        yield composite


MAP_LOADED = """
    const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
    const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    return Boolean(sub && sub.map && sub.map.loaded() && sub.map.isStyleLoaded()
                   && sub.map.areTilesLoaded() && !sub.map.isMoving());"""
MAP_STYLE = """
    const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
    return gd._fullLayout.map._subplot.map.getStyle();"""


def _wait_for_map(dash_duo: DashComposite, css: str, timeout: float = 20) -> dict:
    """Wait until the map in `css` has loaded its style and drawn; its MapLibre style."""
    dash_duo.wait_for_element(f"{css} .maplibregl-canvas", timeout=timeout)
    # Loaded, every tile in, not moving: the map has asked for everything it will ask for.
    WebDriverWait(dash_duo.driver, timeout).until(lambda d: d.execute_script(MAP_LOADED, css),
                                                  f"the map in {css} did not finish loading")
    return dash_duo.driver.execute_script(MAP_STYLE, css)


REDRAW = """
    const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
    const done = arguments[arguments.length - 1];
    Plotly.react(gd, {data: gd.data.slice(), layout: JSON.parse(JSON.stringify(gd.layout))})
        .then(() => done(null), error => done(String(error)));"""


def _check_map(dash_duo: DashComposite, css: str) -> dict:
    """Wait for the map in `css`, then draw it again from an equal but new layout, as a callback's
    new figure does; its MapLibre style.

    plotly.js drops empty objects from a new layout: a style that loses its `sources` this way
    makes MapLibre fail ("Map error.").
    """
    _wait_for_map(dash_duo, css)
    assert dash_duo.driver.execute_async_script(REDRAW, css) is None
    return _wait_for_map(dash_duo, css)


def _requested_urls(dash_duo: DashComposite) -> list[str]:
    """Every URL the browser requested since the last call (DevTools log) or the page loaded (timing)."""
    urls = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    for entry in dash_duo.driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _foreign(urls: list[str]) -> list[str]:
    return [url for url in urls if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname not in LOCAL_HOSTS]


@pytest.mark.browser
def test_alert_and_economy_maps_fetch_nothing_from_elsewhere(dash_duo: DashComposite, make_config,
                                                             alerts_url: str) -> None:
    # The shipped counties as the boundaries file: county borders on the alert map, polygons on /economy.
    start_signed_in(dash_duo, make_config(alerts_url, boundaries_file=str(COUNTIES_FILE)), "/alerts")
    base = dash_duo.server.url.rstrip("/")
    requested: list[str] = []
    styles = {"/alerts": _check_map(dash_duo, "#alerts-map")}
    requested += _requested_urls(dash_duo)

    dash_duo.driver.get(f"{base}/alerts/A6")
    dash_duo.wait_for_contains_text("#alert-detail-body", "山体滑坡隐患", timeout=15)
    styles["/alerts/A6"] = _check_map(dash_duo, ".detail-map")
    requested += _requested_urls(dash_duo)

    dash_duo.driver.get(f"{base}/economy")
    styles["/economy"] = _check_map(dash_duo, '[id=\'{"chart":"map","type":"economy-graph"}\']')
    requested += _requested_urls(dash_duo)

    assert any(url.startswith(base) for url in requested), requested  # the log did record requests
    assert _foreign(requested) == []
    for page, style in styles.items():
        assert "glyphs" not in style and "sprite" not in style, page
        assert [layer["type"] for layer in style["layers"]][:1] == ["background"], page
    assert console_errors(dash_duo) == []
