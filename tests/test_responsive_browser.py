"""Real-browser layout checks at a phone, a laptop and a desktop size, and the theme switch.

Every page fits its width (no horizontal scroll), alert titles and KPI numbers are shown in full
(not cut by their own box, an ancestor's overflow or their card), the header keeps the data time
and sign-out within reach, and the browser logs no errors.
"""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from tests.browser import console_errors, start_signed_in, wait_live

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "small-laptop": (1280, 800), "laptop": (1366, 768), "desktop": (1920, 1080),
         "wall": (2560, 1440)}
PAGES = {"/": ".kpi-card .kpi-value", "/economy": ".economy-kpi-number", "/alerts": ".alert-row .alert-title"}
# Text that must never be cut or run out of its card: (selector, card around it or "").
FULL_TEXT = (
    (".alert-title", ".alert-row"), (".alert-status", ".alert-row"), (".alert-level-badge", ".alert-row"),
    (".alert-overdue", ".alert-row"), (".alert-meta > *", ".alert-row"),
    (".kpi-value", ".kpi-card"), (".kpi-name", ".kpi-card"), (".economy-kpi-number", ".economy-kpi"),
    (".tile-count", ".tile"), (".count-n", ".count-chip"), (".detail-title", ""), (".app-as-of", ""),
)

# For each element of a selector: how it is cut, if it is (own overflow, a clipping ancestor, its card).
CUT_TEXT = """
const [selector, card] = arguments;
const out = [];
for (const el of Array.from(document.querySelectorAll(selector)).slice(0, 40)) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) { continue; }           // not displayed
  const text = (el.textContent || "").trim().slice(0, 40);
  if (el.scrollWidth > el.clientWidth + 1) {
    out.push(text + ": own overflow " + el.scrollWidth + ">" + el.clientWidth);
  }
  if (r.left < -1 || r.right > window.innerWidth + 1) { out.push(text + ": outside the window"); }
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX !== "visible") {
      const ar = a.getBoundingClientRect();
      if (r.left < ar.left - 1 || r.right > ar.right + 1) { out.push(text + ": clipped by " + a.className); }
      break;
    }
  }
  const box = card ? el.closest(card) : null;
  if (box) {
    const br = box.getBoundingClientRect();
    if (r.left < br.left - 1 || r.right > br.right + 1) { out.push(text + ": runs out of " + card); }
  }
}
return out;
"""


def emulate(driver, width: int, height: int) -> None:
    phone = width < 600
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone})


def open_page(dash_duo, path: str, ready_css: str) -> None:
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + path)
    dash_duo.wait_for_element(ready_css, timeout=30)
    time.sleep(1.5)  # charts and maps lay themselves out after the first render


# Panels that overlap one another, and charts squeezed narrower than a chart can be read.
PANELS_AND_CHARTS = """
const out = [];
const panels = Array.from(document.querySelectorAll('.app-main .panel')).map(p => [p, p.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && r.height > 0);
for (let i = 0; i < panels.length; i++) {
  for (let j = i + 1; j < panels.length; j++) {
    const [a, ra] = panels[i], [b, rb] = panels[j];
    if (a.contains(b) || b.contains(a)) { continue; }
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 2 && h > 2) { out.push('panels overlap: ' + a.className + ' / ' + b.className); }
  }
}
for (const plot of document.querySelectorAll('.app-main .js-plotly-plot')) {
  const r = plot.getBoundingClientRect();
  if (r.width > 0 && r.width < Math.min(240, window.innerWidth - 60)) {
    out.push('chart ' + Math.round(r.width) + 'px wide');
  }
}
return out;
"""


def layout_problems(driver) -> list[str]:
    problems = []
    scroll, inner = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];")
    if scroll > inner:
        problems.append(f"horizontal scroll: {scroll} > {inner}")
    for selector, card in FULL_TEXT:
        problems += [f"{selector}: {p}" for p in driver.execute_script(CUT_TEXT, selector, card)]
    return problems + driver.execute_script(PANELS_AND_CHARTS)


# Links that reach past the navigation's own box or into the clock and buttons beside it.
NAV_UNDER_META = """
    const nav = document.querySelector('.app-nav').getBoundingClientRect();
    const meta = document.querySelector('.app-meta').getBoundingClientRect();
    return [...document.querySelectorAll('.app-nav .nav-link')].filter(link => {
        const r = link.getBoundingClientRect();
        return r.right > Math.min(nav.right, meta.left) + 0.5 || r.left < nav.left - 0.5;
    }).map(link => link.textContent);"""


def header_problems(driver, phone: bool) -> list[str]:
    problems = []
    if not driver.find_element(By.ID, "app-data-as-of").is_displayed():
        problems.append("data-as-of hidden")
    logout = driver.find_element(By.CSS_SELECTOR, ".app-logout")
    if phone:
        menu = driver.find_element(By.ID, "app-menu-toggle")
        if not menu.is_displayed():
            return problems + ["no menu button on a phone"]
        menu.click()
        wait_live(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".app-logout").is_displayed(), 5,
                  "sign-out not in the opened menu")
        links = driver.find_elements(By.CSS_SELECTOR, ".app-nav .nav-link")
        if not all(link.is_displayed() for link in links):
            problems.append("navigation not in the opened menu")
        menu.click()
    else:
        if not logout.is_displayed():
            problems.append("sign-out hidden")
        tops = {link.location["y"] for link in driver.find_elements(By.CSS_SELECTOR, ".app-nav .nav-link")}
        if len(tops) != 1:
            problems.append(f"navigation wraps onto {len(tops)} lines")
        covered = driver.execute_script(NAV_UNDER_META)
        if covered:
            problems.append(f"navigation runs under the clock or buttons: {covered}")
        header = driver.find_element(By.CSS_SELECTOR, ".app-header").size["height"]
        if header > 90:
            problems.append(f"header {header}px high")
    return problems


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["leader", "duty_officer"])
def test_pages_fit_every_size(dash_duo, demo_sqlite_url, make_config, size, role) -> None:
    width, height = SIZES[size]
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/alerts", role=role)
    emulate(dash_duo.driver, width, height)
    problems: dict[str, list[str]] = {}
    pages = dict(PAGES) if role == "leader" else {"/alerts": PAGES["/alerts"]}
    for path, ready in pages.items():
        open_page(dash_duo, path, ready)
        problems[path] = layout_problems(dash_duo.driver) + header_problems(dash_duo.driver, size == "phone")
    # Read in the browser in one step: the live list may re-render between a lookup and a read.
    first = dash_duo.driver.execute_script("return document.querySelector('.alert-row').dataset.alertId")
    open_page(dash_duo, f"/alerts/{first}", ".detail-title")
    problems["detail"] = layout_problems(dash_duo.driver)
    assert {path: p for path, p in problems.items() if p} == {}
    assert console_errors(dash_duo) == []


@pytest.mark.parametrize("size", ["phone", "small-laptop"])
def test_english_pages_fit(dash_duo, demo_sqlite_url, make_config, size) -> None:
    # English words are longer than Chinese ones: the header still fits a laptop on one line.
    width, height = SIZES[size]
    start_signed_in(dash_duo, make_config(demo_sqlite_url, language="en"), "/", role="leader")
    emulate(dash_duo.driver, width, height)
    problems = {}
    for path, ready in PAGES.items():
        open_page(dash_duo, path, ready)
        problems[path] = layout_problems(dash_duo.driver) + header_problems(dash_duo.driver, size == "phone")
    assert {path: p for path, p in problems.items() if p} == {}
    assert console_errors(dash_duo) == []


ROW_PARTS = """
return [...document.querySelectorAll('.alert-row')].slice(0, 10).map(row => ({
    overdue: row.classList.contains('is-overdue'),
    parts: Object.fromEntries(['.alert-title', '.alert-level-badge', '.alert-status', '.alert-age'].map(css => {
        const el = row.querySelector(css);
        return [css, el ? [el.getClientRects().length > 0, el.innerText, el.getBoundingClientRect().width]
                        : [false, '', 0]];
    })),
}));
"""


def test_phone_duty_list_shows_every_part_of_a_row(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/alerts", role="duty_officer")
    emulate(dash_duo.driver, 360, 740)
    open_page(dash_duo, "/alerts", ".alert-row .alert-title")
    # One snapshot in the browser: the live list may re-render between two separate lookups.
    rows = dash_duo.driver.execute_script(ROW_PARTS)
    assert rows
    for row in rows:
        for part in (".alert-title", ".alert-level-badge", ".alert-status", ".alert-age"):
            shown, text, width = row["parts"][part]
            assert shown and text.strip(), part
            assert width > 24, (part, text)
        if row["overdue"]:
            assert row["parts"][".alert-title"][2] > 200
            assert row["parts"][".alert-status"][0]
    assert layout_problems(dash_duo.driver) == []


CHART_LOOK = """
const tick = document.querySelector('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text');
const bar = document.querySelector('.js-plotly-plot .modebar');
const map = document.querySelector('.alerts-map');
return {tick: tick && getComputedStyle(tick).fill, modebar: bar && getComputedStyle(bar).backgroundColor,
        map: map && getComputedStyle(map).backgroundColor,
        scheme: getComputedStyle(document.documentElement).colorScheme};
"""


def test_charts_maps_and_toolbar_follow_the_theme(dash_duo, demo_sqlite_url, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/economy", role="leader")
    dash_duo.wait_for_element(".js-plotly-plot .xtick text", timeout=30)
    dark = dash_duo.driver.execute_script(CHART_LOOK)
    dash_duo.find_element("#app-theme-toggle").click()
    wait_live(dash_duo.driver, lambda d: "theme-light" in d.find_element(By.ID, "app-root").get_attribute("class"))
    light = dash_duo.driver.execute_script(CHART_LOOK)
    assert dark["tick"] == "rgb(169, 190, 221)" and light["tick"] == "rgb(61, 75, 95)"
    assert dark["modebar"] != light["modebar"]
    assert (dark["scheme"], light["scheme"]) == ("dark", "light")
    open_page(dash_duo, "/alerts", ".alerts-map .js-plotly-plot")
    assert dash_duo.driver.execute_script(CHART_LOOK)["map"] == "rgb(223, 231, 242)"
    assert console_errors(dash_duo) == []
