"""Economy and society `/economy/<region_code>?indicator=…&period=…&measure=…`.

The URL is the whole view: region in the path, indicator, period and comparison measure in
the query, so a copied link reproduces it and the browser's back button walks the drill path.
Every control (tabs, pickers, map, ranking, table) navigates to a new URL; the layout reads it
into `economy-view`, and three callbacks fill the panels from it: the region's own figures,
its children, and the warnings. The browser sends that store back with every callback, so each
callback first checks it (core/economy_view.py, services/economy_view.py): a bad or unknown view,
like a malformed click, changes nothing and never loops, queries or fails.
"""
from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from components.breadcrumb import region_breadcrumb
from components.cards import panel_message, skipped_note
from components.economy import (
    comparison_grid,
    completion_figure,
    export_buttons,
    export_filename,
    forecast_sentence,
    graph,
    headline_figures,
    indicator_name,
    region_label,
)
from components.economy_export import csv_bytes, export_table, xlsx_bytes
from components.economy_links import HIDDEN, children_view, not_found, separator, warning_list
from components.formatting import period_label
from components.maps import boundary_error_message
from components.panels import guarded
from core.colours import progress_tone, tone_class
from core.economy_view import EconomyView, clicked_region, clicked_row, echo, export_choice, view_href
from core.errors import BoundaryFileError, MissingSchema, WarehouseUnavailable
from core.frames import records
from core.i18n import current_language, t
from core.periods import is_period
from core.permissions import in_scope
from datasources.boundaries import region_boundaries
from datasources.economy import indicator_values, region_family
from datasources.indicators import catalogue
from pages.economy_decisions import decision_controls, register_callbacks, trend_with_notes
from services.economy import (
    CHARTS,
    MEASURES,
    chart_data,
    children_comparison,
    economy_warnings,
    forecast_for,
    headline,
)
from services.economy_view import checked_view, first_indicator, indicator_row, known_region, nearest_region, open_view
from web.access import check_region, home_region, no_access_panel, user_scope
from web.audit import audit_export
from web.runtime import current_runtime

dash.register_page(__name__, path="/economy", path_template="/economy/<region_code>",
                   nav_key="nav.economy", nav_order=10)
register_callbacks()  # the scenario and the notes (pages/economy_decisions.py), with this app


def _frame(region_code: object, indicator: object, period: object, measure: object, lang: str) -> html.Div:
    rt = current_runtime()
    wh = rt.warehouse
    code = region_code or home_region()
    region = known_region(wh, code)
    if region is None:
        return not_found(echo(code), nearest_region(wh, code, user_scope() or rt.config.city_region_code), lang)
    if not in_scope(str(code), user_scope()):
        return no_access_panel(t("access.region_denied", lang, region=echo(code)))
    opened = open_view(wh, code, indicator, period, measure)
    if opened is None:
        return panel_message(t("overview.no_data", lang), "info")
    view, ind, periods = opened.view, opened.indicator, opened.periods
    chosen, shown, measure_used = view.indicator, view.period, view.measure
    values = {"bad_indicator": {"value": echo(indicator), "name": indicator_name(ind, lang)},
              "bad_period": {"value": echo(period)}, "missing_period": {"period": period, "latest": shown},
              "bad_measure": {"value": echo(measure), "name": t(f"economy.measure.{measure_used}", lang)}}
    notes = [t(f"economy.{kind}", lang, **values[kind]) for kind in opened.notes]
    cat = catalogue(wh)
    name = region_label(region, lang)
    files = {c: export_filename([indicator_name(ind, lang), t(f"economy.file.{c}", lang), name, shown or ""])
             for c in CHARTS}
    categories = list(dict.fromkeys(cat["category"]))
    scenario, note_form = decision_controls(lang, periods[0] if periods else None)
    in_category = cat[cat["category"] == ind["category"]]
    return html.Div([
        dcc.Location(id="economy-location", refresh="callback-nav"),
        dcc.Store(id="economy-view", data=view.data()),
        dcc.Download(id="economy-download"),
        html.Div([
            html.Div([region_breadcrumb(region_family(wh, code), user_scope() or rt.config.city_region_code, lang,
                                        href=view.href, page="economy"),
                      html.H1(t("economy.page_title", lang, region=name), className="economy-title")],
                     className="economy-heading"),
            html.Div([
                html.Label([t("economy.indicator", lang), dcc.Dropdown(
                    id="economy-indicator", value=chosen, clearable=False, className="economy-dropdown",
                    options=[{"label": indicator_name(r, lang), "value": r["indicator_code"]}
                             for r in records(in_category)])], className="economy-control wide"),
                html.Label([t("economy.period", lang), dcc.Dropdown(
                    id="economy-period", value=shown, clearable=False, className="economy-dropdown",
                    options=[{"label": period_label(p, str(ind["frequency"]), bool(ind["cumulative"]), lang),
                              "value": p} for p in periods])], className="economy-control"),
                html.Label([t("economy.measure", lang), dcc.RadioItems(
                    id="economy-measure", value=measure_used, className="economy-radio", inline=True,
                    options=[{"label": t(f"economy.measure.{m}", lang), "value": m} for m in MEASURES])],
                    className="economy-control"),
            ], className="economy-controls"),
        ], className="economy-head"),
        dcc.Tabs(id="economy-category", value=ind["category"], className="economy-tabs",
                 children=[dcc.Tab(label=t(f"economy.category.{c}", lang), value=c, className="economy-tab",
                                   selected_className="economy-tab--selected") for c in categories]),
        html.Div([panel_message(n, "warning") for n in notes], id="economy-notes"),
        html.Div(panel_message(t("economy.no_data_region", lang, region=name, indicator=indicator_name(ind, lang)),
                               "info") if not opened.has_data else None, id="economy-empty"),
        html.Div(id="economy-kpis"),
        html.Div([
            _panel("trend", t("economy.trend", lang), [graph("trend", files["trend"], height="400px"), note_form],
                   lang),
            _panel("map", t("economy.map", lang),
                   [graph("map", files["comparison"] + "_map", height="400px"),
                    html.Div(id="economy-map-note", className="skipped-note")], lang, data="comparison", svg=False),
            _panel("ranking", t("economy.ranking", lang),
                   [graph("ranking", files["comparison"] + "_rank"), html.Div(id="economy-comparison-note")],
                   lang, data="comparison"),
        ], className="economy-row3"),
        html.Div([
            _panel("progress", t("economy.progress", lang),
                   [html.Div(id="economy-progress-note"), graph("progress", files["progress"], height="180px")],
                   lang),
            _panel("forecast", t("economy.forecast", lang),
                   [html.Div(id="economy-forecast-line", className="economy-forecast-line"),
                    graph("forecast", files["forecast"], height="230px"),
                    html.Div(id="economy-forecast-method", className="economy-method"), scenario], lang),
            html.Section([html.H2(t("economy.warnings", lang), className="panel-title"),
                          html.Div(id="economy-warnings", className="economy-warnings")],
                         className="panel economy-panel"),
        ], className="economy-row3"),
        html.Section([
            html.Div([html.H2(t("economy.comparison", lang), className="panel-title"),
                      export_buttons("comparison", lang, "table")], className="economy-panel-head"),
            html.Div(comparison_grid(pd.DataFrame(columns=["region_code", "name", "name_en", "rank"]), ind, lang),
                     id="economy-table-slot"),
        ], className="panel", id="economy-comparison"),
    ], className="economy-page")


def _panel(chart: str, title: str, body: list, lang: str, data: str | None = None, svg: bool = True) -> html.Section:
    """A chart panel whose head carries the export buttons (`data`: whose data, default the chart's)."""
    buttons = export_buttons(data or chart, lang, chart, svg)
    return html.Section([html.Div([html.H2(title, className="panel-title"), buttons],
                                  className="economy-panel-head"), *body],
                        className="panel economy-panel", id=f"economy-panel-{chart}")


def layout(region_code: str | None = None, indicator: str | None = None, period: str | None = None,
           measure: str | None = None, **_query: str) -> object:
    """The page for one region; every argument comes from the URL and may be missing or bad."""
    lang = current_language()
    return guarded(lambda: _frame(region_code, indicator, period, measure, lang), lang)


def _parsed(raw: object) -> EconomyView:
    """The view in the store the browser sent back, if well-formed; else PreventUpdate (no change, no error)."""
    view = EconomyView.parse(raw, MEASURES)
    if view is None:
        raise PreventUpdate
    check_region(view.region)
    return view


def _checked(raw: object) -> tuple[EconomyView, dict[str, Any]]:
    """The sent-back view and its indicator, known to the warehouse; else PreventUpdate."""
    checked = checked_view(current_runtime().warehouse, raw)
    if checked is None:
        raise PreventUpdate
    check_region(checked[0].region)
    return checked


def _trigger() -> object:
    """The id of the input that fired the callback; None when the request names none or a malformed one."""
    try:
        return ctx.triggered_id
    except (AttributeError, TypeError, ValueError):
        return None


def _region_names(view: EconomyView, lang: str) -> dict[str, str]:
    """Names of the view's region and its children (all a view's links and files mention)."""
    family = region_family(current_runtime().warehouse, view.region)
    return {row["region_code"]: region_label(row, lang) for row in records(family)}


@callback(
    Output("economy-kpis", "children"),
    Output({"type": "economy-graph", "chart": "trend"}, "figure"),
    Output({"type": "economy-graph", "chart": "progress"}, "figure"),
    Output("economy-progress-note", "children"),
    Output("economy-forecast-line", "children"),
    Output("economy-forecast-method", "children"),
    Input("economy-view", "data"),
)
def show_region(raw: object) -> tuple:
    """Headline figures, trend (with its notes), completion against time progress, the forecast's words
    (its chart with the scenario: pages/economy_decisions.py)."""
    lang = current_language()
    if _parsed(raw).period is None:
        return (None,) + (dash.no_update,) * 5

    def render() -> tuple:
        rt = current_runtime()
        view, ind = _checked(raw)
        period, margin = view.period, rt.config.completion_margin_pts
        series = indicator_values(rt.warehouse, view.indicator, (view.region,))
        head = headline(series, period, ind, margin)
        forecast = forecast_for(series, period, ind)
        note = skipped_note(series.attrs.get("skipped", {}), lang)
        if head.completion_pct is None:
            progress_note: Any = panel_message(t("economy.no_completion", lang), "info")
        else:
            progress_note = html.Div(t("economy.trailing_flag" if head.trailing else "economy.on_pace", lang,
                                       margin=f"{margin:g}"), id="economy-trailing-flag",
                                     className="economy-flag " + tone_class(progress_tone(
                                         head.completion_pct, head.time_progress_pct, bool(ind["higher_is_better"]),
                                         rt.config.colour_rules)))
        method = (t("economy.forecast.method", lang, years=separator(lang).join(str(y) for y in forecast.years_used))
                  if forecast.years_used else None)
        return ([headline_figures(head, ind, lang, rt.config.colour_rules), note], trend_with_notes(view, ind, lang),
                completion_figure(head, lang, rt.config.colour_rules, bool(ind["higher_is_better"])), progress_note,
                html.Span(forecast_sentence(forecast, ind, lang), id="economy-forecast-text",
                          className="tone-bad" if forecast.reaches_target is False else ""),
                method)

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (result,) + (dash.no_update,) * 5


@callback(
    Output({"type": "economy-graph", "chart": "ranking"}, "figure"),
    Output({"type": "economy-graph", "chart": "ranking"}, "style"),
    Output({"type": "economy-graph", "chart": "map"}, "figure"),
    Output({"type": "economy-graph", "chart": "map"}, "style"),
    Output("economy-table", "rowData"),
    Output("economy-comparison-note", "children"),
    Output("economy-map-note", "children"),
    Input("economy-view", "data"),
)
def show_children(raw: object) -> tuple:
    """Ranking, map and table of the region's children by the chosen measure, coloured by meaning;
    a panel with nothing to draw says why instead (components.economy_links.children_view)."""
    lang = current_language()
    if _parsed(raw).period is None:  # the region has no data: #economy-empty says so, no empty graphs
        return dash.no_update, HIDDEN, dash.no_update, HIDDEN, [], None, None

    def render() -> tuple:
        rt = current_runtime()
        view, ind = _checked(raw)
        comparison = children_comparison(rt.warehouse, view.region, ind, view.period, view.measure)
        geojson, error = None, None
        if not comparison.empty:
            try:
                geojson = region_boundaries(rt.warehouse, rt.config.boundaries_file, view.region)
            except BoundaryFileError as exc:
                error = boundary_error_message(exc, lang)
        return children_view(comparison, geojson, ind, view.measure, lang, rules=rt.config.colour_rules,
                             tile_url=rt.config.tile_url, map_error=error,
                             region=_region_names(view, lang)[view.region])

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (dash.no_update,) * 4 + ([], result, None)


@callback(Output("economy-warnings", "children"), Input("economy-view", "data"))
def show_warnings(raw: object) -> object:
    """Early warnings of the region, each a link to the view that explains it."""
    lang = current_language()
    _parsed(raw)

    def render() -> list:
        rt = current_runtime()
        view, _ = _checked(raw)
        warnings = economy_warnings(rt.warehouse, view.region, view.query.period,
                                    rt.config.completion_margin_pts, view.measure)
        return warning_list(warnings, catalogue(rt.warehouse), _region_names(view, lang), lang,
                            rt.config.colour_rules)

    return guarded(render, lang)


@callback(
    Output("economy-location", "href"),
    Input("economy-category", "value"),
    Input("economy-indicator", "value"),
    Input("economy-period", "value"),
    Input("economy-measure", "value"),
    Input({"type": "economy-graph", "chart": "map"}, "clickData"),
    Input({"type": "economy-graph", "chart": "ranking"}, "clickData"),
    Input("economy-table", "cellClicked"),
    State("economy-view", "data"),
    prevent_initial_call=True,
)
def navigate(category: object, indicator: object, period: object, measure: object, map_click: object,
             bar_click: object, cell: object, raw: object) -> str:
    """Every control changes the URL; the page re-renders from it (so back and links work).

    Every value comes from the browser: a bad one, or a bad view, changes nothing (PreventUpdate).
    """
    trigger = _trigger()
    wh = current_runtime().warehouse
    try:
        view, ind = _checked(raw)
        chosen = view.query
        if trigger == "economy-category":
            first = first_indicator(wh, category)
            href = (view_href(view.region, first, measure=chosen.measure)
                    if first is not None and category != ind["category"] else None)
        elif trigger == "economy-indicator":
            href = view_href(view.region, indicator, measure=chosen.measure) if indicator_row(wh, indicator) else None
        elif trigger == "economy-period":
            href = view_href(view.region, view.indicator, period, chosen.measure) if is_period(period) else None
        elif trigger == "economy-measure":
            href = (view_href(view.region, view.indicator, chosen.period, measure)
                    if isinstance(measure, str) and measure in MEASURES else None)
        else:
            chart = trigger.get("chart") if isinstance(trigger, dict) else None
            code = (clicked_region(map_click, "location") if chart == "map"
                    else clicked_region(bar_click, "customdata") if chart == "ranking"
                    else clicked_row(cell) if trigger == "economy-table" else None)
            href = view.href(code) if code else None
    except (MissingSchema, WarehouseUnavailable):
        href = None
    if href is None:
        raise PreventUpdate
    return href


@callback(
    Output("economy-download", "data"),
    Input({"type": "economy-export", "chart": ALL, "fmt": ALL, "at": ALL}, "n_clicks"),
    State("economy-view", "data"),
    prevent_initial_call=True,
)
def export(_clicks: object, raw: object) -> object:
    """One chart's data as CSV (UTF-8 with BOM) or Excel, named indicator_chart_region_period."""
    wanted = export_choice(_trigger(), CHARTS)
    if wanted is None or not ctx.triggered[0]["value"] or _parsed(raw).period is None:
        raise PreventUpdate
    lang = current_language()
    chart, fmt = wanted
    rt = current_runtime()
    try:
        view, ind = _checked(raw)
        frame = chart_data(rt.warehouse, ind, view.region, view.period, view.measure, chart,
                           rt.config.completion_margin_pts)
        region = _region_names(view, lang)[view.region]
    except (MissingSchema, WarehouseUnavailable):
        raise PreventUpdate from None
    if chart == "comparison":
        frame = frame.assign(name=[region_label(r, lang) for r in records(frame)])
    table = export_table(chart, frame, ind, region, lang)
    name = export_filename([indicator_name(ind, lang), t(f"economy.file.{chart}", lang), region, view.period], fmt)
    audit_export(name, f"economy {chart} {fmt} region={view.region} period={view.period}")
    if fmt == "xlsx":
        return dcc.send_bytes(xlsx_bytes(table, t(f"economy.file.{chart}", lang)), name)
    return dcc.send_bytes(csv_bytes(table), name)


clientside_callback(
    ClientsideFunction("economy", "downloadSvg"),
    Output({"type": "economy-svg", "chart": MATCH}, "className"),
    Input({"type": "economy-svg", "chart": MATCH}, "n_clicks"),
    State({"type": "economy-graph", "chart": MATCH}, "id"),
    State({"type": "economy-graph", "chart": MATCH}, "config"),
    prevent_initial_call=True,
)
