"""Poverty-relapse monitoring `/poverty/<region_code>?status=…`: households by status, drilled
city → county → township → village, and the list of households followed up.

The region is in the path (links and the back button walk the drill path), the list's status in
the query. The layout reads them into `poverty-view`; callbacks fill the panels from it. The
browser sends that store back with every callback, so each checks it first: a malformed one
changes nothing, a region outside the user's scope answers 403. Names and ID numbers are masked
(core/masking.py) unless the user holds PERSONAL_DATA; each showing or export of unmasked rows
is audited (`personal_data_viewed`).
"""
from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from components.breadcrumb import region_breadcrumb
from components.cards import panel_message
from components.economy import EMPTY_FIGURE, export_filename, graph_config, region_label
from components.economy_export import csv_bytes, xlsx_bytes
from components.formatting import format_number
from components.panels import failure_panel, guarded
from components.poverty import (
    below_threshold,
    children_figure,
    children_height,
    children_table,
    income_figure,
    not_found,
    page_href,
    quality_note,
    risk_figure,
    status_tiles,
)
from components.poverty_list import export_buttons, export_table, list_grid, list_rows
from core.economy_view import echo
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from core.permissions import EXPORT, PERSONAL_DATA, VIEW, in_scope
from core.poverty import FOLLOWED_STATUSES
from core.regions import is_region_code, is_within
from datasources.economy import region_family
from services.economy_view import known_region, nearest_region
from services.poverty import household_list, region_overview
from web.access import check_region, home_region, no_access_panel, user_may, user_scope
from web.audit import audit_export, audit_personal_data_view
from web.runtime import current_runtime

dash.register_page(__name__, path="/poverty", path_template="/poverty/<region_code>", nav_key="nav.poverty",
                   nav_order=40, access=VIEW)

VIEW_STORE, LOCATION, DOWNLOAD = "poverty-view", "poverty-location", "poverty-download"
SUMMARY, NOTES, CHILDREN, STATUS, GRID, LIST_NOTE = (
    "poverty-summary", "poverty-notes", "poverty-children", "poverty-status", "poverty-grid", "poverty-list-note")
CHILDREN_GRAPH, RISK_GRAPH, INCOME_GRAPH = "poverty-children-graph", "poverty-risk-graph", "poverty-income-graph"
# The list's status choices: both statuses followed up, or one of them.
LIST_CHOICES = {"followed": FOLLOWED_STATUSES, "at_risk": ("at_risk",), "monitored": ("monitored",)}
GRAPH_HEIGHT = 320
GRID_LIMIT = 2000      # rows sent to a browser; the export holds the rest
EXPORT_LIMIT = 100_000


def _graph(graph_id: str, filename: str, height: int = GRAPH_HEIGHT) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=EMPTY_FIGURE, config=graph_config(filename), className="economy-graph",
                     style={"height": f"{height}px"})


def _panel(title: str, body: list, panel_id: str, extra: Any = None) -> html.Section:
    head = html.Div([html.H2(title, className="panel-title"), extra], className="economy-panel-head")
    return html.Section([head, *body], className="panel economy-panel", id=panel_id)


def _frame(region_code: object, status: object, lang: str) -> html.Div:
    rt = current_runtime()
    top = user_scope() or rt.config.city_region_code
    code = region_code or home_region()
    region = known_region(rt.warehouse, code)
    if region is None:
        return not_found(echo(code), nearest_region(rt.warehouse, code, top), lang)
    if not in_scope(str(code), user_scope()):
        return no_access_panel(t("access.region_denied", lang, region=echo(code)))
    name = region_label(region, lang)
    chosen = status if isinstance(status, str) and status in LIST_CHOICES else "followed"
    family = region_family(rt.warehouse, str(code))
    leaf = not (family["relation"] == "child").any()  # a village: no children's panel
    return html.Div([
        dcc.Location(id=LOCATION, refresh="callback-nav"),
        dcc.Store(id=VIEW_STORE, data={"region": str(code)}),
        dcc.Download(id=DOWNLOAD),
        html.Div([region_breadcrumb(family, top, lang, href=page_href, page="poverty"),
                  html.H1(t("poverty.page_title", lang, region=name), className="economy-title")],
                 className="economy-heading poverty-heading"),
        html.Div(id=NOTES),
        html.Section(html.Div(id=SUMMARY, className="tile-row poverty-tiles"), className="panel"),
        html.Div([
            _panel(t("poverty.children", lang), [html.Div(t("poverty.children_hint", lang), className="muted"),
                                                  _graph(CHILDREN_GRAPH, f"poverty_{code}_children"),
                                                  html.Div(id=CHILDREN, className="poverty-table-slot")],
                   "poverty-panel-children"),
            html.Div([
                _panel(t("poverty.income", lang), [_graph(INCOME_GRAPH, f"poverty_{code}_income"),
                                                    html.Div(id="poverty-threshold-note", className="muted")],
                       "poverty-panel-income"),
                _panel(t("poverty.risk_types", lang), [_graph(RISK_GRAPH, f"poverty_{code}_risk")],
                       "poverty-panel-risk"),
            ], className="poverty-column"),
        ], className="poverty-row poverty-leaf" if leaf else "poverty-row"),
        _panel(t("poverty.list", lang), [
            html.Div([dcc.RadioItems(id=STATUS, value=chosen, inline=True, className="economy-radio",
                                     options=[{"label": t(f"poverty.status.{c}", lang), "value": c}
                                              for c in LIST_CHOICES]),
                      html.Span(id=LIST_NOTE, className="muted", role="status")], className="poverty-list-bar"),
            html.Div(t("poverty.unmasked_note" if user_may(PERSONAL_DATA) else "poverty.masked_note", lang),
                     className="muted poverty-mask-note", id="poverty-mask-note"),
            list_grid(GRID, lang),
        ], "poverty-panel-list", export_buttons(lang) if user_may(EXPORT) else None),
    ], className="economy-page poverty-page")


def layout(region_code: str | None = None, status: str | None = None, **_query: str) -> object:
    """The page of one region; every argument comes from the URL and may be missing or bad."""
    lang = current_language()
    return guarded(lambda: _frame(region_code, status, lang), lang)


def _region(raw: object) -> str:
    """The region of the store the browser sent back: well-formed, in scope (else 403), known
    to the warehouse; anything else changes nothing (PreventUpdate)."""
    code = raw.get("region") if isinstance(raw, dict) else None
    if not isinstance(code, str) or not is_region_code(code):
        raise PreventUpdate
    check_region(code)
    try:
        if known_region(current_runtime().warehouse, code) is None:
            raise PreventUpdate
    except (MissingSchema, WarehouseUnavailable):
        raise PreventUpdate from None
    return code


@callback(
    Output(SUMMARY, "children"),
    Output(NOTES, "children"),
    Output(CHILDREN, "children"),
    Output(CHILDREN_GRAPH, "figure"),
    Output(CHILDREN_GRAPH, "style"),
    Output(RISK_GRAPH, "figure"),
    Output(INCOME_GRAPH, "figure"),
    Output("poverty-threshold-note", "children"),
    Input(VIEW_STORE, "data"),
)
def show_summary(raw: object) -> tuple:
    """Tiles, the data-quality note, the children's table and chart, risk types and incomes."""
    code = _region(raw)
    lang = current_language()
    rt = current_runtime()
    settings = rt.config.poverty

    def render() -> tuple:
        view = region_overview(rt.warehouse, code, settings)
        if view is None:
            raise PreventUpdate
        notes = quality_note(view.quality, view.unplaced, lang)
        if not view.totals["total"]:
            notes.append(panel_message(t("poverty.no_households", lang), "info"))
        leaf = view.children.empty
        below = below_threshold(view.histogram, settings.threshold_yuan_per_person)
        threshold = (t("poverty.threshold_note", lang, value=format_number(settings.threshold_yuan_per_person, 0),
                       n=format_number(below, 0)) if below is not None else None)
        return (status_tiles(view.totals, view.at_risk_share_pct, lang), notes,
                panel_message(t("poverty.no_children", lang), "info") if leaf else children_table(view.children, lang),
                EMPTY_FIGURE if leaf else children_figure(view.children, lang),
                {"display": "none"} if leaf else {"height": f"{children_height(len(view.children))}px"},
                risk_figure(view.risk_types, lang), income_figure(view.histogram, settings.threshold_yuan_per_person,
                                                                   lang), threshold)

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (result,) + (dash.no_update,) * 7


def _statuses(choice: object) -> tuple[str, ...]:
    if not isinstance(choice, str) or choice not in LIST_CHOICES:
        raise PreventUpdate
    return LIST_CHOICES[choice]


@callback(Output(GRID, "rowData"), Output(LIST_NOTE, "children"), Input(VIEW_STORE, "data"), Input(STATUS, "value"))
def show_list(raw: object, choice: object) -> tuple:
    """The households of the chosen status, at risk first, lowest income first; masked unless the
    user may see personal data, and then audited."""
    code, statuses = _region(raw), _statuses(choice)
    lang = current_language()
    personal = user_may(PERSONAL_DATA)
    try:
        rows, total = household_list(current_runtime().warehouse, code, statuses, GRID_LIMIT, 0, personal)
    except (MissingSchema, WarehouseUnavailable) as exc:
        return [], failure_panel(exc, lang)
    if personal and rows:
        audit_personal_data_view(f"households region={code}",
                                 f"page: {len(rows)} households ({','.join(statuses)}): "
                                 + ",".join(str(r["household_code"]) for r in rows))
    note = (t("poverty.list_truncated", lang, shown=len(rows), n=total) if total > len(rows)
            else t("poverty.list_count", lang, n=total))
    return list_rows(rows, lang), note


@callback(Output(LOCATION, "href"), Input(CHILDREN_GRAPH, "clickData"), State(VIEW_STORE, "data"),
          prevent_initial_call=True)
def drill(click: object, raw: object) -> str:
    """A bar of the children's chart opens that child's page (the code must be a child's)."""
    code = _region(raw)
    points = click.get("points") if isinstance(click, dict) else None
    point = points[0] if isinstance(points, list) and points and isinstance(points[0], dict) else {}
    child = point.get("customdata")
    if not (isinstance(child, str) and is_region_code(child) and is_within(child, code) and child != code):
        raise PreventUpdate
    check_region(child)
    return f"/poverty/{child}"


@callback(Output(DOWNLOAD, "data"), Input({"type": "poverty-export", "fmt": ALL}, "n_clicks"),
          State(VIEW_STORE, "data"), State(STATUS, "value"), prevent_initial_call=True)
def export(_clicks: object, raw: object, choice: object) -> object:
    """The list as CSV (UTF-8 with BOM) or Excel, masked exactly as on screen; audited as an export,
    and as a view of personal data when unmasked."""
    try:
        trigger, clicked = ctx.triggered_id, ctx.triggered[0].get("value")
    except (AttributeError, IndexError, TypeError, ValueError):
        raise PreventUpdate from None
    fmt = trigger.get("fmt") if isinstance(trigger, dict) else None
    if fmt not in ("csv", "xlsx") or not clicked:
        raise PreventUpdate
    code, statuses = _region(raw), _statuses(choice)
    lang = current_language()
    rt = current_runtime()
    personal = user_may(PERSONAL_DATA)
    try:
        rows, _ = household_list(rt.warehouse, code, statuses, EXPORT_LIMIT, 0, personal)
        region = region_label(known_region(rt.warehouse, code), lang)  # type: ignore[arg-type]
    except (MissingSchema, WarehouseUnavailable):
        raise PreventUpdate from None
    name = export_filename([t("poverty.file.list", lang), region, t(f"poverty.status.{choice}", lang)], fmt)
    audit_export(name, f"poverty list {fmt} region={code} status={choice} rows={len(rows)} "
                       f"{'unmasked' if personal else 'masked'}")
    if personal and rows:
        audit_personal_data_view(f"households region={code}", f"export {name}: {len(rows)} households")
    table = export_table(rows, lang)
    if fmt == "xlsx":
        return dcc.send_bytes(xlsx_bytes(table, t("poverty.file.list", lang)), name)
    return dcc.send_bytes(csv_bytes(table), name)
