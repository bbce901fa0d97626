"""WGS84 ⇄ GCJ-02 against published reference values (core/geo_gcj02.py)."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from core.geo_gcj02 import gcj02_to_wgs84, in_china, transform_coords, wgs84_to_gcj02

# wandergis/coordtransform (MIT), test/app.js: wgs84togcj02(116.404, 39.915) and the one-step
# approximate gcj02towgs84 of the same point, as that project publishes them.
WGS_BEIJING = (116.404, 39.915)
GCJ_OF_IT = (116.41024449916938, 39.91640428150164)
ONE_STEP_GCJ_TO_WGS = (116.39775550083061, 39.91359571849836)


def test_forward_matches_the_published_value() -> None:
    lon, lat = wgs84_to_gcj02(*WGS_BEIJING)
    assert float(lon) == pytest.approx(GCJ_OF_IT[0], abs=1e-12)
    assert float(lat) == pytest.approx(GCJ_OF_IT[1], abs=1e-12)


def test_reverse_recovers_the_wgs84_point_to_a_millimetre() -> None:
    lon, lat = gcj02_to_wgs84(*GCJ_OF_IT)
    assert float(lon) == pytest.approx(WGS_BEIJING[0], abs=1e-8)  # 1e-8° ≈ 1 mm
    assert float(lat) == pytest.approx(WGS_BEIJING[1], abs=1e-8)


def test_reverse_agrees_with_the_published_one_step_approximation_within_its_error() -> None:
    # The one-step formula treats the GCJ point as if it were WGS84: off by a few metres at most.
    lon, lat = gcj02_to_wgs84(116.404, 39.915)
    assert float(lon) == pytest.approx(ONE_STEP_GCJ_TO_WGS[0], abs=5e-5)
    assert float(lat) == pytest.approx(ONE_STEP_GCJ_TO_WGS[1], abs=5e-5)


def test_the_offset_is_a_few_hundred_metres_in_china_and_none_outside() -> None:
    lon, lat = wgs84_to_gcj02(111.14, 37.52)  # a county seat of the demo city
    shift_m = np.hypot((lon - 111.14) * 111_320 * np.cos(np.radians(37.52)), (lat - 37.52) * 110_570)
    assert 100 < shift_m < 1000
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)
    assert list(in_china(np.array([116.4, 2.35]), np.array([39.9, 48.85]))) == [True, False]


def test_polygons_convert_vertex_by_vertex_and_back() -> None:
    square = shapely.Polygon([(111.0, 37.0), (111.1, 37.0), (111.1, 37.1), (111.0, 37.1)])
    shifted = shapely.transform(square, lambda xy: transform_coords(xy, "gcj02"))
    first = np.array(shifted.exterior.coords[0])
    assert tuple(first) == pytest.approx(tuple(float(v) for v in wgs84_to_gcj02(111.0, 37.0)), abs=1e-12)
    back = shapely.transform(shifted, lambda xy: transform_coords(xy, "wgs84"))
    assert np.allclose(np.array(back.exterior.coords), np.array(square.exterior.coords), atol=1e-8)
    assert transform_coords(np.empty((0, 2)), "gcj02").shape == (0, 2)
