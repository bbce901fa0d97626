"""The choropleth in a real browser: it draws offline, and a click on a county names its code.

Also a tiny app for looking at the map: `python -m tests.test_maps_browser 8091` serves the
demo counties at 1920×1080 (see docs/boundaries.md for the screenshot command).
"""
from __future__ import annotations

import json
import sys

import pandas as pd
import pytest
import shapely
from dash import Dash, Input, Output, callback, dcc, html
from dash.testing import wait
from dash.testing.composite import DashComposite
from selenium.webdriver.common.action_chains import ActionChains

from components.maps import choropleth_figure
from demo.regions import COUNTIES_FILE
from tests.browser import console_errors

pytestmark = pytest.mark.browser

NO_DATA_COUNTY = "141182"  # 汾阳市: drawn grey, must still be clickable
RENDERED_FEATURES = """return document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map
    .queryRenderedFeatures().map(f => String(f.id))"""
HOVERED = """return (document.querySelector('#map .js-plotly-plot')._hoverdata || []).map(p => p.location)"""
# Lüliang's 13 counties by their administrative codes.
LULIANG_COUNTIES = {"141102", "141121", "141122", "141123", "141124", "141125", "141126", "141127", "141128",
                    "141129", "141130", "141181", "141182"}


@pytest.fixture
def dash_duo(request: pytest.FixtureRequest, dash_thread_server, tmpdir) -> DashComposite:
    """dash.testing's dash_duo, with WebGL allowed to run on the CPU.

    Headless Chromium 156 without a GPU creates a WebGL context but MapLibre draws nothing
    into it unless SwiftShader is allowed explicitly; hover and click work either way.
    """
    options = request.config.hook.pytest_setup_options()  # one Options per hook implementation
    for option_set in options:
        option_set.add_argument("--enable-unsafe-swiftshader")
    with DashComposite(server=dash_thread_server, browser=request.config.getoption("webdriver"),
                       remote=request.config.getoption("remote"),
                       remote_url=request.config.getoption("remote_url"),
                       headless=request.config.getoption("headless"), options=options,
                       download_path=tmpdir.mkdir("download").strpath,
                       percy_assets_root=request.config.getoption("percy_assets"),
                       percy_finalize=request.config.getoption("nopercyfinalize"),
                       pause=request.config.getoption("pause")) as composite:
        yield composite


def demo_map_app(view_px: tuple[int, int] = (1200, 800)) -> Dash:
    """A one-graph app: the shipped counties coloured by a made-up measure, one without data."""
    counties = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    codes = [f["id"] for f in counties["features"] if f["id"] != NO_DATA_COUNTY]
    frame = pd.DataFrame({"region_code": codes, "value": [100.0 + 37 * i for i in range(len(codes))]})
    app = Dash(__name__)
    app.layout = html.Div([
        dcc.Graph(id="map", figure=choropleth_figure(counties, frame, "value", unit="亿元",
                                                       title="地区生产总值（示例）", view_px=view_px),
                  style={"height": f"{view_px[1]}px", "width": f"{view_px[0]}px"}),
        html.Div(id="clicked"),
    ], style={"background": "#06122b", "position": "absolute", "inset": 0})

    @callback(Output("clicked", "children"), Input("map", "clickData"), prevent_initial_call=True)
    def show_click(click: dict) -> str:
        return click["points"][0]["location"]

    return app


def _click_county(dash_duo, code: str) -> None:
    """Move the real mouse onto a county's interior point and click it."""
    counties = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    feature = next(f for f in counties["features"] if f["id"] == code)
    point = shapely.geometry.shape(feature["geometry"]).representative_point()
    x, y = dash_duo.driver.execute_script(
        """const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
           const p = map.project([arguments[0], arguments[1]]);
           const box = map.getCanvasContainer().getBoundingClientRect();
           return [box.left + p.x, box.top + p.y];""", point.x, point.y)
    actions = ActionChains(dash_duo.driver)
    actions.w3c_actions.pointer_action.move_to_location(int(x), int(y))
    actions.perform()
    # plotly clicks what it is hovering: click once it hovers this county.
    wait.until(lambda: code in dash_duo.driver.execute_script(HOVERED), timeout=10)
    actions = ActionChains(dash_duo.driver)
    actions.w3c_actions.pointer_action.move_to_location(int(x), int(y))
    actions.w3c_actions.pointer_action.click()
    actions.perform()


def test_clicking_a_county_gives_its_code(dash_duo) -> None:
    dash_duo.start_server(demo_map_app())
    dash_duo.wait_for_element("#map .maplibregl-canvas")
    for code in ("141123", NO_DATA_COUNTY):  # 兴县 has a value; 汾阳市 has none
        _click_county(dash_duo, code)
        dash_duo.wait_for_text_to_equal("#clicked", code, timeout=10)
    assert console_errors(dash_duo) == []


def test_map_draws_every_county_and_fetches_nothing_from_elsewhere(dash_duo) -> None:
    dash_duo.start_server(demo_map_app())
    dash_duo.wait_for_element("#map .maplibregl-canvas")
    wait.until(lambda: set(dash_duo.driver.execute_script(RENDERED_FEATURES)) == LULIANG_COUNTIES, timeout=10)
    origin = dash_duo.server.url.rstrip("/")
    resources = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)")
    assert resources and all(url.startswith(origin) for url in resources), resources
    assert console_errors(dash_duo) == []


if __name__ == "__main__":
    demo_map_app(view_px=(1920, 1080)).run(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8091)
