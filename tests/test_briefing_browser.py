"""The /briefing page in Chromium: the preview of the city's and a county's briefing, and the download links."""
from __future__ import annotations

from selenium.webdriver.common.by import By

from tests.browser import console_errors, start_signed_in, wait_live


def test_preview_and_download_links(dash_duo, demo_sqlite_url: str, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/briefing", role="leader")
    driver = dash_duo.driver
    wait_live(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".briefing-paper h1").text
              == "吕梁市经济运行简报（2026年1—10月）", 60)
    paragraphs = [p.text for p in driver.find_elements(By.CSS_SELECTOR, ".briefing-paper p.briefing-body")]
    assert any(p.startswith("1—10月，全市社会消费品零售总额483.4亿元，同比增长5.4%") for p in paragraphs)
    assert len(driver.find_elements(By.CSS_SELECTOR, ".briefing-paper img.briefing-chart")) == 3
    pdf = driver.find_element(By.ID, "briefing-pdf").get_attribute("href")
    assert pdf.endswith("/api/v1/briefing?region=141100&period=2026-10&lang=zh&format=pdf")
    assert driver.find_element(By.ID, "briefing-docx").is_displayed()
    assert dash_duo.find_element("#briefing-took").text.startswith("生成用时")

    driver.get(dash_duo.server.url.rstrip("/") + "/briefing?region=141102&lang=en")
    wait_live(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".briefing-paper h1").text
              == "Lishi Economic Briefing (Jan–Oct 2026)", 60)
    docx = driver.find_element(By.ID, "briefing-docx").get_attribute("href")
    assert docx.endswith("/api/v1/briefing?region=141102&period=2026-10&lang=en&format=docx")
    assert console_errors(dash_duo) == []


def test_a_role_without_export_previews_only(dash_duo, demo_sqlite_url: str, make_config) -> None:
    start_signed_in(dash_duo, make_config(demo_sqlite_url), "/briefing", role="duty_officer")
    driver = dash_duo.driver
    wait_live(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".briefing-paper h1").text.startswith("吕梁市"), 60)
    assert not driver.find_element(By.ID, "briefing-pdf").is_displayed()
    assert "只能预览" in driver.find_element(By.CSS_SELECTOR, ".briefing-downloads").text
    assert console_errors(dash_duo) == []
