"""The wall screen in Chromium: scaled to the window at two sizes, the carousel with touch pause and
idle return, the red-alert banner after an insert until a duty officer acknowledges, stale data."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from core.config_screens import ScreenSettings
from tests.alerts_warehouse import build_alerts_warehouse, insert_alert
from tests.browser import console_errors, start_signed_in, wait_for_path, wait_live
from tests.conftest import sign_in_as

pytestmark = pytest.mark.browser

# The limit: a new red alert is on the wall within 5 s.
ALARM_LIMIT_S = 5

# Every text on the canvas (HTML and the charts' SVG) and its size in design pixels.
FONT_SIZES = """
const canvas = document.getElementById('screen-canvas');
const sizes = [];
for (const el of canvas.querySelectorAll('*')) {
  const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  if (own && el.getClientRects().length) {
    sizes.push([parseFloat(getComputedStyle(el).fontSize), el.textContent.slice(0, 30)]);
  }
}
return sizes;
"""
GEOMETRY = """
const r = document.getElementById('screen-canvas').getBoundingClientRect();
const s = document.scrollingElement;
return {left: r.left, top: r.top, width: r.width, height: r.height, innerWidth, innerHeight,
        scrollWidth: s.scrollWidth, scrollHeight: s.scrollHeight, scrollX, scrollY,
        header: getComputedStyle(document.querySelector('.app-header')).display};
"""


@pytest.fixture
def warehouse(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'wh.db'}"
    build_alerts_warehouse(url)
    return url


def _emulate(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def _geometry(driver, width: int, height: int, canvas: tuple[int, int]) -> dict:
    """Wait until the canvas has been scaled for this window, then its geometry."""
    scale = min(width / canvas[0], height / canvas[1])
    wait_live(driver, lambda d: abs(d.execute_script(GEOMETRY)["width"] - canvas[0] * scale) < 1, 5,
              f"canvas not scaled to {width}x{height}")
    return driver.execute_script(GEOMETRY)


def test_the_canvas_fills_the_window_at_two_sizes_and_nothing_scrolls(dash_duo, warehouse, make_config) -> None:
    config = make_config(warehouse, screens=ScreenSettings(stale_after_min=1))
    start_signed_in(dash_duo, config, "/screen", role="screen")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".screen-viewport.is-fitted", timeout=15)
    dash_duo.wait_for_element(".screen-kpi", timeout=10)

    # 4:3: the 16:9 canvas as wide as the window, letterboxed above and below (1280 × 720, 152 px bands).
    _emulate(driver, 1280, 1024)
    boxes = [_geometry(driver, 1280, 1024, (1920, 1080))]
    # A 4K screen: the same canvas at twice its size, filling the window exactly.
    _emulate(driver, 3840, 2160)
    boxes.append(_geometry(driver, 3840, 2160, (1920, 1080)))
    assert [(round(b["left"]), round(b["top"]), round(b["width"]), round(b["height"])) for b in boxes] == [
        (0, 152, 1280, 720), (0, 0, 3840, 2160)]
    for box in boxes:
        assert box["scrollWidth"] <= box["innerWidth"] and box["scrollHeight"] <= box["innerHeight"]
        assert (box["scrollX"], box["scrollY"], box["header"]) == (0, 0, "none")  # kiosk: no shell header

    # No text under 24 design pixels; a 5 m reading distance.
    small = [s for s in driver.execute_script(FONT_SIZES) if s[0] < 24]
    assert small == []
    # The tiny warehouse's newest data are an hour old: older than the configured minute.
    dash_duo.wait_for_contains_text("#screen-stale", "数据未更新", timeout=10)
    # The badge sits in the header's empty middle: it covers no panel and none of the header's text.
    covered = driver.execute_script("""
        const badge = document.getElementById('screen-stale').getBoundingClientRect();
        const hit = r => r.left < badge.right && badge.left < r.right && r.top < badge.bottom && badge.top < r.bottom;
        const panels = [...document.querySelectorAll('.screen-panel:not(.screen-panel-header)')];
        const texts = [...document.querySelectorAll('.screen-panel-header *')].filter(e => !e.children.length);
        return [...panels, ...texts].filter(e => hit(e.getBoundingClientRect())).map(e => e.className);""")
    assert covered == []
    assert console_errors(dash_duo) == []


def test_the_carousel_rotates_pauses_on_a_touch_and_resumes_when_idle(dash_duo, warehouse, make_config) -> None:
    config = make_config(warehouse, screens=ScreenSettings(carousel=("main", "wall"), rotate_s=5, idle_return_s=12))
    start_signed_in(dash_duo, config, "/screen/main", role="screen")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".screen-viewport.is-fitted", timeout=15)
    wait_for_path(driver, "/screen/wall", timeout=12)
    wait_live(driver, lambda d: d.find_element(By.ID, "screen-viewport").get_attribute("data-canvas") == "3840x1080",
              10)
    wait_for_path(driver, "/screen/main", timeout=12)  # and round again
    wait_live(driver, lambda d: d.find_element(By.ID, "screen-viewport").get_attribute("data-canvas") == "1920x1080",
              10)

    # A touch on the map: the carousel stops and the map comes up to fill the canvas.
    dash_duo.wait_for_element(".screen-panel-map", timeout=10).click()
    touched = time.monotonic()
    wait_live(driver, lambda d: d.find_element(By.ID, "screen-viewport").get_attribute("data-paused") == "true", 2)
    assert "is-zoomed" in driver.find_element(By.CSS_SELECTOR, ".screen-panel-map").get_attribute("class")
    time.sleep(7)  # longer than a carousel turn
    assert driver.current_url.endswith("/screen/main")
    # Idle for 12 s: the map goes back, and the carousel carries on.
    wait_live(driver, lambda d: d.find_element(By.ID, "screen-viewport").get_attribute("data-paused") == "false", 12)
    assert time.monotonic() - touched >= 12
    assert "is-zoomed" not in driver.find_element(By.CSS_SELECTOR, ".screen-panel-map").get_attribute("class")
    wait_for_path(driver, "/screen/wall", timeout=8)
    assert console_errors(dash_duo) == []


def test_a_new_red_alert_takes_the_banner_until_acknowledged(dash_duo, warehouse, make_config) -> None:
    config = make_config(warehouse, alerts_refresh_s=2)
    app = start_signed_in(dash_duo, config, "/screen", role="screen")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".screen-kpi", timeout=15)
    # A1 is red and unacknowledged, but from days ago: not a new alert, no banner.
    time.sleep(3)
    assert driver.find_element(By.ID, "screen-alarm").get_attribute("class") == "screen-alarm is-hidden"

    insert_alert(warehouse, "LIVE-RED", 1, "化工园区泄漏", region_code="141181001")
    dash_duo.wait_for_contains_text("#screen-alarm.is-on .screen-alarm-title", "化工园区泄漏", timeout=ALARM_LIMIT_S)
    assert "红色预警" in driver.find_element(By.ID, "screen-alarm").text
    # The banner beeped once (WebAudio, generated; no sound file).
    wait_live(driver, lambda d: d.find_element(By.ID, "screen-viewport").get_attribute("data-beeps") == "1", 3)

    officer = app.server.test_client()
    sign_in_as(officer, "duty_officer")
    assert officer.post("/api/v1/alerts/LIVE-RED/actions", json={"action": "acknowledge"}).status_code == 200
    WebDriverWait(driver, ALARM_LIMIT_S).until(
        lambda d: d.find_element(By.ID, "screen-alarm").get_attribute("class") == "screen-alarm is-hidden")
    assert console_errors(dash_duo) == []
