"""Benchmark suite (issue 13): the cockpit at ≥ 10M fact rows, started as in production, in headless Chromium.

    python bench/suite.py [--reuse] [--warehouse URL] [--json out.json] [--under-load]

What it does:
  1. the warehouse: the scale-40 demo (11.6M fact_indicator rows) in a PostgreSQL cluster of the bench's
     own in --dir (port 55430, pg_stat_statements loaded), built unless --reuse finds it built;
     or --warehouse URL (the engine ratio then needs pg_stat_statements there);
  2. the cockpit as in production: gunicorn (deploy/gunicorn.conf.py, --workers) behind Debian's nginx
     (deploy/nginx.conf), a private Redis as cache, a fresh SQLite app database;
  3. in headless Chromium at 1920×1080 (bench/suite_browser.py): cold load of every page (fresh browser
     profile, cache flushed), warm load (same browser, data cached), economy drills (click a county in
     the table, then a township; first after a flush, then again), alert insert-to-screen latency,
     every callback's response size raw and gzipped, the JS heap after GC, server CPU per step;
     the API routes one request at a time; server RSS per worker;
  4. beside each step, the engine's own time of exactly the statements that step ran
     (pg_stat_statements, reset before the step) and the ratio;
  5. --under-load repeats warm loads and drills while bench/load.py's 30 Locust users and a wall
     screen run against the same server.
Prints a markdown table (bench/suite_report.py) and writes everything as JSON. Not a CI gate.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psutil
import redis
import requests
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import suite_browser as sb
from alerts_latency import OBSERVER_JS, insert_alert, percentile
from api_load import ROUTES
from suite_report import markdown, summarise
from suite_services import DEFAULT_DIR, Cockpit, Redis, StatementStats, WarehouseCluster

from scripts.screenshot import browser

PASSWORD = "Bench-Cockpit-2026"  # passes the password policy (core/passwords.py)


def pct(values: list[float], q: float) -> float | None:
    """The q-quantile (0–1) of `values`, or None without values."""
    return round(percentile(values, q), 1) if values else None


def cpu_ms(pid: int) -> float:
    """CPU time (user + system, ms) of the process `pid` and its live descendants."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total * 1000


class Suite:
    """One run: the servers, a way to time a step beside the engine, and the results."""

    def __init__(self, args: argparse.Namespace, cockpit: Cockpit, cache: Redis, stats: StatementStats | None,
                 warehouse: str) -> None:
        self.args, self.cockpit, self.stats, self.warehouse = args, cockpit, stats, warehouse
        self.base = cockpit.base
        self.cache = redis.Redis.from_url(cache.url)

    def engine_step(self, step: Callable[[], dict]) -> dict:
        """Run `step` with pg_stat_statements reset before; add the engine's ms and statements, and the CPU
        ms the server's workers spent (wall time on a machine shared by others is that CPU waiting for a core)."""
        if self.stats is not None:
            self.stats.reset()
        server = cpu_ms(self.cockpit.gunicorn.pid)
        result = step()
        result["server_cpu_ms"] = round(cpu_ms(self.cockpit.gunicorn.pid) - server)
        if self.stats is not None:
            result["engine"] = self.stats.read()
        return result

    def flush_cache(self) -> None:
        """Empty the private Redis (the app's data cache) so the next step reads the warehouse."""
        self.cache.flushdb()

    def signed_in_browser(self):
        """A fresh Chromium profile given the session cookie of a sign-in (no Dash bundle cached yet)."""
        session = requests.Session()
        session.post(f"{self.base}/login", data={"username": "admin", "password": PASSWORD}, timeout=60)
        driver = sb.open_browser(browser)
        driver.get(f"{self.base}/api/v1/health")
        for cookie in session.cookies:
            driver.add_cookie({"name": cookie.name, "value": cookie.value, "path": cookie.path or "/"})
        return driver

    def pages_cold(self) -> dict:
        """Every page, --cold times: fresh browser profile, Redis flushed, first load."""
        found: dict[str, list[dict]] = {}
        for _ in range(self.args.cold):
            for path, predicate in sb.PAGES.items():
                driver = self.signed_in_browser()
                try:
                    self.flush_cache()
                    step = self.engine_step(lambda d=driver, p=path, q=predicate: sb.load(d, self.base + p, q))
                    step["load_avg"] = os.getloadavg()[0]
                    found.setdefault(path, []).append(step)
                finally:
                    driver.quit()
        return found

    def pages_warm(self, driver) -> dict:
        """Every page loaded once untimed, then --warm times (same browser, cached data); heap after."""
        found = {}
        for path, predicate in sb.PAGES.items():
            sb.load(driver, self.base + path, predicate)
            runs = [self.engine_step(lambda p=path, q=predicate: sb.load(driver, self.base + p, q))
                    for _ in range(self.args.warm)]
            found[path] = {"runs": runs, "heap_mb": sb.heap_mb(driver), "load_avg": os.getloadavg()[0]}
        return found

    def drills(self, driver) -> dict:
        """Economy drills: first clicks after a cache flush, then the same clicks again."""
        self.flush_cache()
        first = sb.drill(driver, self.base, self.engine_step, self.args.counties, self.args.townships)
        again = sb.drill(driver, self.base, self.engine_step, self.args.counties, self.args.townships)
        return {"first": first, "again": again, "heap_mb": sb.heap_mb(driver), "load_avg": os.getloadavg()[0]}

    def alert_latency(self, driver) -> dict:
        """Insert --alerts alerts into fact_alert, one every ~--gap s; seconds until each row shows on /alerts."""
        engine = sa.create_engine(self.warehouse)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM fact_alert WHERE alert_id LIKE 'BENCH-%'"))
            sb.load(driver, f"{self.base}/alerts", sb.PAGES["/alerts"])
            driver.execute_script(OBSERVER_JS)
            run = datetime.now(UTC).strftime("%H%M%S")
            inserted = {}
            for i in range(self.args.alerts):
                alert_id = f"BENCH-{run}-{i:03d}"
                inserted[alert_id] = insert_alert(engine, alert_id)
                time.sleep(random.uniform(0.5, 1.5) * self.args.gap)
            time.sleep(10)  # the last alert's way to the screen
            seen = driver.execute_script("return window.__seen")
            with engine.begin() as conn:  # leave the kept warehouse as it was built
                conn.execute(sa.text("DELETE FROM fact_alert WHERE alert_id LIKE 'BENCH-%'"))
        finally:
            engine.dispose()
        latencies = [(seen[a] - at) / 1000 for a, at in inserted.items() if a in seen]
        return {"n": len(latencies), "missed": len(inserted) - len(latencies), "p50_s": pct(latencies, 0.5),
                "p95_s": pct(latencies, 0.95), "max_s": round(max(latencies), 2) if latencies else None,
                "load_avg": os.getloadavg()[0]}

    def api(self, repeats: int = 20) -> dict:
        """Each API route once untimed, then `repeats` times one after another; sizes raw and gzip."""
        session = requests.Session()
        session.post(f"{self.base}/login", data={"username": "admin", "password": PASSWORD}, timeout=60)
        found = {}
        for name, path in ROUTES.items():
            body = session.get(self.base + path, timeout=60, headers={"Accept-Encoding": "identity"}).content
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                session.get(self.base + path, timeout=60)
                times.append((time.perf_counter() - started) * 1000)
            found[name] = {"p50_ms": pct(times, 0.5), "p95_ms": pct(times, 0.95), "raw_bytes": len(body),
                           "gzip_bytes": len(gzip.compress(body))}
        return found


def under_load(suite: Suite, driver, args: argparse.Namespace) -> dict:
    """Warm page loads and repeat drills while bench/load.py's users and wall screen run."""
    import load  # bench/load.py: Locust users (accounts created in the app database) and a wall screen

    (args.workdir / "load").mkdir(exist_ok=True)
    handle = load.start_load(suite.base, args.users, app_db=f"sqlite:///{args.workdir}/app.db",
                             workdir=args.workdir / "load", locust=args.locust)
    try:
        time.sleep(10)  # every simulated user signed in and busy
        pages = suite.pages_warm(driver)
        drills = sb.drill(driver, suite.base, suite.engine_step, args.counties, args.townships)
        rss = suite.cockpit.worker_rss_mb()
    finally:
        locust = handle.stop()
    return {"users": args.users, "pages": pages, "drills": drills, "rss_mb": rss, "load": locust,
            "load_avg": os.getloadavg()[0]}


def machine() -> dict:
    """The machine and its load, to read every figure against."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem / 2**20, 1), "os": platform.platform(),
            "python": platform.python_version(), "load_avg_start": os.getloadavg(),
            "started": datetime.now(UTC).isoformat(timespec="seconds")}


def checkpoint(result: dict, args: argparse.Namespace, stage: str) -> None:
    """Say a stage is done and keep what is measured so far (a long run may be cut short)."""
    print(f"{stage} done, load average {os.getloadavg()[0]:.1f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")


def run(args: argparse.Namespace) -> dict:
    """The whole suite; the results as a dict."""
    result: dict = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}}
    cluster = None
    if args.warehouse:
        warehouse = args.warehouse
    else:
        cluster = WarehouseCluster(args.dir)
        cluster.start()
        if not (args.reuse and cluster.built):
            result["build_s"] = round(cluster.build(args.scale))
        warehouse = cluster.url
    engine = sa.create_engine(warehouse)
    with engine.connect() as conn:
        result["fact_rows"] = conn.execute(sa.text("SELECT COUNT(*) FROM fact_indicator")).scalar_one()
        result["engine_version"] = conn.execute(sa.text(
            "SELECT version()" if engine.dialect.name == "postgresql" else "SELECT sqlite_version()")).scalar_one()
    stats = StatementStats(engine) if engine.dialect.name == "postgresql" else None
    cache = Redis(args.redis_port)
    started = time.perf_counter()
    cockpit = None
    try:
        cockpit = Cockpit(args.workdir, warehouse, cache.url, PASSWORD, workers=args.workers,
                          nginx_port=args.port, gunicorn_port=args.port + 1)
        result["server"] = {"behind": cockpit.behind, "workers": args.workers, "cache": "redis (private)",
                            "app_db": "sqlite", "start_s": round(time.perf_counter() - started, 1),
                            "rss_mb_start": cockpit.worker_rss_mb()}
        suite = Suite(args, cockpit, cache, stats, warehouse)
        result["api"] = suite.api()
        checkpoint(result, args, "api")
        result["cold"] = suite.pages_cold()
        checkpoint(result, args, "cold pages")
        driver = suite.signed_in_browser()
        try:
            result["warm"] = suite.pages_warm(driver)
            checkpoint(result, args, "warm pages")
            result["drills"] = suite.drills(driver)
            checkpoint(result, args, "drills")
            result["alerts"] = suite.alert_latency(driver)
            checkpoint(result, args, "alerts")
            result["server"]["rss_mb_end"] = cockpit.worker_rss_mb()
            if args.under_load:
                result["under_load"] = under_load(suite, driver, args)
        finally:
            driver.quit()
    finally:
        if cockpit is not None:
            cockpit.stop()
        cache.stop()
        engine.dispose()
        if cluster is not None and not args.keep_running:
            cluster.stop()
    result["machine"]["load_avg_end"] = os.getloadavg()
    result["summary"] = summarise(result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="the kept warehouse cluster's folder")
    parser.add_argument("--reuse", action="store_true", help="use the cluster in --dir if a build finished there")
    parser.add_argument("--warehouse", help="an existing warehouse URL instead of the bench's own cluster")
    parser.add_argument("--scale", type=int, default=40, help="demo scale (40 ≈ 11.6M fact rows)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8300, help="nginx's port; gunicorn listens on the next one")
    parser.add_argument("--redis-port", type=int, default=55431)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cockpit-bench10m-run"))
    parser.add_argument("--cold", type=int, default=2, help="cold loads of every page")
    parser.add_argument("--warm", type=int, default=8, help="warm loads of every page")
    parser.add_argument("--counties", type=int, default=13, help="counties to drill into from the city")
    parser.add_argument("--townships", type=int, default=1, help="townships to drill into from each county")
    parser.add_argument("--alerts", type=int, default=20)
    parser.add_argument("--gap", type=float, default=2.5, help="mean seconds between alert inserts")
    parser.add_argument("--under-load", action="store_true", help="repeat warm loads and drills under bench/load.py")
    parser.add_argument("--users", type=int, default=30, help="Locust users for --under-load")
    parser.add_argument("--locust", help="the Locust command for --under-load (see bench/load.py)")
    parser.add_argument("--keep-running", action="store_true", help="leave the warehouse cluster running")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    result = run(args)
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
