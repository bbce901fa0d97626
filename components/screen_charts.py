"""The wall screen's figures: the city map with open alerts and the economy trend.

Both are drawn as SVG (plain `go.Scatter`, no WebGL map canvas), so they stay crisp when the
canvas is scaled to a 4K or 8K wall, and fetch nothing. Each keeps the same traces from one
refresh to the next: a refresh sends only new data (`map_patch`, `trend_patch`), so a chart is
never emptied and redrawn.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Patch

from components.alerts import LEVEL_COLOURS, level_key
from components.maps import FONT_FAMILY
from core.geo import collection_bounds
from core.i18n import t

# Drawn in this order, the most severe last (on top); one trace each, always present.
MAP_LEVELS = ("4", "3", "other", "2", "1")
TEXT = "#e8f1ff"
MUTED = "#9fb4d4"
GRID = "rgba(159, 180, 212, 0.18)"
THIS_YEAR, LAST_YEAR = "#36d1ff", "#9fb4d4"
# A chart is a picture on the wall: no hover, toolbar or zoom (a touch pauses the carousel instead).
STATIC_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": False}


def _outline(geojson: Mapping[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """Every polygon ring of the features as one line, rings separated by None."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        for polygon in polygons:
            for ring in polygon:
                xs.extend([round(float(p[0]), 4) for p in ring] + [None])
                ys.extend([round(float(p[1]), 4) for p in ring] + [None])
    return xs, ys


def _markers(alerts: pd.DataFrame, key: str) -> dict[str, list]:
    placed = alerts.dropna(subset=["lon", "lat"]) if not alerts.empty else alerts
    part = placed[placed["level"].map(level_key) == key] if not placed.empty else placed
    return {"x": [float(v) for v in part.get("lon", [])], "y": [float(v) for v in part.get("lat", [])]}


def city_map(borders: Mapping[str, Any] | None, alerts: pd.DataFrame, size: tuple[int, int],
             point: tuple[float, float] | None, lang: str) -> go.Figure:
    """The counties' outlines and the open alerts as dots coloured by level, `size` design pixels."""
    xs, ys = _outline(borders or {})
    bounds = collection_bounds(dict(borders or {}))
    placed = alerts.dropna(subset=["lon", "lat"]) if not alerts.empty else alerts
    if bounds is None and not placed.empty:
        bounds = (float(placed["lon"].min()), float(placed["lat"].min()),
                  float(placed["lon"].max()), float(placed["lat"].max()))
    if bounds is None:
        lon, lat = point or (0.0, 0.0)
        bounds = (lon - 0.5, lat - 0.5, lon + 0.5, lat + 0.5)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="rgba(30, 90, 160, 0.30)",
                             line={"color": "#4f9dff", "width": 2}, hoverinfo="skip", name="borders"))
    for key in MAP_LEVELS:
        big = key in ("1", "2")
        fig.add_trace(go.Scatter(mode="markers", name=t(f"alert.level.{key}", lang), **_markers(alerts, key),
                                 marker={"size": 22 if big else 14, "color": LEVEL_COLOURS[key], "opacity": 0.95,
                                         "line": {"color": "#0b1324", "width": 2}}))
    pad_x, pad_y = (bounds[2] - bounds[0]) * 0.04 or 0.1, (bounds[3] - bounds[1]) * 0.04 or 0.1
    # Degrees of longitude shrink with latitude: keep the shapes true.
    ratio = 1 / max(math.cos(math.radians((bounds[1] + bounds[3]) / 2)), 0.1)
    fig.update_layout(
        width=size[0], height=size[1], margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", font={"family": FONT_FAMILY, "size": 24},
        xaxis={"visible": False, "range": [bounds[0] - pad_x, bounds[2] + pad_x], "fixedrange": True},
        yaxis={"visible": False, "range": [bounds[1] - pad_y, bounds[3] + pad_y], "fixedrange": True,
               "scaleanchor": "x", "scaleratio": ratio, "constrain": "domain"},
        uirevision="screen-map")
    return fig


def map_patch(alerts: pd.DataFrame) -> Patch:
    """The markers of `city_map` for new alerts; the outlines and the layout stay as they are."""
    patch = Patch()
    for i, key in enumerate(MAP_LEVELS, start=1):
        markers = _markers(alerts, key)
        patch["data"][i]["x"] = markers["x"]
        patch["data"][i]["y"] = markers["y"]
    return patch


def _series(frame: pd.DataFrame, column: str) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in frame[column]] if column in frame else []


def trend_figure(frame: pd.DataFrame, year: int | None, unit: str, size: tuple[int, int], lang: str) -> go.Figure:
    """This year against last year by month (frame: month, this_year, last_year), `size` design pixels."""
    months = [int(m) for m in frame.get("month", [])]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=_series(frame, "last_year"), mode="lines+markers",
                             name=t("screen.last_year", lang, year=(year or 1) - 1),
                             line={"color": LAST_YEAR, "width": 4, "dash": "dash"}, marker={"size": 10}))
    fig.add_trace(go.Scatter(x=months, y=_series(frame, "this_year"), mode="lines+markers",
                             name=t("screen.this_year", lang, year=year or ""),
                             line={"color": THIS_YEAR, "width": 6}, marker={"size": 14}))
    fig.update_layout(
        width=size[0], height=size[1], margin={"l": 80, "r": 16, "t": 44, "b": 40},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT_FAMILY, "size": 24, "color": TEXT},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom",
                "font": {"size": 24, "color": TEXT}},
        xaxis={"tickvals": list(range(1, 13, 2)), "ticktext": [t("screen.month", lang, m=m) for m in range(1, 13, 2)],
               "range": [0.5, 12.5], "showgrid": False, "color": MUTED, "tickfont": {"size": 24},
               "fixedrange": True},
        yaxis={"gridcolor": GRID, "color": MUTED, "tickfont": {"size": 24}, "zeroline": False,
               "title": {"text": unit, "font": {"size": 24}, "standoff": 8}, "fixedrange": True, "nticks": 4},
        uirevision="screen-trend")
    return fig


def trend_patch(frame: pd.DataFrame) -> Patch:
    """The two lines of `trend_figure` with new values."""
    patch = Patch()
    months = [int(m) for m in frame.get("month", [])]
    for i, column in enumerate(("last_year", "this_year")):
        patch["data"][i]["x"] = months
        patch["data"][i]["y"] = _series(frame, column)
    return patch
