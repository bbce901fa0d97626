"""The duty console in Chromium: live arrival, announcement once, two officers, invalid transitions, app-DB failure."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from scripts.screenshot import sign_in
from tests.alerts_warehouse import build_alerts_warehouse, insert_alert
from tests.browser import click_live, console_errors, start_signed_in, wait_for_text, wait_live
from tests.conftest import ADMIN_PASSWORD, pytest_setup_options

pytestmark = pytest.mark.browser

# The limit: an inserted alert is on every open console within 5 s.
LIVE_LIMIT_S = 5


def row(alert_id: str) -> str:
    return f'.alert-row[data-alert-id="{alert_id}"]'


def shown_ids(driver) -> list[str]:
    """The alert ids of the console's rows, top to bottom."""
    return [e.get_attribute("data-alert-id") for e in driver.find_elements(By.CSS_SELECTOR, ".alert-row")]


def title_starts(dash_duo, prefix: str) -> None:
    """Wait until the tab title (the unacknowledged count) starts with `prefix`."""
    WebDriverWait(dash_duo.driver, 5).until(lambda d: d.title.startswith(prefix), f"title is {dash_duo.driver.title!r}")


@pytest.fixture
def warehouse(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'wh.db'}"
    build_alerts_warehouse(url)
    return url


@pytest.fixture(params=[False, True], ids=["polling", "push"])
def config(request: pytest.FixtureRequest, warehouse: str, make_config):
    # The shipped defaults (alerts cached 2 s, consoles polling every 2 s), and with server push.
    return make_config(warehouse, cache_ttl_s={"alerts": 2, "regions": 3600, "indicators": 300,
                                               "projects": 300, "quality": 3600, "status": 10},
                       alerts_refresh_s=2, alerts_push=request.param)


def second_browser(base: str) -> webdriver.Chrome:
    """Another officer's Chromium, signed in."""
    options = pytest_setup_options()
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(options=options)
    sign_in(driver, base, "admin", ADMIN_PASSWORD)
    driver.get(f"{base}/alerts")
    return driver


def test_inserted_alert_appears_live_and_is_announced_once(dash_duo, config, warehouse) -> None:
    start_signed_in(dash_duo, config, "/alerts", role="duty_officer")
    dash_duo.wait_for_element(row("A1"), timeout=10)
    # A1, A4, A6 are new (unacknowledged) in the warehouse.
    title_starts(dash_duo, "(3)")
    wait_live(dash_duo.driver,
              lambda d: "is-overdue" in d.find_element(By.CSS_SELECTOR, row("A1")).get_attribute("class"))

    insert_alert(warehouse, "LIVE-1", 1, "新发森林火情")
    dash_duo.wait_for_element(row("LIVE-1"), timeout=LIVE_LIMIT_S)
    dash_duo.wait_for_contains_text("#alerts-flash", "新预警：新发森林火情", timeout=2)
    title_starts(dash_duo, "(4)")
    # Most severe and newest first: the new red alert heads the list.
    wait_live(dash_duo.driver, lambda d: shown_ids(d)[:1] == ["LIVE-1"], 2)

    # A reload (as after a reconnect) does not announce it again.
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(row("LIVE-1"), timeout=10)
    title_starts(dash_duo, "(4)")
    assert dash_duo.find_element("#alerts-flash").text == ""

    # Filters come from the URL and go back into it.
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/alerts?level=2")
    dash_duo.wait_for_element(row("A6"), timeout=10)
    WebDriverWait(dash_duo.driver, 5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, row("A1")))
    wait_live(dash_duo.driver, lambda d: set(shown_ids(d)) == {"A2", "A6"}, 2)
    assert dash_duo.driver.current_url.endswith("/alerts?level=2")

    # The overview names the overdue red and orange alerts (A1 and A6 are new and past their limits).
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/")
    dash_duo.wait_for_contains_text("#overview-overdue", "超时未确认 2 条", timeout=15)
    assert console_errors(dash_duo) == []


def test_two_officers_and_an_invalid_transition(dash_duo, config) -> None:
    start_signed_in(dash_duo, config, "/alerts", role="duty_officer")
    other = second_browser(dash_duo.server.url.rstrip("/"))
    try:
        WebDriverWait(other, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, row("A6")))
        click_live(dash_duo.driver, row("A6"))
        dash_duo.wait_for_contains_text("#alert-detail-body", "山体滑坡隐患", timeout=10)
        dash_duo.wait_for_contains_text("#alert-detail-body", "北面避难所", timeout=5)
        click_live(dash_duo.driver, "#alert-action-acknowledge")
        dash_duo.wait_for_contains_text("#alert-action-message", "已记录：确认", timeout=10)
        dash_duo.wait_for_contains_text(f"{row('A6')} .alert-status", "已确认", timeout=5)
        # The other officer's console shows it without a reload.
        wait_for_text(other, f"{row('A6')} .alert-status", "已确认")

        # Acknowledging again is refused with a message that says why.
        click_live(dash_duo.driver, "#alert-action-acknowledge")
        dash_duo.wait_for_contains_text("#alert-action-message", "该预警已被确认", timeout=10)
        # The timeline shows the one acknowledgement, by whom.
        dash_duo.wait_for_contains_text("#alert-detail-body", "duty_officer", timeout=5)
        assert len(dash_duo.find_elements(".timeline .tl-acknowledge")) == 1
        click_live(dash_duo.driver, "#alerts-drawer-close")
        click_live(dash_duo.driver, "#alerts-tabs .alerts-tab:nth-child(2)")
        dash_duo.wait_for_contains_text("#alerts-stats", "每日预警数（按类别）", timeout=10)
        # Response times from the cockpit's own records: A6, acknowledged here, in 孝义市.
        dash_duo.wait_for_contains_text("#alerts-stats .stats-table", "孝义市", timeout=5)
        assert [e for e in other.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        other.quit()
    assert console_errors(dash_duo) == []


def test_action_while_the_app_database_is_locked_keeps_the_input(dash_duo, config) -> None:
    start_signed_in(dash_duo, config, "/alerts/A6", role="duty_officer")
    dash_duo.wait_for_contains_text("#alert-detail-body", "山体滑坡隐患", timeout=10)
    dash_duo.find_element("#alert-action-text").send_keys("现场已到达，正在疏散")
    # Another writer holds the SQLite write lock: reads go on (WAL), writes time out.
    app_db = config.app_db_url.removeprefix("sqlite:///")
    blocker = sqlite3.connect(app_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        dash_duo.find_element("#alert-action-note").click()
        dash_duo.wait_for_contains_text("#alert-action-message", "未保存", timeout=30)
        assert dash_duo.find_element("#alert-action-text").get_attribute("value") == "现场已到达，正在疏散"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    dash_duo.find_element("#alert-action-note").click()
    dash_duo.wait_for_contains_text("#alert-action-message", "已记录：备注", timeout=15)
    dash_duo.wait_for_contains_text("#alert-detail-body", "现场已到达，正在疏散", timeout=10)
    assert dash_duo.find_element("#alert-action-text").get_attribute("value") == ""
    assert console_errors(dash_duo) == []
