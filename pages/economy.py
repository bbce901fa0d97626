"""Economy and society `/economy/<region_code>?indicator=…&period=…&measure=…`.

The URL is the whole view: region in the path, indicator, period and comparison measure in
the query, so a copied link reproduces it and the browser's back button walks the drill path.
Every control (tabs, pickers, map, ranking, table) navigates to a new URL; the layout reads it
into `economy-view`, and three callbacks fill the panels from it: the region's own figures,
its children, and the warnings.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from components.cards import panel_message, skipped_note
from components.economy import (
    comparison_grid,
    completion_figure,
    csv_bytes,
    export_buttons,
    export_filename,
    export_table,
    forecast_figure,
    forecast_sentence,
    graph,
    headline_figures,
    indicator_name,
    ranking_figure,
    region_label,
    trend_figure,
    xlsx_bytes,
)
from components.formatting import format_pct, period_label
from components.maps import boundaries_notes, boundary_error_message, choropleth_figure
from components.panels import guarded
from core.i18n import current_language, t
from core.periods import PERIOD
from datasources.boundaries import BoundaryFileError, region_boundaries
from datasources.economy import indicator_values, region_family
from datasources.indicators import catalogue
from datasources.regions import top_region_code
from services.economy import (
    CHARTS,
    MEASURES,
    chart_data,
    children_comparison,
    economy_warnings,
    forecast_for,
    headline,
    trend_frame,
)
from web.runtime import current_runtime

dash.register_page(__name__, path="/economy", path_template="/economy/<region_code>",
                   nav_key="nav.economy", nav_order=10)

REGION_CODE = re.compile(r"\d{6}|\d{9}|\d{12}")


def view_href(region: str, indicator: str, period: str | None = None, measure: str | None = None) -> str:
    """The URL of a view; period and measure only when chosen (else latest and the default)."""
    query = {"indicator": indicator, **({"period": period} if period else {}),
             **({"measure": measure} if measure else {})}
    return f"/economy/{region}?{urlencode(query)}"


def _region(code: str) -> pd.Series | None:
    """The region row for a well-formed code the warehouse knows, else None."""
    if not REGION_CODE.fullmatch(code):
        return None
    family = region_family(current_runtime().warehouse, code)
    me = family[family["relation"] == "self"]
    return None if me.empty else me.iloc[0]


def _ancestor(code: str) -> pd.Series | None:
    """The nearest known region above an unknown code (by the GB/T 2260 code structure)."""
    candidates = [code[:9], code[:6], code[:4] + "00", code[:2] + "0000"] if code.isdigit() else []
    for candidate in candidates:
        if candidate != code and len(candidate) in (6, 9):
            region = _region(candidate)
            if region is not None:
                return region
    return None


def _not_found(code: str, lang: str) -> html.Div:
    rt = current_runtime()
    up = _ancestor(code)
    if up is None:
        up = _region(top_region_code(rt.warehouse, rt.config.city_region_code))
    link = (dcc.Link(t("economy.up_to", lang, name=region_label(up, lang)), href=f"/economy/{up['region_code']}",
                     className="app-button", id="economy-up-link") if up is not None else None)
    return html.Section([html.H2(t("economy.not_found_title", lang), className="panel-title"),
                         html.P(t("economy.not_found_text", lang, code=code)), link],
                        className="panel", id="economy-not-found")


def _breadcrumb(family: pd.DataFrame, top: str | None, query: dict[str, str | None], lang: str) -> html.Nav:
    """City › county › township (up to the configured top region), each a link keeping the query."""
    chain: list[dict[str, Any]] = []
    for row in family[family["relation"] != "child"].to_dict("records"):
        chain.append(row)
        if row["region_code"] == top:
            break
    items: list[Any] = []
    for i, row in enumerate(reversed(chain)):
        name = region_label(row, lang)
        if i:
            items.append(html.Span("›", className="economy-crumb-sep"))
        items.append(html.Span(name, className="economy-crumb current") if i == len(chain) - 1 else
                     dcc.Link(name, href=view_href(row["region_code"], **query), className="economy-crumb",
                              id={"type": "economy-crumb", "code": row["region_code"]}))
    return html.Nav(items, className="economy-breadcrumb", id="economy-breadcrumb")


def _separator(lang: str) -> str:
    """Between listed names: the Chinese enumeration comma, or a comma in English."""
    return "、" if lang == "zh" else ", "


def _choice(value: str | None, allowed: list[str], default: str) -> tuple[str, bool]:
    """(chosen value, whether the given value was bad)."""
    if value is None or value == "":
        return default, False
    return (value, False) if value in allowed else (default, True)


def _frame(region_code: str | None, indicator: str | None, period: str | None, measure: str | None,
           lang: str) -> html.Div:
    rt = current_runtime()
    wh = rt.warehouse
    code = region_code or top_region_code(wh, rt.config.city_region_code)
    region = _region(code)
    if region is None:
        return _not_found(code, lang)
    cat = catalogue(wh)
    codes = list(cat["indicator_code"])
    if not codes:
        return panel_message(t("overview.no_data", lang), "info")
    notes: list[str] = []
    chosen, bad = _choice(indicator, codes, codes[0])
    ind = cat.set_index("indicator_code").loc[chosen].to_dict() | {"indicator_code": chosen}
    if bad:
        notes.append(t("economy.bad_indicator", lang, value=indicator, name=indicator_name(ind, lang)))
    series = indicator_values(wh, chosen, (code,))
    periods = sorted(series.loc[series["value"].notna(), "period"].unique(), reverse=True)
    latest = periods[0] if periods else None
    shown = latest
    if period and not PERIOD.fullmatch(period):
        notes.append(t("economy.bad_period", lang, value=period))
    elif period and period not in periods and latest:
        notes.append(t("economy.missing_period", lang, period=period, latest=latest))
    elif period:
        shown = period
    has_target = bool(ind["cumulative"]) and series["target"].notna().any()
    default_measure = "completion_pct" if has_target else "yoy_pct" if series["yoy_pct"].notna().any() else "value"
    measure_used, bad = _choice(measure, list(MEASURES), default_measure)
    if bad:
        notes.append(t("economy.bad_measure", lang, value=measure, name=t(f"economy.measure.{measure_used}", lang)))
    query = {"indicator": chosen, "period": period if shown == period else None,
             "measure": measure if not bad and measure else None}
    view = {"region": code, "indicator": chosen, "period": shown, "measure": measure_used, "query": query}
    name = region_label(region, lang)
    files = {c: export_filename([indicator_name(ind, lang), t(f"economy.file.{c}", lang), name, shown or ""])
             for c in CHARTS}
    categories = list(dict.fromkeys(cat["category"]))
    in_category = cat[cat["category"] == ind["category"]]
    return html.Div([
        dcc.Location(id="economy-location", refresh="callback-nav"),
        dcc.Store(id="economy-view", data=view),
        dcc.Download(id="economy-download"),
        html.Div([
            html.Div([_breadcrumb(region_family(wh, code), rt.config.city_region_code, query, lang),
                      html.H1(t("economy.page_title", lang, region=name), className="economy-title")],
                     className="economy-heading"),
            html.Div([
                html.Label([t("economy.indicator", lang), dcc.Dropdown(
                    id="economy-indicator", value=chosen, clearable=False, className="economy-dropdown",
                    options=[{"label": indicator_name(r, lang), "value": r["indicator_code"]}
                             for r in in_category.to_dict("records")])], className="economy-control wide"),
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
                               "info") if latest is None else None, id="economy-empty"),
        html.Div(id="economy-kpis"),
        html.Div([
            _panel("trend", t("economy.trend", lang), [graph("trend", files["trend"], height="400px")], lang),
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
                    html.Div(id="economy-forecast-method", className="economy-method")], lang),
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


def _indicator(view: dict[str, Any]) -> dict[str, Any]:
    cat = catalogue(current_runtime().warehouse)
    return cat.set_index("indicator_code").loc[view["indicator"]].to_dict() | {"indicator_code": view["indicator"]}


def _region_names(view: dict[str, Any], lang: str) -> dict[str, str]:
    """Names of the view's region and its children (all a view's links and files mention)."""
    family = region_family(current_runtime().warehouse, view["region"])
    return {row["region_code"]: region_label(row, lang) for row in family.to_dict("records")}


def _chart_data(view: dict[str, Any], chart: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    rt = current_runtime()
    ind = _indicator(view)
    frame = chart_data(rt.warehouse, ind, view["region"], view["period"], view["measure"], chart,
                       rt.config.completion_margin_pts)
    return frame, ind


@callback(
    Output("economy-kpis", "children"),
    Output({"type": "economy-graph", "chart": "trend"}, "figure"),
    Output({"type": "economy-graph", "chart": "progress"}, "figure"),
    Output("economy-progress-note", "children"),
    Output({"type": "economy-graph", "chart": "forecast"}, "figure"),
    Output("economy-forecast-line", "children"),
    Output("economy-forecast-method", "children"),
    Input("economy-view", "data"),
)
def show_region(view: dict[str, Any]) -> tuple:
    """Headline figures, trend, completion against time progress and the year-end forecast."""
    lang = current_language()
    if not view.get("period"):
        return (None,) + (dash.no_update,) * 6

    def render() -> tuple:
        rt = current_runtime()
        ind = _indicator(view)
        period, margin = view["period"], rt.config.completion_margin_pts
        series = indicator_values(rt.warehouse, view["indicator"], (view["region"],))
        frame = trend_frame(series, period, str(ind["frequency"]), bool(ind["cumulative"]))
        head = headline(series, period, ind, margin)
        forecast = forecast_for(series, period, ind)
        note = skipped_note(series.attrs.get("skipped", {}), lang)
        if head.completion_pct is None:
            progress_note: Any = panel_message(t("economy.no_completion", lang), "info")
        else:
            progress_note = html.Div(t("economy.trailing_flag" if head.trailing else "economy.on_pace", lang,
                                       margin=f"{margin:g}"), id="economy-trailing-flag",
                                     className=f"economy-flag {'tone-bad' if head.trailing else 'tone-good'}")
        method = (t("economy.forecast.method", lang, years=_separator(lang).join(str(y) for y in forecast.years_used))
                  if forecast.years_used else None)
        this_year = frame[frame["period"].str[:4] == period[:4]]
        return ([headline_figures(head, ind, lang), note], trend_figure(frame, ind, lang),
                completion_figure(head, lang), progress_note, forecast_figure(this_year, forecast, ind, lang),
                html.Span(forecast_sentence(forecast, ind, lang), id="economy-forecast-text",
                          className="tone-bad" if forecast.reaches_target is False else ""),
                method)

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (result,) + (dash.no_update,) * 6


@callback(
    Output({"type": "economy-graph", "chart": "ranking"}, "figure"),
    Output({"type": "economy-graph", "chart": "map"}, "figure"),
    Output("economy-table", "rowData"),
    Output("economy-comparison-note", "children"),
    Output("economy-map-note", "children"),
    Input("economy-view", "data"),
)
def show_children(view: dict[str, Any]) -> tuple:
    """Ranking, map and table of the region's children by the chosen measure."""
    lang = current_language()
    if not view.get("period"):
        return dash.no_update, dash.no_update, [], None, None

    def render() -> tuple:
        rt = current_runtime()
        ind = _indicator(view)
        comparison = children_comparison(rt.warehouse, view["region"], ind, view["period"], view["measure"])
        if comparison.empty:
            note = panel_message(t("economy.no_children", lang, region=_region_names(view, lang)[view["region"]]),
                                 "info")
            return dash.no_update, dash.no_update, [], note, None
        unranked = comparison[comparison["rank"].isna()]
        notes: list[Any] = []
        if not unranked.empty:
            notes.append(html.Div(t("economy.children_no_data", lang, n=len(unranked),
                                    names=_separator(lang).join(region_label(r, lang) for r in unranked.to_dict("records"))),
                                  className="skipped-note"))
        skipped = skipped_note(comparison.attrs.get("skipped", {}), lang)
        measure = view["measure"]
        map_frame = comparison.assign(region_name=[region_label(r, lang) for r in comparison.to_dict("records")])
        try:
            geojson = region_boundaries(rt.warehouse, rt.config.boundaries_file, view["region"])
            map_figure = choropleth_figure(geojson, map_frame, measure, lang=lang, tile_url=rt.config.tile_url,
                                           unit="%" if measure != "value" else str(ind["unit"]),
                                           title=t(f"economy.measure.{measure}", lang), view_px=(560, 400))
            map_note: Any = "；".join(boundaries_notes(geojson, lang)) or None
        except BoundaryFileError as exc:
            map_figure, map_note = dash.no_update, boundary_error_message(exc, lang)
        rows = comparison_grid(comparison, ind, lang).rowData
        return (ranking_figure(comparison, measure, ind, lang), map_figure, rows,
                notes + ([skipped] if skipped else []), map_note)

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (dash.no_update, dash.no_update, [], result, None)


@callback(Output("economy-warnings", "children"), Input("economy-view", "data"))
def show_warnings(view: dict[str, Any]) -> object:
    """Early warnings of the region, each a link to the view that explains it."""
    lang = current_language()

    def render() -> list:
        rt = current_runtime()
        warnings = economy_warnings(rt.warehouse, view["region"], view["query"].get("period"),
                                    rt.config.completion_margin_pts, view["measure"])
        cat = catalogue(rt.warehouse).set_index("indicator_code")
        region_names = _region_names(view, lang)
        names = {c: indicator_name(r | {"indicator_code": c}, lang) for c, r in cat.to_dict("index").items()}
        items: list[Any] = []
        bottom: dict[str, list[dict]] = {}
        for w in warnings.to_dict("records"):
            code, href = w["indicator_code"], view_href(w["region_code"], w["indicator_code"])
            ceiling = "" if cat.at[code, "higher_is_better"] else "_bad"
            if w["kind"] == "bottom":
                bottom.setdefault(code, []).append(w)
                continue
            if w["kind"] == "yoy_turned":
                text = t(f"economy.warn.yoy_turned{ceiling}", lang, indicator=names[code],
                         previous=format_pct(w["yoy_previous_pct"], signed=True), now=format_pct(w["yoy_pct"], signed=True))
            elif w["kind"] == "trailing":
                text = t("economy.warn.trailing", lang, indicator=names[code], completion=format_pct(w["completion_pct"]),
                         progress=format_pct(w["time_progress_pct"]))
            else:
                pct = format_pct(w["projected"] / w["target"] * 100)
                key = "economy.warn.projected_miss" + ("" if not ceiling else "_ceiling")
                text = t(key, lang, indicator=names[code], pct=pct)
            items.append(html.Li(dcc.Link(text, href=href, id={"type": "economy-warning", "kind": w["kind"],
                                                              "code": code}), className=f"warn-{w['kind']}"))
        for code, rows in bottom.items():
            links: list[Any] = [t("economy.warn.bottom", lang, indicator=names[code],
                                  measure=t(f"economy.measure.{rows[0]['measure']}", lang))]
            for i, w in enumerate(rows):
                links += ([_separator(lang)] if i else []) + [dcc.Link(region_names.get(w["region_code"], w["region_code"]),
                                                           href=view_href(w["region_code"], code))]
            items.append(html.Li(links, className="warn-bottom"))
        return [html.Ul(items, className="economy-warning-list")] if items else [
            panel_message(t("economy.warn.none", lang), "info")]

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
def navigate(category: str, indicator: str, period: str, measure: str, map_click: dict | None,
             bar_click: dict | None, cell: dict | None, view: dict[str, Any]) -> str:
    """Every control changes the URL; the page re-renders from it (so back and links work)."""
    query = dict(view["query"])
    trigger = ctx.triggered_id
    chart = trigger.get("chart") if isinstance(trigger, dict) else None
    if trigger == "economy-category":
        cat = catalogue(current_runtime().warehouse)
        first = cat.loc[cat["category"] == category, "indicator_code"]
        if first.empty or category == _indicator(view)["category"]:
            return dash.no_update
        return view_href(view["region"], str(first.iloc[0]), measure=query.get("measure"))
    if trigger == "economy-indicator":
        return view_href(view["region"], indicator, measure=query.get("measure"))
    if trigger == "economy-period":
        return view_href(view["region"], view["indicator"], period, query.get("measure"))
    if trigger == "economy-measure":
        return view_href(view["region"], view["indicator"], query.get("period"), measure)
    if chart == "map" and map_click:
        return view_href(str(map_click["points"][0]["location"]), **query)
    if chart == "ranking" and bar_click:
        return view_href(str(bar_click["points"][0]["customdata"]), **query)
    if trigger == "economy-table" and cell and cell.get("rowId"):
        return view_href(str(cell["rowId"]), **query)
    return dash.no_update


@callback(
    Output("economy-download", "data"),
    Input({"type": "economy-export", "chart": ALL, "fmt": ALL, "at": ALL}, "n_clicks"),
    State("economy-view", "data"),
    prevent_initial_call=True,
)
def export(_clicks: list, view: dict[str, Any]) -> object:
    """One chart's data as CSV (UTF-8 with BOM) or Excel, named indicator_chart_region_period."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0]["value"] or not view.get("period"):
        return dash.no_update
    lang = current_language()
    chart, fmt = trigger["chart"], trigger["fmt"]
    frame, ind = _chart_data(view, chart)
    region = _region_names(view, lang)[view["region"]]
    if chart == "comparison":
        frame = frame.assign(name=[region_label(r, lang) for r in frame.to_dict("records")])
    table = export_table(chart, frame, ind, region, lang)
    name = export_filename([indicator_name(ind, lang), t(f"economy.file.{chart}", lang), region, view["period"]], fmt)
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
