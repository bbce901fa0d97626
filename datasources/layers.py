"""Geometry of the one map's layers: areas from geo_region, a file or PostGIS; points from the warehouse.

Every layer leaves here in the base map's coordinate system (`display_crs`: WGS84, or GCJ-02
for GCJ-02 tiles), simplified for the browser to 1/2000 of the layer's extent (below a pixel
on a 1080-pixel LED wall) and rounded to 5 decimals (~1 m). A source declared in GCJ-02
(`crs: gcj02`) is first converted to WGS84, so simplification and region matching happen in
one system. Memoized per input with `@dataset`; a GeoJSON collection rides in one DataFrame cell
(the cache stores DataFrames).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from core.errors import BoundaryFileError
from core.geo_gcj02 import transform_coords
from core.regions import code_prefix
from datasources.boundaries import COORD_DECIMALS, EXTENT_FRACTION, browser_geometries
from datasources.cache import dataset
from datasources.regions import regions, within
from datasources.warehouse import Warehouse

POINT_COLUMNS = {
    "cameras": ("dim_camera", ["camera_id", "name", "region_code", "lon", "lat", "kind", "status", "owner_dept"]),
    "resources": ("dim_resource", ["resource_id", "kind", "name", "region_code", "lon", "lat", "capacity",
                                   "dept_code"]),
    "projects": ("dim_project", ["project_code", "lon", "lat"]),
}


def read_layer_file(path: str, file_layer: str | None = None) -> gpd.GeoDataFrame:
    """A GeoJSON, GeoPackage (its `file_layer`, else the first) or Shapefile, in EPSG:4326 lon/lat."""
    if not Path(path).is_file():
        raise BoundaryFileError(path, "no such file")
    try:
        frame = gpd.read_file(path, layer=file_layer) if file_layer else gpd.read_file(path)
    except Exception as exc:  # GDAL raises many types; the message says which
        raise BoundaryFileError(path, f"cannot be read ({exc})") from exc
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryFileError(path, "has no coordinate reference system and is not in lon/lat")
        return frame.set_crs("EPSG:4326")
    return frame if frame.crs.equals("EPSG:4326") else frame.to_crs("EPSG:4326")


def _postgis_rows(wh: Warehouse, table: str, geometry_column: str, columns: list[str]) -> gpd.GeoDataFrame:
    """Rows of a PostGIS table of the warehouse: `columns` and the geometry, in EPSG:4326."""
    schema, _, name = table.rpartition(".")
    geom = sa.column(geometry_column)
    clause = sa.table(name, geom, *[sa.column(c) for c in columns], schema=schema or None)
    # ST_SRID 0 means "unknown": taken as lon/lat already, like a file without a CRS.
    wkb = sa.func.ST_AsBinary(sa.case((sa.func.ST_SRID(geom) == 0, geom),
                                      else_=sa.func.ST_Transform(geom, 4326))).label("wkb")
    if wh.engine.dialect.name != "postgresql":
        raise BoundaryFileError(table, "a PostGIS layer needs a PostgreSQL warehouse with PostGIS")
    try:
        rows = wh.read(sa.select(*[clause.c[c] for c in columns], wkb).select_from(clause))
    except sa.exc.ProgrammingError as exc:  # no such table, column or function (PostGIS missing)
        raise BoundaryFileError(table, f"cannot be read ({exc.orig})") from exc
    geometry = shapely.from_wkb([bytes(b) if b is not None else None for b in rows["wkb"]], on_invalid="ignore")
    return gpd.GeoDataFrame(rows[columns], geometry=gpd.GeoSeries(geometry), crs="EPSG:4326")


def _source_rows(wh: Warehouse, source: str, path: str | None, file_layer: str | None, table: str | None,
                 geometry_column: str, columns: list[str]) -> gpd.GeoDataFrame:
    """`columns` (those a file has) and geometry of a file or PostGIS source."""
    if source == "postgis":
        return _postgis_rows(wh, str(table), geometry_column, columns)
    frame = read_layer_file(str(path), file_layer)
    lower = {c.lower(): c for c in frame.columns}
    for column in columns:
        found = lower.get(column.lower()) or lower.get(column.lower()[:10])  # Shapefile names stop at 10
        if found is None:
            raise BoundaryFileError(str(path), f"has no {column} column", missing=column)
        frame[column] = frame[found]
    return gpd.GeoDataFrame(frame[columns], geometry=frame.geometry.values, crs="EPSG:4326")


def _geo_region(wh: Warehouse, codes: list[str]) -> gpd.GeoDataFrame:
    t = wh.table("geo_region")
    rows = wh.read(sa.select(t.c.region_code, t.c.geometry_wkt).where(t.c.region_code.in_(codes)))
    geometry = shapely.from_wkt(rows["geometry_wkt"].astype(object).to_numpy(), on_invalid="ignore")
    return gpd.GeoDataFrame({"region_code": rows["region_code"].astype(str)}, geometry=gpd.GeoSeries(geometry),
                            crs="EPSG:4326")


def to_display(geometries: np.ndarray, display_crs: str) -> np.ndarray:
    """WGS84 geometries in the base map's system, rounded again (the shift adds digits)."""
    if display_crs == "gcj02":
        geometries = shapely.transform(geometries, lambda xy: transform_coords(xy, "gcj02"))
    return shapely.transform(geometries, lambda xy: np.round(xy, COORD_DECIMALS))


def _from_source_crs(geometries: np.ndarray, crs: str) -> np.ndarray:
    return shapely.transform(geometries, lambda xy: transform_coords(xy, "wgs84")) if crs == "gcj02" else geometries


def _one_cell(collection: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({"geojson": [collection]})


def _region_codes(wh: Warehouse, level: str, scope: str) -> pd.DataFrame:
    table = regions(wh)
    inside = table["region_code"].astype(str).str.startswith(code_prefix(scope))
    return table[(table["level"] == level) & inside].reset_index(drop=True)


@dataset("regions")
def region_layer(wh: Warehouse, level: str, scope: str, display_crs: str = "wgs84", source: str = "warehouse",
                 path: str | None = None, file_layer: str | None = None, table: str | None = None,
                 geometry_column: str = "geom", code_column: str = "region_code", crs: str = "wgs84") -> pd.DataFrame:
    """The areas of dim_region level `level` within `scope` as a GeoJSON FeatureCollection (one cell).

    Features: id = region_code, properties region_code, name, name_en. Foreign members:
    `missing` (areas without usable geometry) and `skipped` (rows with unreadable or
    non-polygon geometry, or a repeated code). Raises BoundaryFileError for an unusable file.
    """
    areas = _region_codes(wh, level, scope)
    codes = areas["region_code"].astype(str).tolist()
    empty = {"type": "FeatureCollection", "features": [], "missing": codes, "skipped": 0}
    if not codes:
        return _one_cell(empty)
    if source == "warehouse":
        rows = _geo_region(wh, codes) if wh.has_table("geo_region") else None
        if rows is None:
            return _one_cell(empty)
    else:
        rows = _source_rows(wh, source, path, file_layer, table, geometry_column, [code_column])
        codes_read = rows[code_column]
        if pd.api.types.is_numeric_dtype(codes_read):
            codes_read = codes_read.astype("Int64")
        rows = gpd.GeoDataFrame({"region_code": codes_read.astype("string").str.strip()},
                                geometry=rows.geometry.values, crs="EPSG:4326")
    rows = rows[rows["region_code"].isin(codes)]
    usable = rows[rows.geometry.notna()]
    usable = usable[usable.geometry.geom_type.isin(["Polygon", "MultiPolygon"]) & ~usable.geometry.is_empty]
    found = usable[~usable["region_code"].duplicated()]
    if found.empty:
        return _one_cell(empty | {"skipped": len(rows)})
    geoms = _from_source_crs(found.geometry.to_numpy(), crs)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    shaped = to_display(browser_geometries(geoms, max(maxx - minx, maxy - miny) * EXTENT_FRACTION), display_crs)
    names = areas.set_index(areas["region_code"].astype(str))
    features = [{"type": "Feature", "id": code,
                 "properties": {"region_code": code, "name": names.at[code, "name"],
                                "name_en": None if pd.isna(names.at[code, "name_en"]) else names.at[code, "name_en"]},
                 "geometry": shapely.geometry.mapping(geom)}
                for code, geom in zip(found["region_code"], shaped) if not geom.is_empty]
    return _one_cell({"type": "FeatureCollection", "features": features,
                      "missing": sorted(set(codes) - set(found["region_code"])), "skipped": len(rows) - len(found)})


@dataset("regions")
def feature_layer(wh: Warehouse, source: str, display_crs: str = "wgs84", path: str | None = None,
                  file_layer: str | None = None, table: str | None = None, geometry_column: str = "geom",
                  name_column: str | None = None, crs: str = "wgs84") -> pd.DataFrame:
    """Any geometry of a file or PostGIS table (rivers, parks, hospitals…): name and geometry per row.

    Returns a GeoJSON FeatureCollection in one cell; rows without usable geometry are counted in
    `skipped`. Areas and lines are simplified to 1/2000 of the layer's extent.
    """
    columns = [name_column] if name_column else []
    rows = _source_rows(wh, source, path, file_layer, table, geometry_column, columns)
    ok = rows.geometry.notna() & ~rows.geometry.is_empty
    good = rows[ok]
    geoms = shapely.make_valid(_from_source_crs(good.geometry.to_numpy(), crs)) if len(good) else np.array([])
    if len(good):
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        geoms = to_display(shapely.simplify(geoms, max(maxx - minx, maxy - miny) * EXTENT_FRACTION,
                                            preserve_topology=True), display_crs)
    names = good[name_column].astype(str).tolist() if name_column else [""] * len(good)
    features = [{"type": "Feature", "properties": {"name": name}, "geometry": shapely.geometry.mapping(geom)}
                for name, geom in zip(names, geoms)]
    return _one_cell({"type": "FeatureCollection", "features": features, "skipped": int((~ok).sum())})


@dataset("regions")
def point_rows(wh: Warehouse, kind: str, scope: str) -> pd.DataFrame:
    """Cameras, emergency resources or project positions (`kind`, a key of POINT_COLUMNS) within `scope`.

    Rows without coordinates stay (lon/lat NaN): the caller counts them apart, not on the map.
    """
    contract, columns = POINT_COLUMNS[kind]
    t = wh.table(contract)
    frame = wh.read(sa.select(*[wh.col(t, c) for c in columns]).where(within(t.c.region_code, scope))
                    .order_by(t.c[columns[0]]))
    for axis in ("lon", "lat"):
        frame[axis] = pd.to_numeric(frame[axis], errors="coerce")
    return frame
