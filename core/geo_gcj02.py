"""WGS84 ⇄ GCJ-02, the offset coordinate system of Chinese base maps (高德, 天地图 nodes on GCJ-02, …).

GCJ-02 adds a deterministic, position-dependent offset of a few hundred metres to WGS84
longitudes and latitudes inside China (the published formula on the Krasovsky ellipsoid);
outside China the two are the same. The forward direction is the formula itself; the reverse
has no closed form and is solved by fixed-point iteration to well below a centimetre.
Vectorised over numpy arrays, so whole polygons convert in one call (see `transform_coords`).
"""
from __future__ import annotations

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis (m)
_EE = 0.00669342162296594323  # its first eccentricity squared
_REVERSE_ROUNDS = 8  # each round shrinks the error ~1000×: 8 rounds reach floating-point noise


def in_china(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """Whether each point lies in the box where GCJ-02 applies (outside it, GCJ-02 is WGS84)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift (degrees of longitude, latitude) at WGS84 points."""
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 longitudes and latitudes of WGS84 points (unchanged outside China)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitudes and latitudes of GCJ-02 points: the WGS84 point whose forward shift lands on them."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(_REVERSE_ROUNDS):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        wlon, wlat = wlon - (glon - lon), wlat - (glat - lat)
    return wlon, wlat


def transform_coords(xy: np.ndarray, to_crs: str) -> np.ndarray:
    """An (n, 2) array of lon/lat converted `to_crs` ("gcj02" from WGS84, "wgs84" from GCJ-02).

    Shaped for `shapely.transform(geometries, lambda xy: transform_coords(xy, "gcj02"))`.
    """
    if len(xy) == 0:
        return xy
    convert = wgs84_to_gcj02 if to_crs == "gcj02" else gcj02_to_wgs84
    lon, lat = convert(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])
