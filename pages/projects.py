"""Key projects `/projects?state=…`: the portfolio (states, investment against plan by category,
county and level, the red list, a map by state) and every project in a virtualised grid.

Search (as you type, in the browser), sort (any column header) and filter by county, category,
level, state and owner department (`?state=` preselects the state). Rows are read once per filter
change on the server within the user's region scope; the grid draws only the rows in view.
Exports (CSV, Excel) need the EXPORT permission; charts export as PNG (toolbar) or SVG.
"""
from __future__ import annotations

import logging
from typing import Any

import dash
from dash import ALL, MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from components.cards import project_state_tiles, skipped_note
from components.economy import export_filename, graph_config
from components.economy_export import csv_bytes, xlsx_bytes
from components.panels import failure_panel
from components.projects import category_label, filter_options, level_label, project_grid, project_rows
from components.projects_export import EXPORTS, FORMATS, investment_table, list_table
from components.projects_map import projects_map
from components.projects_portfolio import (
    chart,
    export_row,
    investment_figure,
    investment_summary,
    red_list_view,
    svg_button,
)
from core.contract import PROJECT_STATES
from core.errors import BoundaryFileError, MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from core.regions import is_region_code
from datasources.boundaries import region_boundaries
from datasources.regions import children
from services.lookups import region_names
from services.projects import GROUPS, Filters, filter_choices, load_projects, portfolio, select_projects
from web.access import check_region, home_region, user_scope
from web.audit import audit_export
from web.runtime import current_runtime

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/projects", nav_key="nav.projects", nav_order=30)

# Component IDs, prefixed by page and defined once.
FILTER, TILES, QUALITY, INVEST, RED, RED_TITLE = ("projects-filter", "projects-tiles", "projects-quality",
                                                  "projects-invest", "projects-red-list", "projects-red-title")
MAP, MAP_BOX, MAP_NOTE = "projects-map", "projects-map-box", "projects-map-note"
NAV, DOWNLOAD = "projects-nav", "projects-download"
GRID, NOTE, TITLE = "projects-grid", "projects-note", "projects-title"
SEARCH, COUNTY, CATEGORY, LEVEL, STATE, DEPT = ("projects-search", "projects-county", "projects-category",
                                                "projects-level", "projects-state", "projects-dept")
EXPORT_ID = "projects-export"
MAX_TEXT = 200  # longest filter value accepted from the browser


def _box(name: str) -> str:
    return f"projects-chart-{name}"


def _graph(name: str) -> dict[str, str]:
    return {"type": "projects-graph", "chart": name}


def _projects() -> Any:
    rt = current_runtime()
    return load_projects(rt.warehouse, user_scope(), rt.today(), rt.config.lagging_pts,
                         rt.config.seriously_lagging_pts)


def _counties(lang: str) -> dict[str, str]:
    rt = current_runtime()
    try:
        kids = children(rt.warehouse, home_region())
    except (MissingSchema, WarehouseUnavailable):
        return {}
    names = region_names(rt.warehouse, lang)
    return {str(c): names.get(str(c), str(c)) for c in kids["region_code"]}


def _choices() -> dict[str, list[str]]:
    try:
        return filter_choices(_projects())
    except (MissingSchema, WarehouseUnavailable):
        return {"category": [], "level": [], "dept": [], "state": list(PROJECT_STATES)}


def _title(state: str | None, lang: str) -> str:
    return t("projects.list_title", lang, state=t(f"project.state.{state}", lang) if state else t("projects.all", lang))


def _labels(lang: str) -> dict[str, Any]:
    names = region_names(current_runtime().warehouse, lang)
    return {"category": lambda k: category_label(k, lang), "level": lambda k: level_label(k, lang) or k,
            "county": lambda k: names.get(k, k)}


def layout(state: str | None = None, **_query: str) -> html.Div:
    """Portfolio and list; `state` (one of the contract's states) preselects the state filter."""
    lang = current_language()
    chosen = state if state in PROJECT_STATES else None
    all_label = t("projects.all", lang)
    choices = _choices()
    rows, count = _first_rows(chosen, lang)

    def select(id_: str, label: str, options: dict[str, str], value: str | None = None) -> html.Label:
        return html.Label([html.Span(label, className="filter-label"),
                           dcc.Dropdown(id=id_, options=filter_options(options), value=value, clearable=True,
                                        placeholder=all_label, searchable=len(options) > 8, className="filter-select")],
                          className="filter")

    def head(title: Any, *extra: Any, title_id: str | None = None) -> html.Div:
        heading = html.H2(title, className="panel-title", **({"id": title_id} if title_id else {}))
        return html.Div([heading, *extra], className="economy-panel-head")

    invest_charts = [html.Div([html.Div([html.H3(t(f"projects.by.{g}", lang), className="economy-sub"),
                                         svg_button(g, lang)], className="economy-panel-head"),
                               html.Div(id=_box(g), className="projects-chart-box")],
                              className="projects-invest-chart") for g in GROUPS]
    return html.Div([
        dcc.Store(id=FILTER, data={"state": chosen}), dcc.Store(id=NAV), dcc.Download(id=DOWNLOAD),
        html.Div([
            html.Section([head(t("projects.portfolio", lang)), html.Div(id=TILES, className="tile-row"),
                          html.Div(id=QUALITY, role="status")], className="panel projects-states"),
            html.Section([head(t("projects.investment_head", lang)), html.Div(id=INVEST)],
                         className="panel projects-invest-total"),
        ], className="projects-top"),
        html.Div([
            html.Section([head(t("projects.red_title", lang, n="…"), export_row(EXPORT_ID, "red", lang),
                               title_id=RED_TITLE),
                          html.Div(id=RED, className="projects-red")], className="panel projects-red-panel"),
            html.Section([head(t("projects.map_title", lang)),
                          html.Div(id=MAP_BOX, className="projects-map-box"),
                          html.Div(id=MAP_NOTE, className="muted small")], className="panel projects-map-panel"),
        ], className="projects-row2"),
        html.Section([head(t("projects.investment_title", lang), export_row(EXPORT_ID, "investment", lang)),
                      html.Div(invest_charts, className="projects-invest-row")], className="panel"),
        html.Section([
            head(_title(chosen, lang), export_row(EXPORT_ID, "list", lang), title_id=TITLE),
            html.Div(t("projects.bad_filter", lang, state=state) if state and not chosen else None,
                     className="panel-message" if state and not chosen else None),
            html.Div([
                html.Label([html.Span(t("projects.search", lang), className="filter-label"),
                            dcc.Input(id=SEARCH, type="search", value="", debounce=False,
                                      placeholder=t("projects.search_hint", lang), className="filter-input")],
                           className="filter"),
                select(COUNTY, t("projects.col.county", lang), _counties(lang)),
                select(CATEGORY, t("projects.col.category", lang),
                       {c: category_label(c, lang) for c in choices["category"]}),
                select(LEVEL, t("projects.col.level", lang), {v: level_label(v, lang) for v in choices["level"]}),
                select(STATE, t("projects.col.state", lang),
                       {s: t(f"project.state.{s}", lang) for s in PROJECT_STATES}, chosen),
                select(DEPT, t("projects.col.dept", lang), {d: d for d in choices["dept"]}),
            ], className="filters projects-filters"),
            html.Div(count, id=NOTE, className="muted", role="status"),
            project_grid(GRID, lang, rows),
        ], className="panel"),
    ], className="projects-page")


@callback(Output(TILES, "children"), Output(QUALITY, "children"), Output(INVEST, "children"),
          Output(RED, "children"), Output(RED_TITLE, "children"), Output(MAP_BOX, "children"),
          Output(MAP_NOTE, "children"), *[Output(_box(g), "children") for g in GROUPS],
          Input(FILTER, "data"))
def show_portfolio(_selection: object) -> tuple[Any, ...]:
    """States, investment against plan, the red list, the map and the charts, within the user's scope.

    The map and charts are created here, not in the layout: plotly.js then loads after the list's
    rows are drawn (it is the page's largest script), not while the grid draws them."""
    lang = current_language()
    rt = current_runtime()
    try:
        projects = _projects()
        folio = portfolio(projects, rt.today())
        names = region_names(rt.warehouse, lang)
        labels = _labels(lang)
        borders = _borders(rt)
    except (MissingSchema, WarehouseUnavailable) as exc:
        return (failure_panel(exc, lang), None, None, None, t("projects.red_title", lang, n=0), None, None,
                *[None for _ in GROUPS])
    unplaced = int(projects[["lon", "lat"]].isna().any(axis=1).sum())
    return (project_state_tiles(folio.counts, lang), skipped_note(folio.skipped, lang),
            investment_summary(folio.investment, lang), red_list_view(folio.red_list, names, lang),
            t("projects.red_title", lang, n=len(folio.red_list)),
            dcc.Graph(id=MAP, figure=projects_map(projects, names, borders, lang, rt.config.tile_url),
                      className="projects-map", config=graph_config(export_filename([t("projects.map_title", lang)]))
                      | {"scrollZoom": True}),
            t("projects.map_no_position", lang, n=unplaced) if unplaced else None,
            *[chart(_graph(g), investment_figure(folio.groups[g], labels[g], lang), graph_config(
                export_filename([t("projects.file.investment", lang), t(f"projects.by.{g}", lang)])),
                {"height": "420px"}) for g in GROUPS])


def _borders(rt: Any) -> dict[str, Any] | None:
    """The county borders under the map; None when there are none (the markers still show)."""
    try:
        return region_boundaries(rt.warehouse, rt.config.boundaries_file, home_region())
    except (BoundaryFileError, MissingSchema, WarehouseUnavailable) as exc:
        log.warning("no county borders for the projects map: %s", exc)
        return None


def _filters(county: object, category: object, level: object, state: object, dept: object) -> Filters:
    """The filters as sent by the browser, checked: each one a value its dropdown offers (else
    PreventUpdate: nothing changes); a county outside the user's scope answers 403."""
    choices = _choices()

    def offered(value: object, allowed: list[str]) -> bool:
        return value is None or (isinstance(value, str) and len(value) <= MAX_TEXT and value in allowed)
    if not ((county is None or is_region_code(county)) and offered(category, choices["category"])
            and offered(level, choices["level"]) and offered(state, choices["state"])
            and offered(dept, choices["dept"])):
        raise PreventUpdate
    if county:
        check_region(county)  # type: ignore[arg-type]
        if county not in _counties(current_language()):
            raise PreventUpdate
    return Filters(county=county, category=category, level=level, state=state, dept=dept)  # type: ignore[arg-type]


def _first_rows(state: str | None, lang: str) -> tuple[list[dict[str, Any]], Any]:
    """The grid's rows for the page's first view (every project, or those in `state`) and their count."""
    try:
        shown = select_projects(_projects(), Filters(state=state))
    except (MissingSchema, WarehouseUnavailable) as exc:
        return [], failure_panel(exc, lang)
    rows = project_rows(shown, region_names(current_runtime().warehouse, lang), lang)
    return rows, t("projects.count", lang, n=len(rows))


@callback(Output(GRID, "rowData"), Output(NOTE, "children"), Output(TITLE, "children"),
          Input(COUNTY, "value"), Input(CATEGORY, "value"), Input(LEVEL, "value"), Input(STATE, "value"),
          Input(DEPT, "value"), prevent_initial_call=True)
def show_projects(county: object, category: object, level: object, state: object,
                  dept: object) -> tuple[object, object, str]:
    """The grid's rows for the chosen filters (None: all)."""
    filters = _filters(county, category, level, state, dept)
    lang = current_language()
    try:
        shown = select_projects(_projects(), filters)
    except (MissingSchema, WarehouseUnavailable) as exc:
        return [], failure_panel(exc, lang), _title(filters.state, lang)
    rows = project_rows(shown, region_names(current_runtime().warehouse, lang), lang)
    return rows, t("projects.count", lang, n=len(rows)), _title(filters.state, lang)


@callback(Output(DOWNLOAD, "data"),
          Input({"type": EXPORT_ID, "what": ALL, "fmt": ALL}, "n_clicks"),
          State(COUNTY, "value"), State(CATEGORY, "value"), State(LEVEL, "value"), State(STATE, "value"),
          State(DEPT, "value"), prevent_initial_call=True)
def export(_clicks: object, county: object, category: object, level: object, state: object,
           dept: object) -> object:
    """The list (as filtered), the red list or the investment table as CSV (UTF-8 with BOM) or Excel."""
    try:
        button = ctx.triggered_id
    except (AttributeError, TypeError, ValueError):
        button = None
    if not (isinstance(button, dict) and button.get("what") in EXPORTS and button.get("fmt") in FORMATS
            and ctx.triggered and ctx.triggered[0].get("value")):
        raise PreventUpdate
    what, fmt = button["what"], button["fmt"]
    filters = _filters(county, category, level, state, dept)
    lang = current_language()
    rt = current_runtime()
    try:
        projects = _projects()
        names = region_names(rt.warehouse, lang)
        if what == "investment":
            table = investment_table(portfolio(projects, rt.today()).groups, _labels(lang), lang)
        elif what == "red":
            table = list_table(portfolio(projects, rt.today()).red_list, names, lang)
        else:
            table = list_table(select_projects(projects, filters), names, lang)
    except (MissingSchema, WarehouseUnavailable):
        raise PreventUpdate from None
    region = names.get(home_region(), home_region())
    name = export_filename([t("projects.title", lang), t(f"projects.file.{what}", lang), region,
                            rt.today().isoformat()], fmt)
    audit_export(name, f"projects {what} {fmt} scope={user_scope()} filters={filters}")
    if fmt == "xlsx":
        return dcc.send_bytes(xlsx_bytes(table, t(f"projects.file.{what}", lang)), name)
    return dcc.send_bytes(csv_bytes(table), name)


# Search: the grid's quick filter, in the browser (no request per keystroke).
clientside_callback(ClientsideFunction("projects", "quickFilter"), Output(GRID, "dashGridOptions"),
                    Input(SEARCH, "value"), State(GRID, "dashGridOptions"))
# A click on a project's marker opens its page.
clientside_callback(ClientsideFunction("projects", "openFromMap"), Output(NAV, "data"), Input(MAP, "clickData"))
# SVG of any projects chart (this page's and the project page's), as a print copy (assets/economy.js).
clientside_callback(ClientsideFunction("projects", "downloadSvg"),
                    Output({"type": "projects-svg", "chart": MATCH}, "className"),
                    Input({"type": "projects-svg", "chart": MATCH}, "n_clicks"),
                    State({"type": "projects-graph", "chart": MATCH}, "id"),
                    State({"type": "projects-graph", "chart": MATCH}, "config"), prevent_initial_call=True)
