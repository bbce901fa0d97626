"""Single sign-on in Chromium: the login page's link, the provider on 127.0.0.1, back signed in and scoped."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app import create_app
from datasources.users import get_user
from tests.browser import console_errors, wait_for_path, wait_live
from tests.oidc_provider import OidcProvider, cockpit_oidc_config
from tests.tiny_warehouse import build_tiny_warehouse

pytestmark = pytest.mark.browser

HOME = "141102"  # a county of the tiny warehouse; its open alerts are A1 and A5


@pytest.fixture
def warehouse(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/tiny.db"
    build_tiny_warehouse(url)
    return url


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    running = OidcProvider().start()
    yield running
    running.stop()


def fetch_json(driver, path: str) -> list:
    """[status, body] of a same-site fetch from the page (the session cookie goes along)."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.json().then(b => done([r.status, b])), e => done([0, String(e)]));", path)


def test_sign_in_through_the_identity_platform(dash_duo, warehouse, make_config, provider) -> None:
    provider.claims = {"sub": "u-2002", "preferred_username": "li.si", "name": "李四",
                       "roles": ["cockpit-duty"], "region_code": HOME}
    app = create_app(make_config(warehouse, oidc=cockpit_oidc_config(provider)))
    dash_duo.start_server(app, navigate=False)
    driver = dash_duo.driver
    base = dash_duo.server.url.rstrip("/")

    # Signed out, the duty console sends the browser to the login page, which offers single sign-on.
    driver.get(f"{base}/alerts")
    WebDriverWait(driver, 15).until(lambda d: urlsplit(d.current_url).path == "/login")
    assert parse_qs(urlsplit(driver.current_url).query) == {"next": ["/alerts"]}
    link = driver.find_element(By.ID, "login-oidc")
    assert link.text == "统一身份认证登录"
    link.click()

    # Through the provider (it signs the user in at once) and back: on the page asked for, signed in.
    wait_for_path(driver, "/alerts", timeout=30)
    dash_duo.wait_for_text_to_equal(".app-user", "李四", timeout=20)
    assert len(provider.authorize_requests) == 1 and len(provider.token_requests) == 1
    user = get_user(app.server.extensions["cockpit"].appdb.engine, "li.si")
    assert (user.role, user.region_scope) == ("duty_officer", HOME)
    # The mapped role opens the duty console; its scope shows only the county's open alerts.
    wait_live(driver, lambda d: sorted(e.get_attribute("data-alert-id")
                                       for e in d.find_elements(By.CSS_SELECTOR, ".alert-row")) == ["A1", "A5"],
              timeout=20, message="the console should list the open alerts of 141102 only")
    assert driver.find_elements(By.ID, "access-denied") == []
    status, summary = fetch_json(driver, "/api/v1/summary")
    assert status == 200 and summary["region_code"] == HOME

    assert console_errors(dash_duo) == []
