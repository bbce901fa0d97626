"""The suite's measurements in headless Chromium: page loads, economy drills, callback sizes, JS heap.

Every page gets an instrumented `fetch` (before its own scripts run) that counts Dash callback
requests in flight and records each one's output, start, end and body size, raw and gzipped (in the
page; resource timing cannot be matched to its request when callbacks start together). A page is
*complete* when its main panels hold data (PAGES), no callback is in flight and none is marked
loading; the time is `performance.now()` then, i.e. milliseconds since the navigation started (or
since the click, for a drill).
"""
from __future__ import annotations

import time
from collections.abc import Callable

from selenium import webdriver
from selenium.common.exceptions import TimeoutException

# Installed before every document: counts and records the Dash callbacks (not the other fetches).
INSTRUMENT_JS = """
(() => {
  const bench = window.__bench = {inflight: 0, calls: []};
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (!url.includes('_dash-update-component')) { return original.apply(this, arguments); }
    let output = '';
    try { output = JSON.parse(init.body).output; } catch (e) { output = '?'; }
    const call = {output: output, start: performance.now(), end: null, status: 0, bytes: 0, gzip: null};
    bench.calls.push(call);
    bench.inflight += 1;
    const finish = () => { call.end = performance.now(); bench.inflight -= 1; };
    return original.apply(this, arguments).then((response) => {
      call.status = response.status;
      response.clone().arrayBuffer().then((body) => {
        call.bytes = body.byteLength;
        finish();
        // The body gzipped here, after the timing (the server's own gzip level may differ a little).
        new Response(new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer()
          .then((zipped) => { call.gzip = zipped.byteLength; });
      }, finish);
      return response;
    }, (error) => { finish(); throw error; });
  };
})();
"""
# Polls (every 10 ms) until the page predicate holds with no callback in flight; resolves with the time.
WAIT_JS = """
const predicate = new Function('return (' + arguments[0] + ');');
const since = arguments[1], needs = arguments[2], done = arguments[arguments.length - 1];
const LOADING = '[data-dash-is-loading="true"]';
function finishedAfter(part) {
  return window.__bench.calls.some((c) => c.end !== null && c.start >= since && c.output.includes(part));
}
function complete() {
  try {
    return window.__bench && window.__bench.inflight === 0 && predicate()
      && !document.querySelector(LOADING) && needs.every(finishedAfter);
  } catch (e) { return false; }
}
const timer = setInterval(() => { if (complete()) { clearInterval(timer); done(performance.now()); } }, 10);
"""
LOADING = '[data-dash-is-loading="true"]'
PLOTTED = ("(s => {{ const g = document.querySelector(s + ' .js-plotly-plot') || document.querySelector(s);"
           " return Boolean(g && g.data && g.data.length && g._fullLayout); }})({!r})")


def plotted(selector: str) -> str:
    """A JS expression: the plotly graph at/inside `selector` has drawn its data."""
    return PLOTTED.format(selector)


def _text(selector: str, minimum: int = 1) -> str:
    return f"((document.querySelector({selector!r}) || {{}}).textContent || '').trim().length >= {minimum}"


def _count(selector: str, minimum: int = 1) -> str:
    return f"document.querySelectorAll({selector!r}).length >= {minimum}"


# Each page's main panels holding data (ids and classes from pages/ and components/), as conditions.
PANELS: dict[str, list[str]] = {
    "/": [_count("#overview-kpis .kpi-card"), _count("#overview-alerts .tile", 4),
          _count("#overview-projects .tile", 5), _text("#overview-quality"), _text("#app-data-as-of")],
    "/economy": [_text("#economy-kpi-value"), plotted("#economy-panel-trend"), plotted("#economy-panel-ranking"),
                 plotted("#economy-panel-map"), _count("#economy-table .ag-row")],
    "/alerts": [_count("#alerts-list .alert-row"), _count("#alerts-counts > *", 5), plotted("#alerts-map")],
    "/projects": [_count("#projects-tiles > *", 5), _count("#projects-grid .ag-row"), _text("#projects-red-list"),
                  plotted("#projects-chart-category"), plotted("#projects-map")],
    "/poverty": [_text("#poverty-count-total"), plotted("#poverty-children-graph"),
                 _count("#poverty-children-table [id*='poverty-child-row']"), _count("#poverty-grid .ag-row")],
    "/map": [plotted("#map-graph"), _text("#map-legend")],
    "/dispatch": [_text(".dispatch-picker", 50)],
    "/screen": [_count(".screen-viewport.is-fitted"), _count("[id*='screen-kpi']", 8),
                _count("[id*='screen-project']"), _count("[id*='screen-graph'] .js-plotly-plot", 2)],
    "/briefing": [_text("#briefing-preview", 200)],
}
PAGES: dict[str, str] = {path: " && ".join(parts) for path, parts in PANELS.items()}
ECONOMY_DRILLED = " && ".join([_text("#economy-kpi-value"), plotted("#economy-panel-trend")])


def open_browser(make: Callable[[int, int], webdriver.Chrome]) -> webdriver.Chrome:
    """A 1920×1080 headless Chromium with the callback instrumentation installed."""
    driver = make(1920, 1080)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT_JS})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Performance.enable", {})
    driver.set_script_timeout(60)
    return driver


def load(driver: webdriver.Chrome, url: str, predicate: str) -> dict:
    """Navigate to `url` and wait until it is complete; ms since navigation start, and its callbacks.

    A page not complete within the script timeout gives ms None and which conditions were unmet.
    """
    before = main_thread_ms(driver)
    driver.get(url)
    try:
        complete_ms = driver.execute_async_script(WAIT_JS, predicate, 0, [])
    except TimeoutException:
        return {"ms": None, "unmet": unmet(driver, predicate), "callbacks": callbacks(driver, 0)}
    return {"ms": round(float(complete_ms), 1), "browser_busy_ms": busy_since(driver, before),
            "callbacks": callbacks(driver, 0)}


def main_thread_ms(driver: webdriver.Chrome) -> float:
    """The page's renderer main-thread task time so far (CDP Performance TaskDuration), ms."""
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration") * 1000


def busy_since(driver: webdriver.Chrome, before: float) -> int:
    """Main-thread ms since `before`; a navigation that got a new renderer counts from zero."""
    after = main_thread_ms(driver)
    return round(after - before if after >= before else after)


def unmet(driver: webdriver.Chrome, predicate: str) -> list[str]:
    """The conditions of a page (PANELS) that do not hold now, and callbacks still in flight."""
    parts = next((p for p in PANELS.values() if " && ".join(p) == predicate), [predicate])
    found = [p for p in parts if not driver.execute_script(f"try {{ return ({p}); }} catch (e) {{ return false; }}")]
    found.append(f"in flight: {driver.execute_script('return window.__bench && window.__bench.inflight')}, "
                 f"loading: {driver.execute_script('return document.querySelectorAll(arguments[0]).length', LOADING)}")
    return found


def click_and_wait(driver: webdriver.Chrome, click_js: str, predicate: str, needs: list[str]) -> dict:
    """Run `click_js` (returns a label) and wait until the page is complete again with every callback in
    `needs` answered after the click; ms from the click."""
    before = main_thread_ms(driver)
    started, label = driver.execute_script(f"const t = performance.now(); const l = ({click_js}); return [t, l];")
    try:
        done_ms = driver.execute_async_script(WAIT_JS, predicate, started, needs)
    except TimeoutException:
        return {"ms": None, "label": label, "unmet": unmet(driver, predicate), "callbacks": callbacks(driver, started)}
    return {"ms": round(float(done_ms) - started, 1), "label": label, "browser_busy_ms": busy_since(driver, before),
            "callbacks": callbacks(driver, started)}


def callbacks(driver: webdriver.Chrome, since: float) -> list[dict]:
    """The callbacks started after `since`: output, ms (request to body read), raw and gzipped bytes."""
    return driver.execute_script("""
        const since = arguments[0];
        return window.__bench.calls.filter((c) => c.start >= since && c.end !== null).map((c) => (
          {output: c.output.slice(0, 120), status: c.status, ms: Math.round(c.end - c.start), raw: c.bytes,
           gzip: c.gzip}));""", since)


def heap_mb(driver: webdriver.Chrome) -> float:
    """The page's JS heap in use (MB) after a full garbage collection."""
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return round(next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize") / 2**20, 1)


def drill_targets(driver: webdriver.Chrome) -> list[str]:
    """The region names in the economy table now shown (rows in their on-screen order)."""
    return driver.execute_script("""
        const rows = [...document.querySelectorAll('#economy-table .ag-center-cols-container .ag-row')];
        rows.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')));
        return rows.map((r) => (r.querySelector(".ag-cell[col-id='name']") || {}).textContent || '')
                   .filter((t) => t.trim());""")


def click_row_js(name: str) -> str:
    """JS that clicks the economy table's name cell reading `name` (as a user does) and returns the name."""
    return (f"(() => {{ const cell = [...document.querySelectorAll(\"#economy-table .ag-cell[col-id='name']\")]"
            f".find((c) => c.textContent.trim() === {name!r}); cell.click(); return {name!r}; }})()")


def drilled_predicate(name: str) -> str:
    """The economy page shows `name` as its region, with its KPIs and trend drawn."""
    return f"document.querySelector('.economy-title').textContent.includes({name!r}) && {ECONOMY_DRILLED}"


def drill(driver: webdriver.Chrome, base: str, around: Callable[[Callable[[], dict]], dict],
          counties: int, townships_each: int) -> list[dict]:
    """From the city's economy page, click into `counties` counties, and from each into townships.

    `around` wraps every timed click (it adds the engine's time). Each record has kind, ms, label.
    """
    records = []
    load(driver, f"{base}/economy", PAGES["/economy"])
    for county in drill_targets(driver)[:counties]:
        if load(driver, f"{base}/economy", PAGES["/economy"])["ms"] is None:
            continue
        step = around(lambda c=county: click_and_wait(driver, click_row_js(c), drilled_predicate(c),
                                                      ["economy-kpis", "economy-table.rowData"]))
        records.append({"kind": "county", **step})
        county_url = driver.current_url
        for township in drill_targets(driver)[:townships_each]:
            if load(driver, county_url, ECONOMY_DRILLED)["ms"] is None:  # the county's page again, complete
                continue
            time.sleep(0.2)  # the grid's rows settle before a user clicks
            step = around(lambda t=township: click_and_wait(driver, click_row_js(t), drilled_predicate(t),
                                                            ["economy-kpis"]))
            records.append({"kind": "township", **step})
    return records
