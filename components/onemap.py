"""The one map's figure: area layers as choropleths, point layers as markers, on the offline style.

Every trace carries `customdata` rows `[target, id, hover text]`: target `region`, `alert`,
`camera` or `project` is where a click leads (pages/map.py checks it), anything else leads
nowhere. No map text (it would fetch glyphs): names are in the hover labels.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from components.alerts import LEVEL_COLOURS, level_key, level_label, status_label
from components.colours import map_colouring
from components.economy import indicator_name
from components.formatting import MISSING, format_number, format_timestamp
from components.maps import BORDER_COLOUR, FONT_FAMILY, NO_DATA_COLOUR, TEXT_COLOUR, offline_map
from components.projects import STATE_COLOURS
from core.colours import DEFAULT_RULES, ColourRules
from core.i18n import t
from core.map_view import GROUP_COLUMN
from core.rules import time_progress_pct
from core.values import is_missing, localized_name

CAMERA_COLOURS = {"online": "#36d1ff", "offline": "#8f9bb0"}
RESOURCE_COLOURS = {"rescue_team": "#ff7a45", "supply_depot": "#b37feb", "shelter": "#22b07d",
                    "medical": "#ff4d9a", "vehicle": "#f5d223", "other": "#8f9bb0"}
RESOURCE_KINDS = tuple(k for k in RESOURCE_COLOURS if k != "other")
MARKER_SIZE = {"alerts": 14, "projects": 11, "resources": 9, "cameras": 7}
TARGET = {"alerts": ("alert", "alert_id"), "projects": ("project", "project_code"), "cameras": ("camera", "camera_id"),
          "resources": ("resource", "resource_id")}
HOVER = "%{customdata[2]}<extra></extra>"
OUTLINE = {"regions": "#0b2a5c"}  # deep navy: reads over any fill, in both themes
HALO = "rgba(6, 18, 43, 0.8)"  # under each marker, so it stands out from any fill


def group_key(kind: str, value: object) -> str:
    """The colour group of a point: alert level, project state, camera status or resource kind."""
    if kind == "alerts":
        return level_key(value)
    if kind == "projects":
        return str(value) if isinstance(value, str) and value in STATE_COLOURS else "invalid"
    if kind == "cameras":
        return "online" if value == "online" else "offline"
    return str(value) if isinstance(value, str) and value in RESOURCE_COLOURS else "other"


def group_colour(kind: str, key: str) -> str:
    """The colour of a point group (the legend uses the same)."""
    table = {"alerts": LEVEL_COLOURS, "projects": STATE_COLOURS, "cameras": CAMERA_COLOURS}.get(kind, RESOURCE_COLOURS)
    return table.get(key, "#8f9bb0")


def group_label(kind: str, key: str, lang: str) -> str:
    """A point group's name in `lang`."""
    if kind == "alerts":
        return t(f"alert.level.{key}", lang)
    if kind == "projects":
        return t(f"project.state.{key}", lang) if key != "invalid" else t("onemap.project_invalid", lang)
    if kind == "cameras":
        return t(f"onemap.camera.{key}", lang)
    return t(f"resource.kind.{key}", lang)


def _hover(kind: str, row: Mapping[str, Any], lang: str, tz: str) -> str:
    if kind == "alerts":
        return (f"<b>{row['title']}</b><br>{level_label(row['level'], lang)} · {status_label(row['status'], lang)}"
                f"<br>{format_timestamp(row['occurred_at'], tz)}")
    if kind == "projects":
        progress = t("onemap.progress", lang, actual=format_number(row.get("actual_progress_pct"), 1),
                     planned=format_number(row.get("planned_progress_pct"), 1))
        return f"<b>{row['name']}</b><br>{group_label(kind, group_key(kind, row.get('state')), lang)} · {progress}"
    if kind == "cameras":
        return f"<b>{row['name']}</b><br>{group_label(kind, group_key(kind, row.get('status')), lang)}"
    capacity = "" if is_missing(row.get("capacity")) else f"<br>{t('onemap.capacity', lang)}：{row['capacity']}"
    return f"<b>{row['name']}</b><br>{group_label(kind, group_key(kind, row.get('kind')), lang)}{capacity}"


def point_traces(kind: str, points: pd.DataFrame, lang: str, tz: str) -> list[dict[str, Any]]:
    """One trace per colour group, most urgent drawn last (on top); clusters as larger, paler markers."""
    if points.empty:
        return []
    target, id_column = TARGET[kind]
    keys = points[GROUP_COLUMN[kind]].map(lambda v: group_key(kind, v))
    counts = pd.to_numeric(points.get("count", 1), errors="coerce").fillna(1).astype(int)
    # A dark ring under every marker (map markers have no outline of their own).
    rings = [min(MARKER_SIZE[kind] + 4 * math.log2(c), 40) + 4 for c in counts]
    traces = [trace("scattermap", lon=points["lon"].to_numpy(), lat=points["lat"].to_numpy(), mode="markers",
                    hoverinfo="skip", marker={"size": rings, "color": HALO}, name=f"{kind}-halo")]
    for key in reversed(list(dict.fromkeys(group_order(kind)))):
        part = points[(keys == key).to_numpy()]
        if part.empty:
            continue
        n = counts[part.index]
        single, many = part[(n == 1).to_numpy()], part[(n > 1).to_numpy()]
        colour = group_colour(kind, key)
        name = f"{kind}-{key}"
        if not single.empty:
            traces.append(trace("scattermap",
                lon=single["lon"].to_numpy(), lat=single["lat"].to_numpy(), mode="markers", name=name,
                marker={"size": MARKER_SIZE[kind], "color": colour, "opacity": 0.95},
                customdata=[[target, str(r[id_column]), _hover(kind, r, lang, tz)] for r in single.to_dict("records")],
                hovertemplate=HOVER))
        if not many.empty:
            sizes = [min(MARKER_SIZE[kind] + 4 * math.log2(c), 40) for c in n[many.index]]
            traces.append(trace("scattermap",
                lon=many["lon"].to_numpy(), lat=many["lat"].to_numpy(), mode="markers", name=f"{name}-cluster",
                marker={"size": sizes, "color": colour, "opacity": 0.6},
                customdata=[["cluster", "", t("onemap.cluster", lang, n=int(c), what=group_label(kind, key, lang))]
                            for c in n[many.index]], hovertemplate=HOVER))
    return traces


def group_order(kind: str) -> tuple[str, ...]:
    """A layer's colour groups, most urgent first (the legend's order; drawn last, on top)."""
    if kind == "alerts":
        return ("1", "2", "3", "4", "other")
    if kind == "projects":
        return ("overdue", "seriously_lagging", "lagging", "on_track", "completed", "invalid")
    if kind == "cameras":
        return ("online", "offline")
    return (*RESOURCE_KINDS, "other")


def region_traces(layer_id: str, geojson: Mapping[str, Any], values: pd.DataFrame, indicator: Mapping[str, Any] | None,
                  measure: str, lang: str, rules: ColourRules = DEFAULT_RULES) -> list[dict[str, Any]]:
    """Areas coloured by `measure` of `indicator` (the economy page's colour rules); no value: grey, "—"."""
    features = list(geojson.get("features", []))
    if not features:
        return []
    names = {f["id"]: localized_name(f.get("properties", {}), lang) or f["id"] for f in features}
    data = values.drop_duplicates("region_code").set_index("region_code") if not values.empty else values
    shown = pd.to_numeric(data[measure], errors="coerce") if measure in data else pd.Series(dtype=float)
    codes = [f["id"] for f in features]
    with_value = [c for c in codes if pd.notna(shown.get(c))]
    without = [c for c in codes if c not in set(with_value)]
    what = ""
    unit = ""
    if indicator is not None:
        unit = "%" if measure != "value" else str(indicator.get("unit") or "")
        what = f"{indicator_name(indicator, lang)} · {t(f'economy.measure.{measure}', lang)}"
    line = {"color": BORDER_COLOUR, "width": 1 if len(features) < 60 else 0.6}
    traces = []

    def subset(keep: Sequence[str]) -> dict[str, Any]:
        wanted = set(keep)
        return {"type": "FeatureCollection", "features": [f for f in features if f["id"] in wanted]}

    if without:
        traces.append(trace("choroplethmap",
            geojson=subset(without), locations=without, z=[0] * len(without), showscale=False,
            colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]], marker={"line": line, "opacity": 0.75},
            customdata=[["region", c, f"<b>{names[c]}</b><br>{what} {MISSING}"] for c in without],
            hovertemplate=HOVER, name=f"{layer_id}-none"))
    if with_value:
        period = str(data["period"].iloc[0]) if "period" in data and len(data) else None
        progress = time_progress_pct(period) if period else None
        colours = map_colouring({c: shown[c] for c in with_value}, measure,
                                bool((indicator or {}).get("higher_is_better", True)), lang, progress, rules, unit)
        bar = {"thickness": 10, "len": 0.6, "orientation": "h", "x": 0.5, "xanchor": "center", "y": 0,
               "yanchor": "bottom", "ypad": 6, "outlinewidth": 0, "tickfont": {"color": TEXT_COLOUR, "size": 12},
               "bgcolor": "rgba(0,0,0,0)"} | colours.get("colorbar", {})
        bar["title"] = dict(bar.get("title") or {}) | {"font": {"color": TEXT_COLOUR}, "side": "right"}
        traces.append(trace("choroplethmap",
            geojson=subset(with_value), locations=with_value, z=[float(colours["z"][c]) for c in with_value],
            colorscale=colours["colorscale"], zmin=colours["zmin"], zmax=colours["zmax"],
            showscale=not colours.get("legend"), colorbar=bar, marker={"line": line, "opacity": 0.7},
            customdata=[["region", c, f"<b>{names[c]}</b><br>{what} {format_number(float(shown[c]))} {unit}"
                         f"<br>{period or ''}"] for c in with_value],
            hovertemplate=HOVER, name=layer_id))
    return traces


def outline_trace(layer_id: str, geojson: Mapping[str, Any]) -> dict[str, Any]:
    """A region layer drawn as its borders only, as a line trace: over a finer choropleth drawn before it,
    under the markers drawn after it (map layout layers cannot sit between traces). No hover."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = [geometry.get("coordinates", [])] if geometry.get("type") == "Polygon" else \
            geometry.get("coordinates", [])
        for ring in (ring for polygon in polygons for ring in polygon):
            lon += [xy[0] for xy in ring] + [None]
            lat += [xy[1] for xy in ring] + [None]
    return trace("scattermap", lon=lon, lat=lat, mode="lines", hoverinfo="skip", name=f"{layer_id}-borders",
                 line={"color": OUTLINE["regions"], "width": 2.5})


def feature_traces(layer_id: str, geojson: Mapping[str, Any], colour: str) -> list[dict[str, Any]]:
    """A configured layer of any geometry: areas filled, lines drawn, points as markers, names on hover."""
    areas, lines, points = [], [], []
    for i, feature in enumerate(geojson.get("features", [])):
        geometry = feature.get("geometry") or {}
        name = (feature.get("properties") or {}).get("name") or ""
        kind = geometry.get("type", "")
        if kind.endswith("Polygon"):
            areas.append(({"type": "Feature", "id": str(i), "geometry": geometry}, name))
        elif kind.endswith("LineString"):
            parts = [geometry["coordinates"]] if kind == "LineString" else geometry["coordinates"]
            lines.extend((part, name) for part in parts)
        elif kind.endswith("Point"):
            coords = [geometry["coordinates"]] if kind == "Point" else geometry["coordinates"]
            points.extend((xy, name) for xy in coords)
    traces: list[dict[str, Any]] = []
    if areas:
        traces.append(trace("choroplethmap",
            geojson={"type": "FeatureCollection", "features": [f for f, _ in areas]},
            locations=[f["id"] for f, _ in areas], z=[1] * len(areas), showscale=False,
            colorscale=[[0, colour], [1, colour]], marker={"opacity": 0.35, "line": {"color": colour, "width": 1}},
            customdata=[["feature", "", n] for _, n in areas], hovertemplate=HOVER, name=layer_id))
    if lines:
        lon: list[float | None] = []
        lat: list[float | None] = []
        for part, _ in lines:
            lon += [xy[0] for xy in part] + [None]
            lat += [xy[1] for xy in part] + [None]
        traces.append(trace("scattermap", lon=lon, lat=lat, mode="lines", line={"color": colour, "width": 2},
                                    hoverinfo="skip", name=layer_id))
    if points:
        traces.append(trace("scattermap", lon=[xy[0] for xy, _ in points], lat=[xy[1] for xy, _ in points],
                                    mode="markers", marker={"size": 8, "color": colour},
                                    customdata=[["feature", "", n] for _, n in points], hovertemplate=HOVER,
                                    name=layer_id))
    return traces


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A plotly trace as a plain dict: the map's traces skip plotly's validation, which costs more than
    building them (the figure goes straight to the browser)."""
    return {"type": kind, **props}


def map_figure(traces: Sequence[dict[str, Any]], centre: Mapping[str, float], zoom: float,
               tile_url: str | None) -> dict[str, Any]:
    """The whole map: `traces` bottom to top on the offline style, the view kept across updates."""
    layout_map = offline_map(dict(centre), zoom, tile_url)
    layout = {"map": layout_map, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
              "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
              "font": {"family": FONT_FAMILY, "color": TEXT_COLOUR, "size": 14},
              "hoverlabel": {"bgcolor": "rgba(8, 24, 54, 0.92)", "bordercolor": "#36d1ff",
                             "font": {"family": FONT_FAMILY, "color": "#ffffff", "size": 15}},
              "uirevision": "onemap", "clickmode": "event"}
    return {"data": list(traces), "layout": layout}
