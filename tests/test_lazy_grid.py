"""dash-ag-grid's bundle only where a grid is drawn (web/lazy_bundles.py, assets/lazy_grid.js)."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from tests.browser import console_errors, start_signed_in, wait_for_no_callbacks, wait_live
from tests.conftest import sign_in_as

GRID_SCRIPT = re.compile(r'<script[^>]+src="[^"]*dash_ag_grid[^"]*"')
GRID_META = re.compile(r'<meta name="cockpit-grid-bundle" content="(/_dash-component-suites/dash_ag_grid/'
                       r'dash_ag_grid\.v[0-9_]+m[0-9]+\.min\.js)"')


def test_the_page_names_the_grid_bundle_and_leaves_it_out(alerts_url, make_config) -> None:
    client = create_app(make_config(alerts_url)).server.test_client()
    sign_in_as(client, "leader")
    page = client.get("/").get_data(as_text=True)
    assert not GRID_SCRIPT.search(page)
    assert re.search(r'<script[^>]+src="/_dash-component-suites/dash/dcc/', page)  # the others stay
    url = GRID_META.search(page).group(1)
    bundle = client.get(url)
    assert bundle.status_code == 200 and b"dash_ag_grid" in bundle.data
    assert "max-age=31536000" in bundle.headers["Cache-Control"]  # fingerprinted: cached a year
    # Its chunks (the grid itself) are still served where the bundle asks for them.
    chunk = client.get("/_dash-component-suites/dash_ag_grid/async-community.v35_3_0m1.js")
    assert chunk.status_code == 200


def test_building_a_second_app_keeps_one_meta_tag(alerts_url, make_config) -> None:
    create_app(make_config(alerts_url))
    client = create_app(make_config(alerts_url)).server.test_client()
    sign_in_as(client, "leader")
    assert len(GRID_META.findall(client.get("/").get_data(as_text=True))) == 1


def _fetched_grid_bundle(driver) -> bool:
    return bool(driver.execute_script(
        "return performance.getEntriesByType('resource').some(e => e.name.includes('/dash_ag_grid/'))"))


@pytest.mark.browser
def test_the_grid_comes_with_the_first_page_that_draws_one(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至", timeout=20)
    wait_for_no_callbacks(dash_duo)
    assert not _fetched_grid_bundle(driver)
    # In-app navigation: the economy page's ranking grid loads the bundle and draws its 13 counties.
    dash_duo.find_element("a.nav-link[href='/economy']").click()
    wait_live(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".economy-grid .ag-row")) == 13, 30,
              "the ranking grid did not draw its counties")
    assert _fetched_grid_bundle(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-grid-loading]")
    # Sorting by a header still reaches the grid's own code.
    value_header = ".economy-grid .ag-header-cell[col-id='value']"
    assert driver.find_element(By.CSS_SELECTOR, value_header).get_attribute("aria-sort") in (None, "none")
    driver.find_element(By.CSS_SELECTOR, value_header + " .ag-header-cell-label").click()
    wait_live(driver, lambda d: d.find_element(By.CSS_SELECTOR, value_header).get_attribute("aria-sort")
              in ("ascending", "descending"), 10, "the grid did not sort")
    assert console_errors(dash_duo) == []
