"""Screenshots of a running cockpit in headless Chromium, for docs/ and for looking at pages.

    python scripts/screenshot.py --base http://127.0.0.1:8050 --path / --out docs/screenshots/overview.png
The password comes from COCKPIT_ADMIN_PASSWORD (user admin unless --user is given).
"""
from __future__ import annotations

import argparse
import os
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser(width: int, height: int) -> webdriver.Chrome:
    """Headless Chromium of the given window size, with no background network traffic."""
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--hide-scrollbars", f"--window-size={width},{height}",
                 "--enable-unsafe-swiftshader"):  # software WebGL, or maps draw no polygons
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    # The window size includes browser chrome; pin the page's viewport to exactly width × height.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return driver


def sign_in(driver: webdriver.Chrome, base: str, user: str, password: str) -> None:
    """Sign in through the login form."""
    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Navigating before the sign-in finishes would cancel the form's POST.
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8050")
    parser.add_argument("--path", action="append", required=True, help="page path; repeatable")
    parser.add_argument("--out", action="append", required=True, help="PNG file per --path")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--light", action="store_true", help="switch to the light theme first")
    parser.add_argument("--wait-css", default=".app-main", help="element to wait for")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to let callbacks finish")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    driver = browser(width, height)
    try:
        sign_in(driver, args.base, args.user, os.environ["COCKPIT_ADMIN_PASSWORD"])
        for index, (path, out) in enumerate(zip(args.path, args.out)):
            driver.get(args.base + path)
            WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, args.wait_css)))
            if args.light and index == 0:
                driver.find_element(By.ID, "app-theme-toggle").click()
            time.sleep(args.settle)
            os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
            driver.save_screenshot(out)
            print(out)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
