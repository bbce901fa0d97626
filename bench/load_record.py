"""Record what a real browser sends for each page the load replays (bench/locustfile.py).

A headless Chromium signs in and opens the duty console `/alerts`, the overview `/` and the
economy page `/economy`, then drills by clicking a county's bar in the economy ranking chart.
Every same-site request it sends is read from the Chrome DevTools Protocol's Network events
(`Network.requestWillBeSent`, through chromedriver's performance log): method, path with query
and, for Dash callbacks (`POST /_dash-update-component`), the exact JSON body. Recording at the
start of every run keeps the load in step with the app's callbacks as they change.

A recorded page is a list of steps, each with a `kind`:
- `document`: the page itself; `static`: scripts, styles and the favicon (a browser caches them);
  `dash`: `/_dash-layout` and `/_dash-dependencies`;
- `shell`: a callback of the app's frame (before the page's content arrives), sent on a full load only;
- `callback`: the page's own callbacks, from `_pages_content` on (a click on a link sends these);
- `poll`: a callback fired by a `dcc.Interval` (its `n_intervals`), repeated while the page stays open.
"""
from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import requests

WINDOW = "--window-size=1920,1080"
SETTLE_S = 2.5        # quiet time after the last request before a page counts as loaded
POLL_WAIT_S = 6.0     # how long the console stays open to catch its periodic poll
LOAD_TIMEOUT_S = 60.0


def browser(performance_log: bool) -> Any:
    """A 1920×1080 headless Chromium; with `performance_log`, its Network events readable."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", WINDOW):
        options.add_argument(flag)
    if performance_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options)


def sign_in(driver: Any, base: str, username: str, password: str) -> None:
    """Sign `driver` in through the login form, as a person does."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, LOAD_TIMEOUT_S).until(lambda d: "/login" not in d.current_url)


def _requests(driver: Any, base: str) -> list[dict[str, Any]]:
    """The same-site requests logged since the last call, in the order they were sent."""
    host = urlsplit(base).netloc
    found = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        params = message["params"]
        request = params["request"]
        parts = urlsplit(request["url"])
        if parts.scheme not in ("http", "https") or parts.netloc != host:
            continue  # blob:, data: and anything from elsewhere
        body = request.get("postData")
        if body is None and request.get("hasPostData"):
            body = driver.execute_cdp_cmd("Network.getRequestPostData", {"requestId": params["requestId"]})["postData"]
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        found.append({"method": request["method"], "path": path, "body": body,
                      "resource": params.get("type"), "at": params["timestamp"]})
    return found


def _settle(driver: Any, base: str, at_least_s: float = 0.0) -> list[dict[str, Any]]:
    """Collect requests until none has been sent for SETTLE_S (and at least `at_least_s` passed)."""
    started = last = time.monotonic()
    found: list[dict[str, Any]] = []
    while time.monotonic() - started < LOAD_TIMEOUT_S:
        batch = _requests(driver, base)
        found += batch
        # A console polls every few seconds for ever: only other requests keep the page loading.
        if any(r["method"] != "POST" or not _is_poll(json.loads(r["body"] or "{}")) for r in batch):
            last = time.monotonic()
        if time.monotonic() - last >= SETTLE_S and time.monotonic() - started >= at_least_s:
            break
        time.sleep(0.25)
    return found


def _is_poll(body: dict[str, Any]) -> bool:
    return any(str(changed).endswith(".n_intervals") for changed in body.get("changedPropIds", []))


def classify(found: list[dict[str, Any]], *, full_load: bool) -> list[dict[str, Any]]:
    """Steps with their `kind` (see the module's docstring); one poll per callback."""
    steps, later, polls_seen = [], [], set()
    in_page = not full_load  # a click on a link: everything is the page's own
    for request in found:
        path = request["path"].split("?")[0]
        step = {"method": request["method"], "path": request["path"], "body": request["body"]}
        if request["method"] == "POST" and path == "/_dash-update-component":
            body = json.loads(request["body"])
            if body["output"].startswith(".._pages_content."):
                in_page = True
            if _is_poll(body):
                if body["output"] in polls_seen:
                    continue
                polls_seen.add(body["output"])
                step["kind"] = "poll"
            else:
                step["kind"] = "callback" if in_page else "shell"
                ticks = [f'{i["id"]}.n_intervals' for i in body["inputs"]
                         if isinstance(i, dict) and i["property"] == "n_intervals"]
                if ticks:  # its later calls (the header's status every 30 s) differ only in what changed
                    later.append(dict(step, kind="poll", body=json.dumps(
                        dict(body, changedPropIds=ticks[:1], parsedChangedPropsIds=ticks[:1]))))
        elif request["resource"] == "Document":
            step["kind"] = "document"
        elif path in ("/_dash-layout", "/_dash-dependencies"):
            step["kind"] = "dash"
        elif request["method"] == "GET":
            step["kind"] = "static"
        else:
            step["kind"] = "other"  # reported by the load as its own name, never dropped silently
        steps.append(step)
    return steps + [p for p in later if json.loads(p["body"])["output"] not in polls_seen]


def _open(driver: Any, base: str, path: str, linger_s: float = 0.0) -> list[dict[str, Any]]:
    _requests(driver, base)  # forget what came before
    driver.get(base + path)
    return classify(_settle(driver, base, linger_s), full_load=True)


def _drill(driver: Any, base: str) -> tuple[str, list[dict[str, Any]]]:
    """Click the first county's bar in the economy ranking chart; (its code, the requests sent)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    bars = '[id*="ranking"] .bars .point path'
    WebDriverWait(driver, LOAD_TIMEOUT_S).until(lambda d: d.find_elements(By.CSS_SELECTOR, bars))
    _requests(driver, base)
    before = driver.current_url
    # At the bar's point, as a mouse does: plotly's drag layer above the bars takes the click.
    ActionChains(driver).move_to_element(driver.find_elements(By.CSS_SELECTOR, bars)[0]).click().perform()
    WebDriverWait(driver, LOAD_TIMEOUT_S).until(lambda d: d.current_url != before)
    code = urlsplit(driver.current_url).path.rstrip("/").rsplit("/", 1)[-1]
    return code, classify(_settle(driver, base), full_load=False)


def counties(base: str, username: str, password: str) -> list[str]:
    """The city's counties (region codes) as the API lists them, for drills into other counties."""
    session = requests.Session()
    session.post(f"{base}/login", data={"username": username, "password": password}, timeout=60)
    answer = session.get(f"{base}/api/v1/indicators/GDP/values?children=1", timeout=60)
    answer.raise_for_status()
    data = answer.json()
    return sorted({str(row["region_code"]) for row in data["rows"]} - {str(data["region_code"])})


def record(base: str, accounts: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Record every page the load replays; `accounts` maps a role to (user name, password)."""
    recording: dict[str, Any] = {"base": base, "pages": {}}
    driver = browser(performance_log=True)
    try:
        sign_in(driver, base, *accounts["duty_officer"])
        recording["pages"]["alerts"] = {"path": "/alerts", "steps": _open(driver, base, "/alerts", POLL_WAIT_S)}
        driver.delete_all_cookies()
        sign_in(driver, base, *accounts["leader"])
        recording["pages"]["overview"] = {"path": "/", "steps": _open(driver, base, "/")}
        recording["pages"]["economy"] = {"path": "/economy", "steps": _open(driver, base, "/economy")}
        code, steps = _drill(driver, base)
        recording["drill"] = {"county": code, "steps": steps}
    finally:
        driver.quit()
    recording["counties"] = counties(base, *accounts["analyst"]) or [recording["drill"]["county"]]
    return recording
