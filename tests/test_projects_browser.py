"""In Chromium: the key-projects grid (search, sort, filter, ?state=), the English UI on the demo
warehouse, and the alert detail's map. Draw times are printed (run with -s), never asserted."""
from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser import console_errors, start_signed_in, wait_live

pytestmark = pytest.mark.browser
HAN = re.compile(r"[\u4e00-\u9fff]")
ROWS = ".projects-grid .ag-center-cols-container .ag-row"


def _column(driver, field: str) -> list[str]:
    """The texts of one column over the rendered rows, top to bottom (rows sorted by their position)."""
    return driver.execute_script("""
        const rows = [...document.querySelectorAll(arguments[0])];
        rows.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
        return rows.map(r => {
            const c = r.querySelector('[col-id="' + arguments[1] + '"]');
            return c ? c.innerText : '';
        });
    """, ROWS, field)


def _grid_count(driver) -> int:
    """Rows the grid holds after its filters (not only the drawn ones)."""
    return driver.execute_script("""
        try {
            const api = window.dash_ag_grid && dash_ag_grid.getApi && dash_ag_grid.getApi('projects-grid');
            return api ? api.getDisplayedRowCount() : -1;
        } catch (err) { return -1; }  // not rendered yet
    """)


def _pick(driver, dropdown_id: str, label: str) -> None:
    """Choose `label` in a dcc.Dropdown."""
    driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}").click()

    def option(d):
        for element in d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"):
            if element.text.strip() == label:
                return element
        return False
    found = wait_live(driver, option, 10, f"no option {label!r} in {dropdown_id}")
    # A menu opened near the window's bottom edge runs past it: scroll the option into view, as a user would.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", found)
    found.click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def _timed(driver, action, condition, timeout: float = 20) -> float:
    start = time.perf_counter()
    action()
    wait_live(driver, condition, timeout)
    return time.perf_counter() - start


def test_projects_grid_searches_sorts_and_filters(dash_duo, demo_sqlite_url, make_config) -> None:
    engine = sa.create_engine(demo_sqlite_url)
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT COUNT(*) FROM dim_project")).scalar_one()
        name = conn.execute(sa.text("SELECT name FROM dim_project ORDER BY project_code LIMIT 1 OFFSET 7")).scalar_one()
    engine.dispose()
    start = time.perf_counter()
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/projects", role="leader")
    driver = dash_duo.driver
    wait_live(driver, lambda d: _grid_count(d) == total, 30)
    first_draw = driver.execute_script(
        "return performance.now() - (performance.getEntriesByType('navigation')[0] || {startTime: 0}).startTime")
    drawn = len(driver.find_elements(By.CSS_SELECTOR, ROWS))
    assert 0 < drawn < total  # virtualised: only the rows in view are in the page
    # The grid alone: all rows handed to it again, until the browser has painted them.
    redraw = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const api = dash_ag_grid.getApi('projects-grid');
        const rows = [];
        api.forEachNode(node => rows.push(Object.assign({}, node.data, {code: node.data.code + '-x'})));
        const start = performance.now();
        api.setGridOption('rowData', rows);
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - start)));""")
    wait_live(driver, lambda d: _grid_count(d) == total, 10)

    # Search, in the browser.
    search = driver.find_element(By.CSS_SELECTOR, "#projects-search")
    searched = _timed(driver, lambda: search.send_keys(name), lambda d: 1 <= _grid_count(d) < total)
    assert all(name in text for text in _column(driver, "name"))
    search.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    wait_live(driver, lambda d: _grid_count(d) == total, 10)

    # Sort by lag, both ways (most lagging first by default).
    lags = [float(v.replace(",", "")) for v in _column(driver, "lag") if v not in ("—", "")]
    assert lags == sorted(lags, reverse=True)
    header = driver.find_element(By.CSS_SELECTOR, '.projects-grid .ag-header-cell[col-id="lag"] .ag-header-cell-label')
    header.click()  # desc → none → asc
    header.click()
    wait_live(driver, lambda d: [v for v in _column(d, "lag") if v not in ("—", "")][:1] != [f"{lags[0]:,.1f}"], 10)
    ascending = [float(v.replace(",", "")) for v in _column(driver, "lag") if v not in ("—", "")]
    assert ascending == sorted(ascending)

    # Filter by county, category and state (server side, within the user's scope).
    county = _timed(driver, lambda: _pick(driver, "projects-county", "孝义市"),
                    lambda d: 0 < _grid_count(d) < total and set(_column(d, "county")) == {"孝义市"})
    _pick(driver, "projects-category", "交通")
    wait_live(driver, lambda d: set(_column(d, "category")) <= {"交通"} and set(_column(d, "county")) <= {"孝义市"})
    assert re.search(r"共 \d+ 个项目", driver.find_element(By.CSS_SELECTOR, "#projects-note").text)
    print(f"\nprojects grid ({total} projects): first draw {first_draw:.0f} ms after navigation start "
          f"(sign-in to rows {time.perf_counter() - start:.1f} s incl. server start), {drawn} rows drawn; "
          f"grid redraw of all rows {redraw:.0f} ms; "
          f"search {searched * 1000:.0f} ms; county filter {county * 1000:.0f} ms")
    assert console_errors(dash_duo) == []


def test_projects_state_from_the_url(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/projects?state=overdue", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_contains_text("#projects-title", "项目清单：逾期", timeout=20)
    wait_live(driver, lambda d: _grid_count(d) > 0, 20)
    assert set(_column(driver, "state")) == {"逾期"}
    assert console_errors(dash_duo) == []


def test_english_ui_has_no_chinese_in_header_nav_kpis_or_project_list(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url, language="en"), "/", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".kpi-card", timeout=30)
    time.sleep(1.5)  # the clock ticks once
    for css in (".app-header", "nav", ".kpi-card"):
        for element in driver.find_elements(By.CSS_SELECTOR, css):
            assert not HAN.search(element.text), (css, element.text)
    clock = driver.find_element(By.CSS_SELECTOR, "#app-clock").text if driver.find_elements(
        By.CSS_SELECTOR, "#app-clock") else ""
    assert not re.search(r"\d{2}/\d{2}/\d{4}", clock), clock
    spacing = driver.execute_script(
        "return getComputedStyle(document.querySelector('.app-title')).letterSpacing")
    assert spacing in ("normal", "0px"), spacing
    driver.get(dash_duo.server.url.rstrip("/") + "/projects")
    wait_live(driver, lambda d: _grid_count(d) > 0, 30)
    for field in ("county", "category", "state", "progress", "investment"):
        texts = _column(driver, field)
        assert texts and not any(HAN.search(text) for text in texts), (field, texts[:3])
    assert not any(text.endswith((" Xian", " Qu", " Shi")) for text in _column(driver, "county"))
    assert console_errors(dash_duo) == []


def test_alert_detail_map_has_borders_a_legend_and_words(dash_duo, demo_sqlite_url, make_config) -> None:
    engine = sa.create_engine(demo_sqlite_url)
    with engine.connect() as conn:
        alert_id = conn.execute(sa.text(
            "SELECT alert_id FROM fact_alert WHERE status NOT IN ('resolved', 'closed') AND lon IS NOT NULL "
            "AND region_code LIKE '1411%' ORDER BY level, alert_id LIMIT 1")).scalar_one()
    engine.dispose()
    start_signed_in(dash_duo, make_config(demo_sqlite_url, language="en"), f"/alerts/{alert_id}", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".detail-map .js-plotly-plot", timeout=30)

    def legend(d):
        names = d.execute_script("""
            const gd = document.querySelector('.detail-map .js-plotly-plot');
            return gd && gd.data ? gd.data.map(t => t.name) : null;""")
        return names or False
    names = wait_live(driver, legend, 20)
    assert "County borders" in names and any(n.startswith("This alert") for n in names)
    layers = driver.execute_script("""
        const gd = document.querySelector('.detail-map .js-plotly-plot');
        return (gd.layout.map.layers || []).map(l => l.type);""")
    assert "line" in layers
    assert driver.find_elements(By.CSS_SELECTOR, ".detail-map .legend")
    body = driver.find_element(By.CSS_SELECTOR, "#alert-detail-body").text
    for code in ("forest_fire", "public_security", "rescue_team", "supply_depot"):
        assert code not in body
    assert console_errors(dash_duo) == []


def test_exported_chart_has_title_region_period_unit_source_on_white(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url, language="en"), "/economy?indicator=GDP", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element('#economy-panel-trend .js-plotly-plot .main-svg', timeout=30)

    def printable(d):
        return d.execute_script("""
            const plot = document.querySelector('#economy-panel-trend .js-plotly-plot');
            if (!plot || !plot.data || !plot.data.length || !window.cockpitPrintFigure) return false;
            return window.cockpitPrintFigure(plot);""") or False
    out = wait_live(driver, printable, 20)
    layout = out["figure"]["layout"]
    assert layout["paper_bgcolor"] == "#ffffff" and layout["plot_bgcolor"] == "#ffffff"
    title = layout["title"]["text"]
    assert "Gross regional product" in title and "Trend" in title and "Unit: " in title
    assert re.search(r"20\d\d", title)  # the period
    source = layout["annotations"][-1]["text"]
    assert source.startswith("Source: ") and "Exported" in source
    assert not HAN.search(title + source)
    # plotly.js draws it, offline: an SVG with the title and the source line.
    svg = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const out = window.cockpitPrintFigure(document.querySelector('#economy-panel-trend .js-plotly-plot'));
        Plotly.toImage(out.figure, {format: 'svg', width: out.width, height: out.height})
            .then(url => done(decodeURIComponent(url)), err => done('error: ' + err));""")
    assert svg.startswith("data:image/svg+xml") and "Source: " in svg and "Gross regional product" in svg
    assert console_errors(dash_duo) == []
