"""The one map's side panel: layer names for the switches, and the legend of the layers that are on."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from dash import html

from components.colours import legend_items
from components.economy import indicator_name
from components.onemap import group_colour, group_key, group_label, group_order
from core.config_map import LayerSpec
from core.i18n import t
from core.map_view import GROUP_COLUMN
from core.rules import time_progress_pct


def layer_name(spec: LayerSpec, lang: str) -> str:
    """A layer's name in the layer list: built-in kinds by message, configured ones by their label."""
    if spec.kind == "features":
        return (spec.label_en if lang == "en" and spec.label_en else spec.label) or spec.id
    if spec.kind == "regions":
        return t(f"onemap.layer.{spec.level}", lang)
    return t(f"onemap.layer.{spec.kind}", lang)


def layer_options(specs: Sequence[LayerSpec], lang: str) -> list[dict[str, Any]]:
    """The layer switches (dcc.Checklist options), in drawing order."""
    return [{"label": layer_name(spec, lang), "value": spec.id} for spec in specs]


def _item(colour: str, label: str, count: int | None = None) -> html.Li:
    return html.Li([html.Span(className="onemap-swatch", style={"background": colour}), html.Span(label),
                    html.Span(str(count), className="onemap-count") if count is not None else None],
                   className="onemap-legend-item")


def _region_items(layer: Any, indicator: dict[str, Any] | None, measure: str, lang: str, rules: Any) -> list:
    if indicator is None:
        return []
    period = None
    values = layer.values
    if values is not None and not values.empty and "period" in values:
        period = str(values["period"].iloc[0])
    progress = time_progress_pct(period) if period else None
    items = [_item(colour or "transparent", label)
             for colour, label in legend_items(measure, bool(indicator.get("higher_is_better", True)), lang,
                                                progress, rules)]
    caption = f"{indicator_name(indicator, lang)} · {t(f'economy.measure.{measure}', lang)}"
    return [html.Li(caption + (f" · {period}" if period else ""), className="onemap-legend-caption"), *items,
            _item("rgba(128, 128, 128, 0.45)", t("map.no_data", lang))]


def _point_items(kind: str, points: pd.DataFrame, lang: str) -> list:
    keys = points[GROUP_COLUMN[kind]].map(lambda v: group_key(kind, v)) if not points.empty else pd.Series()
    counts = pd.to_numeric(points.get("count", 1), errors="coerce").fillna(1) if not points.empty else pd.Series()
    return [_item(group_colour(kind, key), group_label(kind, key, lang), int(counts[(keys == key).to_numpy()].sum()))
            for key in group_order(kind) if key not in ("other", "invalid") or (keys == key).any()]


def _notes(layer: Any, lang: str) -> list:
    notes = []
    if layer.problem:
        notes.append(t("onemap.layer_problem", lang, problem=layer.problem))
    if layer.unplaced:
        notes.append(t("onemap.unplaced", lang, n=layer.unplaced))
    if layer.skipped.get("missing"):
        notes.append(t("map.missing_regions", lang, n=layer.skipped["missing"]))
    if layer.skipped.get("unreadable"):
        notes.append(t("map.skipped_geometries", lang, n=layer.skipped["unreadable"]))
    return [html.Li(n, className="onemap-legend-note skipped-note") for n in notes]


def legend(layers: Sequence[Any], indicator: dict[str, Any] | None, measure: str, lang: str, rules: Any,
           coloured: str | None = None) -> list:
    """For each layer that is on (services.onemap.LayerData): its name, what its colours mean, counts, notes.

    `coloured` is the area layer the choropleth colours; other area layers are drawn as borders."""
    blocks = []
    for layer in layers:
        spec = layer.spec
        if spec.kind == "regions" and spec.id != coloured:
            items = [html.Li([html.Span(className="onemap-swatch onemap-outline"), t("onemap.outline", lang)],
                             className="onemap-legend-item")]
        elif spec.kind == "regions":
            items = _region_items(layer, indicator, measure, lang, rules)
        elif spec.kind == "features":
            items = [_item(spec.colour, layer_name(spec, lang), len((layer.geojson or {}).get("features", [])))]
        else:
            items = _point_items(spec.kind, layer.points if layer.points is not None else pd.DataFrame(), lang)
        blocks.append(html.Div([html.H3(layer_name(spec, lang), className="onemap-legend-title"),
                                html.Ul(items + _notes(layer, lang), className="onemap-legend-list")],
                               className="onemap-legend-block", id={"type": "onemap-legend", "layer": spec.id}))
    return blocks or [html.P(t("onemap.no_layers", lang), className="onemap-legend-note")]
