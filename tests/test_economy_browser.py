"""Browser tests of /economy: drill down by map, ranking and table, back up by breadcrumb and the
back button, exports equal to the API, friendly not-found (hand-made warehouse, see economy_warehouse)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from tests.browser import console_errors, start_signed_in, wait_for_path, wait_live
from tests.economy_warehouse import GDP_CITY, build_economy_warehouse

MAP = '{"chart":"map","type":"economy-graph"}'
RANKING = '{"chart":"ranking","type":"economy-graph"}'


@pytest.fixture(scope="module")
def econ_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('econ_browser')}/wh.db"
    build_economy_warehouse(url)
    return url


def wait_for_title(dash_duo, name: str) -> None:
    dash_duo.wait_for_contains_text(".economy-title", name, timeout=10)


def wait_for_map(dash_duo, timeout: float = 15) -> None:
    """Wait until MapLibre has drawn the map: leaving a page while the map still loads makes
    plotly.js log "Map error." (a real user clicks after seeing the map, too)."""
    wait_live(dash_duo.driver, lambda d: d.execute_script("""
        const holder = document.getElementById(arguments[0]);
        const gd = holder && holder.querySelector('.js-plotly-plot');
        const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        return Boolean(sub && sub.map && sub.map.loaded() && gd.data.length);""", MAP),
              timeout, "the map did not finish loading")


def click_map_region(dash_duo, code: str, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, as a user would, once MapLibre has drawn region `code` there."""
    driver = dash_duo.driver
    graph = driver.execute_script("return document.getElementById(arguments[0]);", MAP)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", graph)
    point = wait_live(driver, lambda d: d.execute_script("""
        const [id, lon, lat, code] = arguments;
        const holder = document.getElementById(id);
        const gd = holder && holder.querySelector('.js-plotly-plot');
        const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        if (!sub || !sub.map || !gd.data.length || !sub.map.loaded() || sub.map.isMoving()) return null;
        const p = sub.map.project([lon, lat]);
        const drawn = sub.map.queryRenderedFeatures([p.x, p.y]).some(f => String(f.id) === code);
        if (!drawn) return null;  // not yet drawn, or still the previous level's map
        const box = sub.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];""", MAP, lon, lat, code), 10, f"the map did not draw {code}")
    action = ActionBuilder(driver)
    action.pointer_action.move_to_location(int(point[0]), int(point[1])).click()
    action.perform()


def fetch_json(dash_duo, path: str) -> dict:
    """GET an API path from inside the signed-in browser."""
    text = dash_duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text()).then(done);", path)
    return json.loads(text)


def downloaded(dash_duo, suffix: str, timeout: float = 10) -> Path:
    folder = Path(dash_duo.download_path)

    def finished(_driver) -> Path | None:
        files = [f for f in folder.glob(f"*{suffix}") if not f.name.endswith(".crdownload")]
        return files[0] if files else None
    try:
        return wait_live(dash_duo.driver, finished, timeout)
    except TimeoutException:
        raise AssertionError(f"no {suffix} download in {folder}: {list(folder.iterdir())}") from None


def test_city_numbers_and_drill_by_ranking_map_and_table(dash_duo, make_config, econ_url):
    start_signed_in(dash_duo, make_config(econ_url), "/economy")
    wait_for_title(dash_duo, "吕梁市")
    dash_duo.wait_for_text_to_equal("#economy-kpi-completion", "64.3%", timeout=10)
    assert dash_duo.find_element("#economy-kpi-value").text == "90.0"
    assert dash_duo.find_element("#economy-kpi-last-year").text == "100.0"  # 亿元: one decimal, as the value
    assert dash_duo.find_element("#economy-kpi-yoy").text == "-2.0%"
    assert "-3.5" in dash_duo.find_element(".economy-kpi:nth-child(3) .economy-kpi-note").text
    assert "完成率落后时间进度" in dash_duo.find_element("#economy-trailing-flag").text
    forecast = dash_duo.find_element("#economy-forecast-text").text
    assert "全年预计 126.0 亿元（区间 117.0–135.0）" in forecast and "差约 14.0 亿元" in forecast

    # Ranking (by completion, best at the top): 孝义市 75 % above 离石区 71.4 %; the bottom bar is 离石区.
    wait_for_map(dash_duo)
    dash_duo.wait_for_element(f"[id='{RANKING}'] .point path", timeout=10)
    bars = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"[id='{RANKING}'] .point path")
    assert len(bars) == 2
    ActionChains(dash_duo.driver).move_to_element(bars[0]).click().perform()
    wait_for_path(dash_duo.driver, "/economy/141102")
    wait_for_title(dash_duo, "离石区")
    assert "indicator=GDP" in dash_duo.driver.current_url

    # Map of 离石区's townships: 莲花池街道 is the western half of the county square.
    click_map_region(dash_duo, "141102001", 111.125, 37.25)
    wait_for_path(dash_duo.driver, "/economy/141102001")
    wait_for_title(dash_duo, "莲花池街道")
    dash_duo.wait_for_contains_text("#economy-comparison-note", "没有下一级地区", timeout=10)

    # Breadcrumb up to the county, then the browser's back button down again and up twice.
    dash_duo.wait_for_text_to_equal("#economy-kpi-value", "30.0", timeout=10)
    dash_duo.find_element("#economy-breadcrumb a[href^='/economy/141102?']").click()
    wait_for_path(dash_duo.driver, "/economy/141102")
    wait_for_title(dash_duo, "离石区")
    dash_duo.driver.back()
    wait_for_path(dash_duo.driver, "/economy/141102001")
    wait_for_title(dash_duo, "莲花池街道")
    dash_duo.driver.back()
    wait_for_path(dash_duo.driver, "/economy/141102")
    wait_for_map(dash_duo)
    dash_duo.driver.back()
    wait_for_path(dash_duo.driver, "/economy")
    wait_for_title(dash_duo, "吕梁市")

    # Table, ranked by completion (75 %, 71.4 %, no data); clicking 孝义市's name drills into it.
    dash_duo.wait_for_contains_text("#economy-table", "孝义市", timeout=10)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#economy-table .ag-center-cols-container .ag-row")
    ordered = sorted(rows, key=lambda r: int(r.get_attribute("row-index")))
    assert [r.find_element(By.CSS_SELECTOR, ".ag-cell[col-id='name']").text for r in ordered] == [
        "孝义市", "离石区", "石楼县"]
    assert [r.find_element(By.CSS_SELECTOR, ".ag-cell[col-id='completion_pct']").text for r in ordered] == [
        "75.0%", "71.4%", "—"]
    cell = next(c for c in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#economy-table .ag-cell[col-id='name']")
                if c.text == "孝义市")
    wait_for_map(dash_duo)
    cell.click()
    wait_for_path(dash_duo.driver, "/economy/141181")
    wait_for_title(dash_duo, "孝义市")
    dash_duo.wait_for_contains_text("#economy-comparison-note", "没有下一级地区", timeout=10)
    assert console_errors(dash_duo) == []


def test_controls_write_the_url_and_a_copied_link_reproduces_the_view(dash_duo, make_config, econ_url):
    start_signed_in(dash_duo, make_config(econ_url), "/economy/141100?indicator=GDP&period=2025-09&measure=yoy_pct")
    wait_for_title(dash_duo, "吕梁市")
    dash_duo.wait_for_text_to_equal("#economy-kpi-value", "100.0", timeout=10)
    assert dash_duo.find_element("#economy-measure input[value='yoy_pct']").is_selected()
    wait_for_map(dash_duo)
    dash_duo.find_element("#economy-measure input[value='value']").click()
    wait_live(dash_duo.driver, lambda d: "measure=value" in d.current_url, 10, "the measure did not reach the URL")
    # The page re-renders its controls from the URL: look the choice up again until it shows as chosen.
    wait_live(dash_duo.driver,
              lambda d: d.find_element(By.CSS_SELECTOR, "#economy-measure input[value='value']").is_selected(),
              10, "the chosen measure is not selected")
    assert "period=2025-09" in dash_duo.driver.current_url and "measure=value" in dash_duo.driver.current_url
    wait_for_map(dash_duo)
    # Another category: the first indicator of 民生保障 (UNEMP) has no target, so no completion.
    dash_duo.find_element("#economy-category .economy-tab:nth-child(2)").click()
    dash_duo.wait_for_contains_text("#economy-kpi-completion", "—", timeout=10)
    assert "indicator=UNEMP" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text("#economy-forecast-text", "不是累计值", timeout=10)
    # Only the city publishes UNEMP: the map panel says so instead of drawing the counties grey.
    dash_duo.wait_for_contains_text("#economy-map-note", "下级地区暂无“城镇调查失业率”数据", timeout=10)
    assert console_errors(dash_duo) == []


def test_exports_match_the_api(dash_duo, make_config, econ_url):
    start_signed_in(dash_duo, make_config(econ_url), "/economy/141100?indicator=GDP", role="leader")
    dash_duo.wait_for_contains_text("#economy-table", "孝义市", timeout=10)
    # The counties at 2026-09, worked out from economy_warehouse: value, target, YoY, completion = value / target.
    expected = {"141102": (50.0, 70.0, 3.0, pytest.approx(100 * 50 / 70)),
                "141181": (45.0, 60.0, -1.0, pytest.approx(100 * 45 / 60))}
    api = fetch_json(dash_duo, "/api/v1/indicators/GDP/values?region=141100&children=1&start=2026-09&end=2026-09")
    assert {r["region_code"]: (r["value"], r["target"], r["yoy_pct"], r["completion_pct"])
            for r in api["rows"]} == expected

    dash_duo.find_element("[id='{\"at\":\"table\",\"chart\":\"comparison\",\"fmt\":\"csv\",\"type\":\"economy-export\"}']").click()
    path = downloaded(dash_duo, ".csv")
    assert path.name == "地区生产总值_下辖地区_吕梁市_2026-09.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese headers
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert set(rows[0]) >= {"地区", "区划代码", "数值（亿元）", "年度目标（亿元）", "同比（%）", "目标完成率（%）"}
    by_code = {r["区划代码"]: r for r in rows}
    assert set(by_code) == {"141102", "141181", "141126"}
    numbers = ("数值（亿元）", "年度目标（亿元）", "同比（%）", "目标完成率（%）")
    assert {code: tuple(float(by_code[code][n]) for n in numbers) for code in expected} == expected
    assert by_code["141126"]["数值（亿元）"] == ""  # no data: empty, not 0

    dash_duo.find_element("[id='{\"at\":\"trend\",\"chart\":\"trend\",\"fmt\":\"xlsx\",\"type\":\"economy-export\"}']").click()
    book = openpyxl.load_workbook(downloaded(dash_duo, ".xlsx"))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["地区", "时期", "数值（亿元）"]
    table = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    # The city's GDP by period, straight from economy_warehouse: value and completion = value / target.
    trend = {period: (value, pytest.approx(100 * value / target)) for period, (value, target, _) in GDP_CITY.items()}
    completion = header.index("目标完成率（%）")
    assert {period: (r[2], r[completion]) for period, r in table.items() if r[2] is not None} == trend
    city = fetch_json(dash_duo, "/api/v1/indicators/GDP/values?region=141100")
    assert {r["period"]: (r["value"], r["completion_pct"]) for r in city["rows"]} == trend
    assert table["2024-06"][2] is None  # the missing period stays empty
    assert console_errors(dash_duo) == []


def test_unknown_region_and_bad_query_values(dash_duo, make_config, econ_url):
    start_signed_in(dash_duo, make_config(econ_url), "/economy/141199?indicator=GDP")
    dash_duo.wait_for_contains_text("#economy-not-found", "141199", timeout=10)
    dash_duo.find_element("#economy-up-link").click()
    wait_for_title(dash_duo, "吕梁市")
    wait_for_map(dash_duo)
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/economy?indicator=NOPE&period=2026-13&measure=x")
    wait_for_title(dash_duo, "吕梁市")
    notes = dash_duo.find_element("#economy-notes").text
    assert "NOPE" in notes and "2026-13" in notes and "“x”" in notes
    dash_duo.wait_for_text_to_equal("#economy-kpi-value", "90.0", timeout=10)
    wait_for_map(dash_duo)
    # A known region without data for the indicator says so (and shows no zeros).
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/economy/141126?indicator=GDP")
    dash_duo.wait_for_contains_text("#economy-empty", "石楼县暂无“地区生产总值”数据", timeout=10)
    assert console_errors(dash_duo) == []
