"""One map `/map?layers=…&indicator=…&measure=…&lon=…&lat=…&zoom=…`: the city's layers on one offline map.

The URL is the state (core/map_view.py): the layout reads it, checks every value (a bad one is
dropped and named in a note) and sets the controls; the `draw` callback builds the map from the
controls and writes the state back into the URL (assets/onemap.js, `history.replaceState`, no
reload), and moving the map writes its centre and zoom. A click leads to the economy of a
county or township, an alert's detail, a camera's video dispatch or a project.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from components.cards import panel_message
from components.economy import indicator_name
from components.onemap import feature_traces, map_figure, outline_trace, point_traces, region_traces
from components.onemap_legend import layer_options, legend
from components.panels import guarded
from core.geo import collection_bounds, fit_view
from core.i18n import current_language, t
from core.map_view import MapState, checked_layers, clicked_href
from core.permissions import VIEW
from datasources.indicators import catalogue
from datasources.layers import region_layer
from services.economy import MEASURES
from services.onemap import Choice, choose, map_layers
from web.access import home_region
from web.runtime import current_runtime

dash.register_page(__name__, path="/map", nav_key="nav.map", nav_order=25, access=VIEW,
                   title=lambda **_: t("onemap.title"))

LOCATION, STATE, GRAPH, LAYERS, INDICATOR, MEASURE, LEGEND = (
    "map-location", "map-state", "map-graph", "map-layers", "map-indicator", "map-measure", "map-legend")
URL_SINK, URL_DONE, VIEW_SINK, FITTED = "map-url-sink", "map-url-done", "map-view-sink", "map-fitted"
FIT_PX = (1500, 980)  # the map's usual size on a desk screen: what the first view is fitted to


def _layer_ids() -> list[str]:
    return [spec.id for spec in current_runtime().config.onemap.layers]


def _frame(query: dict[str, Any], lang: str) -> html.Div:
    rt = current_runtime()
    settings = rt.config.onemap
    default_on = [spec.id for spec in settings.layers if spec.visible]
    state, bad = MapState.from_query(query, _layer_ids(), default_on, MEASURES)
    choice = choose(rt.warehouse, home_region(), state.indicator, state.measure)
    if state.indicator and choice.indicator is not None and choice.indicator["indicator_code"] != state.indicator:
        bad += ("indicator",)
    cat = catalogue(rt.warehouse)
    code = choice.indicator["indicator_code"] if choice.indicator is not None else None
    state = MapState(state.layers, code, choice.measure, state.lon, state.lat, state.zoom)
    notes = [panel_message(t("onemap.bad_query", lang, keys=", ".join(dict.fromkeys(bad))), "warning")] if bad else []
    return html.Div([
        dcc.Location(id=LOCATION, refresh="callback-nav"),
        dcc.Store(id=STATE, data=state.data()),
        *[dcc.Store(id=sink) for sink in (URL_SINK, URL_DONE, VIEW_SINK, FITTED)],
        html.Aside([
            html.H1(t("onemap.title", lang), className="onemap-title"),
            html.Div(notes, id="map-notes"),
            html.H2(t("onemap.layers", lang), className="panel-title"),
            dcc.Checklist(id=LAYERS, options=layer_options(settings.layers, lang), value=list(state.layers),
                          className="onemap-layers", inputClassName="onemap-layer-input"),
            html.Label([t("onemap.indicator", lang), dcc.Dropdown(
                id=INDICATOR, value=code, clearable=False, className="economy-dropdown",
                options=[{"label": indicator_name(r, lang), "value": r["indicator_code"]}
                         for r in cat.to_dict("records")])], className="onemap-control"),
            html.Label([t("onemap.measure", lang), dcc.RadioItems(
                id=MEASURE, value=choice.measure, inline=True, className="economy-radio",
                options=[{"label": t(f"economy.measure.{m}", lang), "value": m} for m in MEASURES])],
                className="onemap-control"),
            html.H2(t("onemap.legend", lang), className="panel-title"),
            html.Div(id=LEGEND, className="onemap-legend"),
            html.P(t("onemap.hint", lang), className="onemap-hint"),
        ], className="panel onemap-side"),
        html.Section(dcc.Graph(id=GRAPH, className="onemap-graph", style={"height": "100%"},
                               config={"displayModeBar": False, "scrollZoom": True}),
                     className="panel onemap-canvas"),
    ], className="onemap-page")


def layout(**query: str) -> object:
    """The map for the URL's query; every value may be missing or bad."""
    lang = current_language()
    return guarded(lambda: _frame(dict(query), lang), lang)


def _view(state: MapState, scope: str) -> tuple[dict[str, float], float, list[float] | None]:
    """The URL's centre and zoom, else the view that fits the region's counties and their bounds
    (which the browser fits again to the graph's real size, assets/onemap.js)."""
    if state.lon is not None and state.lat is not None and state.zoom is not None:
        return {"lon": state.lon, "lat": state.lat}, state.zoom, None
    rt = current_runtime()
    geojson = region_layer(rt.warehouse, "county", scope, rt.config.onemap.tile_crs)["geojson"].iloc[0]
    bounds = collection_bounds(geojson)
    if not bounds:
        return {"lon": 0.0, "lat": 0.0}, 1.0, None
    return *fit_view(bounds, *FIT_PX), list(bounds)


def build_map(on: tuple[str, ...], choice: Choice, state: MapState, lang: str) -> tuple[dict[str, Any], list]:
    """The figure and the legend of the layers `on`, coloured by `choice` (also the payload test's entry)."""
    rt = current_runtime()
    cfg = rt.config
    scope = home_region()
    layers = map_layers(rt.warehouse, rt.appdb.engine, cfg, scope, on, choice, datetime.now(UTC), rt.today())
    regions = [layer for layer in layers if layer.spec.kind == "regions" and layer.geojson]
    # The finest area layer that is on is coloured; coarser ones are drawn as borders over it.
    finest = max(regions, key=lambda layer: layer.spec.level == "township", default=None)
    traces: list[Any] = []
    outlines = []
    for layer in layers:
        spec = layer.spec
        if spec.kind == "regions" and layer.geojson:
            if layer is finest:
                traces += region_traces(spec.id, layer.geojson, layer.values, choice.indicator, choice.measure,
                                        lang, cfg.colour_rules)
            else:
                outlines.append(outline_trace(spec.id, layer.geojson))
        elif spec.kind == "features" and layer.geojson:
            traces += feature_traces(spec.id, layer.geojson, spec.colour)
        elif layer.points is not None:
            traces += point_traces(spec.kind, layer.points, lang, cfg.timezone)
    # Coarser borders over all areas, under all markers.
    areas = [i for i, tr in enumerate(traces) if tr["type"] == "choroplethmap"]
    cut = areas[-1] + 1 if areas else 0
    traces = traces[:cut] + outlines + traces[cut:]
    centre, zoom, bounds = _view(state, scope)
    figure = map_figure(traces, centre, zoom, cfg.tile_url)
    if bounds:
        figure["layout"]["meta"] = {"fit": bounds}
    return figure, legend(layers, choice.indicator, choice.measure, lang, cfg.colour_rules,
                          finest.spec.id if finest else None)


@callback(Output(GRAPH, "figure"), Output(LEGEND, "children"), Output(URL_SINK, "data"),
          Input(LAYERS, "value"), Input(INDICATOR, "value"), Input(MEASURE, "value"), State(STATE, "data"))
def draw(layers: object, indicator: object, measure: object, raw: object) -> tuple:
    """The map of the layers switched on, and its URL; a value no control sends changes nothing."""
    ids = _layer_ids()
    state = MapState.parse(raw, ids, MEASURES)
    on = checked_layers(layers, ids)
    if state is None or on is None or not (isinstance(indicator, str) and 0 < len(indicator) <= 100) \
            or measure not in MEASURES:
        raise PreventUpdate
    lang = current_language()
    rt = current_runtime()

    def render() -> tuple:
        choice = choose(rt.warehouse, home_region(), indicator, str(measure))
        figure, items = build_map(on, choice, state, lang)
        code = choice.indicator["indicator_code"] if choice.indicator is not None else None
        return figure, items, MapState(on, code, choice.measure).href()

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (dash.no_update, result, dash.no_update)


@callback(Output(LOCATION, "href"), Input(GRAPH, "clickData"), prevent_initial_call=True)
def open_clicked(click: object) -> str:
    """A click on a county or township, an alert, a camera or a project opens its page."""
    href = clicked_href(click)
    if href is None:
        raise PreventUpdate
    return href


clientside_callback(ClientsideFunction("onemap", "writeUrl"), Output(URL_DONE, "data"), Input(URL_SINK, "data"),
                    prevent_initial_call=True)
clientside_callback(ClientsideFunction("onemap", "keepView"), Output(VIEW_SINK, "data"),
                    Input(GRAPH, "relayoutData"), prevent_initial_call=True)
# Not prevent_initial_call: the figure arrives within the page's initial callbacks.
clientside_callback(ClientsideFunction("onemap", "fitOnce"), Output(FITTED, "data"), Input(GRAPH, "figure"))
