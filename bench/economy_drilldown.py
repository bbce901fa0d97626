"""Benchmark: the server work of one drill-down click on /economy, cold and warm, beside raw SQL.

A click navigates to /economy/<region>?indicator=…; the page's layout and its three callbacks
(headline/trend/forecast, children ranking/map/table, warnings) then run. This script calls
exactly those functions in a request context of a real app, for the city, every county and
townships, and prints p50/p95/max:
  - cold: every cache cleared before the click (hierarchy, catalogue, boundaries, data);
  - cold-data: every cache cleared, then the region hierarchy and the map boundaries loaded
    untimed (they change yearly and are cached for an hour): a click after the 5-minute
    indicator TTL has expired;
  - warm: the same click again (what the next leader's screen costs within the TTL);
  - cpu: the same clicks' CPU time in this thread (steadier than wall time on a loaded host);
  - sql / sql-data: the statements the cold / cold-data click sent, replayed directly on the
    engine's DB-API connection (no SQLAlchemy, no pandas), i.e. the engine's own time.
The cockpit reads the optional pre-aggregated table when the warehouse has it (build one with
`python -m demo build … --aggregates`); the first line says whether it is there. The load
average is printed before and after (the figures are only comparable at similar load).

    python bench/economy_drilldown.py --url sqlite:////tmp/big/wh.db [--indicator GDP] [--townships 30]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from core.config import Config
from datasources.boundaries import region_boundaries
from datasources.indicators import INDICATOR_AGGREGATE
from datasources.regions import regions


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="warehouse URL (SQLAlchemy)")
    parser.add_argument("--indicator", default="GDP")
    parser.add_argument("--townships", type=int, default=30, help="townships to click into")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp()
    app = create_app(Config(warehouse_url=args.url, build_demo_if_missing=False,
                            app_db_url=f"sqlite:///{tmp}/app.db", admin_password="Bench-Cockpit-2026",
                            secret_key="bench", prewarm_cache=False))
    server = app.server
    rt = server.extensions["cockpit"]
    wh = rt.warehouse
    from pages import economy  # registered by create_app; import after it

    with server.test_request_context():
        table = regions(wh)
    city = str(table.loc[table["parent_code"].isna(), "region_code"].iloc[0])
    counties = list(table.loc[table["parent_code"] == city, "region_code"])
    townships = list(table.loc[table["parent_code"].isin(counties), "region_code"])[:: max(
        1, len(table[table["parent_code"].isin(counties)]) // args.townships)][: args.townships]
    clicks = [city, *counties, *townships]
    with wh.engine.connect() as conn:
        facts = conn.execute(sa.text("SELECT COUNT(*) FROM fact_indicator")).scalar_one()

    aggregate = wh.has_table(INDICATOR_AGGREGATE)
    load_before = os.getloadavg()
    statements: list[tuple[str, Any]] = []

    @sa.event.listens_for(wh.engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    cpu: dict[str, list[float]] = {"cold": [], "cold-data": [], "warm": []}

    def click(code: str, case: str) -> float:
        start, start_cpu = time.perf_counter(), time.thread_time()
        with server.test_request_context(f"/economy/{code}?indicator={args.indicator}"):
            frame = economy.layout(region_code=code, indicator=args.indicator)
            store = next(c for c in frame._traverse() if getattr(c, "id", None) == "economy-view")
            view = store.data
            economy.show_region(view)
            economy.show_children(view)
            economy.show_warnings(view)
        cpu[case].append(time.thread_time() - start_cpu)
        return time.perf_counter() - start

    def replay(recorded: list[tuple[str, Any]]) -> float:
        raw = wh.engine.raw_connection()
        try:
            cursor = raw.cursor()
            start = time.perf_counter()
            for statement, parameters in recorded:
                if statement.strip().upper().startswith(("PRAGMA", "SELECT 1")):
                    continue
                cursor.execute(statement, parameters)
                cursor.fetchall()
            return time.perf_counter() - start
        finally:
            raw.close()

    def engine_sql() -> list[tuple[str, Any]]:
        return [s for s in statements if "sqlite_master" not in s[0] and "pg_catalog" not in s[0]]

    cold, cold_data, warm, sql, sql_data = [], [], [], [], []
    for code in clicks:
        wh.cache.clear()
        statements.clear()
        cold.append(click(code, "cold"))
        sql.append(replay(engine_sql()))
        warm.append(click(code, "warm"))
        wh.cache.clear()
        with server.test_request_context():
            regions(wh)
            region_boundaries(wh, rt.config.boundaries_file, code)
        statements.clear()
        cold_data.append(click(code, "cold-data"))
        sql_data.append(replay(engine_sql()))

    def line(name: str, values: list[float]) -> str:
        p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        return (f"{name:13s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
                f"   max {max(values) * 1000:7.1f} ms")

    print(f"warehouse {sa.engine.make_url(args.url).render_as_string(hide_password=True)}: {facts:,} fact rows; "
          f"{len(clicks)} clicks (1 city, {len(counties)} counties, {len(townships)} townships), "
          f"indicator {args.indicator}; {INDICATOR_AGGREGATE}: {'present' if aggregate else 'absent'}")
    print("load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(*load_before, *os.getloadavg()))
    for name, values in (("cold", cold), ("sql", sql), ("cold-data", cold_data), ("sql-data", sql_data),
                         ("warm", warm)):
        print(line(name, values))
    # CPU time of this thread: steadier than wall time on a loaded host. It holds the cockpit's own
    # work, plus the engine's on SQLite (in-process), not a server engine's (another process).
    for name, values in cpu.items():
        print(line(f"{name} cpu", values))
    print(f"p95 ratios: cold / sql {percentile(cold, 0.95) / percentile(sql, 0.95):.1f}×, "
          f"cold-data / sql-data {percentile(cold_data, 0.95) / percentile(sql_data, 0.95):.1f}×")


if __name__ == "__main__":
    main()
