"""Screenshots of a running cockpit in headless Chromium, for docs/ and for looking at pages.

    python scripts/screenshot.py --base http://127.0.0.1:8050 --path / --out docs/screenshots/overview.png
    python scripts/screenshot.py --base http://127.0.0.1:8050 --matrix docs/screenshots

`--matrix DIR` takes every page of PAGES at every size of SIZES in both themes, as
DIR/<page>-<width>x<height>-<theme>.png (the phone size with mobile device emulation).
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

PAGES = {"overview": "/", "economy": "/economy", "alerts": "/alerts", "poverty": "/poverty", "map": "/map",
         "briefing": "/briefing", "projects": "/projects",
         "project-detail": "/projects/LLXM-020",  # an overdue demo project with late milestones
         "dispatch": "/dispatch?alert=ALT-003006"}  # an open alert of the demo warehouse with cameras around
SIZES = ((390, 844), (1366, 768), (1920, 1080))
THEMES = ("dark", "light")
PHONE_MAX_WIDTH = 600


def emulate(driver: webdriver.Chrome, width: int, height: int) -> None:
    """Pin the page's viewport to exactly width × height; a phone width as a phone (touch, scale 2)."""
    phone = width <= PHONE_MAX_WIDTH
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 2 if phone else 1,
                            "mobile": phone})


def browser(width: int, height: int) -> webdriver.Chrome:
    """Headless Chromium of the given window size, with no background network traffic."""
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--hide-scrollbars", f"--window-size={width},{height}",
                 "--enable-unsafe-swiftshader"):  # software WebGL, or maps draw no polygons
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    emulate(driver, width, height)
    return driver


def sign_in(driver: webdriver.Chrome, base: str, user: str, password: str) -> None:
    """Sign in through the login form."""
    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Navigating before the sign-in finishes would cancel the form's POST.
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)


def set_theme(driver: webdriver.Chrome, theme: str) -> None:
    """Remember `theme` as the shell's theme toggle does (its dcc.Store in localStorage)."""
    driver.execute_script("window.localStorage.setItem('app-theme', JSON.stringify(arguments[0]));"
                          "window.localStorage.setItem('app-theme-timestamp', String(Date.now()));", theme)


def shoot(driver: webdriver.Chrome, url: str, out: str, wait_css: str, settle: float) -> None:
    driver.get(url)
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, wait_css)))
    time.sleep(settle)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    driver.save_screenshot(out)
    print(out)


def matrix(args: argparse.Namespace, password: str) -> None:
    driver = browser(*SIZES[-1])
    try:
        sign_in(driver, args.base, args.user, password)
        for width, height in SIZES:
            emulate(driver, width, height)
            for theme in THEMES:
                set_theme(driver, theme)
                for name, path in PAGES.items():
                    shoot(driver, args.base + path, os.path.join(args.matrix, f"{name}-{width}x{height}-{theme}.png"),
                          args.wait_css, args.settle)
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8050")
    parser.add_argument("--path", action="append", default=[], help="page path; repeatable")
    parser.add_argument("--out", action="append", default=[], help="PNG file per --path")
    parser.add_argument("--matrix", metavar="DIR", help="every page × size × theme into DIR")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--light", action="store_true", help="switch to the light theme first")
    parser.add_argument("--wait-css", default=".app-main", help="element to wait for")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to let callbacks finish")
    args = parser.parse_args()
    password = os.environ["COCKPIT_ADMIN_PASSWORD"]
    if args.matrix:
        matrix(args, password)
        return
    if not args.path or len(args.path) != len(args.out):
        parser.error("give one --out per --path, or --matrix DIR")
    width, height = (int(v) for v in args.size.split("x"))
    driver = browser(width, height)
    try:
        sign_in(driver, args.base, args.user, password)
        set_theme(driver, "light" if args.light else "dark")
        for path, out in zip(args.path, args.out):
            shoot(driver, args.base + path, out, args.wait_css, args.settle)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
