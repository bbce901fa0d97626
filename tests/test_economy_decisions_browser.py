"""Browser tests of the economy page's decision support (issue 14), on the hand-made warehouse.

- The scenario: 吕梁市 GDP at 2026-09, V = 90, V₀ = 100, L = 130, T = 140 (tests/test_scenario.py):
  the target needs ((140 − 90)/30 − 1)·100 = 66.7 % over the last 3 months; the slider starts at
  the growth so far (−10 %, year end 90 + 27 = 117); moving it redraws the year-end chart.
- Annotations: an analyst adds a note from the page and it appears on the trend chart, with its
  text in the marker's hover; a leader (no ANNOTATE) sees no form.
"""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser import console_errors, start_signed_in, wait_live
from tests.economy_warehouse import build_economy_warehouse

TREND = '{"chart":"trend","type":"economy-graph"}'
FORECAST = '{"chart":"forecast","type":"economy-graph"}'


@pytest.fixture(scope="module")
def econ_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('econ_decisions')}/wh.db"
    build_economy_warehouse(url)
    return url


def traces(dash_duo, graph_id: str, meta: str) -> list:
    """The figure's traces tagged `meta` ([] until drawn)."""
    return dash_duo.driver.execute_script("""
        const holder = document.getElementById(arguments[0]);
        const gd = holder && holder.querySelector('.js-plotly-plot');
        return gd && gd.data ? gd.data.filter(t => t.meta === arguments[1])
            .map(t => ({x: t.x, y: t.y, hovertext: t.hovertext || null})) : [];""", graph_id, meta)


def test_scenario_sentence_and_slider(dash_duo, make_config, econ_url) -> None:
    start_signed_in(dash_duo, make_config(econ_url), "/economy/141100?indicator=GDP&period=2026-09", "duty_officer")
    dash_duo.wait_for_text_to_equal("#economy-scenario-required", "要完成全年目标，后3个月需同比增长66.7%", timeout=15)
    assert "全年117.0亿元" in dash_duo.find_element("#economy-scenario-outcome").text
    scenario = wait_live(dash_duo.driver, lambda d: traces(dash_duo, FORECAST, "scenario"), 10)
    assert scenario[0]["x"] == ["2026-09", "2026-12"] and scenario[0]["y"] == [90, pytest.approx(117.0)]
    # Typing 10 into the slider's input: the year ends at 90 + 30·1.1 = 123 (87.9 % of 140).
    box = dash_duo.find_element("#economy-scenario-growth input[type=number]")
    box.send_keys(Keys.CONTROL, "a", Keys.BACKSPACE)
    box.send_keys("10", Keys.TAB)
    dash_duo.wait_for_contains_text("#economy-scenario-outcome", "全年123.0亿元，完成目标的87.9%", timeout=10)
    assert wait_live(dash_duo.driver, lambda d: traces(dash_duo, FORECAST, "scenario")[0]["y"][1] == 123, 10)
    assert dash_duo.driver.find_elements(By.ID, "economy-note-box") == []  # a duty officer may not annotate
    assert console_errors(dash_duo) == []


def test_an_added_note_appears_on_the_trend_chart(dash_duo, make_config, econ_url) -> None:
    start_signed_in(dash_duo, make_config(econ_url), "/economy/141100?indicator=GDP&period=2026-09", "analyst")
    dash_duo.wait_for_element("#economy-kpi-value", timeout=15)
    assert traces(dash_duo, TREND, "annotations") == []
    dash_duo.find_element(".economy-note-summary").click()
    # A note on a month between two quarters falls on the quarter that follows (2026-05 → 2026-06).
    dash_duo.select_dcc_dropdown("#economy-note-period", value="2026-05")
    dash_duo.wait_for_contains_text("#economy-note-period", "2026-05", timeout=10)
    text = dash_duo.find_element("#economy-note-text")
    text.click()  # closes the month list, which may cover the button
    text.send_keys("出台稳增长十条措施")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});",
                                   dash_duo.find_element("#economy-note-add"))
    dash_duo.find_element("#economy-note-add").click()
    dash_duo.wait_for_text_to_equal("#economy-note-message", "已添加标注", timeout=15)
    marks = wait_live(dash_duo.driver, lambda d: traces(dash_duo, TREND, "annotations"), 10)
    assert marks[0]["x"] == ["2026-06"]
    assert "出台稳增长十条措施" in marks[0]["hovertext"][0] and "analyst" in marks[0]["hovertext"][0]
    # The vertical line is drawn too, and the note is on the record for the API.
    shapes = dash_duo.driver.execute_script(
        "return document.getElementById(arguments[0]).querySelector('.js-plotly-plot').layout.shapes", TREND)
    assert any(s.get("x0") == "2026-06" for s in shapes)
    # Reloading the page reads the note back from the app database.
    dash_duo.driver.refresh()
    marks = wait_live(dash_duo.driver, lambda d: traces(dash_duo, TREND, "annotations"), 15)
    assert marks[0]["x"] == ["2026-06"]
    assert console_errors(dash_duo) == []
