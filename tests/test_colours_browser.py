"""Empty and partial levels in a real browser (the demo warehouse): a township's villages have
neither boundaries nor data, a county's townships have no unemployment figures. Each panel says
so once, calmly, with no empty plotly axes and no map grid; a level with data shows its legend."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser import console_errors, start_signed_in, wait_live
from tests.test_economy_browser import MAP, RANKING, wait_for_map, wait_for_title

pytestmark = pytest.mark.browser


def graph_hidden_or_without_axes(dash_duo, graph_id: str) -> bool:
    """Whether the graph `graph_id` is hidden, or draws no ticks (no empty axes on screen)."""
    graph = dash_duo.driver.execute_script("return document.getElementById(arguments[0]);", graph_id)
    if graph is None or not graph.is_displayed():
        return True
    return not graph.find_elements(By.CSS_SELECTOR, ".xtick, .ytick")


def assert_calm(dash_duo, message: str) -> None:
    """Ranking and map panels each say `message` once, draw no axes; the table has no rows of "—"."""
    dash_duo.wait_for_contains_text("#economy-comparison-note", message, timeout=15)
    dash_duo.wait_for_contains_text("#economy-map-note", message, timeout=15)
    for graph_id in (RANKING, MAP):
        wait_live(dash_duo.driver, lambda d, g=graph_id: graph_hidden_or_without_axes(dash_duo, g), 10,
                  f"{graph_id} shows empty axes")
    for panel in ("#economy-panel-ranking", "#economy-panel-map"):
        assert dash_duo.find_element(panel).text.count(message) == 1
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#economy-table .ag-center-cols-container .ag-row")


def test_township_and_county_levels_without_data_say_so(dash_duo, make_config, demo_sqlite_url):
    config = make_config(demo_sqlite_url)
    start_signed_in(dash_duo, config, "/economy/141102001?indicator=GDP", role="leader")
    wait_for_title(dash_duo, "东头街道")
    # Villages: no boundaries and no GDP figures. No "暂无下级区域的边界数据" over an empty grid.
    assert_calm(dash_duo, "下级地区暂无“地区生产总值”数据")
    assert "边界" not in dash_duo.find_element("#economy-panel-map").text

    # A county's townships publish no unemployment rate: no grey map, no empty ranking.
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/economy/141102?indicator=UNEMPLOYMENT")
    wait_for_title(dash_duo, "离石区")
    assert_calm(dash_duo, "下级地区暂无“城镇调查失业率”数据")

    # The same county's GDP by completion: ranking and map drawn, each saying what its colours mean.
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/economy/141102?indicator=GDP&measure=completion_pct")
    wait_for_title(dash_duo, "离石区")
    wait_for_map(dash_duo)
    dash_duo.wait_for_element(f"[id='{RANKING}'] .point path", timeout=10)
    legend = dash_duo.driver.find_element(By.CSS_SELECTOR, f"[id='{RANKING}'] .annotation-text").text
    assert "落后时间进度" in legend and "时间进度" in legend
    map_legend = dash_duo.driver.find_element(By.CSS_SELECTOR, f"[id='{MAP}'] .annotation-text").text
    assert "达到时间进度" in map_legend and "落后超 5 个百分点" in map_legend
    assert console_errors(dash_duo) == []
