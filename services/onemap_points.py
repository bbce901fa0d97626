"""Point layers for the browser: positions in the base map's system, thinned into clusters when too many.

A map of tens of thousands of markers is slow to send and unreadable; above `limit` points
the layer is binned on a grid coarse enough to leave at most `limit` occupied cells, and each
cell with several points becomes one cluster marker at their mean position with their count.
A cell holding one point keeps that point (and its link).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.geo_gcj02 import wgs84_to_gcj02

COORD_DECIMALS = 5


def placed(frame: pd.DataFrame, display_crs: str) -> tuple[pd.DataFrame, int]:
    """(rows with coordinates, in the base map's system and rounded; how many rows had none)."""
    frame = frame.reset_index(drop=True)
    missing = pd.Series(float("nan"), index=frame.index)
    lon = pd.to_numeric(frame["lon"], errors="coerce") if "lon" in frame else missing
    lat = pd.to_numeric(frame["lat"], errors="coerce") if "lat" in frame else missing
    ok = (lon.between(-180, 180) & lat.between(-90, 90)).to_numpy()
    rows = frame[ok].copy()
    x, y = lon[ok].to_numpy(dtype=float), lat[ok].to_numpy(dtype=float)
    if display_crs == "gcj02":
        x, y = wgs84_to_gcj02(x, y)
    rows["lon"], rows["lat"] = np.round(x, COORD_DECIMALS), np.round(y, COORD_DECIMALS)
    return rows.reset_index(drop=True), int((~ok).sum())


def thin(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """`frame` with a `count` column: unchanged (count 1) up to `limit` rows, else grid clusters.

    Cluster rows have count > 1, the mean lon/lat of their points and NaN/None elsewhere.
    """
    if len(frame) <= limit:
        return frame.assign(count=1)
    lon, lat = frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
    span = max(lon.max() - lon.min(), lat.max() - lat.min(), 1e-9)
    cells = max(int(math.sqrt(limit)), 1)
    while True:
        size = span / cells
        keys = (np.floor((lon - lon.min()) / size).astype(np.int64) * (cells + 1)
                + np.floor((lat - lat.min()) / size).astype(np.int64))
        if len(np.unique(keys)) <= limit or cells == 1:
            break
        cells = max(int(cells * 0.8), 1)
    grouped = frame.assign(_cell=keys).groupby("_cell", sort=True)
    counts = grouped.size()
    single = frame.assign(_cell=keys)[pd.Series(keys).map(counts).to_numpy() == 1].drop(columns="_cell")
    many = counts[counts > 1].index
    centres = grouped[["lon", "lat"]].mean().loc[many]
    clusters = pd.DataFrame({"lon": centres["lon"].round(COORD_DECIMALS).to_numpy(),
                             "lat": centres["lat"].round(COORD_DECIMALS).to_numpy(),
                             "count": counts.loc[many].to_numpy()})
    return pd.concat([single.assign(count=1), clusters], ignore_index=True)
