"""Benchmark: how long `/projects` takes to show its list's rows with 2,000 projects, in headless Chromium.

The warehouse is tests/projects_warehouse.py's nine hand-made projects plus generated ones
(2,000 in all, both counties, every state). For each load, measured in the browser as
`performance.now()` (milliseconds since the navigation started):

  rows: the first rows of the list are in the page (the grid draws only the rows in view);
  all: the rows, the red list, the map's markers and the three investment charts are there;
  scripts: the page's scripts were loaded and run (domContentLoadedEventEnd);
  grid: the grid alone, handed all 2,000 rows again, until the browser has painted them.

  cold: a fresh server process (empty data cache), first load after signing in
  warm: the same server and browser, reloaded

    python bench/projects_grid.py [--projects 2000] [--cold 3] [--warm 10] [--port 8105]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cockpit_process import PASSWORD, start_cockpit  # noqa: E402

from scripts.screenshot import browser, sign_in  # noqa: E402
from tests.projects_warehouse import PROJECTS, build_projects_warehouse  # noqa: E402

ROWS_JS = """
const done = arguments[arguments.length - 1];
const t = {};
function check() {
  if (!t.rows && document.querySelector('.projects-grid .ag-center-cols-container .ag-row')) {
    t.rows = performance.now();
  }
  if (!t.all && t.rows && document.querySelector('.projects-red-item')
      && document.querySelectorAll('.projects-graph .js-plotly-plot .main-svg').length >= 3
      && document.querySelector('.projects-map .js-plotly-plot')) {
    t.all = performance.now();
  }
  return t.rows && t.all;
}
function result() {
  const nav = performance.getEntriesByType('navigation')[0];
  return [t.rows, t.all, nav.domContentLoadedEventEnd];
}
if (check()) { done(result()); }
else {
  const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); done(result()); } });
  observer.observe(document.body, {childList: true, subtree: true});
}
"""
GRID_JS = """
const done = arguments[arguments.length - 1];
const api = dash_ag_grid.getApi('projects-grid');
const rows = [];
api.forEachNode(node => rows.push(Object.assign({}, node.data, {code: node.data.code + '-x'})));
const start = performance.now();
api.setGridOption('rowData', rows);
requestAnimationFrame(() => requestAnimationFrame(() => done([performance.now() - start, rows.length])));
"""


def load(driver, url: str) -> tuple[float, float, float]:
    """(ms to the first rows, ms to everything, ms to the scripts run) after navigation."""
    driver.set_script_timeout(90)
    driver.get(url)
    rows, everything, scripts = driver.execute_async_script(ROWS_JS)
    return float(rows), float(everything), float(scripts)


def grid_ms(driver) -> tuple[float, int]:
    """The grid alone: ms from handing it every row to the browser's paint, and the row count."""
    driver.execute_script("return dash_ag_grid.getApi('projects-grid').getDisplayedRowCount()")
    ms, count = driver.execute_async_script(GRID_JS)
    return float(ms), int(count)


def _summary(name: str, runs: list[tuple[float, float, float]]) -> str:
    rows = [r[0] for r in runs]
    return (f"{name}: rows visible median {statistics.median(rows):.0f} ms (max {max(rows):.0f}); "
            f"whole page {statistics.median(r[1] for r in runs):.0f} ms; "
            f"scripts loaded and run {statistics.median(r[2] for r in runs):.0f} ms; over {len(runs)} loads")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--port", type=int, default=8105)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = f"sqlite:///{tmp}/projects.db"
        build_projects_warehouse(warehouse, extra=args.projects - len(PROJECTS))
        base = f"http://127.0.0.1:{args.port}"
        cold: list[tuple[float, float, float]] = []
        warm: list[tuple[float, float, float]] = []
        grid: list[float] = []
        count = 0
        for run in range(args.cold):
            with tempfile.TemporaryDirectory() as workdir:
                server = start_cockpit(args.port, Path(workdir), warehouse=warehouse)
                driver = browser(1920, 1080)
                try:
                    sign_in(driver, base, "admin", PASSWORD)
                    cold.append(load(driver, base + "/projects"))
                    if run == 0:
                        for _ in range(args.warm):
                            warm.append(load(driver, base + "/projects"))
                            ms, count = grid_ms(driver)
                            grid.append(ms)
                finally:
                    driver.quit()
                    server.terminate()
                    server.wait()
    print(f"/projects with {args.projects} projects (SQLite), 1920×1080, headless Chromium")
    print(_summary("cold", cold))
    print(_summary("warm", warm))
    print(f"grid alone, all {count} rows handed again: median {statistics.median(grid):.0f} ms, "
          f"max {max(grid):.0f} ms to paint")
    print(f"load average afterwards: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
