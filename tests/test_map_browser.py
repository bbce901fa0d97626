"""Browser tests of /map on the demo warehouse: switch layers, click a county → its economy,
click an alert → its detail, the state in the URL, no console errors."""
from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
import shapely
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from tests.browser import console_errors, start_signed_in, wait_for_path, wait_live

GRAPH = "map-graph"


def _rows(url: str, sql: str) -> pd.DataFrame:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return pd.read_sql(sql, conn)


@pytest.fixture(scope="module")
def county(demo_sqlite_url: str) -> tuple[str, float, float]:
    """A county of the demo city and a point well inside it."""
    row = _rows(demo_sqlite_url, "SELECT region_code, geometry_wkt FROM geo_region "
                                 "WHERE region_code = '141102'").iloc[0]
    inner = shapely.from_wkt(row["geometry_wkt"]).buffer(-0.05).representative_point()
    return row["region_code"], inner.x, inner.y


@pytest.fixture(scope="module")
def alert(demo_sqlite_url: str) -> tuple[str, float, float]:
    """An open alert with coordinates that has no other open alert within ~5 km (one clear target)."""
    rows = _rows(demo_sqlite_url, "SELECT alert_id, lon, lat FROM fact_alert WHERE status IN "
                                  "('new', 'acknowledged', 'dispatched') AND lon IS NOT NULL AND level = 1")
    rows = pd.concat([rows, _rows(demo_sqlite_url, "SELECT alert_id, lon, lat FROM fact_alert WHERE status IN "
                                                   "('new', 'acknowledged', 'dispatched') AND lon IS NOT NULL")])
    others = rows.drop_duplicates("alert_id")
    for r in rows.itertuples():
        near = ((others["lon"] - r.lon) ** 2 + (others["lat"] - r.lat) ** 2) < 0.05 ** 2
        if near.sum() == 1:
            return r.alert_id, r.lon, r.lat
    pytest.fail("no isolated open alert in the demo warehouse")


def _map_ready(driver) -> bool:
    return bool(driver.execute_script("""
        const holder = document.getElementById(arguments[0]);
        const gd = holder && holder.querySelector('.js-plotly-plot');
        const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        return Boolean(sub && sub.map && sub.map.loaded() && !sub.map.isMoving() && gd.data.length);""", GRAPH))


def _traces(driver) -> list[str]:
    wait_live(driver, _map_ready, 20, "the map did not finish loading")
    return driver.execute_script(
        "return document.getElementById(arguments[0]).querySelector('.js-plotly-plot').data.map(t => t.name);", GRAPH)


def _click_at(driver, lon: float, lat: float) -> None:
    """Hover, then click the map where (lon, lat) is drawn, as a user would."""
    # Opened without a view, the map first fits the region to its size and writes that view in the URL.
    wait_live(driver, lambda d: "zoom=" in d.current_url, 20, "the map did not fit its view")
    wait_live(driver, _map_ready, 20, "the map did not finish loading")
    x, y = driver.execute_script("""
        const sub = document.getElementById(arguments[0]).querySelector('.js-plotly-plot')._fullLayout.map._subplot;
        const p = sub.map.project([arguments[1], arguments[2]]);
        const box = sub.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];""", GRAPH, lon, lat)
    action = ActionBuilder(driver)
    action.pointer_action.move_to_location(int(x) - 2, int(y)).pause(0.3).move_to_location(int(x), int(y)).pause(0.5)
    action.pointer_action.click()
    action.perform()


def _switch(driver, layer: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#map-layers input[value='{layer}']").click()


def test_layers_switch_and_the_state_is_in_the_url(dash_duo, make_config, demo_sqlite_url) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/map?layers=counties&indicator=GDP&measure=yoy_pct",
                    role="leader")
    driver = dash_duo.driver
    wait_live(driver, lambda d: "counties" in _traces(d), 20)
    assert not [n for n in _traces(driver) if n.startswith("alerts-")]
    _switch(driver, "alerts")
    wait_live(driver, lambda d: any(n.startswith("alerts-") for n in _traces(d)), 20, "no alert markers")
    dash_duo.wait_for_element("[id='{\"layer\":\"alerts\",\"type\":\"onemap-legend\"}']", timeout=10)
    wait_live(driver, lambda d: "layers=counties,alerts&" in d.current_url, 10, "the URL kept the old layers")
    _switch(driver, "counties")
    wait_live(driver, lambda d: "counties" not in _traces(d), 20, "the counties stayed")
    assert "layers=alerts&indicator=GDP&measure=yoy_pct" in driver.current_url
    # A copied link reproduces the view: open it again.
    driver.get(driver.current_url)
    wait_live(driver, lambda d: any(n.startswith("alerts-") for n in _traces(d)) and "counties" not in _traces(d), 20)
    assert not driver.find_element(By.CSS_SELECTOR, "#map-layers input[value='counties']").is_selected()
    # Townships coloured, counties as borders between them and the markers; then without markers.
    _switch(driver, "townships")
    wait_live(driver, lambda d: "townships" in _traces(d), 20, "no townships")
    _switch(driver, "counties")
    wait_live(driver, lambda d: "layers=counties,townships,alerts&" in d.current_url, 20)
    _switch(driver, "alerts")
    wait_live(driver, lambda d: not any(n.startswith("alerts-") for n in _traces(d)), 20, "the alerts stayed")
    assert "townships" in _traces(driver)
    assert console_errors(dash_duo) == []


def test_a_click_on_a_county_opens_its_economy(dash_duo, make_config, demo_sqlite_url, county) -> None:
    code, lon, lat = county
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/map?layers=counties", role="leader")
    wait_live(dash_duo.driver, lambda d: "counties" in _traces(d), 20)
    _click_at(dash_duo.driver, lon, lat)
    wait_for_path(dash_duo.driver, f"/economy/{code}", timeout=20)
    dash_duo.wait_for_contains_text(".economy-title", "离石区", timeout=20)
    assert console_errors(dash_duo) == []


def test_a_click_on_an_alert_opens_its_detail(dash_duo, make_config, demo_sqlite_url, alert) -> None:
    alert_id, lon, lat = alert
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/map?layers=alerts", role="duty_officer")
    wait_live(dash_duo.driver, lambda d: any(n.startswith("alerts-") for n in _traces(d)), 20)
    _click_at(dash_duo.driver, lon, lat)
    wait_for_path(dash_duo.driver, f"/alerts/{alert_id}", timeout=20)
    dash_duo.wait_for_element("#alert-detail-body", timeout=20)
    assert console_errors(dash_duo) == []
