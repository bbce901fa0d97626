"""Duty console: insert-to-screen latency of new alerts with N consoles open, and the server's CPU.

    python bench/alerts_latency.py [--consoles 20] [--browsers 2] [--alerts 50] [--gap 2.5]

What it does: builds the demo warehouse (SQLite, in a temp folder) unless --warehouse is given,
starts one cockpit server process (Flask's threaded server, the shipped defaults: alerts cached
2 s, consoles polling every 2 s; with `--config` naming a file with `alerts.push: true` each
console instead holds the alert stream and asks for its view when the stream says the alerts
changed, plus a 15 s ageing tick) with a counter of the warehouse queries that read fact_alert, opens
`--browsers` real headless Chromium consoles on /alerts and `--consoles − --browsers` simulated
consoles (threads that hold the stream, or poll, and send the very callback request a console
sends, carrying its last signature like the browser does), then inserts `--alerts` new alerts into fact_alert,
one every `--gap` s (with jitter, so inserts do not lock onto the poll phase).

Latency = the time a row for the alert first appears in a real browser's DOM (a
MutationObserver stamps it) − the time its INSERT committed. Both clocks are this machine's.
It prints p50/p95/max over all (alert, browser) pairs, the server's CPU (user+sys seconds per
wall second, as % of one core), the warehouse queries per second against the TTL's bound, and
the engine's own time for the open-alerts query, to give latency as a ratio to it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-Cockpit-2026"  # passes the password policy (core/passwords.py)
IDLE_TICK_S = 15  # pages/alerts.py AGEING_STEP_S: the tick while the stream is up
OBSERVER_JS = """
window.__seen = window.__seen || {};
if (!window.__observer) {
  window.__observer = new MutationObserver(function () {
    document.querySelectorAll('.alert-row[data-alert-id^="BENCH-"]').forEach(function (el) {
      var id = el.getAttribute('data-alert-id');
      if (!(id in window.__seen)) { window.__seen[id] = Date.now(); }
    });
  });
  window.__observer.observe(document.body, {childList: true, subtree: true});
}
"""


def serve(port: int, warehouse: str, app_db: str, counter_file: str) -> None:
    """The server process: the cockpit, plus a count of warehouse statements on fact_alert."""
    from sqlalchemy import event

    from app import create_app
    from core.config import load_config

    os.environ.update(COCKPIT_ADMIN_PASSWORD=PASSWORD, COCKPIT_WAREHOUSE_URL=warehouse,
                      COCKPIT_APP_DB_URL=app_db, COCKPIT_PORT=str(port))
    app = create_app(load_config())
    count = {"fact_alert": 0}

    @event.listens_for(app.server.extensions["cockpit"].warehouse.engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, *_args) -> None:
        if "fact_alert" in statement:
            count["fact_alert"] += 1

    def _dump(*_args: object) -> None:
        Path(counter_file).write_text(json.dumps(count))
        os._exit(0)

    signal.signal(signal.SIGTERM, _dump)
    app.run(host="127.0.0.1", port=port, debug=False, threaded=True)


def sign_in(base: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/login", data={"username": "admin", "password": PASSWORD},
                            allow_redirects=False)
    response.raise_for_status()
    return session


def poll_body(tick: int, sig: str | None, pushed: str | None = None) -> dict:
    """The request a console sends on a tick or a push (pages/alerts.py `refresh`), no filters set."""
    outputs = [("alerts-list", "children"), ("alerts-counts", "children"), ("alerts-map", "figure"),
               ("alerts-feed", "data"), ("alerts-sig", "data"), ("alerts-note", "children")]
    inputs = [("alerts-tick", "n_intervals", tick), ("alerts-push", "data", pushed), ("alerts-level", "value", None),
              ("alerts-category", "value", None), ("alerts-county", "value", None),
              ("alerts-status", "value", "open"), ("alerts-since", "value", "all"),
              ("alert-detail-version", "data", 0)]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": "alerts-sig", "property": "data", "value": sig}],
        "changedPropIds": ["alerts-push.data" if pushed else "alerts-tick.n_intervals"],
    }


def follow_stream(session: requests.Session, base: str, pushed: list[str], wake: threading.Event,
                  stop: threading.Event) -> None:
    """Hold the alert stream like a browser's EventSource: note each version, wake the console."""
    while not stop.is_set():
        try:
            with session.get(f"{base}/api/v1/alerts/stream", stream=True, timeout=(5, 60)) as response:
                for line in response.iter_lines(decode_unicode=True):
                    if stop.is_set():
                        return
                    if line and line.startswith("data: "):
                        pushed.append(line.removeprefix("data: "))
                        wake.set()
        except requests.RequestException:
            stop.wait(1)


def simulated_console(base: str, interval_s: float, push: bool, stop: threading.Event, stats: dict) -> None:
    """A console without a browser: follows the stream (or polls) like one, keeps its signature."""
    session = sign_in(base)
    sig, tick = None, 0
    pushed: list[str] = []
    wake = threading.Event()
    time.sleep(random.uniform(0, interval_s))  # consoles opened at different moments
    if push:
        threading.Thread(target=follow_stream, args=(sign_in(base), base, pushed, wake, stop), daemon=True).start()
    while not stop.is_set():
        tick += 1
        version = pushed[-1] if wake.is_set() else None
        wake.clear()  # before asking, so a push that comes meanwhile wakes the next request
        started = time.perf_counter()
        try:
            response = session.post(f"{base}/_dash-update-component", json=poll_body(tick, sig, version), timeout=30)
        except requests.RequestException:
            stats["errors"] += 1
            stop.wait(interval_s)
            continue
        stats["requests"] += 1
        stats["seconds"] += time.perf_counter() - started
        if response.status_code == 200:
            sig = response.json()["response"]["alerts-sig"]["data"]
            stats["renders"] += 1
        elif response.status_code != 204:
            stats["errors"] += 1
        if push:
            wake.wait(IDLE_TICK_S)
        else:
            stop.wait(interval_s)


def browser_console(base: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--window-size=1920,1080"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)
    driver.get(f"{base}/alerts")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".alert-row"))
    driver.execute_script(OBSERVER_JS)
    return driver


def engine_query_ms(warehouse: str, repeats: int = 20) -> float:
    """Median time of the open-alerts query run directly on the engine (no cache, no page)."""
    import sqlalchemy as sa

    from core.contract import CLOSED_ALERT_STATUSES
    from datasources.alerts import ALERT_COLUMNS

    engine = sa.create_engine(warehouse)
    a = sa.table("fact_alert", *[sa.column(c) for c in ALERT_COLUMNS])
    stmt = sa.select(*a.c).where(a.c.status.not_in(CLOSED_ALERT_STATUSES)).order_by(a.c.level, a.c.occurred_at.desc())
    times = []
    with engine.connect() as conn:
        for _ in range(repeats):
            started = time.perf_counter()
            conn.execute(stmt).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return statistics.median(times)


def poll_cost_ms(warehouse: str, work: Path, repeats: int = 40) -> dict[str, float]:
    """Server time of one console poll, in process (no network, no browser): median ms of
    an unchanged poll (204), a changed view another console already rendered, and a full render."""
    from app import create_app
    from core.config import Config

    app = create_app(Config(warehouse_url=warehouse, build_demo_if_missing=False, admin_password=PASSWORD,
                            app_db_url=f"sqlite:///{work / 'cost.db'}", secret_key="bench"))
    client = app.server.test_client()
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    cache = app.server.extensions["cockpit"].warehouse.cache

    def timed(sig: str | None, clear_renders: bool) -> float:
        if clear_renders:
            for key in list(cache._cache):
                if ":alerts-console:" in key:
                    cache.delete(key)
        started = time.perf_counter()
        client.post("/_dash-update-component", json=poll_body(1, sig))
        return (time.perf_counter() - started) * 1000

    sig = client.post("/_dash-update-component", json=poll_body(1, None)).json["response"]["alerts-sig"]["data"]
    return {"unchanged (204)": statistics.median(timed(sig, False) for _ in range(repeats)),
            "shared render": statistics.median(timed(None, False) for _ in range(repeats)),
            "full render": statistics.median(timed(None, True) for _ in range(repeats // 4))}


def insert_alert(engine, alert_id: str) -> float:
    """Insert one new red/orange alert; return the commit time (epoch ms)."""
    from demo.schema import fact_alert

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with engine.begin() as conn:
        conn.execute(fact_alert.insert(), [{
            "alert_id": alert_id, "category": "fire", "level": random.choice([1, 2]), "title": f"压测预警 {alert_id}",
            "description": "benchmark", "region_code": "141102", "lon": 111.15, "lat": 37.52, "source": "sensor",
            "occurred_at": now, "status": "new", "updated_at": now}])
    return time.time() * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--alerts", type=int, default=50)
    parser.add_argument("--gap", type=float, default=2.5, help="mean seconds between inserts")
    parser.add_argument("--port", type=int, default=8072)
    parser.add_argument("--warehouse", help="SQLite warehouse URL to copy (default: build the demo)")
    parser.add_argument("--config", help="a config.yaml for the server (e.g. another alerts.refresh_s or "
                                         "cache.ttl_s.alerts); default: the project's")
    parser.add_argument("--serve", nargs=4, metavar=("PORT", "WAREHOUSE", "APP_DB", "COUNTER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), *args.serve[1:])
        return

    import sqlalchemy as sa

    from core.config import load_config

    work = Path(tempfile.mkdtemp(prefix="alerts_bench_"))
    wh_path = work / "warehouse.db"
    if args.warehouse:
        shutil.copy(args.warehouse.removeprefix("sqlite:///"), wh_path)
    else:
        from demo.generate import build_demo_warehouse
        build_demo_warehouse(f"sqlite:///{wh_path}")
    warehouse = f"sqlite:///{wh_path}"
    counter = work / "count.json"
    base = f"http://127.0.0.1:{args.port}"
    server_log = open(work / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    env = {**os.environ, **({"COCKPIT_CONFIG": str(Path(args.config).resolve())} if args.config else {})}
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.port), warehouse,
                               f"sqlite:///{work / 'app.db'}", str(counter)], cwd=ROOT, env=env,
                              stdout=server_log, stderr=subprocess.STDOUT)
    stop = threading.Event()
    drivers = []
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/api/v1/health", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.5)
        cfg = load_config({"COCKPIT_CONFIG": str(Path(args.config).resolve())} if args.config else {})
        refresh_s = cfg.alerts_refresh_s
        stats = {"requests": 0, "renders": 0, "errors": 0, "seconds": 0.0}
        pollers = [threading.Thread(target=simulated_console, args=(base, refresh_s, cfg.alerts_push, stop, stats),
                                    daemon=True)
                   for _ in range(max(args.consoles - args.browsers, 0))]
        for thread in pollers:
            thread.start()
        drivers = [browser_console(base) for _ in range(args.browsers)]
        time.sleep(2 * refresh_s)  # every console past its first render

        proc = psutil.Process(server.pid)
        cpu0, wall0 = sum(proc.cpu_times()[:2]), time.time()
        stats.update(requests=0, renders=0, errors=0, seconds=0.0)
        engine = sa.create_engine(warehouse)
        inserted: dict[str, float] = {}
        for i in range(args.alerts):
            alert_id = f"BENCH-{i:04d}"
            inserted[alert_id] = insert_alert(engine, alert_id)
            time.sleep(random.uniform(0.5, 1.5) * args.gap)
        time.sleep(10)  # let the last alerts arrive
        cpu1, wall1 = sum(proc.cpu_times()[:2]), time.time()
        engine.dispose()

        latencies, missing = [], 0
        for driver in drivers:
            seen = driver.execute_script("return window.__seen")
            for alert_id, at in inserted.items():
                if alert_id in seen:
                    latencies.append((seen[alert_id] - at) / 1000)
                else:
                    missing += 1
    finally:
        stop.set()
        for driver in drivers:
            driver.quit()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    if not latencies:
        print(f"no alert reached a browser; the server's log is in {work / 'server.log'}")
        raise SystemExit(1)
    queries = json.loads(counter.read_text()) if counter.exists() else {}
    engine_ms = engine_query_ms(warehouse)
    costs = poll_cost_ms(warehouse, work)
    wall = wall1 - wall0
    ttl = cfg.cache_ttl_s.get("alerts", 5)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    live = "server push (stream checks" if cfg.alerts_push else "poll"
    print(f"consoles: {args.consoles} ({args.browsers} Chromium + {args.consoles - args.browsers} simulated), "
          f"{live} every {refresh_s / (4 if cfg.alerts_push else 1):g} s{')' if cfg.alerts_push else ''}, "
          f"alerts TTL {ttl} s, {args.alerts} alerts inserted over {wall:.0f} s")
    print(f"insert-to-screen latency (s): p50 {p50:.2f}  p95 {p95:.2f}  max {max(latencies):.2f}  "
          f"(n={len(latencies)}, not seen: {missing})")
    print(f"server CPU: {(cpu1 - cpu0) / wall * 100:.1f}% of one core "
          f"({psutil.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f})")
    print(f"view requests: {stats['requests'] / wall:.1f}/s simulated, {stats['renders']} rendered, "
          f"{stats['errors']} errors, mean {stats['seconds'] / max(stats['requests'], 1) * 1000:.1f} ms each")
    print(f"warehouse queries on fact_alert over the whole run: {queries.get('fact_alert', 0)} "
          f"(bound: one per TTL, ≈ {1 / ttl:.2f}/s, plus per-alert detail and first-load queries)")
    print(f"engine's own open-alerts query: {engine_ms:.2f} ms (median of 20); "
          f"latency p50 / engine time = {p50 * 1000 / engine_ms:.0f}×")
    print("server time per poll, in process (median ms, × engine query): " + ", ".join(
        f"{kind} {ms:.1f} ({ms / engine_ms:.0f}×)" for kind, ms in costs.items()))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
