"""Dispatch orders in headless Chromium: a duty officer issues an order (a storage failure keeps the
form for a retry), moves it to done step by step, and the alert's detail shows it."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from core.config_video import VideoSettings
from tests.browser import click_live, console_errors, start_signed_in, wait_live


def pick(driver, dropdown_id: str, label_part: str) -> None:
    """Choose the option whose label contains `label_part` in a dcc.Dropdown."""
    driver.find_element(By.CSS_SELECTOR, f"#{dropdown_id}").click()

    def option(d):
        for element in d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"):
            if label_part in element.text:
                return element
        return False
    wait_live(driver, option, 10, f"no option {label_part!r} in {dropdown_id}").click()
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def order_status(driver) -> str | None:
    cards = driver.find_elements(By.CSS_SELECTOR, ".dispatch-order")
    return cards[0].get_attribute("data-status") if cards else None


def test_issue_an_order_and_progress_it_to_done(dash_duo, make_config, alerts_url: str) -> None:
    app = start_signed_in(dash_duo, make_config(alerts_url, video=VideoSettings(demo_clips="off")),
                          "/dispatch?alert=A6", "duty_officer")
    driver = dash_duo.driver
    engine = app.server.extensions["cockpit"].appdb.engine
    dash_duo.wait_for_element("#dispatch-send", timeout=30)
    pick(driver, "dispatch-depts", "消防救援支队")
    pick(driver, "dispatch-resources", "就地救援队")
    driver.find_element(By.ID, "dispatch-instruction").send_keys("封控坡脚，疏散下方住户")
    # The app database refuses the write: the officer is told, and the form keeps what was typed.
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER boom BEFORE INSERT ON dispatch_target "
                             "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    driver.find_element(By.ID, "dispatch-send").click()
    dash_duo.wait_for_contains_text("#dispatch-form-message", "未能保存", timeout=20)
    assert driver.find_element(By.ID, "dispatch-instruction").get_attribute("value") == "封控坡脚，疏散下方住户"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM dispatch_order").scalar() == 0
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER boom")
    driver.find_element(By.ID, "dispatch-send").click()
    dash_duo.wait_for_contains_text("#dispatch-form-message", "已下达调度指令 #1", timeout=20)
    wait_live(driver, lambda d: order_status(d) == "issued", 20)
    card = driver.find_element(By.CSS_SELECTOR, ".dispatch-order")
    assert "消防救援支队" in card.text and "就地救援队" in card.text and "封控坡脚" in card.text
    for step, shown in (("received", "已接收"), ("en_route", "在途"), ("on_site", "已到场"), ("done", "已完成")):
        click_live(driver, f".dispatch-order[data-dispatch-id='1'] button[id*='\"to\":\"{step}\"']")
        wait_live(driver, lambda d, s=step: order_status(d) == s, 20, f"never {step}")
        dash_duo.wait_for_contains_text("#dispatch-step-message", shown, timeout=10)
    card = driver.find_element(By.CSS_SELECTOR, ".dispatch-order")
    assert card.find_elements(By.CSS_SELECTOR, ".dispatch-steps button") == []  # done: no further step
    assert len(card.find_elements(By.CSS_SELECTOR, ".dispatch-history li")) == 5
    # The alert's detail (and the console's drawer, which shows the same) lists the order in its timeline.
    driver.get(dash_duo.server.url.rstrip("/") + "/alerts/A6")
    dash_duo.wait_for_contains_text(".alert-dispatch-block", "#1", timeout=30)
    block = driver.find_element(By.CSS_SELECTOR, ".alert-dispatch-block")
    assert "已完成" in block.text and "0 条调度进行中" in block.text
    assert block.find_element(By.CSS_SELECTOR, "a.dispatch-open-wall").get_attribute("href").endswith(
        "/dispatch?alert=A6")
    assert console_errors(dash_duo) == []


def test_a_leader_issues_but_does_not_record_steps(dash_duo, make_config, alerts_url: str) -> None:
    start_signed_in(dash_duo, make_config(alerts_url, video=VideoSettings(demo_clips="off")),
                    "/dispatch?alert=A6", "leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element("#dispatch-send", timeout=30)
    pick(driver, "dispatch-depts", "自然资源局")
    driver.find_element(By.ID, "dispatch-instruction").send_keys("核查隐患点")
    driver.find_element(By.ID, "dispatch-send").click()
    wait_live(driver, lambda d: order_status(d) == "issued", 20)
    assert driver.find_elements(By.CSS_SELECTOR, ".dispatch-steps button") == []
    # The duty console marks the alert's row with its open orders.
    driver.get(dash_duo.server.url.rstrip("/") + "/alerts")
    dash_duo.wait_for_contains_text(".alert-row[data-alert-id='A6'] .alert-dispatch", "1 条调度进行中", timeout=30)
    assert driver.find_elements(By.CSS_SELECTOR, ".alert-row[data-alert-id='A1'] .alert-dispatch") == []
    assert console_errors(dash_duo) == []
