"""The projects on an offline map, one marker per project coloured by its state, over county borders.

Drawn as the cockpit's other maps (components.maps.offline_map: nothing fetched from the internet,
names in hover labels only). A marker's customdata is its project code (a click opens its page).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from components.alerts import with_borders
from components.formatting import format_pct
from components.maps import FONT_FAMILY, TEXT_COLOUR, offline_map
from components.projects import STATE_COLOURS, state_code, state_label
from core.contract import PROJECT_STATES
from core.geo import collection_bounds, fit_view
from core.i18n import t

# Most worrying drawn last, on top.
DRAW_ORDER = ("completed", "on_track", "invalid", "lagging", "seriously_lagging", "overdue")


def _view(borders: dict[str, Any] | None, placed: pd.DataFrame) -> tuple[dict[str, float], float]:
    bounds = collection_bounds(borders) if borders and borders.get("features") else None
    if bounds is None and not placed.empty:
        bounds = (float(placed["lon"].min()) - 0.05, float(placed["lat"].min()) - 0.05,
                  float(placed["lon"].max()) + 0.05, float(placed["lat"].max()) + 0.05)
    return fit_view(bounds, 900, 520) if bounds else ({"lon": 0.0, "lat": 0.0}, 1.0)


def projects_map(projects: pd.DataFrame, region_names: Mapping[str, str], borders: dict[str, Any] | None,
                 lang: str, tile_url: str | None = None) -> dict[str, Any]:
    """Projects with a position, coloured by state with a legend; `attrs`-free dict figure."""
    placed = projects.dropna(subset=["lon", "lat"])
    codes = placed["state"].map(state_code) if not placed.empty else pd.Series(dtype="object")
    data = []
    for key in DRAW_ORDER:
        part = placed[codes == key] if not placed.empty else placed
        if part.empty:
            continue
        data.append({
            "type": "scattermap", "mode": "markers", "lon": list(part["lon"]), "lat": list(part["lat"]),
            "customdata": list(part["project_code"].astype(str)),
            "marker": {"size": 13 if key in ("seriously_lagging", "overdue") else 10, "color": STATE_COLOURS[key],
                       "opacity": 0.92},
            "name": state_label(key if key in PROJECT_STATES else None, lang),
            "text": [f"<b>{r['name']}</b><br>{region_names.get(str(r['region_code']), str(r['region_code']))} · "
                     f"{state_label(r['state'], lang)}<br>"
                     + t("projects.progress", lang, actual=format_pct(r["actual_progress_pct"]),
                         planned=format_pct(r["planned_progress_pct"]))
                     for r in part.to_dict("records")],
            "hoverinfo": "text"})
    centre, zoom = _view(borders, placed)
    figure = {"data": data, "layout": {
        "map": offline_map(centre, zoom, tile_url), "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "rgba(0,0,0,0)", "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom", "bgcolor": "rgba(10,26,56,0.75)",
                   "font": {"color": "#dce8ff", "family": FONT_FAMILY, "size": 13}},
        "font": {"family": FONT_FAMILY, "color": TEXT_COLOUR},
        "hoverlabel": {"font": {"family": FONT_FAMILY}}, "uirevision": "projects-map", "height": 520}}
    return with_borders(figure, borders)
