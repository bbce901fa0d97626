"""The one map's layers: files (GeoJSON, GeoPackage) and the warehouse, GCJ-02, thinning, the payload bound."""
from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

from app import create_app
from core.config_map import MapSettings
from core.errors import BoundaryFileError
from core.geo_gcj02 import transform_coords, wgs84_to_gcj02
from datasources.layers import feature_layer, region_layer
from datasources.warehouse import Warehouse
from services.onemap_points import placed, thin
from tests.conftest import service_unavailable, sign_in_as, throwaway_pg_database
from tests.tiny_warehouse import build_tiny_warehouse

PAYLOAD_LIMIT = 300 * 1024  # issue 10: a whole map, townships included, ≤ 300 KB gzipped


def _square(x: float, y: float, size: float = 0.2, vertices: int = 400) -> shapely.Polygon:
    """A square with many collinear vertices (what simplification should drop)."""
    edge = np.linspace(0, size, vertices // 4, endpoint=False)
    ring = ([(x + d, y) for d in edge] + [(x + size, y + d) for d in edge]
            + [(x + size - d, y + size) for d in edge] + [(x + 0, y + size - d) for d in edge])
    return shapely.Polygon(ring)


@pytest.fixture
def tiny(tmp_path: Path) -> Warehouse:
    url = f"sqlite:///{tmp_path}/tiny.db"
    build_tiny_warehouse(url)
    return Warehouse(url, cache=SimpleCache(), ttl_s={"regions": 60}, stale_keep_s=60)


def _areas(tmp_path: Path, suffix: str, layer: str | None = None) -> str:
    frame = gpd.GeoDataFrame({"xzqh": ["141102", "141181", "999999", "141102"]},
                             geometry=[_square(111.0, 37.4), _square(111.7, 37.0), _square(0, 0), _square(5, 5)],
                             crs="EPSG:4326")
    path = tmp_path / f"areas{suffix}"
    frame.to_file(path, layer=layer, driver="GPKG" if suffix == ".gpkg" else "GeoJSON")
    return str(path)


@pytest.mark.parametrize(("suffix", "file_layer"), [(".geojson", None), (".gpkg", "counties")])
def test_area_layers_from_a_geojson_and_a_geopackage(tiny: Warehouse, tmp_path: Path, suffix: str,
                                                     file_layer: str | None) -> None:
    path = _areas(tmp_path, suffix, file_layer)
    collection = region_layer(tiny, "county", "141100", "wgs84", "file", path, file_layer, None, "geom", "xzqh",
                              "wgs84")["geojson"].iloc[0]
    features = {f["id"]: f for f in collection["features"]}
    assert set(features) == {"141102", "141181"}
    assert features["141102"]["properties"]["name"] == "离石区"  # names from dim_region
    # 999999 is no county of the city; the second 141102 row is a repeated code: both skipped.
    assert collection["skipped"] == 1 and collection["missing"] == []
    ring = features["141181"]["geometry"]["coordinates"][0]
    assert len(ring) == 5  # 400 vertices of a square simplified to its 4 corners (closed)
    assert {round(x, 5) for x, _ in ring} == {111.7, 111.9}


def test_a_layer_declared_in_gcj02_is_placed_in_wgs84_and_shown_on_gcj02_tiles(tiny: Warehouse,
                                                                              tmp_path: Path) -> None:
    corner = (111.7, 37.0)
    gcj = wgs84_to_gcj02(*corner)
    shifted = shapely.transform(_square(*corner), lambda xy: transform_coords(xy, "gcj02"))  # as GCJ-02 data
    path = tmp_path / "gcj.geojson"
    gpd.GeoDataFrame({"region_code": ["141181"]}, geometry=[shifted], crs="EPSG:4326").to_file(path)
    args = ("file", str(path), None, None, "geom", "region_code", "gcj02")
    as_wgs = region_layer(tiny, "county", "141100", "wgs84", *args)["geojson"].iloc[0]
    xs, ys = zip(*as_wgs["features"][0]["geometry"]["coordinates"][0])
    assert min(xs) == pytest.approx(corner[0], abs=2e-5) and min(ys) == pytest.approx(corner[1], abs=2e-5)
    on_gcj = region_layer(tiny, "county", "141100", "gcj02", *args)["geojson"].iloc[0]
    ring = np.array(on_gcj["features"][0]["geometry"]["coordinates"][0])
    assert np.hypot(*(ring - [float(gcj[0]), float(gcj[1])]).T).min() < 2e-5  # the corner, shifted again


def test_a_feature_layer_keeps_names_and_counts_rows_without_geometry(tiny: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "poi.gpkg"
    gpd.GeoDataFrame({"mc": ["医院", "学校", "空"]},
                     geometry=[shapely.Point(111.1, 37.5), shapely.LineString([(111, 37), (111.2, 37.1)]), None],
                     crs="EPSG:4326").to_file(path, layer="poi", driver="GPKG")
    collection = feature_layer(tiny, "file", "wgs84", str(path), "poi", None, "geom", "mc", "wgs84")["geojson"].iloc[0]
    assert [(f["properties"]["name"], f["geometry"]["type"]) for f in collection["features"]] == [
        ("医院", "Point"), ("学校", "LineString")]
    assert collection["skipped"] == 1


def test_points_without_coordinates_are_counted_and_many_points_are_clustered() -> None:
    frame = pd.DataFrame({"camera_id": ["c1", "c2", "c3"], "lon": [111.1, None, 500.0], "lat": [37.5, 37.5, 37.5]})
    rows, unplaced = placed(frame, "wgs84")
    assert list(rows["camera_id"]) == ["c1"] and unplaced == 2
    rng = np.random.default_rng(7)
    many = pd.DataFrame({"camera_id": [f"c{i}" for i in range(20_000)],
                         "lon": rng.uniform(110.5, 112.0, 20_000), "lat": rng.uniform(36.5, 38.5, 20_000)})
    thinned = thin(many, 3000)
    assert len(thinned) <= 3000 and thinned["count"].sum() == 20_000
    singles = thinned[thinned["count"] == 1]
    assert singles["camera_id"].notna().all() and thinned[thinned["count"] > 1]["camera_id"].isna().all()
    assert thin(many.head(50), 3000)["count"].eq(1).all()


def _draw_body(layers: list[str]) -> dict:
    state = {"layers": layers, "indicator": "GDP", "measure": "yoy_pct", "lon": None, "lat": None, "zoom": None}
    return {"output": "..map-graph.figure...map-legend.children...map-url-sink.data..",
            "outputs": [{"id": "map-graph", "property": "figure"}, {"id": "map-legend", "property": "children"},
                        {"id": "map-url-sink", "property": "data"}],
            "inputs": [{"id": "map-layers", "property": "value", "value": layers},
                       {"id": "map-indicator", "property": "value", "value": "GDP"},
                       {"id": "map-measure", "property": "value", "value": "yoy_pct"}],
            "state": [{"id": "map-state", "property": "data", "value": state}], "changedPropIds": ["map-layers.value"]}


def test_the_whole_demo_map_stays_under_300_kb_gzipped(demo_sqlite_url: str, make_config) -> None:
    client = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(client, "leader")
    every = ["counties", "townships", "alerts", "projects", "cameras", "resources"]
    response = client.post("/_dash-update-component", json=_draw_body(every))
    assert response.status_code == 200
    body = response.get_data()
    figure = json.loads(body)["response"]["map-graph"]["figure"]
    townships = [t for t in figure["data"] if t["type"] == "choroplethmap"]
    assert sum(len(t["geojson"]["features"]) for t in townships) == 165  # the demo city's townships
    names = [t["name"] for t in figure["data"]]
    # The counties as borders over the townships and under the markers.
    assert names.index("townships") < names.index("counties-borders") < names.index("alerts-halo")
    assert len(gzip.compress(body)) <= PAYLOAD_LIMIT
    assert json.loads(body)["response"]["map-url-sink"]["data"] == (
        "/map?layers=counties,townships,alerts,projects,cameras,resources&indicator=GDP&measure=yoy_pct")


def test_layers_from_postgis_tables_in_any_srid(tmp_path: Path) -> None:
    with throwaway_pg_database("cockpit_test_postgis") as url:
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            service_unavailable(f"PostGIS not installed in PostgreSQL: {exc}")
        build_tiny_warehouse(url)
        square = _square(111.7, 37.0).wkt
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA gis")
            conn.exec_driver_sql("CREATE TABLE gis.areas (xzqh text, geom geometry(Polygon, 4326))")
            conn.exec_driver_sql("CREATE TABLE gis.poi (mc text, shape geometry(Point, 3857))")
            conn.execute(sa.text("INSERT INTO gis.areas VALUES ('141181', ST_GeomFromText(:w, 4326)), "
                                 "('999999', NULL)"), {"w": square})
            conn.exec_driver_sql("INSERT INTO gis.poi VALUES ('医院', ST_Transform(ST_SetSRID("
                                 "ST_MakePoint(111.1, 37.5), 4326), 3857))")
        engine.dispose()
        wh = Warehouse(url, cache=SimpleCache(), ttl_s={"regions": 60}, stale_keep_s=60)
        try:
            areas = region_layer(wh, "county", "141100", "wgs84", "postgis", None, None, "gis.areas", "geom",
                                 "xzqh", "wgs84")["geojson"].iloc[0]
            assert [f["id"] for f in areas["features"]] == ["141181"] and areas["missing"] == ["141102"]
            assert len(areas["features"][0]["geometry"]["coordinates"][0]) == 5
            poi = feature_layer(wh, "postgis", "wgs84", None, None, "gis.poi", "shape", "mc",
                                "wgs84")["geojson"].iloc[0]
            (x, y), = [f["geometry"]["coordinates"] for f in poi["features"]]
            assert (x, y) == pytest.approx((111.1, 37.5), abs=1e-5)  # transformed from EPSG:3857
            assert poi["features"][0]["properties"]["name"] == "医院"
            with pytest.raises(BoundaryFileError):
                region_layer(wh, "county", "141100", "wgs84", "postgis", None, None, "gis.nope", "geom", "xzqh",
                             "wgs84")
        finally:
            wh.engine.dispose()


def _legend_text(response) -> str:
    return json.dumps(json.loads(response.get_data())["response"]["map-legend"]["children"], ensure_ascii=False)


def test_a_scoped_user_sees_only_their_region(tmp_path: Path, make_config) -> None:
    url = f"sqlite:///{tmp_path}/tiny.db"
    build_tiny_warehouse(url)
    client = create_app(make_config(url)).server.test_client()
    # The tiny warehouse's open alerts have no coordinates: the legend counts them apart, by scope.
    sign_in_as(client, "leader")
    assert "4 条没有坐标" in _legend_text(client.post("/_dash-update-component", json=_draw_body(["alerts"])))
    sign_in_as(client, "leader", "141102")
    response = client.post("/_dash-update-component", json=_draw_body(["counties", "alerts"]))
    assert "2 条没有坐标" in _legend_text(response)  # A1 and A5, the open alerts of 141102
    areas = [t for t in json.loads(response.get_data())["response"]["map-graph"]["figure"]["data"]
             if t["type"] == "choroplethmap"]
    assert [f["id"] for t in areas for f in t["geojson"]["features"]] == ["141102"]


def test_on_gcj02_tiles_areas_and_points_are_shifted(demo_sqlite_url: str, make_config) -> None:
    def camera_and_county(config) -> tuple[list, list]:
        client = create_app(config).server.test_client()
        sign_in_as(client, "leader")
        figure = json.loads(client.post("/_dash-update-component", json=_draw_body(["counties", "cameras"]))
                            .get_data())["response"]["map-graph"]["figure"]
        camera = next(t for t in figure["data"] if t["name"] == "cameras-online")
        county = next(t for t in figure["data"] if t["type"] == "choroplethmap")
        ident = camera["customdata"][0][1]
        lon, lat = (plotly_array(camera[axis])[0] for axis in ("lon", "lat"))
        first = county["geojson"]["features"][0]["geometry"]["coordinates"]
        while isinstance(first[0], list):  # Polygon or MultiPolygon: down to the first vertex
            first = first[0]
        return [ident, lon, lat], first

    plain, plain_ring = camera_and_county(make_config(demo_sqlite_url))
    shifted, shifted_ring = camera_and_county(make_config(demo_sqlite_url, onemap=MapSettings(tile_crs="gcj02")))
    assert shifted[0] == plain[0]
    expected = wgs84_to_gcj02(plain[1], plain[2])
    assert shifted[1:] == pytest.approx([float(v) for v in expected], abs=2e-5)
    assert 0.001 < abs(shifted_ring[0] - plain_ring[0]) < 0.01  # a few hundred metres


def plotly_array(value: object) -> list[float]:
    """A figure's array as plain numbers (plotly 7 sends numpy arrays as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return list(value)  # type: ignore[call-overload]
