"""Real-browser tests of the foundation: sign-in, every page, overview numbers, theme, language."""
from __future__ import annotations

import dash
import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from tests.browser import console_errors, start_signed_in

pytestmark = pytest.mark.browser

CITY = "141100"

# The headline cards of the demo warehouse (fixed seed, end period 2026-10) as a statistician writes
# them: thousands separators, large whole numbers without decimals, one decimal otherwise.
HEADLINE = {
    "地区生产总值": ("1,711.7", "亿元"),
    "规模以上工业增加值增速": ("5.9", "%"),
    "固定资产投资增速": ("7.5", "%"),
    "社会消费品零售总额": ("483.4", "亿元"),
    "一般公共预算收入": ("235.7", "亿元"),
    "城镇居民人均可支配收入": ("33,824", "元"),
    "城镇调查失业率": ("5.1", "%"),
    "空气质量优良天数比例": ("83.6", "%"),
}


def warehouse_headline(warehouse_url: str) -> dict[str, tuple[float, str]]:
    """Each headline indicator's latest city value and unit, computed straight from the warehouse in SQL."""
    engine = sa.create_engine(warehouse_url)
    query = sa.text("""
        SELECT d.name, d.unit, f.value
        FROM dim_indicator d
        JOIN fact_indicator f ON f.indicator_code = d.indicator_code AND f.region_code = :city
        WHERE d.headline = 1
          AND f.period = (SELECT MAX(period) FROM fact_indicator m
                          WHERE m.indicator_code = d.indicator_code AND m.region_code = :city)
        ORDER BY f.updated_at""")
    with engine.connect() as conn:
        rows = conn.execute(query, {"city": CITY}).all()
    engine.dispose()
    # Later rows (newer updated_at) win, as the cockpit's duplicate rule says.
    return {name: (value, unit) for name, unit, value in rows}


def expected_open_by_level(warehouse_url: str) -> dict[str, int]:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT level, COUNT(*) FROM fact_alert WHERE status NOT IN ('resolved', 'closed') "
            "AND level BETWEEN 1 AND 4 GROUP BY level")).all()
    engine.dispose()
    counts = {str(level): n for level, n in rows}
    return {level: counts.get(level, 0) for level in ("1", "2", "3", "4")}


def shown_cards(dash_duo) -> dict[str, tuple[str, str]]:
    dash_duo.wait_for_element(".kpi-card .kpi-value", timeout=20)
    return {card.find_element(By.CSS_SELECTOR, ".kpi-name").text:
            (card.find_element(By.CSS_SELECTOR, ".kpi-value").text,
             card.find_element(By.CSS_SELECTOR, ".kpi-unit").text)
            for card in dash_duo.find_elements(".kpi-card")}


def shown_levels(dash_duo) -> dict[str, int]:
    dash_duo.wait_for_element(".tile.level-red .tile-count", timeout=20)
    return {level: int(dash_duo.find_element(f".tile.level-{colour} .tile-count").text)
            for level, colour in (("1", "red"), ("2", "orange"), ("3", "yellow"), ("4", "blue"))}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_overview_shows_the_warehouse_numbers(dash_duo, request, make_config, engine) -> None:
    url = request.getfixturevalue("demo_sqlite_url" if engine == "sqlite" else "demo_pg_url")
    start_signed_in(dash_duo, make_config(url))
    assert dash_duo.find_element("#app-city-name").text == "吕梁市"
    assert shown_cards(dash_duo) == HEADLINE
    # The cards are the warehouse's latest values, rounded to the decimals shown.
    decimals = {name: len(text.partition(".")[2]) for name, (text, _) in HEADLINE.items()}
    assert {name: (float(text.replace(",", "")), unit) for name, (text, unit) in HEADLINE.items()} == {
        name: (round(value, decimals.get(name, 0)), unit) for name, (value, unit) in warehouse_headline(url).items()}
    assert shown_levels(dash_duo) == expected_open_by_level(url)
    dash_duo.wait_for_contains_text("#overview-projects", "正常推进", timeout=10)
    dash_duo.wait_for_contains_text("#overview-quality", "区划代码未知", timeout=20)
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至 20", timeout=10)
    assert console_errors(dash_duo) == []


def test_every_page_opens_without_console_errors(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url))
    base = dash_duo.server.url.rstrip("/")
    paths = sorted({page["path"] for page in dash.page_registry.values()
                    if page.get("path_template") is None and not page["path"].startswith("/_")})
    paths += ["/no-such-page", "/projects?state=overdue"]
    for path in paths:
        dash_duo.driver.get(base + path)
        dash_duo.wait_for_element(".app-main .panel", timeout=20)
        assert dash_duo.find_elements(".panel-message.panel-error") == [], path
        assert console_errors(dash_duo) == [], path
    dash_duo.driver.get(base + "/no-such-page")
    dash_duo.wait_for_element("#notfound-panel")


def test_navigation_and_theme_switch(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url))
    dash_duo.wait_for_element(".kpi-card")
    assert "theme-dark" in dash_duo.find_element("#app-root").get_attribute("class")
    dash_duo.find_element("#app-theme-toggle").click()
    dash_duo.wait_for_class_to_equal("#app-root", "theme-light")
    dash_duo.find_element(".tile.state-lagging").click()
    dash_duo.wait_for_contains_text(".app-main", "项目清单：滞后", timeout=10)
    dash_duo.wait_for_element(".projects-grid .ag-row .state-badge", timeout=10)
    states = {cell.text for cell in dash_duo.find_elements(".projects-grid .ag-row .state-badge")}
    assert states == {"滞后"}
    assert "active" in dash_duo.find_element("a.nav-link[href='/projects']").get_attribute("class")
    assert console_errors(dash_duo) == []


def test_english_by_config(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url, language="en"))
    dash_duo.wait_for_element(".kpi-card")
    assert dash_duo.find_element(".app-title").text == "City Cockpit"
    engine = sa.create_engine(demo_sqlite_url)
    with engine.connect() as conn:
        first = conn.execute(sa.text("SELECT name_en FROM dim_indicator WHERE headline = 1 "
                                     "ORDER BY display_order LIMIT 1")).scalar_one()
    engine.dispose()
    assert dash_duo.find_element(".kpi-card .kpi-name").text == first
    assert dash_duo.find_element("a.nav-link[href='/']").text == "Overview"
    assert console_errors(dash_duo) == []


def test_signed_out_browser_lands_on_login(dash_duo, demo_sqlite_url, make_config) -> None:
    from app import create_app

    dash_duo.start_server(create_app(make_config(demo_sqlite_url)), navigate=False)
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/projects")
    dash_duo.wait_for_element("input[name=password]")
    assert "/login?next=/projects" in dash_duo.driver.current_url
