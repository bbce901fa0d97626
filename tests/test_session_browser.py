"""Real-browser test of assets/session.js: an ended session sends the page to the login form."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import console_errors, start_signed_in, wait_for_no_callbacks
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

PAGE = "/projects?state=overdue"


def is_dash_401(entry: dict) -> bool:
    """Chromium's own report of the guard's 401 to a Dash callback request."""
    message = entry.get("message", "")
    return "/_dash-update-component" in message and "status of 401" in message


def callback_requests(driver) -> int:
    """How many Dash callback requests this page load has made so far."""
    return int(driver.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => new URL(e.name).pathname.endsWith('/_dash-update-component')).length"))


def test_ended_session_goes_to_login_and_back(dash_duo, demo_sqlite_url, make_config) -> None:
    # The shell's status callback then runs every second on every page.
    start_signed_in(dash_duo, make_config(demo_sqlite_url, status_refresh_s=1), PAGE)
    driver = dash_duo.driver
    base = dash_duo.server.url.rstrip("/")
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至", timeout=20)
    errors = console_errors(dash_duo)
    assert errors == []

    # Sign out behind the page's back; its next callback meets the guard's 401.
    driver.delete_cookie("session")
    WebDriverWait(driver, 15).until(lambda d: urlsplit(d.current_url).path == "/login")
    login_url = urlsplit(driver.current_url)
    assert parse_qs(login_url.query) == {"next": [PAGE]}
    dash_duo.wait_for_element("input[name=password]")

    driver.find_element(By.NAME, "username").send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: d.current_url == base + PAGE)
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至", timeout=20)
    # Later callbacks succeed and the page stays put: no second trip to the login page.
    before = callback_requests(driver)
    WebDriverWait(driver, 10).until(lambda d: callback_requests(d) >= before + 2)
    assert driver.current_url == base + PAGE

    errors = console_errors(dash_duo)
    dash_401s = [entry for entry in errors if is_dash_401(entry)]
    assert dash_401s, errors
    assert [entry for entry in errors if not is_dash_401(entry)] == []


def test_only_dash_callbacks_lead_to_login(dash_duo, demo_sqlite_url, make_config) -> None:
    """A 401 from another fetch (the JSON API) is the caller's business; a nav click is not."""
    # No periodic callback may meet the guard while the API is asked: the status refresh waits an
    # hour, and the page's first callbacks are all answered before the cookie goes.
    start_signed_in(dash_duo, make_config(demo_sqlite_url, status_refresh_s=3600), "/projects")
    driver = dash_duo.driver
    base = dash_duo.server.url.rstrip("/")
    dash_duo.wait_for_contains_text("#app-data-as-of", "数据截至", timeout=20)
    wait_for_no_callbacks(dash_duo)
    driver.delete_cookie("session")
    # A redirect would start in the fetch's own response handlers, before the caller sees the
    # response: a `navigate` listener records any navigation the page began by then. (Had the page
    # been left instead, chromedriver would have run the script again on the login page.)
    seen = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const navigations = [];"
        "navigation.addEventListener('navigate', e => navigations.push(e.destination.url));"
        "fetch('/api/v1/summary').then(r => done([r.status, navigations, location.pathname]), e => done(String(e)));")
    assert seen == [401, [], "/projects"]
    assert driver.current_url == base + "/projects"

    # Following a link runs the page router's callback, which meets the 401: the login page
    # then comes back to where the user was going.
    dash_duo.find_element("a.nav-link[href='/economy']").click()
    WebDriverWait(driver, 15).until(lambda d: urlsplit(d.current_url).path == "/login")
    assert parse_qs(urlsplit(driver.current_url).query) == {"next": ["/economy"]}

    errors = console_errors(dash_duo)
    api_401 = [entry for entry in errors if "/api/v1/summary" in entry.get("message", "")
               and "status of 401" in entry.get("message", "")]
    assert len(api_401) == 1, errors
    assert [entry for entry in errors if not is_dash_401(entry) and entry not in api_401] == []
