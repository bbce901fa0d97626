"""Benchmark: the one map's payload (`/map`'s draw callback) on the demo warehouse, per set of layers.

For each set it sends the callback request a signed-in leader's browser sends and prints the
response's size raw and gzipped (what Flask-Compress sends) and the median time of --repeat
warm calls (the layers memoized) beside the first, cold one.

    python bench/onemap_payload.py [--warehouse sqlite:///data/demo_warehouse.db] [--repeat 5]
"""
from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from core.config import Config
from datasources.users import upsert_user

SETS = {
    "counties": ["counties"],
    "counties + townships": ["counties", "townships"],
    "points only": ["alerts", "projects", "cameras", "resources"],
    "everything": ["counties", "townships", "alerts", "projects", "cameras", "resources"],
}


def body(layers: list[str]) -> dict:
    state = {"layers": layers, "indicator": "GDP", "measure": "yoy_pct", "lon": None, "lat": None, "zoom": None}
    return {"output": "..map-graph.figure...map-legend.children...map-url-sink.data..",
            "outputs": [{"id": "map-graph", "property": "figure"}, {"id": "map-legend", "property": "children"},
                        {"id": "map-url-sink", "property": "data"}],
            "inputs": [{"id": "map-layers", "property": "value", "value": layers},
                       {"id": "map-indicator", "property": "value", "value": "GDP"},
                       {"id": "map-measure", "property": "value", "value": "yoy_pct"}],
            "state": [{"id": "map-state", "property": "data", "value": state}], "changedPropIds": ["map-layers.value"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", default=f"sqlite:///{Path('data/demo_warehouse.db').resolve()}")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(warehouse_url=args.warehouse, build_demo_if_missing=False, prewarm_cache=False,
                                app_db_url=f"sqlite:///{tmp}/app.db", secret_key="bench"))
        upsert_user(app.server.extensions["cockpit"].appdb.engine, "bench", "Bench-Password-1", "leader")
        client = app.server.test_client()
        client.post("/login", data={"username": "bench", "password": "Bench-Password-1"})
        print("| layers | KB raw | KB gzipped | cold ms | warm ms |\n|---|---|---|---|---|")
        for name, layers in SETS.items():
            times = []
            for _ in range(args.repeat + 1):
                start = time.perf_counter()
                response = client.post("/_dash-update-component", json=body(layers))
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
            data = response.get_data()
            print(f"| {name} | {len(data) / 1024:.0f} | {len(gzip.compress(data)) / 1024:.0f} | {times[0]:.0f} "
                  f"| {statistics.median(times[1:]):.0f} |")


if __name__ == "__main__":
    main()
