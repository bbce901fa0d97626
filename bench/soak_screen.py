"""Wall screen soak: run /screen for N minutes with live alerts and a carousel; memory at start and end.

    python bench/soak_screen.py --minutes 60 [--gap 10] [--rotate 30] [--feed steady|open]
                                [--consoles 20] [--out soak.json]

What it does: copies the demo warehouse (data/demo_warehouse.db, built by `python3 -m demo
ensure` if missing) into a temp folder, starts the cockpit (`python3 app.py`, waitress, the
shipped defaults) on it with the carousel rotating between the `main` (16:9) and `wall`
(32:9) screens every `--rotate` s, signs a headless Chromium (1920×1080) in as a `screen`
account, and while it shows /screen inserts a new open alert every `--gap` s (demo/live.py:
random level, about 5 % red, so the red-alert banner comes and goes). With `--feed steady` (the
default) it also closes the oldest such alert each time once `--open` are open, so the open list
stays the size a staffed centre keeps; `--feed open` never closes one, so the list grows all
hour. `--consoles N` adds N duty consoles on /alerts, each sending the very polls a console sends
(bench/alerts_latency.py `simulated_console`): issue 13's soak of 20 consoles and the wall.

After `--warmup` s (caches filled, one carousel round done) it records the start figures,
then one sample every `--sample` s, and the end figures after `--minutes`: the page's JS heap
(used and total), DOM nodes and event listeners from the Chrome DevTools Protocol
(`Performance.getMetrics`, each after a forced garbage collection, so a figure is live
memory, not garbage not yet collected), and the server's resident memory (psutil, the process
and its children). Also whether the page reloaded itself (a marker set at the start is gone),
the browser's severe console entries, and the alerts inserted. It prints one JSON document
(also written to `--out`) with the growth from start to end in percent; the issue's limit is
10 %.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import requests
from alerts_latency import PASSWORD, simulated_console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONSOLE_POLL_S = 2.0  # pages/alerts.py's default refresh
SCREEN_USER = "wall"


def start_server(port: int, warehouse: str, folder: Path, rotate_s: int) -> subprocess.Popen:
    """`python3 app.py` on `warehouse`, the carousel on, an app database of its own."""
    config = folder / "config.yaml"
    config.write_text(f"screens:\n  carousel: [main, wall]\n  rotate_s: {rotate_s}\n", encoding="utf-8")
    env = dict(os.environ, COCKPIT_ADMIN_PASSWORD=PASSWORD, COCKPIT_WAREHOUSE_URL=warehouse,
               COCKPIT_APP_DB_URL=f"sqlite:///{folder}/app.db", COCKPIT_PORT=str(port),
               COCKPIT_CONFIG=str(config))
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(folder / "server.log", "w"))  # noqa: SIM115 (closed with the process)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(1)
    server.terminate()
    raise SystemExit(f"the cockpit did not start: see {folder / 'server.log'}")


def add_screen_account(app_db: str) -> None:
    from datasources.appdb import AppDB
    from datasources.users import upsert_user

    db = AppDB(app_db)
    upsert_user(db.engine, SCREEN_USER, PASSWORD, "screen")
    db.engine.dispose()


def open_screen(base: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1920,1080", "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    driver = webdriver.Chrome(options=options)
    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(SCREEN_USER)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/screen" in d.current_url)  # a screen account starts there
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".screen-viewport.is-fitted"))
    driver.execute_cdp_cmd("Performance.enable", {})
    return driver


def sample(driver, server: subprocess.Popen) -> dict:
    """Live memory now: the page's (after a forced garbage collection) and the server's."""
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    process = psutil.Process(server.pid)
    rss = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
    return {"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "path": driver.execute_script(
                "return location.pathname"),
            "js_heap_used_mb": round(metrics["JSHeapUsedSize"] / 2**20, 2),
            "js_heap_total_mb": round(metrics["JSHeapTotalSize"] / 2**20, 2),
            "dom_nodes": int(metrics["Nodes"]), "js_event_listeners": int(metrics["JSEventListeners"]),
            # Dash's undo history (assets/screen.js keeps it short).
            "dash_history_entries": driver.execute_script(
                "return window.store ? window.store.getState().history.past.length : null"),
            "server_rss_mb": round(rss / 2**20, 1)}


def open_alerts(warehouse: str) -> int:
    """How many alerts the warehouse has open (status `new`) now."""
    from sqlalchemy import create_engine, text

    engine = create_engine(warehouse)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM fact_alert WHERE status = 'new'")).scalar())
    finally:
        engine.dispose()


def growth(start: dict, end: dict) -> dict:
    keys = ("js_heap_used_mb", "js_heap_total_mb", "dom_nodes", "js_event_listeners", "server_rss_mb")
    return {k: round(100 * (end[k] - start[k]) / start[k], 1) if start[k] else None for k in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=60, help="soak time after the warm-up")
    parser.add_argument("--gap", type=float, default=10, help="seconds between inserted alerts")
    parser.add_argument("--rotate", type=int, default=30, help="carousel seconds per screen")
    parser.add_argument("--warmup", type=float, default=120, help="seconds before the start figures")
    parser.add_argument("--sample", type=float, default=60, help="seconds between samples")
    parser.add_argument("--feed", choices=("steady", "open"), default="steady",
                        help="steady: close the oldest live alert for each new one once --open are open")
    parser.add_argument("--open", type=int, default=40, help="live alerts kept open by the steady feed")
    parser.add_argument("--consoles", type=int, default=0, help="simulated duty consoles polling /alerts")
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="soak-screen-"))
    demo = ROOT / "data" / "demo_warehouse.db"
    if not demo.exists():
        subprocess.run([sys.executable, "-m", "demo", "ensure"], cwd=ROOT, check=True)
    shutil.copy(demo, folder / "wh.db")
    warehouse = f"sqlite:///{folder}/wh.db"
    server = start_server(args.port, warehouse, folder, args.rotate)
    driver = None
    stop = threading.Event()
    inserted = {"n": 0, "closed": 0}
    consoles = {"requests": 0, "renders": 0, "errors": 0, "seconds": 0.0}
    base = f"http://127.0.0.1:{args.port}"
    try:
        add_screen_account(f"sqlite:///{folder}/app.db")
        driver = open_screen(base)

        def feed() -> None:
            from demo.live import close_oldest_live_alert, insert_live_alerts

            while not stop.is_set():
                inserted["n"] += insert_live_alerts(warehouse, count=1, seed=inserted["n"])
                if args.feed == "steady" and inserted["n"] - inserted["closed"] > args.open:
                    inserted["closed"] += close_oldest_live_alert(warehouse)
                stop.wait(args.gap)

        threading.Thread(target=feed, daemon=True).start()
        for _ in range(args.consoles):
            threading.Thread(target=simulated_console, args=(base, CONSOLE_POLL_S, False, stop, consoles),
                             daemon=True).start()
        time.sleep(args.warmup)
        driver.execute_script("window.__soakMarker = true;")
        start = sample(driver, server)
        start["open_alerts"] = open_alerts(warehouse)
        samples = [start]
        deadline = time.monotonic() + args.minutes * 60
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(args.sample, left))
            samples.append(sample(driver, server))
        end = samples[-1]
        end["open_alerts"] = open_alerts(warehouse)
        severe = [e["message"][:200] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        reloaded = not driver.execute_script("return !!window.__soakMarker")
        result = {
            "minutes": args.minutes, "alert_gap_s": args.gap, "carousel_s": args.rotate,
            "feed": args.feed, "alerts_inserted": inserted["n"], "alerts_closed": inserted["closed"],
            "consoles": args.consoles, "console_requests": consoles["requests"],
            "console_errors": consoles["errors"], "page_reloaded": reloaded,
            "severe_console_entries": severe, "start": start, "end": end, "growth_pct": growth(start, end),
            "samples": samples,
        }
    finally:
        stop.set()
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
