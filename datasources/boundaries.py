"""Region boundaries for maps drawn offline: a GeoJSON FeatureCollection of a region's children.

Sources, first that applies: the file named in config (`map.boundaries_file`: GeoJSON,
GeoPackage or Shapefile, read with geopandas), else the warehouse's optional `geo_region` table
(WKT); otherwise there is nothing to draw (reason `no_source`).
Geometry leaves here in WGS84, simplified for the browser, coordinates rounded to 5 decimals
(~1 m), outer rings clockwise (what plotly's geo traces want; MapLibre accepts it too).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from core.errors import BoundaryFileError
from datasources.cache import dataset
from datasources.economy import family_children, region_family
from datasources.warehouse import Warehouse

COORD_DECIMALS = 5
# Simplify to 1/2000 of the map's extent: below one pixel even on a 1080-pixel-high LED wall.
EXTENT_FRACTION = 1 / 2000
# Shapefile field names stop at 10 characters; geopandas writes region_code as region_cod.
_CODE_COLUMNS = ("region_code", "region_cod")


def browser_geometries(geometries: Iterable[shapely.Geometry], tolerance: float) -> np.ndarray:
    """Simplified, rounded, valid polygons with clockwise outer rings, ready for GeoJSON.

    A clean coverage (neighbours sharing exact borders) is simplified as a whole so shared
    borders stay identical; anything else polygon by polygon, keeping each one's topology.
    """
    geoms = np.asarray(list(geometries), dtype=object)
    if len(geoms) == 0:
        return geoms
    geoms = np.where(shapely.is_valid(geoms), geoms, shapely.make_valid(geoms))
    if shapely.coverage_is_valid(geoms):
        geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    else:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    geoms = shapely.make_valid(shapely.set_precision(geoms, 10.0 ** -COORD_DECIMALS))
    geoms = np.array([polygonal(g) for g in geoms], dtype=object)
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    # set_precision snaps to the grid; rounding again makes the printed decimals short.
    return shapely.transform(geoms, lambda xy: np.round(xy, COORD_DECIMALS))


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Only the polygon parts (clipping and make_valid can leave stray lines or points)."""
    if isinstance(geometry, (shapely.Polygon, shapely.MultiPolygon)):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if isinstance(p, (shapely.Polygon, shapely.MultiPolygon))]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def feature_collection(frame: gpd.GeoDataFrame, **members: Any) -> dict[str, Any]:
    """GeoJSON of rows with region_code, name and geometry; `id` is the region code.

    Extra keyword arguments become foreign members of the collection (source, missing, ...).
    """
    features = [{"type": "Feature", "id": row.region_code,
                 "properties": {"region_code": row.region_code, "name": row.name},
                 "geometry": shapely.geometry.mapping(row.geometry)}
                for row in frame.itertuples(index=False) if not row.geometry.is_empty]
    return {"type": "FeatureCollection", "features": features, **members}


def _code_strings(values: pd.Series) -> pd.Series:
    """Region codes as text, whatever type a file stored them as (141102, 141102.0, '141102')."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("Int64").astype("string")
    return values.astype("string").str.strip()


def read_boundary_file(path: str) -> gpd.GeoDataFrame:
    """region_code and geometry (EPSG:4326) from a GeoJSON, GeoPackage or Shapefile."""
    if not Path(path).is_file():
        raise BoundaryFileError(path, "no such file")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # GDAL raises many types; the message says which
        raise BoundaryFileError(path, f"cannot be read ({exc})") from exc
    columns = {c.lower(): c for c in frame.columns}
    code_column = next((columns[c] for c in _CODE_COLUMNS if c in columns), None)
    if code_column is None:
        raise BoundaryFileError(path, "has no region_code column", missing="region_code")
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryFileError(path, "has no coordinate reference system and is not in lon/lat")
        frame = frame.set_crs("EPSG:4326")
    elif not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return gpd.GeoDataFrame({"region_code": _code_strings(frame[code_column])},
                            geometry=frame.geometry.values, crs="EPSG:4326")


def _geo_region_rows(wh: Warehouse, codes: list[str]) -> gpd.GeoDataFrame:
    """The warehouse's geo_region rows for `codes`; unreadable WKT becomes an empty geometry."""
    t = wh.table("geo_region")
    rows = wh.read(sa.select(t.c.region_code, t.c.geometry_wkt).where(t.c.region_code.in_(codes)))
    geometry = shapely.from_wkt(rows["geometry_wkt"].astype(object).to_numpy(), on_invalid="ignore")
    return gpd.GeoDataFrame({"region_code": _code_strings(rows["region_code"])},
                            geometry=gpd.GeoSeries(geometry), crs="EPSG:4326")


def _empty(source: str, reason: str, **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [], "source": source, "reason": reason,
            "missing": [], "skipped": 0, **members}


@dataset("regions")
def _boundaries_frame(wh: Warehouse, boundaries_file: str | None, parent_code: str) -> pd.DataFrame:
    # @dataset caches DataFrames (it marks them fresh or stale): the collection rides in one cell.
    return pd.DataFrame({"geojson": [_build_collection(wh, boundaries_file, parent_code)]})


def _build_collection(wh: Warehouse, boundaries_file: str | None, parent_code: str) -> dict[str, Any]:
    # The parent's family (a few rows, one query), not the whole hierarchy: a cold map of one
    # region must not read every village of the city.
    kids = family_children(region_family(wh, parent_code))
    if kids.empty:
        return _empty("none", "no_children")
    codes = kids["region_code"].astype(str).tolist()
    if boundaries_file:
        source, rows = "file", read_boundary_file(boundaries_file)
    elif wh.has_table("geo_region"):
        source, rows = "geo_region", _geo_region_rows(wh, codes)
    else:
        return _empty("none", "no_source")
    rows = rows[rows["region_code"].isin(codes)]
    usable = rows[rows.geometry.geom_type.isin(["Polygon", "MultiPolygon"]) & ~rows.geometry.is_empty]
    found = usable[~usable["region_code"].duplicated()]
    skipped = len(rows) - len(found)
    missing = sorted(set(codes) - set(found["region_code"]))
    if found.empty:
        return _empty(source, "no_geometry", missing=missing, skipped=skipped)
    minx, miny, maxx, maxy = found.total_bounds
    tolerance = max(maxx - minx, maxy - miny) * EXTENT_FRACTION
    names = kids.set_index("region_code")["name"]
    shaped = gpd.GeoDataFrame({"region_code": found["region_code"].to_numpy(),
                               "name": names.reindex(found["region_code"]).to_numpy()},
                              geometry=browser_geometries(found.geometry.to_numpy(), tolerance))
    return feature_collection(shaped, source=source, reason=None, missing=missing, skipped=skipped)


def region_boundaries(wh: Warehouse, boundaries_file: str | None, parent_code: str) -> dict[str, Any]:
    """The children of `parent_code` as a GeoJSON FeatureCollection (WGS84, simplified).

    Each feature has `id` = region_code and properties region_code and name (from dim_region).
    Foreign members: `source` (file, geo_region or none), `reason` when there are no
    features (no_children, no_source, no_geometry), `missing` (children without geometry),
    `skipped` (rows with unreadable geometry or a repeated code) and `stale` (the warehouse was
    unreachable and the copy is the last good one). Raises BoundaryFileError for a bad file.
    """
    frame = _boundaries_frame(wh, boundaries_file, parent_code)
    return {**frame["geojson"].iloc[0], "stale": bool(frame.attrs.get("stale", False))}
