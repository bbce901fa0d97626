"""Start the cockpit (`python3 app.py`) for a benchmark and wait until it answers its health check."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Cockpit-2026"  # passes the password policy (core/passwords.py)


def start_cockpit(port: int, workdir: Path, *, warehouse: str | None = None, root: Path = ROOT,
                  timeout_s: float = 90) -> subprocess.Popen:
    """`python3 app.py` of the checkout at `root` on `port`, with an app database of its own in
    `workdir` and the admin password `PASSWORD`; on `warehouse`, else on the demo warehouse
    (built if missing). Returns once /api/v1/health answers."""
    env = os.environ | {"COCKPIT_PORT": str(port), "COCKPIT_APP_DB_URL": f"sqlite:///{workdir}/app.db",
                        "COCKPIT_ADMIN_PASSWORD": PASSWORD, "COCKPIT_SECRET_KEY": "bench"}
    if warehouse:
        env["COCKPIT_WAREHOUSE_URL"] = warehouse
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the cockpit did not start on port {port} (in use?)")
