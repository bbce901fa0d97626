"""Benchmark: the scripts each page loads, and the browser's script time for a warm load.

For each page it signs a headless Chromium (1920×1080) in, loads the page once with the browser's
cache off and counts the scripts it fetched (number, KB decoded and as sent, from the Resource
Timing entries), then loads it `--loads` times warm and records the CDP `ScriptDuration` of each
load (the main thread's time compiling and running script, until the page's callbacks are
answered). It prints one JSON document with the median. `--root` serves another checkout of the
cockpit, e.g. the commit before a change, so the two can be compared on the same machine:

    git worktree add /tmp/cockpit-before <commit>
    python bench/page_scripts.py --root /tmp/cockpit-before --out before.json
    python bench/page_scripts.py --out after.json

The server is that checkout's `python3 app.py` on the demo warehouse (built if missing).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cockpit_process import PASSWORD, start_cockpit  # noqa: E402

from scripts.screenshot import browser, sign_in  # noqa: E402

PAGES = ("/", "/screen", "/alerts", "/map", "/economy", "/projects")
# The page's callbacks have all been answered and no new resource has come for a second (the
# plotly.js and grid chunks load after the callbacks that need them).
IDLE_JS = """
const done = arguments[arguments.length - 1];
const idle = () => window.store && Object.entries(window.store.getState().callbacks || {})
  .filter(([key]) => key !== 'stored' && key !== 'completed').every(([, list]) => list.length === 0);
const count = () => performance.getEntriesByType('resource').length;
let seen = -1, quiet = 0;
(function wait(n) {
  const now = count();
  quiet = idle() && now === seen ? quiet + 1 : 0;
  seen = now;
  if (quiet >= 10) { done(true); }
  else if (n >= 300) { done(false); }
  else { setTimeout(() => wait(n + 1), 100); }
})(0);
"""


def script_duration_ms(driver) -> float:
    """The main thread's script time (compile and run) of the page now shown, in ms."""
    metrics = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "ScriptDuration") * 1000


def load(driver, url: str) -> None:
    """Load `url` and wait until its callbacks are answered and no resource has come for a second."""
    driver.get(url)
    if not driver.execute_async_script(IDLE_JS):
        raise RuntimeError(f"{url}: still busy after 30 s")


def scripts_fetched(driver, url: str) -> list[dict]:
    """The scripts a load of `url` fetches, with the browser's cache off: every one is counted."""
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        load(driver, url)
        return driver.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => new URL(e.name).pathname.endsWith('.js'))"
            ".map(e => ({name: new URL(e.name).pathname, kb: e.decodedBodySize / 1024,"
            " gzip_kb: e.encodedBodySize / 1024}));")
    finally:
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the checkout to serve")
    parser.add_argument("--loads", type=int, default=5, help="warm loads per page")
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = start_cockpit(args.port, Path(folder), root=args.root.resolve(), timeout_s=120)
        driver = browser(1920, 1080)
        driver.set_script_timeout(60)
        try:
            base = f"http://127.0.0.1:{args.port}"
            sign_in(driver, base, "admin", PASSWORD)
            driver.execute_cdp_cmd("Performance.enable", {})
            result = {}
            for page in PAGES:
                scripts = scripts_fetched(driver, base + page)
                load(driver, base + page)  # the cache filled again
                warm = []
                for _ in range(args.loads):
                    load(driver, base + page)
                    warm.append(script_duration_ms(driver))
                result[page] = {"scripts": len(scripts),
                                "script_kb": round(sum(x["kb"] for x in scripts)),
                                "script_gzip_kb": round(sum(x["gzip_kb"] for x in scripts)),
                                "grid_bundle": any("/dash_ag_grid/dash_ag_grid" in x["name"] for x in scripts),
                                "warm_script_ms_median": round(statistics.median(warm))}
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=30)
    document = {"root": str(args.root.resolve()), "loads": args.loads, "load_average": os.getloadavg(),
                "pages": result}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
