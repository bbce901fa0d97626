"""Real-browser test: a page left open when its session reaches the absolute limit goes to the
sign-in form, and comes back after signing in (assets/session.js meets the guard's 401)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import console_errors, start_signed_in
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

PAGE = "/projects"
LIMIT_S = 20


def test_open_page_goes_to_sign_in_when_the_session_expires(dash_duo, demo_sqlite_url, make_config) -> None:
    # The shell's status callback runs every second: the page is busy, yet the session ends.
    config = make_config(demo_sqlite_url, status_refresh_s=1, session_absolute_hours=LIMIT_S / 3600)
    start_signed_in(dash_duo, config, PAGE)
    driver = dash_duo.driver
    base = dash_duo.server.url.rstrip("/")
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至", timeout=20)
    cookie = driver.get_cookie("session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]

    WebDriverWait(driver, LIMIT_S + 15).until(lambda d: urlsplit(d.current_url).path == "/login")
    assert parse_qs(urlsplit(driver.current_url).query) == {"next": [PAGE]}
    driver.find_element(By.NAME, "username").send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: d.current_url == base + PAGE)
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至", timeout=20)
    # Only the guard's 401s to Dash callbacks were reported, nothing else.
    assert [e for e in console_errors(dash_duo) if "status of 401" not in e.get("message", "")] == []
