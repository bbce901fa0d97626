"""Poverty-relapse monitoring in headless Chromium on the hand-made warehouse: drill from the
city to a village by the children's links, the numbers by hand on each level, the data-quality
note, and masking on screen: 张* without the personal-data permission, 张三 with it (audited)."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from core.audit import PERSONAL_DATA_VIEWED
from datasources.audit import search_audit
from datasources.users import update_user
from tests.browser import console_errors, start_signed_in, wait_for_path, wait_for_text, wait_live
from tests.poverty_warehouse import A1, LISHI, TOWN_A, build_poverty_warehouse


@pytest.fixture(scope="module")
def poverty_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('poverty-browser')}/wh.db"
    build_poverty_warehouse(url)
    return url


def _tiles(dash_duo) -> dict[str, str]:
    return {key: dash_duo.find_element(f"#poverty-count-{key}").text
            for key in ("total", "stable", "monitored", "at_risk", "risk_eliminated", "share")}


def _drill(dash_duo, name: str, code: str, total: str) -> None:
    """Click the child `name` in the children's table; wait for its page and its total."""
    link = wait_live(dash_duo.driver, lambda d: d.find_element(
        By.XPATH, f"//table[@id='poverty-children-table']//a[text()='{name}']"))
    link.click()
    wait_for_path(dash_duo.driver, f"/poverty/{code}", timeout=15)
    wait_for_text(dash_duo.driver, "#poverty-count-total", total, timeout=15)


def _cells(dash_duo, column: str, count: int) -> list[str]:
    css = f"#poverty-grid .ag-center-cols-container .ag-cell[col-id='{column}']"
    wait_live(dash_duo.driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, css)) == count, timeout=15,
              message=f"{count} rows in the list")
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#poverty-grid .ag-center-cols-container .ag-row")
    ordered = sorted(rows, key=lambda r: int(r.get_attribute("row-index")))
    return [r.find_element(By.CSS_SELECTOR, f".ag-cell[col-id='{column}']").text for r in ordered]


def test_drill_to_a_village_with_masked_names(dash_duo, poverty_url: str, make_config) -> None:
    start_signed_in(dash_duo, make_config(poverty_url), "/poverty", role="leader")
    wait_for_text(dash_duo.driver, "#poverty-count-total", "12", timeout=20)
    assert _tiles(dash_duo) == {"total": "12", "stable": "5", "monitored": "2", "at_risk": "4",
                                "risk_eliminated": "1", "share": "33.3%"}
    note = dash_duo.find_element("#poverty-quality").text
    assert "1 户区划代码未知" in note and "1 户监测状态无效" in note and "1 户人均收入为负" in note
    dash_duo.wait_for_contains_text("#poverty-threshold-note", "低于标准的户 5 户", timeout=10)
    _drill(dash_duo, "离石区", LISHI, "10")
    assert dash_duo.find_element("#poverty-count-at_risk").text == "3"
    _drill(dash_duo, "武沟镇", TOWN_A, "7")
    dash_duo.wait_for_contains_text("#poverty-unplaced", "另有 1 户登记在本级", timeout=10)
    row = dash_duo.driver.find_element(By.XPATH, "//table[@id='poverty-children-table']//tr[td/a[text()='枣家头村']]")
    assert [td.text for td in row.find_elements(By.TAG_NAME, "td")] == ["枣家头村", "1", "1", "1", "1", "4", "25.0%"]
    _drill(dash_duo, "枣家头村", A1, "4")
    assert dash_duo.find_element("#poverty-breadcrumb").text.replace("\n", "") == "吕梁市›离石区›武沟镇›枣家头村"
    assert not dash_duo.driver.find_element(By.ID, "poverty-panel-children").is_displayed()  # a village
    assert _cells(dash_duo, "head_name", 2) == ["张*", "李**"]
    assert _cells(dash_duo, "id_number", 2)[0] == "1411**********1234"
    assert "脱敏" in dash_duo.find_element("#poverty-mask-note").text
    assert "张三" not in dash_duo.driver.page_source
    assert console_errors(dash_duo) == []


def test_personal_data_shows_full_names_and_is_audited(dash_duo, poverty_url: str, make_config) -> None:
    app = start_signed_in(dash_duo, make_config(poverty_url), "/", role="analyst")
    engine = app.server.extensions["cockpit"].appdb.engine
    update_user(engine, "analyst", {"personal_data": True})
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + f"/poverty/{A1}")
    assert _cells(dash_duo, "head_name", 2) == ["张三", "李小四"]
    assert _cells(dash_duo, "id_number", 2)[0] == "141102199001011234"
    assert "审计" in dash_duo.find_element("#poverty-mask-note").text
    events = search_audit(engine, actor="analyst", action=PERSONAL_DATA_VIEWED)
    assert [e.object for e in events] == [f"households region={A1}"]
    # Switching the list to at-risk households shows (and audits) them again.
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#poverty-status input[value='at_risk']").click()
    assert _cells(dash_duo, "head_name", 1) == ["张三"]
    wait_live(dash_duo.driver, lambda d: len(search_audit(engine, actor="analyst", action=PERSONAL_DATA_VIEWED)) == 2)
    assert console_errors(dash_duo) == []
