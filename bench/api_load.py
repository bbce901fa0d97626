"""Many users at once against the cockpit as deployed: API latency, payload sizes, memory per worker.

    python bench/api_load.py [--users 30] [--seconds 60] [--workers 2] [--server gunicorn|waitress]
                             [--cache-url redis://127.0.0.1:6379/14] [--json out.json]

What it does: builds the demo warehouse (SQLite, in a temp folder) unless --warehouse is given,
starts the cockpit as in production — gunicorn with deploy/gunicorn.conf.py and --workers
threaded workers, or `python app.py` (waitress) — with a fresh SQLite app database and the given
cache, signs in --users users, and lets each of them, for --seconds, request one of the API
routes below and then think 0.5 s (uniformly 0.25–0.75 s), as a desk user reading the cockpit
does. It prints and writes as JSON: per route the requests, p50/p95/max latency, the response
size raw and gzipped; the server's RSS per process at the start and the end; the load average.
Not a CI gate: figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Load-2026"
ROUTES = {
    "summary": "/api/v1/summary",
    "summary-county": "/api/v1/summary?region=141102",
    "alerts-page": "/api/v1/alerts?status=all&limit=100",
    "alerts-open": "/api/v1/alerts",
    "indicator-children": "/api/v1/indicators/GDP/values?children=1",
    "health": "/api/v1/health",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kb(pid: int) -> dict[int, int]:
    """VmRSS (KB) of `pid` and its children (gunicorn's workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    found = {}
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found[p] = int(line.split()[1])
    return found


def start_server(args: argparse.Namespace, workdir: Path, warehouse: str, port: int) -> subprocess.Popen:
    config = workdir / "config.yaml"
    config.write_text("cache:\n  prewarm: true\n", encoding="utf-8")
    env = os.environ | {"COCKPIT_WAREHOUSE_URL": warehouse, "COCKPIT_APP_DB_URL": f"sqlite:///{workdir}/app.db",
                        "COCKPIT_ADMIN_PASSWORD": PASSWORD, "COCKPIT_CONFIG": str(config),
                        "COCKPIT_SECRET_KEY": "bench", "COCKPIT_PORT": str(port),
                        "COCKPIT_BIND": f"127.0.0.1:{port}", "COCKPIT_WORKERS": str(args.workers)}
    if args.cache_url:
        env["COCKPIT_CACHE_URL"] = args.cache_url
    command = ([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"] if args.server == "gunicorn"
               else [sys.executable, "app.py"])
    return subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def user(base: str, until: float, samples: dict[str, list[float]], lock: threading.Lock) -> None:
    session = requests.Session()
    session.post(f"{base}/login", data={"username": "admin", "password": PASSWORD}, timeout=30)
    rng = random.Random()
    while time.monotonic() < until:
        name = rng.choice(list(ROUTES))
        started = time.perf_counter()
        response = session.get(base + ROUTES[name], timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            samples[name if response.status_code == 200 else f"{name} (status {response.status_code})"].append(elapsed)
        time.sleep(rng.uniform(0.25, 0.75))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=("gunicorn", "waitress"), default="gunicorn")
    parser.add_argument("--cache-url", default=None)
    parser.add_argument("--warehouse", default=None, help="a warehouse URL (default: build the demo in /tmp)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cockpit-bench-load-"))
    warehouse = args.warehouse
    if warehouse is None:
        warehouse = f"sqlite:///{workdir}/demo.db"
        subprocess.run([sys.executable, "-c", "import sys; from demo.generate import build_demo_warehouse; "
                        f"build_demo_warehouse({warehouse!r})"], cwd=PROJECT, check=True)
    port = free_port()
    server = start_server(args, workdir, warehouse, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        warm = requests.Session()
        warm.post(f"{base}/login", data={"username": "admin", "password": PASSWORD}, timeout=30)
        sizes = {}
        for name, path in ROUTES.items():  # warm every route once, and weigh its answer
            body = warm.get(base + path, timeout=60, headers={"Accept-Encoding": "identity"}).content
            sizes[name] = {"raw_bytes": len(body), "gzip_bytes": len(gzip.compress(body))}
        everything = warm.get(f"{base}/api/v1/alerts?status=all&limit=500", timeout=60).json()
        rss_start = rss_kb(server.pid)
        samples: dict[str, list[float]] = {name: [] for name in ROUTES}
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=user, args=(base, until, samples, lock)) for _ in range(args.users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rss_end = rss_kb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "server": args.server, "workers": args.workers if args.server == "gunicorn" else 1, "users": args.users,
        "seconds": args.seconds, "cache": args.cache_url or "in-process", "load_avg": os.getloadavg(),
        "alerts_total": everything["total"],
        "routes": {name: {"requests": len(v), "p50_ms": round(percentile(v, 50), 1),
                          "p95_ms": round(percentile(v, 95), 1), "max_ms": round(max(v), 1), **sizes.get(name, {})}
                   for name, v in samples.items() if v},
        "rss_kb_start": rss_start, "rss_kb_end": rss_end,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
