"""Benchmark: how long the overview takes to render completely in headless Chromium.

"Completely" means every panel holds data: the KPI cards, the alert and project tiles, the
data-quality list and the header's data-as-of. Times are `performance.now()` at that moment,
i.e. milliseconds since the navigation started.

  cold: a fresh server process (empty data cache) and a fresh browser profile, first load
  warm: the same server and browser, reloaded

Beside them, the warehouse's own time for the overview's queries (run directly through
SQLAlchemy, no cache), so the figure can be read as a ratio on a noisy machine.

    python bench/overview_render.py [--warehouse sqlite:////tmp/bench/wh.db] [--cold 5] [--warm 10]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cockpit_process import PASSWORD, start_cockpit  # noqa: E402

from scripts.screenshot import browser, sign_in  # noqa: E402

COMPLETE_JS = """
const done = arguments[arguments.length - 1];
function complete() {
  return document.querySelectorAll('#overview-kpis .kpi-card').length > 0
    && document.querySelectorAll('#overview-alerts .tile').length === 4
    && document.querySelectorAll('#overview-projects .tile').length === 5
    && document.querySelector('#overview-quality ul, #overview-quality div') !== null
    && (document.querySelector('#app-data-as-of') || {}).textContent;
}
function result() {
  const nav = performance.getEntriesByType('navigation')[0];
  return [performance.now(), nav.domContentLoadedEventEnd];
}
if (complete()) { done(result()); }
else {
  const observer = new MutationObserver(() => {
    if (complete()) { observer.disconnect(); done(result()); }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


def render_ms(driver, url: str) -> tuple[float, float]:
    """(ms until the overview is complete, ms until the scripts were loaded and run) after navigation."""
    driver.set_script_timeout(60)
    driver.get(url)
    complete, scripts = driver.execute_async_script(COMPLETE_JS)
    return float(complete), float(scripts)


def engine_ms(warehouse: str, repeats: int = 5) -> float:
    """Median time of the overview's data functions run straight against the warehouse."""
    from flask_caching.backends import NullCache

    from datasources.alerts import open_alerts
    from datasources.indicators import latest_values
    from datasources.projects import project_status
    from datasources.quality import data_quality
    from datasources.regions import top_region_code
    from datasources.status import warehouse_status
    from datasources.warehouse import Warehouse

    wh = Warehouse(warehouse, cache=NullCache(), ttl_s={}, stale_keep_s=0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        city = top_region_code(wh)
        latest_values(wh, city)
        open_alerts(wh)
        project_status(wh, None, "2026-11-22")
        data_quality(wh)
        warehouse_status(wh)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", default="sqlite:////tmp/cockpit-bench/demo.db")
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    if args.warehouse == parser.get_default("warehouse") and not Path("/tmp/cockpit-bench/demo.db").exists():
        from demo.generate import build_demo_warehouse

        Path("/tmp/cockpit-bench").mkdir(exist_ok=True)
        build_demo_warehouse(args.warehouse)
    base = f"http://127.0.0.1:{args.port}"
    cold: list[tuple[float, float]] = []
    warm: list[tuple[float, float]] = []
    for run in range(args.cold):
        with tempfile.TemporaryDirectory() as workdir:
            server = start_cockpit(args.port, Path(workdir), warehouse=args.warehouse)
            driver = browser(1920, 1080)
            try:
                sign_in(driver, base, "admin", PASSWORD)
                cold.append(render_ms(driver, base + "/"))
                if run == 0:
                    for _ in range(args.warm):
                        warm.append(render_ms(driver, base + "/"))
            finally:
                driver.quit()
                server.terminate()
                server.wait()
    sql = engine_ms(args.warehouse)
    print(f"warehouse: {args.warehouse}")
    print(f"overview queries straight against the warehouse (no cache): median {sql:.0f} ms")
    for name, runs in (("cold", cold), ("warm", warm)):
        total = statistics.median(r[0] for r in runs)
        scripts = statistics.median(r[1] for r in runs)
        print(f"{name} render: median {total:.0f} ms, max {max(r[0] for r in runs):.0f} ms over {len(runs)}; "
              f"of which loading and running the page's scripts {scripts:.0f} ms "
              f"(complete ÷ warehouse queries: {total / sql:.1f}×)")
    print(f"load average afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
