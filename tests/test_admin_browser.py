"""Real-browser test of /admin: an administrator sees the user list; a leader gets the no-access panel."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from core.i18n import t
from datasources.users import upsert_user
from tests.browser import console_errors, start_signed_in, wait_live
from tests.tiny_warehouse import build_tiny_warehouse

pytestmark = pytest.mark.browser


@pytest.fixture
def tiny_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/tiny.db"
    build_tiny_warehouse(url)
    return url


def _cells(driver, grid: str, column: str) -> list[str]:
    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, f"#{grid} .ag-center-cols-container "
                                                                        f".ag-cell[col-id={column}]")]


def test_admin_sees_the_user_list_and_the_audit_log(dash_duo, tiny_url, make_config) -> None:
    app = start_signed_in(dash_duo, make_config(tiny_url), "/admin")
    upsert_user(app.server.extensions["cockpit"].appdb.engine, "wang", "Yellow-River-2026", "leader", "141102")
    driver = dash_duo.driver
    dash_duo.wait_for_text_to_equal(".panel-title", t("admin.users", "zh"), timeout=20)
    wait_live(driver, lambda d: "admin" in _cells(d, "admin-users", "username"), 20, "no admin row")
    admin_role = driver.find_element(By.CSS_SELECTOR, "#admin-users .ag-center-cols-container .ag-row[row-id=admin] "
                                                      ".ag-cell[col-id=role]")
    assert admin_role.text == t("role.admin", "zh")
    # The navigation offers the page to an administrator.
    assert driver.find_element(By.CSS_SELECTOR, "a.nav-link[href='/admin']").text == t("nav.admin", "zh")
    # A user added meanwhile shows at the latest after the next refresh of the list (Clear reloads it).
    driver.find_element(By.ID, "admin-clear").click()
    wait_live(driver, lambda d: _cells(d, "admin-users", "username") == ["admin", "wang"], 20)
    # Picking a row fills the form.
    driver.find_element(By.CSS_SELECTOR, "#admin-users .ag-center-cols-container .ag-row[row-id=wang] "
                                         ".ag-cell[col-id=username]").click()
    wait_live(driver, lambda d: d.find_element(By.ID, "admin-username").get_attribute("value") == "wang", 10)
    assert driver.find_element(By.ID, "admin-scope").get_attribute("value") == "141102"
    # The audit log lists the sign-in, newest first.
    wait_live(driver, lambda d: "登录 (login)" in _cells(d, "admin-audit-grid", "action"), 20, "no sign-in logged")
    assert t("admin.audit.system", "zh") in _cells(driver, "admin-audit-grid", "actor")  # admin_password_set
    assert console_errors(dash_duo) == []


def test_a_leader_gets_the_no_access_panel(dash_duo, tiny_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(tiny_url), "/admin", role="leader")
    dash_duo.wait_for_text_to_equal("#access-denied", t("access.page_denied", "zh"), timeout=20)
    driver = dash_duo.driver
    assert driver.find_elements(By.ID, "admin-users") == []
    assert driver.find_elements(By.CSS_SELECTOR, "a.nav-link[href='/admin']") == []
    assert console_errors(dash_duo) == []
