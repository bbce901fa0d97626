"""Boundaries: GCJ-02 conversion, the shipped counties, every source, the figure.

The demo's geo_region rows (counties and township cells) are tested in test_demo_generator.py.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

from components.maps import boundaries_notes, boundary_error_message, choropleth_figure
from core.errors import BoundaryFileError
from core.geo import collection_bounds, fit_view
from datasources.boundaries import read_boundary_file, region_boundaries
from datasources.warehouse import Warehouse
from demo.boundaries_build import COUNTY_CODES, gcj02_to_wgs84, wgs84_to_gcj02
from demo.generate import DEFAULT_SEED
from demo.regions import COUNTIES, COUNTIES_FILE, build_regions
from demo.schema import dim_region
from tests.conftest import throwaway_pg_database

LULIANG = "141100"
SIZE_LIMIT = 150 * 1024


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine), metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def open_warehouse(url: str) -> Warehouse:
    return Warehouse(url, cache=SimpleCache(), ttl_s={"regions": 3600}, stale_keep_s=3600,
                     statement_timeout_s=10)


def shipped() -> dict:
    return json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))


def shapes(collection: dict) -> dict[str, shapely.Geometry]:
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in collection["features"]}


# --- GCJ-02 ---------------------------------------------------------------------------------

def test_transforms_match_published_values() -> None:
    # wandergis/coordtransform's vector, also asserted by hutool and coordtransform-rs.
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    # gcoord's vector for the inverse, which its own test checks to 5 decimals (toBeCloseTo).
    lon, lat = gcj02_to_wgs84(123, 45)
    assert (float(lon), float(lat)) == pytest.approx((122.99395597, 44.99804071), abs=5e-6)


@pytest.mark.parametrize("point", [c[3:5] for c in COUNTIES] + [(116.404, 39.915), (87.6, 43.8), (126.6, 45.7)])
def test_gcj02_round_trip_within_a_metre(point: tuple[float, float]) -> None:
    g_lon, g_lat = wgs84_to_gcj02(*point)
    assert metres(*point, float(g_lon), float(g_lat)) > 100  # the datum shift is real: hundreds of metres
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert metres(*point, float(w_lon), float(w_lat)) < 1.0
    # And the other way: a GCJ-02 coordinate taken back to WGS84 maps onto itself again.
    back = wgs84_to_gcj02(*gcj02_to_wgs84(*point))
    assert metres(*point, float(back[0]), float(back[1])) < 1.0


def test_gcj02_works_on_arrays_and_leaves_foreign_points_alone() -> None:
    lon, lat = gcj02_to_wgs84(np.array([111.2, 2.35]), np.array([37.5, 48.85]))  # Lüliang, Paris
    assert lon[0] != 111.2 and (lon[1], lat[1]) == (2.35, 48.85)


# --- the shipped county file ----------------------------------------------------------------

def test_shipped_counties_are_the_13_of_luliang_valid_small_and_in_place() -> None:
    collection = shipped()
    assert COUNTIES_FILE.stat().st_size < SIZE_LIMIT
    assert sorted(f["id"] for f in collection["features"]) == sorted(COUNTY_CODES)
    names = {code: name for code, name, *_ in COUNTIES}
    for feature in collection["features"]:
        assert feature["properties"] == {"region_code": feature["id"], "name": names[feature["id"]]}
    geoms = shapes(collection)
    assert all(g.is_valid and g.geom_type in ("Polygon", "MultiPolygon") for g in geoms.values())
    minx, miny, maxx, maxy = shapely.total_bounds(list(geoms.values()))
    # Around Lüliang: the Yellow River in the west, 文水县's eastern edge at 112.32°E.
    assert 110.3 <= minx < 110.5 and 112.2 < maxx <= 112.4 and 36.6 <= miny < 36.8 and 38.6 < maxy <= 38.9
    # Neighbours share borders exactly: no overlaps, and each county seat lies in its county.
    assert shapely.coverage_is_valid(np.array(list(geoms.values())))
    for code, _name, _en, lon, lat in COUNTIES:
        assert geoms[code].contains(shapely.Point(lon, lat)), code
    # Outer rings clockwise (what plotly's geo traces want).
    for geom in geoms.values():
        for polygon in shapely.get_parts(geom):
            assert not polygon.exterior.is_ccw


# --- sources --------------------------------------------------------------------------------

def write_regions(url: str, regions: pd.DataFrame, geo_rows: list[tuple[str, str]] | None = None) -> None:
    """dim_region (and geo_region, without a key so duplicates can exist) at `url`."""
    engine = sa.create_engine(url)
    dim_region.create(engine)
    with engine.begin() as conn:
        conn.execute(dim_region.insert(), regions.astype(object).where(regions.notna(), None).to_dict("records"))
        if geo_rows is not None:
            geo = sa.Table("geo_region", sa.MetaData(), sa.Column("region_code", sa.String(12)),
                           sa.Column("geometry_wkt", sa.Text))
            geo.create(conn)
            conn.execute(geo.insert(), [{"region_code": c, "geometry_wkt": w} for c, w in geo_rows])
    engine.dispose()


@pytest.fixture(scope="module")
def luliang_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A warehouse with the demo's dim_region only (吕梁市, counties, townships, villages)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('luliang')}/wh.db"
    write_regions(url, build_regions(DEFAULT_SEED))
    return url


def test_demo_warehouse_draws_the_shipped_counties_from_geo_region(demo_sqlite_url: str) -> None:
    wh = open_warehouse(demo_sqlite_url)
    collection = region_boundaries(wh, None, LULIANG)
    assert collection["source"] == "geo_region" and collection["missing"] == [] and not collection["stale"]
    assert sorted(shapes(collection)) == sorted(COUNTY_CODES)
    assert {f["properties"]["name"] for f in collection["features"]} == {c[1] for c in COUNTIES}
    original = shapes(shipped())
    for code, geom in shapes(collection).items():  # re-simplified for the city's extent, still the county
        assert geom.symmetric_difference(original[code]).area < 0.01 * original[code].area
    assert len(json.dumps(collection, separators=(",", ":"), ensure_ascii=False)) < SIZE_LIMIT


def test_below_townships_there_is_nothing_to_draw_and_it_says_so(demo_sqlite_url: str) -> None:
    wh = open_warehouse(demo_sqlite_url)
    township = build_regions(DEFAULT_SEED).query("level == 'township'").iloc[0]["region_code"]
    collection = region_boundaries(wh, None, township)
    assert collection["features"] == [] and collection["reason"] == "no_geometry"
    assert collection["missing"]  # the villages it could not draw
    assert region_boundaries(wh, None, "999999")["reason"] == "no_children"


@pytest.mark.filterwarnings("ignore:Column names longer than 10", "ignore:Normalized/laundered field name")
@pytest.mark.parametrize(("suffix", "driver", "crs"), [
    (".geojson", "GeoJSON", "EPSG:4326"),
    (".gpkg", "GPKG", "EPSG:32649"),  # UTM 49N: must come back to lon/lat
    (".shp", "ESRI Shapefile", "EPSG:4490"),  # CGCS2000, China's official datum
])
def test_boundaries_file_in_each_format(luliang_url: str, tmp_path: Path, suffix: str, driver: str,
                                        crs: str) -> None:
    counties = gpd.read_file(COUNTIES_FILE)
    extra = gpd.GeoDataFrame({"region_code": ["610100"], "name": ["西安市"]},
                             geometry=[shapely.box(108.9, 34.2, 109.0, 34.3)], crs="EPSG:4326")
    frame = pd.concat([counties[["region_code", "name", "geometry"]], extra], ignore_index=True)
    path = tmp_path / f"boundaries{suffix}"
    frame.to_crs(crs).to_file(path, driver=driver)

    collection = region_boundaries(open_warehouse(luliang_url), str(path), LULIANG)
    assert collection["source"] == "file" and collection["missing"] == [] and collection["skipped"] == 0
    got, original = shapes(collection), shapes(shipped())
    assert sorted(got) == sorted(COUNTY_CODES)  # 西安市 is not a child of 吕梁市
    for code, geom in got.items():
        assert geom.symmetric_difference(original[code]).area < 0.01 * original[code].area


def test_numeric_codes_in_a_file_are_read_as_text(luliang_url: str, tmp_path: Path) -> None:
    counties = gpd.read_file(COUNTIES_FILE)
    path = tmp_path / "numeric.gpkg"
    counties.assign(region_code=counties["region_code"].astype(int)).to_file(path, driver="GPKG")
    assert read_boundary_file(str(path))["region_code"].tolist() == counties["region_code"].tolist()


def test_file_without_region_code_is_an_error_naming_the_column(luliang_url: str, tmp_path: Path) -> None:
    path = tmp_path / "nocode.geojson"
    gpd.read_file(COUNTIES_FILE).rename(columns={"region_code": "code"}).to_file(path, driver="GeoJSON")
    with pytest.raises(BoundaryFileError, match="region_code") as caught:
        region_boundaries(open_warehouse(luliang_url), str(path), LULIANG)
    assert caught.value.missing == "region_code"
    assert boundary_error_message(caught.value, "zh") == f"边界文件 {path} 缺少 region_code 列"


def test_missing_file_is_an_error(luliang_url: str, tmp_path: Path) -> None:
    with pytest.raises(BoundaryFileError, match="no such file"):
        region_boundaries(open_warehouse(luliang_url), str(tmp_path / "absent.gpkg"), LULIANG)


TEST_CITY = pd.DataFrame([
    ("990100", "测试市", None, "city", None, 100.5, 30.5),
    ("990101", "甲县", None, "county", "990100", 100.5, 30.5),
    ("990102", "乙县", None, "county", "990100", 101.5, 30.5),
    ("990103", "丙县", None, "county", "990100", 102.5, 30.5),
    ("990104", "丁县", None, "county", "990100", 103.5, 30.5),
    ("990105", "戊县", None, "county", "990100", 104.5, 30.5),
    ("990106", "己县", None, "county", "990100", 105.5, 30.5),
], columns=["region_code", "name", "name_en", "level", "parent_code", "lon", "lat"])
GEO_ROWS = [
    ("990101", shapely.box(100, 30, 101, 31).wkt),
    ("990101", shapely.box(100, 30, 100.5, 31).wkt),  # repeated code: skipped
    ("990102", "POLYGON ((101 30, 102 30, 102 31, 101 31, 101 30))"),
    ("990103", "POLYGON ((oops"),  # unreadable: skipped
    ("990105", "POLYGON ((104 30, 105 31, 105 30, 104 31, 104 30))"),  # self-crossing: repaired
    ("990106", "POINT (105.5 30.5)"),  # not a polygon: skipped
    ("990201", shapely.box(0, 0, 1, 1).wkt),  # not a child of 990100: ignored
]  # 990104 has no row: missing


def check_geo_region(url: str) -> None:
    write_regions(url, TEST_CITY, GEO_ROWS)
    wh = open_warehouse(url)
    collection = region_boundaries(wh, None, "990100")
    assert collection["source"] == "geo_region"
    assert collection["skipped"] == 3 and collection["missing"] == ["990103", "990104", "990106"]
    got = shapes(collection)
    assert sorted(got) == ["990101", "990102", "990105"]
    assert got["990101"].equals(shapely.box(100, 30, 101, 31))
    assert got["990105"].is_valid and got["990105"].area == pytest.approx(0.5)  # two triangles
    assert [f["properties"]["name"] for f in collection["features"]] == ["甲县", "乙县", "戊县"]
    assert boundaries_notes(collection, "zh") == ["3 个下级区域缺少边界，未在地图上显示",
                                                  "3 条边界数据无法读取，已跳过"]
    wh.engine.dispose()


def test_geo_region_table_in_sqlite(tmp_path: Path) -> None:
    check_geo_region(f"sqlite:///{tmp_path}/geo.db")


def test_geo_region_table_in_postgresql() -> None:
    with throwaway_pg_database("cockpit_test_geo") as url:
        check_geo_region(url)


def test_warehouse_outage_serves_the_last_good_boundaries_marked_stale(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/geo.db"
    write_regions(url, TEST_CITY, GEO_ROWS)
    # TTL 0: every call goes to the warehouse, so the second one meets the outage.
    wh = Warehouse(url, cache=SimpleCache(), ttl_s={"regions": 0}, stale_keep_s=3600, statement_timeout_s=5)
    fresh = region_boundaries(wh, None, "990100")
    wh.engine.dispose()
    (tmp_path / "geo.db").rename(tmp_path / "gone.db")
    stale = region_boundaries(wh, None, "990100")
    assert not fresh["stale"] and stale["stale"]
    assert stale["features"] == fresh["features"] and stale["source"] == "geo_region"


def test_no_source_without_a_file_or_a_geo_region_table(tmp_path: Path, luliang_url: str) -> None:
    url = f"sqlite:///{tmp_path}/plain.db"
    write_regions(url, TEST_CITY)
    collection = region_boundaries(open_warehouse(url), None, "990100")
    assert collection["features"] == [] and collection["reason"] == "no_source"
    # The demo city gets no special treatment: its dim_region alone draws nothing either.
    for parent in (LULIANG, COUNTY_CODES[0]):
        collection = region_boundaries(open_warehouse(luliang_url), None, parent)
        assert collection["features"] == [] and collection["source"] == "none"
        assert collection["reason"] == "no_source"


# --- fitting and the figure -----------------------------------------------------------------

@pytest.mark.parametrize("size", [(960, 720), (1920, 1080), (400, 900)])
def test_fit_view_shows_all_of_the_bounds(size: tuple[int, int]) -> None:
    bounds = collection_bounds(shipped())
    centre, zoom = fit_view(bounds, *size)
    world = 512 * 2 ** zoom  # pixels around the world at this zoom

    def y(lat: float) -> float:
        return world / (2 * math.pi) * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    half_w = (bounds[2] - bounds[0]) / 360 * world / 2
    half_h = (y(bounds[3]) - y(bounds[1])) / 2
    assert half_w <= size[0] / 2 and half_h <= size[1] / 2  # fits...
    assert max(half_w / (size[0] / 2), half_h / (size[1] / 2)) > 0.85  # ...and fills the map
    assert y(bounds[1]) < y(centre["lat"]) < y(bounds[3])
    assert centre["lon"] == pytest.approx((bounds[0] + bounds[2]) / 2)


def test_figure_shows_missing_values_grey_and_never_as_zero() -> None:
    collection = shipped()
    frame = pd.DataFrame({"region_code": ["141102", "141181", "141182"], "value": [1234.5, 0.0, None],
                          "region_name": ["离石", "孝义", "汾阳"]})
    fig = choropleth_figure(collection, frame, "value", unit="亿元", lang="zh")
    grey, coloured = fig.data
    assert list(coloured.locations) == ["141102", "141181"] and list(coloured.z) == [1234.5, 0.0]
    assert [list(c) for c in coloured.customdata] == [["离石", "1,234.5 亿元"], ["孝义", "0.00 亿元"]]
    assert len(grey.locations) == 11 and "141182" in grey.locations
    assert {c[1] for c in grey.customdata} == {"—"} and not grey.showscale
    assert ["汾阳", "—"] in [list(c) for c in grey.customdata]
    # Every polygon travels once; the view fits the city.
    assert sum(len(t.geojson["features"]) for t in fig.data) == 13
    assert fig.layout.map.zoom > 6 and 37 < fig.layout.map.center.lat < 38.5


def test_figure_fetches_nothing_and_is_transparent() -> None:
    fig = choropleth_figure(shipped(), pd.DataFrame({"region_code": ["141102"], "v": [1.0]}), "v")
    text = json.dumps(fig.to_plotly_json(), default=str)
    assert "http" not in text and "glyphs" not in text and "text" not in {getattr(t, "mode", None) for t in fig.data}
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert fig.layout.map.style["layers"][0]["paint"]["background-color"] == "rgba(0,0,0,0)"
    tiled = choropleth_figure(shipped(), pd.DataFrame({"region_code": [], "v": []}), "v",
                              tile_url="http://tiles.intranet/{z}/{x}/{y}.png")
    assert tiled.layout.map.layers[0].source == ("http://tiles.intranet/{z}/{x}/{y}.png",)
    assert len(tiled.data) == 1 and len(tiled.data[0].locations) == 13  # no values: all grey


def test_figure_without_boundaries_says_so() -> None:
    fig = choropleth_figure({"type": "FeatureCollection", "features": []}, pd.DataFrame(), "v", lang="en")
    assert fig.data == () and fig.layout.annotations[0].text == "No boundaries for the sub-regions of this region"
