"""Maps drawn offline: a choropleth of regions coloured by a measure, on no base map at all.

MapLibre's background comes from an inline style (no style URL, no tiles, no glyphs), so the
browser fetches nothing; `offline_style`/`offline_map` give that style to every map of the cockpit
(the alert maps too); text is in hover labels only, because map text layers (`markers+text`)
would fetch font glyphs from the internet.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components.formatting import MISSING, format_number
from core.colours import NO_DATA, SEQUENTIAL_SCALE
from core.errors import BoundaryFileError
from core.geo import collection_bounds, fit_view
from core.i18n import t

# One blue hue, light to dark: a size, not good or bad (colours by meaning: components/colours.py).
DEFAULT_COLORSCALE = SEQUENTIAL_SCALE
NO_DATA_COLOUR = NO_DATA
BORDER_COLOUR = "rgba(255, 255, 255, 0.85)"
TEXT_COLOUR = "#8fa0b8"  # mid grey-blue: legible on both themes' backgrounds
FONT_FAMILY = '"PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif'
TRANSPARENT = "rgba(0,0,0,0)"
HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"


def offline_style(background: str = TRANSPARENT) -> dict[str, Any]:
    """An inline MapLibre style with one background layer: no style URL, remote source, glyphs nor sprite.

    Every map of the cockpit uses it instead of a built-in style: plotly.js's built-in ones
    (even `white-bg`) name an internet glyph server. Without `glyphs`, MapLibre cannot draw map
    text (symbol layers, `markers+text`), so names go into hover labels.

    `sources` holds one inline, empty GeoJSON source rather than nothing: when a figure is
    replaced or patched, plotly.js (relinkPrivateKeys) deletes empty objects from the new layout,
    and MapLibre then rejects a style without `sources` ("Map error.").
    """
    return {"version": 8,
            "sources": {"offline-empty": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
            "layers": [{"id": "background", "type": "background", "paint": {"background-color": background}}]}


def offline_map(center: dict[str, float], zoom: float, tile_url: str | None = None, *,
                background: str = TRANSPARENT) -> dict[str, Any]:
    """A `layout.map` that fetches nothing but `tile_url`'s tiles: the inline `offline_style(background)`,
    and, when `tile_url` (config `map.tile_url`, an intranet XYZ template) is given, its tiles as a
    raster layer beneath the traces.
    """
    layout: dict[str, Any] = {"style": offline_style(background), "center": center, "zoom": zoom}
    if tile_url:
        layout["layers"] = [{"sourcetype": "raster", "source": [tile_url], "below": "traces"}]
    return layout


def _subset(geojson: dict[str, Any], codes: set[str]) -> dict[str, Any]:
    # Each trace carries only its own features, so the page sends every polygon once.
    return {"type": "FeatureCollection", "features": [f for f in geojson["features"] if f["id"] in codes]}


def choropleth_figure(geojson: dict[str, Any], frame: pd.DataFrame, value_column: str, **options: Any) -> go.Figure:
    """`choropleth_dict` as a validated plotly Figure (for callers that inspect or extend it)."""
    return go.Figure(choropleth_dict(geojson, frame, value_column, **options))


def choropleth_dict(geojson: dict[str, Any], frame: pd.DataFrame, value_column: str, *,
                    name_column: str = "region_name", code_column: str = "region_code",
                    title: str = "", unit: str = "", colorscale: Any = None, lang: str = "zh",
                    tile_url: str | None = None, view_px: tuple[int, int] = (960, 720),
                    colouring: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The features of `geojson` coloured by `frame[value_column]`, matched on `code_column`, as a
    plain figure dict (no plotly validation on the server: it cost more than a drill's queries).

    Regions without a value are drawn grey with "—" (never as 0). Hover shows the region's
    name (from `name_column` when the frame has it, else the feature's) and the formatted value.
    The view fits the features for a map of about `view_px` pixels. `tile_url`, an intranet
    XYZ tile template, is drawn beneath as a raster layer. Clicking a region gives clickData
    points[0]["location"] == its region code. `colouring` (components.colours.map_colouring) colours
    by meaning: its z per region, scale, range and colour bar; the hover still shows the value.
    """
    features = geojson.get("features", [])
    names = {f["id"]: f.get("properties", {}).get("name") or f["id"] for f in features}
    data = frame.drop_duplicates(code_column).set_index(code_column) if not frame.empty else frame
    values = pd.to_numeric(data[value_column], errors="coerce") if value_column in data else pd.Series()
    if name_column in data:
        names.update({code: name for code, name in data[name_column].dropna().items() if code in names})
    codes = [f["id"] for f in features]
    with_value = [c for c in codes if pd.notna(values.get(c))]
    without = [c for c in codes if c not in set(with_value)]
    suffix = f" {unit}" if unit else ""
    marker = {"line": {"color": BORDER_COLOUR, "width": 1.2}}

    traces: list[dict[str, Any]] = []
    if without:
        traces.append({
            "type": "choroplethmap", "geojson": _subset(geojson, set(without)), "locations": without,
            "z": [0] * len(without), "colorscale": [[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]], "showscale": False,
            "marker": marker, "customdata": [[names[c], MISSING] for c in without], "hovertemplate": HOVER,
            "name": t("map.no_data", lang)})
    if with_value:
        shown = [float(values[c]) for c in with_value]
        colours = dict(colouring or {})
        z = [float(colours["z"][c]) for c in with_value] if "z" in colours else shown
        # Under the map, not over it: horizontal, in the bottom margin.
        bar = {"thickness": 10, "len": 0.8, "orientation": "h", "x": 0.5, "xanchor": "center", "y": 0,
               "yanchor": "top", "ypad": 4, "outlinewidth": 0, "tickfont": {"color": TEXT_COLOUR, "size": 12},
               "title": {"text": unit, "side": "right"}} | colours.get("colorbar", {})
        bar["title"] = dict(bar["title"]) | {"font": {"color": TEXT_COLOUR}}
        trace = {"type": "choroplethmap", "geojson": _subset(geojson, set(with_value)), "locations": with_value,
                 "z": z, "colorscale": colours.get("colorscale") or colorscale or DEFAULT_COLORSCALE,
                 "marker": marker, "showscale": not colours.get("legend"),
                 "customdata": [[names[c], format_number(v) + suffix] for c, v in zip(with_value, shown)],
                 "hovertemplate": HOVER, "name": title or value_column, "colorbar": bar}
        trace.update({k: colours[k] for k in ("zmin", "zmax") if colours.get(k) is not None})
        traces.append(trace)

    bounds = collection_bounds(geojson)
    centre, zoom = fit_view(bounds, *view_px) if bounds else ({"lon": 0.0, "lat": 0.0}, 1.0)
    layout: dict[str, Any] = {
        "map": offline_map(centre, zoom, tile_url),
        "margin": {"l": 0, "r": 0, "t": 36 if title else 0, "b": 52 if with_value else 0},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "showlegend": False,
        "font": {"family": FONT_FAMILY, "color": TEXT_COLOUR, "size": 14},
        "hoverlabel": {"bgcolor": "rgba(8, 24, 54, 0.92)", "bordercolor": "#36d1ff",
                       "font": {"family": FONT_FAMILY, "color": "#ffffff", "size": 16}},
        "uirevision": ",".join(codes)}
    if title:
        layout["title"] = {"text": title, "x": 0.01, "font": {"size": 18}}
    annotations = []
    if with_value and (colouring or {}).get("legend"):  # what the colours mean, where the colour bar would be
        annotations.append({"text": colouring["legend"], "showarrow": False, "x": 0, "y": 0, "xref": "paper",
                            "yref": "paper", "xanchor": "left", "yanchor": "top", "yshift": -6, "align": "left",
                            "font": {"size": 12, "color": TEXT_COLOUR}})
    if not features:
        annotations.append({"text": t("map.no_boundaries", lang), "showarrow": False, "x": 0.5, "y": 0.5,
                            "xref": "paper", "yref": "paper", "font": {"size": 18, "color": TEXT_COLOUR}})
    if annotations:
        layout["annotations"] = annotations
    return {"data": traces, "layout": layout}


def boundaries_notes(geojson: dict[str, Any], lang: str = "zh") -> list[str]:
    """What a map panel should tell its reader about the boundaries: gaps and skipped rows."""
    notes = []
    if geojson.get("missing") and geojson.get("features"):
        notes.append(t("map.missing_regions", lang, n=len(geojson["missing"])))
    if geojson.get("skipped"):
        notes.append(t("map.skipped_geometries", lang, n=geojson["skipped"]))
    return notes


def boundary_error_message(error: BoundaryFileError, lang: str = "zh") -> str:
    """A user-facing message for a boundaries file the cockpit cannot use."""
    if error.missing:
        return t("map.file_missing_column", lang, path=error.path, column=error.missing)
    return t("map.file_unusable", lang, path=error.path)
