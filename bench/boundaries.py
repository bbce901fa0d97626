"""Benchmark: `region_boundaries` per source, cold and warm, beside the source's own read time.

For the demo city (13 counties) and its counties (generated township cells) it prints the
median of --repeat cold calls (cache cleared) and warm calls, and the GeoJSON payload size. The
polygons are the demo generator's geo_region rows (demo/townships.py):
  - file:       the counties and township cells in a GeoPackage in UTM 49N, beside a plain
                geopandas.read_file of that file (GDAL's own time);
  - geo_region: the same polygons as WKT in the warehouse's geo_region table (SQLite, as the
                demo builds it), beside the SELECT of those rows on the DB-API connection (the
                engine's own time).

    python bench/boundaries.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datasources.boundaries import region_boundaries
from datasources.warehouse import Warehouse
from demo.generate import DEFAULT_SEED
from demo.regions import COUNTY_CODES, build_regions
from demo.schema import dim_region, geo_region
from demo.townships import geo_region_frame

CITY = "141100"


def median_ms(func: Callable[[], object], repeat: int, before: Callable[[], None] = lambda: None) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build_warehouse(path: Path, regions: pd.DataFrame, geo: pd.DataFrame) -> str:
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    dim_region.create(engine)
    geo_region.create(engine)
    with engine.begin() as conn:
        conn.execute(dim_region.insert(), regions.astype(object).where(regions.notna(), None).to_dict("records"))
        conn.execute(geo_region.insert(), geo.to_dict("records"))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())

    # The polygons both sources serve: the demo's counties and township cells.
    regions = build_regions(DEFAULT_SEED)
    geo = geo_region_frame(regions)
    geo_url = build_warehouse(tmp / "geo.db", regions, geo)
    polygons = gpd.GeoDataFrame({"region_code": geo["region_code"]},
                                geometry=shapely.from_wkt(geo["geometry_wkt"].tolist()), crs="EPSG:4326")
    gpkg = tmp / "boundaries.gpkg"
    polygons.to_crs("EPSG:32649").to_file(gpkg, driver="GPKG")

    def geo_rows(parent: str) -> list:
        codes = regions.loc[regions["parent_code"] == parent, "region_code"].tolist()
        with sqlite3.connect(tmp / "geo.db") as conn:
            return conn.execute(f"SELECT region_code, geometry_wkt FROM geo_region WHERE region_code IN "
                                f"({','.join('?' * len(codes))})", codes).fetchall()

    # The engine's own work per call: GDAL reading the whole file; SQLite selecting the children.
    sources = {
        "file": (geo_url, str(gpkg), lambda _parent: gpd.read_file(gpkg)),
        "geo_region": (geo_url, None, geo_rows),
    }
    print(f"{'source':<11} {'parent':<8} {'cold ms':>8} {'warm ms':>8} {'raw ms':>7} {'cold/raw':>8} {'KB':>6}")
    for name, (url, file, raw) in sources.items():
        wh = Warehouse(url, cache=SimpleCache(), ttl_s={"regions": 3600}, stale_keep_s=3600)
        for label, parents in (("city", [CITY]), ("county", list(COUNTY_CODES))):
            cold = statistics.median(median_ms(lambda p=p, w=wh, f=file: region_boundaries(w, f, p), args.repeat,
                                               before=wh.cache.clear) for p in parents)
            warm = statistics.median(median_ms(lambda p=p, w=wh, f=file: region_boundaries(w, f, p), args.repeat)
                                     for p in parents)
            size = statistics.median(len(json.dumps(region_boundaries(wh, file, p), ensure_ascii=False,
                                                    separators=(",", ":")).encode()) for p in parents) / 1024
            raw_ms = statistics.median(median_ms(lambda p=p, r=raw: r(p), args.repeat) for p in parents)
            print(f"{name:<11} {label:<8} {cold:8.1f} {warm:8.2f} {raw_ms:7.1f} {cold / raw_ms:8.1f} {size:6.0f}")

if __name__ == "__main__":
    main()
