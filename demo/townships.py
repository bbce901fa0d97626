"""The demo's boundaries for the warehouse's geo_region table: the 13 real county polygons shipped
in demo/data (see demo/boundaries_build.py) and generated township cells inside them.

The townships are not real: they have only label points, so their polygons are a Voronoi
partition of the county seeded by those points (see docs/boundaries.md). Deterministic: the
same dim_region rows give the same WKT, on every engine.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.ops import nearest_points

from datasources.boundaries import polygonal, read_boundary_file
from demo.regions import COUNTIES_FILE

# Lloyd steps for the township cells: free cells end within ~2× of each other in size.
LLOYD_STEPS = 40
# ~0.1 m: WKT stays short, and shared borders round alike, so the cells remain a clean coverage.
WKT_DECIMALS = 6


def township_cells(county: shapely.Geometry, points: np.ndarray, fixed: np.ndarray | None = None,
                   relax_steps: int = LLOYD_STEPS) -> np.ndarray:
    """Demo township polygons: a Voronoi partition of the county seeded by the label points.

    The cells partition the county exactly, one per point, in the points' order. Seeds outside
    the county start at the nearest point inside it; then Lloyd relaxation moves every seed not
    marked `fixed` to its cell's centroid a few times, which spreads the cells evenly over the
    county instead of leaving one huge cell and slivers along the border. Fixed seeds (街道, in
    the county seat) keep their small urban cells.
    """
    if len(points) == 1:
        return np.array([county], dtype=object)
    fixed = np.zeros(len(points), dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    inner = county.buffer(-0.01)
    inner = county if inner.is_empty else inner
    seeds: list[shapely.Point] = []
    for lon, lat in points:
        point = shapely.Point(lon, lat)
        if not inner.contains(point):
            point = nearest_points(inner, point)[0]
        # Coincident seeds would share one cell; nudge a repeat by ~10 m.
        while any(point.distance(s) < 1e-4 for s in seeds):
            point = shapely.Point(point.x + 1e-4, point.y + 1e-4)
        seeds.append(point)
    # Relaxing against a coarse outline is ten times faster and moves the centroids by metres.
    coarse = county.simplify(0.01)
    for _ in range(relax_steps):
        seeds = [seed if keep or cell.is_empty else _centre(cell)
                 for seed, cell, keep in zip(seeds, _clipped_cells(seeds, coarse), fixed)]
    return np.array(_clipped_cells(seeds, county), dtype=object)


def _clipped_cells(seeds: list[shapely.Point], area: shapely.Geometry) -> list[shapely.Geometry]:
    """Voronoi cells of the seeds (in their order) clipped to `area`."""
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=area, ordered=True)
    return [polygonal(cell) for cell in shapely.intersection(shapely.get_parts(diagram), area)]


def _centre(cell: shapely.Geometry) -> shapely.Point:
    """The centroid, or a point inside when the centroid falls outside (a crescent-shaped cell)."""
    centroid = cell.centroid
    return centroid if cell.contains(centroid) else cell.point_on_surface()


def geo_region_frame(regions: pd.DataFrame) -> pd.DataFrame:
    """geo_region rows (region_code, geometry_wkt; WGS84): every county in the shipped file, then
    the township cells of each county, from the townships' lon/lat in `regions` (dim_region rows)."""
    counties = read_boundary_file(str(COUNTIES_FILE)).sort_values("region_code")
    townships = regions[regions["level"] == "township"].dropna(subset=["lon", "lat"]).sort_values("region_code")
    codes, geoms = counties["region_code"].tolist(), list(counties.geometry)
    for code, county in zip(counties["region_code"], counties.geometry):
        located = townships[townships["parent_code"] == code]
        if located.empty:
            continue
        # Statistical township codes 001–099 are 街道 (urban sub-districts), 100+ 镇 and 乡.
        streets = located["region_code"].str[6:9].astype(int) < 100
        codes += located["region_code"].tolist()
        geoms += list(township_cells(county, located[["lon", "lat"]].to_numpy(dtype=float), fixed=streets.to_numpy()))
    wkt = shapely.to_wkt(np.array(geoms, dtype=object), rounding_precision=WKT_DECIMALS, trim=True)
    return pd.DataFrame({"region_code": codes, "geometry_wkt": wkt})
