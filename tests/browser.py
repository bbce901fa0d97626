"""Helpers for dash.testing browser tests: start a cockpit, sign in, read console errors."""
from __future__ import annotations

from dash import Dash
from dash.testing.composite import DashComposite
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from app import create_app
from core.config import Config
from datasources.users import upsert_user
from tests.conftest import ADMIN_PASSWORD


def start_signed_in(dash_duo: DashComposite, config: Config, path: str = "/", role: str = "admin") -> Dash:
    """Serve a cockpit for `config`, sign in through the login form as a user named after `role`
    (created with that role, the admin's password), open `path`."""
    app = create_app(config)
    if role != "admin":
        upsert_user(app.server.extensions["cockpit"].appdb.engine, role, ADMIN_PASSWORD, role)
    dash_duo.start_server(app, navigate=False)
    base = dash_duo.server.url.rstrip("/")
    dash_duo.driver.get(f"{base}/login")
    dash_duo.driver.find_element(By.NAME, "username").send_keys(role)
    dash_duo.driver.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    dash_duo.driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    # Let the sign-in finish before navigating, or the navigation cancels the form's POST.
    WebDriverWait(dash_duo.driver, 30).until(lambda driver: "/login" not in driver.current_url)
    dash_duo.wait_for_page(base + path, timeout=40)
    return app


def console_errors(dash_duo: DashComposite) -> list[dict]:
    """Severe browser console entries so far (errors, failed fetches)."""
    return [entry for entry in dash_duo.get_logs() if entry.get("level") == "SEVERE"]


# Live pages re-render their rows while a test acts on them; a lookup that meets a
# replaced element looks again instead of failing.
LIVE_DOM_EXCEPTIONS = (NoSuchElementException, StaleElementReferenceException)


def click_live(driver: WebDriver, css: str, timeout: float = 10) -> None:
    """Click the element matching `css`, looking it up again if a re-render replaced it."""
    def attempt(d: WebDriver) -> bool:
        d.find_element(By.CSS_SELECTOR, css).click()
        return True
    wait_live(driver, attempt, timeout)


def wait_for_text(driver: WebDriver, css: str, text: str, timeout: float = 10) -> None:
    """Wait until the element matching `css` has exactly `text`, across re-renders."""
    wait_live(driver, lambda d: d.find_element(By.CSS_SELECTOR, css).text == text, timeout)


def wait_live(driver: WebDriver, condition, timeout: float = 10, message: str = ""):
    """WebDriverWait on `condition`, looking elements up again after a re-render."""
    return WebDriverWait(driver, timeout, ignored_exceptions=LIVE_DOM_EXCEPTIONS).until(condition, message)


def wait_for_no_callbacks(dash_duo: DashComposite, timeout: float = 20) -> None:
    """Wait until the Dash renderer has no callback requested, running or waiting on the server."""
    wait_live(dash_duo.driver, lambda _d: dash_duo.redux_state_rqs == [], timeout, "callbacks still pending")


def wait_for_path(driver: WebDriver, path: str, timeout: float = 10) -> None:
    """Wait until the page's URL path (query string aside) ends with `path`."""
    try:
        WebDriverWait(driver, timeout).until(lambda d: d.current_url.split("?")[0].endswith(path))
    except TimeoutException:
        raise AssertionError(f"expected {path}, at {driver.current_url}") from None
