"""In Chromium, on the hand-made projects warehouse (tests/projects_warehouse.py): the portfolio's
hand figures, the red list worst first and its link to a project page, the list's filters and
search, the data-quality note, a project page (curves, milestones with late ones, latest note,
county and department), a project without milestones, and an unknown code's calm panel."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser import click_live, console_errors, start_signed_in, wait_live
from tests.projects_warehouse import LATEST_NOTE, build_projects_warehouse
from tests.test_projects_browser import _column, _grid_count, _pick

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('projects_browser')}/wh.db"
    build_projects_warehouse(url)
    return url


def _text(driver, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def test_portfolio_red_list_filters_and_a_project_page(dash_duo, warehouse, make_config) -> None:
    start_signed_in(dash_duo, make_config(warehouse), "/projects", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".projects-red-item", timeout=30)
    # States and investment, as computed by hand.
    counts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#projects-tiles .tile-count")]
    assert counts == ["2", "1", "2", "1", "1"]
    assert _text(driver, "#projects-invest-actual") == "3,520"
    assert _text(driver, "#projects-invest-pct") == "完成计划 80.0%"
    quality = _text(driver, "#projects-quality")
    for part in ("1 条数值越界", "1 个项目无进度报告", "1 个项目计划完工早于开工日期",
                 "1 条进度报告的项目编号不在项目库中"):
        assert part in quality
    # The red list, worst first.
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".projects-red-name")]
    assert names == ["孝义高速连接线", "离石老旧小区改造", "孝义铝材产业园"]
    assert "红色清单：严重滞后和逾期项目（3）" in _text(driver, "#projects-red-title")
    assert "逾期" in driver.find_elements(By.CSS_SELECTOR, ".projects-red-item")[2].text
    # A chart's SVG print copy is drawn in the browser, with no error.
    dash_duo.wait_for_element('.projects-graph .js-plotly-plot .main-svg', timeout=30)
    svg = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const plot = document.querySelector('.projects-graph .js-plotly-plot');
        const out = window.cockpitPrintFigure(plot);
        Plotly.toImage(out.figure, {format: 'svg', width: out.width, height: out.height})
            .then(url => done(decodeURIComponent(url)), err => done('error: ' + err));""")
    assert svg.startswith("data:image/svg+xml") and "投资完成情况" in svg
    click_live(driver, '[id*="projects-svg"]')
    # The list: every project, then filters and search.
    wait_live(driver, lambda d: _grid_count(d) == 9, 20)
    _pick(driver, "projects-level", "省级")
    wait_live(driver, lambda d: _grid_count(d) == 2, 10)
    assert sorted(_column(driver, "name")) == ["孝义水库加固", "孝义高速连接线"]
    assert set(_column(driver, "state")) == {"进度数据异常", "严重滞后"}
    _pick(driver, "projects-dept", "水利局")
    wait_live(driver, lambda d: _column(d, "name") == ["孝义水库加固"], 10)
    driver.refresh()  # every filter back to "all"
    wait_live(driver, lambda d: _grid_count(d) == 9, 30)
    _pick(driver, "projects-state", "逾期")
    wait_live(driver, lambda d: _column(d, "name") == ["孝义铝材产业园"], 10)
    driver.refresh()
    wait_live(driver, lambda d: _grid_count(d) == 9, 30)
    driver.find_element(By.CSS_SELECTOR, "#projects-search").send_keys("离石")
    wait_live(driver, lambda d: _grid_count(d) == 5, 10)  # by name and by county
    driver.find_element(By.CSS_SELECTOR, "#projects-search").send_keys(Keys.CONTROL, "a", Keys.DELETE)
    wait_live(driver, lambda d: _grid_count(d) == 9, 10)
    # From the red list to the project's page.
    click_live(driver, ".projects-red-name")
    dash_duo.wait_for_text_to_equal("#project-detail-name", "孝义高速连接线", timeout=30)
    assert _text(driver, "#project-detail-state") == "严重滞后"
    assert _text(driver, "#project-detail-county") == "孝义市"
    assert _text(driver, "#project-detail-dept") == "交通运输局"
    note = _text(driver, "#project-detail-note")
    assert LATEST_NOTE[2] in note and "2026-10" in note
    milestones = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#project-detail-milestones .milestone-status")]
    assert milestones[:2] == ["按期完成", "延期完成 延误 15 天"] and milestones[2].startswith("已延误 延误 ")
    assert milestones[3] == "未到期"
    traces = driver.execute_script("""
        return [...document.querySelectorAll('.projects-graph .js-plotly-plot')].map(
            g => (g.data || []).map(t => t.name).filter(Boolean).join('|'));""")
    assert len(traces) == 3 and traces[0] == "计划|实际" and "已延误" in traces[2]
    assert console_errors(dash_duo) == []


def test_project_without_milestones_and_with_bad_rows_and_an_unknown_code(dash_duo, warehouse, make_config) -> None:
    start_signed_in(dash_duo, make_config(warehouse), "/projects/P01", role="analyst")
    driver = dash_duo.driver
    dash_duo.wait_for_text_to_equal("#project-detail-name", "离石大道改造", timeout=30)
    body = _text(driver, "#project-detail-body")
    assert "该项目未设置里程碑。" in body and "暂无进展说明。" in body
    assert "1 期进度数值越界" in _text(driver, "#project-detail-quality")
    driver.get(dash_duo.server.url.rstrip("/") + "/projects/P07")
    dash_duo.wait_for_text_to_equal("#project-detail-name", "离石养老中心", timeout=30)
    assert "计划完工早于开工日期" in _text(driver, "#project-detail-quality")
    driver.get(dash_duo.server.url.rstrip("/") + "/projects/NOPE-1")
    dash_duo.wait_for_element("#project-not-found", timeout=30)
    assert "未找到项目“NOPE-1”" in _text(driver, "#project-not-found")
    assert console_errors(dash_duo) == []
