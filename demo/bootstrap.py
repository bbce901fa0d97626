"""First start on the embedded default: build the demo warehouse when it is missing.

Run by `python3 app.py` as `python3 -m demo ensure` in a process of its own, so the served
code never imports the demo generator.
"""
from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from core.config import PROJECT_DIR, Config
from datasources.engines.sqlite import absolute_url


def ensure_demo_warehouse(config: Config) -> None:
    """Build the demo warehouse if the config uses the embedded default and it is missing.

    Never touches a warehouse the config or COCKPIT_WAREHOUSE_URL points elsewhere. A file
    lock keeps several starting processes from building it twice.
    """
    if not (config.uses_demo_warehouse and config.build_demo_if_missing):
        return
    path = Path(make_url(absolute_url(config.warehouse_url, PROJECT_DIR)).database or "")
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return
        from demo.generate import build_demo_warehouse

        print(f"首次启动：正在生成演示数据仓库 {path}（吕梁市）… / building the demo warehouse",
              file=sys.stderr, flush=True)
        building = path.with_suffix(".building.db")
        building.unlink(missing_ok=True)

        def report(step: str, fraction: float) -> None:
            print(f"  {fraction:6.1%}  {step}", file=sys.stderr, flush=True)

        counts = build_demo_warehouse(f"sqlite:///{building}", progress=report)
        os.replace(building, path)
        print(f"演示数据仓库已生成 / demo warehouse ready: {sum(counts.values()):,} rows",
              file=sys.stderr, flush=True)
