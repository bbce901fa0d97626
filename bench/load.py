"""30 users and a wall screen on the cockpit, for measuring other things under load (issue 13).

    python bench/load.py --start-server --users 30 --seconds 120 --json out.json
    python bench/load.py --base http://127.0.0.1:8050 --app-db sqlite:///…/app.db --seconds 120

What it does: records the pages with a real headless Chromium (bench/load_record.py), then
runs Locust headless as a subprocess (bench/locustfile.py: duty officers on `/alerts`,
leaders on `/`, `/economy` and county drills, analysts on the JSON API, all signed in) and,
with the wall on, one more headless Chromium showing `/screen` as a `screen` account. At the
end: per request name the count, failures, p50/p95/max (ms, Locust's), every distinct failure,
the wall's JS heap (after a forced garbage collection) and the load average over the run.

Locust runs in a process of its own: it monkey-patches the standard library with gevent, which
must not happen in a process that also drives Selenium. It is found as `--locust` (a command),
else $COCKPIT_LOCUST, else `locust` on the PATH, else `python -m locust` (requirements-bench.txt;
Selenium here pins urllib3 1.26 while Locust needs urllib3 2, so give Locust a venv of its own).

Accounts: with `app_db` (the server's app database URL) it creates its own, one role per
class (datasources.users.upsert_user, as bench/soak_screen.py does), enough that no two users
share a session; without it every user signs in as `username`. `--start-server` starts the
cockpit itself on a copy of the demo warehouse with gunicorn and deploy/gunicorn.conf.py
(bench/api_load.py's start-up).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import api_load  # noqa: E402 (bench/ is not a package: its folder goes on the path first)
import load_record  # noqa: E402

PASSWORD = "Bench-Load-2026"  # passes the password policy (core/passwords.py)
ROLES = ("duty_officer", "leader", "analyst")
WALL_USER = "load-wall"
LOAD_SAMPLE_S = 5.0


def locust_command(given: str | None = None) -> list[str]:
    """How to run Locust here (see the module's docstring)."""
    command = given or os.environ.get("COCKPIT_LOCUST") or shutil.which("locust")
    return shlex.split(command) if command else [sys.executable, "-m", "locust"]


def create_accounts(app_db: str, users: int, password: str) -> dict[str, list[list[str]]]:
    """One account per possible user of every class, and the wall's `screen` account."""
    from datasources.appdb import AppDB
    from datasources.users import upsert_user

    db = AppDB(app_db)
    accounts: dict[str, list[list[str]]] = {}
    try:
        for role in (*ROLES, "screen"):
            names = [WALL_USER] if role == "screen" else [f"load-{role.replace('_', '-')}-{n:02d}"
                                                          for n in range(1, users + 1)]
            for name in names:
                upsert_user(db.engine, name, password, role)
            accounts[role] = [[name, password] for name in names]
    finally:
        db.engine.dispose()
    return accounts


def open_wall(base: str, username: str, password: str) -> Any:
    """A 1920×1080 headless Chromium signed in and showing `/screen`, fitted to its window."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = load_record.browser(performance_log=False)
    load_record.sign_in(driver, base, username, password)
    if "/screen" not in driver.current_url:
        driver.get(f"{base}/screen")
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".screen-viewport.is-fitted"))
    driver.execute_cdp_cmd("Performance.enable", {})
    return driver


def wall_figures(driver: Any) -> dict[str, Any]:
    """The wall's live JS heap (after a forced garbage collection), DOM nodes and severe console entries."""
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    return {"path": driver.execute_script("return location.pathname"),
            "js_heap_used_mb": round(metrics["JSHeapUsedSize"] / 2**20, 2),
            "js_heap_total_mb": round(metrics["JSHeapTotalSize"] / 2**20, 2),
            "dom_nodes": int(metrics["Nodes"]),
            "severe_console": [e["message"][:200] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]}


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of `pid` and its children (gunicorn's workers) so far."""
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


def read_stats(prefix: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Per request name (count, failures, p50/p95/max ms) and the failures, from Locust's CSV files."""
    stats = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["Name"] == "Aggregated":
                continue
            stats[row["Name"]] = {"count": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                  "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]),
                                  "max_ms": _ms(row["Max Response Time"])}
    with open(f"{prefix}_failures.csv", encoding="utf-8", newline="") as file:
        failures = [{"name": r["Name"], "error": r["Error"], "occurrences": int(r["Occurrences"])}
                    for r in csv.DictReader(file)]
    return stats, failures


@dataclass
class LoadHandle:
    """A running load: Locust's process, the wall's browser; `stop()` ends both and gives the figures."""

    base_url: str
    users: int
    workdir: Path
    locust: subprocess.Popen
    wall: Any = None
    started: float = field(default_factory=time.monotonic)
    load_samples: list[float] = field(default_factory=list)
    _done: threading.Event = field(default_factory=threading.Event)
    _wall_cpu: float = 0.0

    def __post_init__(self) -> None:
        self._wall_cpu = cpu_seconds(self.wall.service.process.pid) if self.wall is not None else 0.0
        threading.Thread(target=self._sample_load, daemon=True).start()

    def _sample_load(self) -> None:
        while not self._done.wait(LOAD_SAMPLE_S):
            self.load_samples.append(os.getloadavg()[0])

    def running(self) -> bool:
        """Whether Locust is still running (it stops by itself only on an error or a time limit)."""
        return self.locust.poll() is None

    def stop(self) -> dict[str, Any]:
        """End the load; its figures (see the module's docstring)."""
        seconds = round(time.monotonic() - self.started, 1)
        wall = locust_cpu_s = None
        try:
            if self.wall is not None:
                wall = wall_figures(self.wall)
                wall["cores_used"] = round((cpu_seconds(self.wall.service.process.pid) - self._wall_cpu) / seconds, 2)
        finally:
            self._done.set()
            if self.wall is not None:
                self.wall.quit()
            # The load tool's own CPU: on a machine of 2 cores it competes with the server it loads.
            locust_cpu_s = round(cpu_seconds(self.locust.pid), 1) if self.running() else None
            if self.locust.poll() is None:
                self.locust.send_signal(signal.SIGTERM)  # Locust stops its users and writes the CSV files
            self.locust.wait(60)
        if not (self.workdir / "locust_stats.csv").exists():
            raise RuntimeError(f"Locust wrote no figures; its log: {self.workdir / 'locust.log'}")
        stats, failures = read_stats(self.workdir / "locust")
        # urllib3 logs each request sent again after a kept-alive connection broke (bench/locustfile.py).
        retried = (self.workdir / "locust.log").read_text(encoding="utf-8").count("Retrying (")
        samples = self.load_samples or [os.getloadavg()[0]]
        return {"base_url": self.base_url, "users": self.users, "seconds": seconds,
                "load_avg_1min": {"mean": round(sum(samples) / len(samples), 2), "max": max(samples),
                                  "at_end": os.getloadavg()},
                "requests": stats, "failures": failures, "connection_retries": retried,
                "locust_cpu_s": locust_cpu_s, "wall": wall,
                "locust_log": str(self.workdir / "locust.log")}


def start_load(base_url: str, users: int = 30, *, username: str | None = None, password: str = PASSWORD,
               app_db: str | None = None, spawn_rate: float = 5.0, wall: bool = True,
               workdir: Path | None = None, locust: str | None = None) -> LoadHandle:
    """Put `users` signed-in users (and with `wall` a wall screen) on the cockpit at `base_url`.

    Give `app_db` (the server's app database URL) to have accounts created, or `username` and
    `password` of an existing account for every user (the wall too). Returns once the pages
    are recorded, Locust is spawning and the wall shows `/screen`; `stop()` ends it.
    """
    if app_db:
        accounts = create_accounts(app_db, users, password)
    elif username:
        accounts = {role: [[username, password]] for role in (*ROLES, "screen")}
    else:
        raise ValueError("give app_db (accounts are created) or username and password")
    workdir = workdir or Path(tempfile.mkdtemp(prefix="cockpit-load-"))
    recording = load_record.record(base_url, {role: tuple(accounts[role][0]) for role in ROLES})
    (workdir / "recording.json").write_text(json.dumps(recording, ensure_ascii=False), encoding="utf-8")
    (workdir / "accounts.json").write_text(json.dumps(accounts), encoding="utf-8")
    command = [*locust_command(locust), "-f", str(HERE / "locustfile.py"), "--headless", "--host", base_url,
               "-u", str(users), "-r", str(spawn_rate), "--csv", str(workdir / "locust"),
               "--recording", str(workdir / "recording.json"), "--accounts", str(workdir / "accounts.json"),
               "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]
    with open(workdir / "locust.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    driver = None
    try:
        if wall:
            driver = open_wall(base_url, *accounts["screen"][0])
    except Exception:
        process.terminate()
        raise
    return LoadHandle(base_url, users, workdir, process, driver)


def _serve(args: argparse.Namespace, workdir: Path) -> tuple[subprocess.Popen, str, str]:
    """The cockpit on a copy of the demo warehouse, as bench/api_load.py starts it; (process, base, app db)."""
    demo = ROOT / "data" / "demo_warehouse.db"
    if not demo.exists():
        subprocess.run([sys.executable, "-m", "demo", "ensure"], cwd=ROOT, check=True)
    shutil.copy(demo, workdir / "wh.db")
    server_args = argparse.Namespace(workers=args.workers, server="gunicorn", cache_url=args.cache_url)
    server = api_load.start_server(server_args, workdir, f"sqlite:///{workdir}/wh.db", args.port)
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/api/v1/health", timeout=5).ok:
                return server, base, f"sqlite:///{workdir}/app.db"
        except requests.RequestException:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("the cockpit did not start (bench/api_load.py discards its log: run it by hand to see why)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="the cockpit's URL (not with --start-server)")
    parser.add_argument("--start-server", action="store_true", help="start the cockpit on the demo warehouse")
    parser.add_argument("--port", type=int, default=8351, help="with --start-server")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, with --start-server")
    parser.add_argument("--cache-url", help="the server's cache (default in-process), with --start-server")
    parser.add_argument("--app-db", help="the server's app database URL: accounts are created there")
    parser.add_argument("--username", help="an existing account for every user, instead of --app-db")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--no-wall", action="store_true")
    parser.add_argument("--locust", help="the Locust command (default: $COCKPIT_LOCUST, locust on the PATH)")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    if bool(args.base) == args.start_server:
        parser.error("give --base or --start-server")
    workdir = Path(tempfile.mkdtemp(prefix="cockpit-load-"))
    server = None
    try:
        if args.start_server:
            server, base, app_db = _serve(args, workdir)
        else:
            base, app_db = args.base.rstrip("/"), args.app_db
        handle = start_load(base, args.users, username=args.username, password=args.password, app_db=app_db,
                            spawn_rate=args.spawn_rate, wall=not args.no_wall, workdir=workdir, locust=args.locust)
        cpu_before = cpu_seconds(server.pid) if server else None
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline and handle.running():
            time.sleep(1)
        result = handle.stop()
        if server is not None:
            # How many of the machine's cores the cockpit itself used while under load.
            result["server_cores_used"] = round((cpu_seconds(server.pid) - cpu_before) / result["seconds"], 2)
    finally:
        if server is not None:
            server.terminate()
            server.wait(60)
            (workdir / "wh.db").unlink(missing_ok=True)  # the copy; the logs and the recording stay
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
