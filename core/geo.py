"""Plane and sphere arithmetic for maps: distances and the view that fits a region."""
from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.32
# MapLibre's zoom 0 shows the world in 512 pixels.
_WORLD_PX = 512


def haversine_km(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point to many (WGS84 degrees)."""
    p1, p2 = math.radians(lat1), np.radians(lat2.astype(float))
    dphi = p2 - p1
    dlmb = np.radians(lon2.astype(float)) - math.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def bounding_box(lon: float, lat: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a box holding the circle of `radius_km`."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    dlon = radius_km / (KM_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def collection_bounds(collection: dict) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of a GeoJSON FeatureCollection, or None when empty."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: object) -> None:
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        elif isinstance(coords, (list, tuple)):
            for part in coords:
                walk(part)

    for feature in collection.get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates", []))
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def points_bounds(lons: list[float], lats: list[float]) -> tuple[float, float, float, float] | None:
    """The bounds of some points, or None when there are none."""
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def fit_view(bounds: tuple[float, float, float, float], width_px: int = 960, height_px: int = 720,
             padding: float = 0.05) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit `bounds` into a web-mercator map of the given pixel size."""
    minx, miny, maxx, maxy = bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    y0, y1 = mercator_y(miny), mercator_y(maxy)
    usable = 1 - 2 * padding
    span_lon = max(maxx - minx, 1e-6)
    span_y = max(y1 - y0, 1e-8)
    zoom = min(math.log2(width_px * usable * 360 / (_WORLD_PX * span_lon)),
               math.log2(height_px * usable * 2 * math.pi / (_WORLD_PX * span_y)), 16.0)
    centre_lat = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
    return {"lon": (minx + maxx) / 2, "lat": centre_lat}, round(zoom, 2)
