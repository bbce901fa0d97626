"""The wall screen's frame: the viewport, the fixed design canvas, panel boxes, banner and badges.

The canvas has the configured design size in CSS pixels; assets/screen.js scales it as a whole
to the window (CSS transform), so the layout never reflows and text is rasterised at the wall's
own resolution, not blown up from a bitmap.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html
from dash.development.base_component import Component

from components.screen_charts import STATIC_CONFIG
from core.config_screens import Layout, Panel
from core.i18n import t

GRAPH_KINDS = frozenset({"map", "trend"})
# Inner padding of a panel and the height of its title, design pixels (assets/screen.css).
PAD, TITLE = 16, 48


def panel_key(index: int) -> str:
    """The pattern-matching key of a screen's `index`-th panel."""
    return str(index)


def graph_size(panel: Panel) -> tuple[int, int]:
    """A chart's size inside its panel, design pixels."""
    return max(panel.w - 2 * PAD, 10), max(panel.h - 2 * PAD - TITLE, 10)


def panel_box(index: int, panel: Panel, body: Any, lang: str, figure: Any = None) -> html.Section:
    """One panel at its place on the canvas: a title, then its body (or its chart)."""
    style = {"left": f"{panel.x}px", "top": f"{panel.y}px", "width": f"{panel.w}px", "height": f"{panel.h}px"}
    key = panel_key(index)
    if panel.panel == "header":
        return html.Section(body, className="screen-panel screen-panel-header", style=style)
    title = t(f"screen.panel.{panel.panel}", lang)
    children: list[Any] = []
    if panel.panel in GRAPH_KINDS:
        # A chart's `body` is what its title adds (the trend's indicator), or the message of a failure.
        if isinstance(body, str):
            title = f"{title} · {body}"
        elif body is not None:
            children.append(html.Div(body, className="screen-graph-note"))
        children.append(dcc.Graph(id={"type": "screen-graph", "key": key}, figure=figure,
                                  config=STATIC_CONFIG, className="screen-graph"))
    else:
        children.append(html.Div(body, id={"type": "screen-body", "key": key}, className="screen-body"))
    heading = [] if panel.panel == "ticker" else [html.H2(title, className="screen-panel-title")]
    return html.Section(heading + children, className=f"screen-panel screen-panel-{panel.panel}", style=style,
                        id={"type": "screen-panel", "key": key})


def screen_frame(layout: Layout, panels: Sequence[Component], client: Mapping[str, Any], sig: Mapping[str, str], *,
                 refresh_ms: int, alarm_ms: int, lang: str) -> html.Div:
    """The whole screen: the scaled canvas with its panels, the red-alert banner and the status badges.

    `client` is what assets/screen.js needs (carousel, idle time, sound, time zone), as JSON
    on the viewport; `sig` the digests of what the panels show (pages/screen.py `refresh`).
    """
    width, height = layout.canvas
    return html.Div([
        dcc.Store(id="screen-name", data=layout.name),
        dcc.Store(id="screen-sig", data=dict(sig)),
        dcc.Store(id="screen-alarm-ids"),
        dcc.Store(id="screen-sound"),
        dcc.Interval(id="screen-tick", interval=refresh_ms),
        dcc.Interval(id="screen-alarm-tick", interval=alarm_ms),
        html.Div([
            *panels,
            html.Div(id="screen-alarm", className="screen-alarm is-hidden", role="alert"),
            html.Div([html.Div(id="screen-stale", className="screen-badge-stale is-hidden"),
                      html.Div(t("screen.offline", lang), id="screen-offline", className="screen-badge-offline")],
                     className="screen-badges"),
            html.Div(id="screen-heartbeat", className="screen-heartbeat"),
        ], id="screen-canvas", className="screen-canvas",
           style={"width": f"{width}px", "height": f"{height}px"}),
    ], id="screen-viewport", className="screen-viewport",
       **{"data-config": json.dumps(dict(client), ensure_ascii=False, separators=(",", ":")),
          "data-canvas": f"{width}x{height}"})


def missing_screen(name: str, known: Sequence[str], lang: str) -> html.Div:
    """What /screen/<name> shows for a screen the configuration does not name."""
    return html.Div(html.Div([html.H1(t("screen.unknown", lang, name=name[:40]), className="screen-title"),
                              html.P(t("screen.known", lang, names=", ".join(known)), className="screen-asof")],
                             className="screen-missing"), className="screen-viewport", id="screen-viewport")
