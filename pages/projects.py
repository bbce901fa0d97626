"""Key projects `/projects?state=…`: every project's progress against plan in a virtualised grid.

Search (as you type, in the browser), sort (any column header) and filter by county, category
and state (`?state=` preselects the state). Rows are read once per filter change on the server
within the user's region scope; the grid draws only the rows in view.
"""
from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from components.cards import project_state_tiles, skipped_note
from components.panels import guarded
from components.projects import PROJECT_CATEGORIES, category_label, filter_options, project_grid, project_rows
from core.contract import PROJECT_STATES
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from core.regions import code_prefix, is_region_code
from datasources.projects import count_by_state, project_status
from datasources.regions import children
from services.lookups import region_names
from web.access import check_region, home_region, user_scope
from web.runtime import current_runtime

dash.register_page(__name__, path="/projects", nav_key="nav.projects", nav_order=30)

# Component IDs, prefixed by page and defined once.
FILTER, TILES, TITLE = "projects-filter", "projects-tiles", "projects-title"
GRID, NOTE = "projects-grid", "projects-note"
SEARCH, COUNTY, CATEGORY, STATE = "projects-search", "projects-county", "projects-category", "projects-state"


def _counties(lang: str) -> dict[str, str]:
    rt = current_runtime()
    try:
        kids = children(rt.warehouse, home_region())
    except (MissingSchema, WarehouseUnavailable):
        return {}
    names = region_names(rt.warehouse, lang)
    return {str(c): names.get(str(c), str(c)) for c in kids["region_code"]}


def _title(state: str | None, lang: str) -> str:
    return t("projects.list_title", lang, state=t(f"project.state.{state}", lang) if state else t("projects.all", lang))


def layout(state: str | None = None, **_query: str) -> html.Div:
    """Project list; `state` (one of the contract's states) preselects the state filter."""
    lang = current_language()
    chosen = state if state in PROJECT_STATES else None
    all_label = t("projects.all", lang)

    def select(id_: str, label: str, options: dict[str, str], value: str | None = None) -> html.Label:
        return html.Label([html.Span(label, className="filter-label"),
                           dcc.Dropdown(id=id_, options=filter_options(options), value=value, clearable=True,
                                        placeholder=all_label, searchable=False, className="filter-select")],
                          className="filter")

    return html.Div([
        dcc.Store(id=FILTER, data={"state": chosen}),
        html.Section([
            html.H2(t("overview.projects", lang), className="panel-title"),
            html.Div(id=TILES, className="tile-row"),
        ], className="panel"),
        html.Section([
            html.H2(_title(chosen, lang), id=TITLE, className="panel-title"),
            html.Div(t("projects.bad_filter", lang, state=state) if state and not chosen else None,
                     className="panel-message" if state and not chosen else None),
            html.Div([
                html.Label([html.Span(t("projects.search", lang), className="filter-label"),
                            dcc.Input(id=SEARCH, type="search", value="", debounce=False,
                                      placeholder=t("projects.search_hint", lang), className="filter-input")],
                           className="filter"),
                select(COUNTY, t("projects.col.county", lang), _counties(lang)),
                select(CATEGORY, t("projects.col.category", lang),
                       {c: category_label(c, lang) for c in PROJECT_CATEGORIES}),
                select(STATE, t("projects.col.state", lang),
                       {s: t(f"project.state.{s}", lang) for s in PROJECT_STATES}, chosen),
            ], className="filters projects-filters"),
            html.Div(id=NOTE, className="muted", role="status"),
            project_grid(GRID, lang),
        ], className="panel"),
    ])


@callback(Output(TILES, "children"), Input(FILTER, "data"))
def show_tiles(_selection: object) -> object:
    """Projects per state within the user's scope."""
    lang = current_language()
    rt = current_runtime()

    def tiles() -> list:
        projects = project_status(rt.warehouse, user_scope(), rt.today().isoformat(),
                                  rt.config.lagging_pts, rt.config.seriously_lagging_pts)
        note = skipped_note(projects.attrs.get("skipped", {}), lang)
        return project_state_tiles(count_by_state(projects), lang) + ([note] if note else [])

    return guarded(tiles, lang)


@callback(Output(GRID, "rowData"), Output(NOTE, "children"), Output(TITLE, "children"),
          Input(COUNTY, "value"), Input(CATEGORY, "value"), Input(STATE, "value"))
def show_projects(county: object, category: object, state: object) -> tuple[object, object, str]:
    """The grid's rows for the chosen county, category and state (None: all)."""
    if not ((county is None or (isinstance(county, str) and is_region_code(county)))
            and category in (None, *PROJECT_CATEGORIES) and state in (None, *PROJECT_STATES)):
        raise PreventUpdate  # a value no dropdown offers: refused before any query
    if county:
        check_region(county)  # another region than the user's: 403
    lang = current_language()
    rt = current_runtime()
    rows: list = []

    def note() -> object:
        projects = project_status(rt.warehouse, user_scope(), rt.today().isoformat(),
                                  rt.config.lagging_pts, rt.config.seriously_lagging_pts)
        keep = projects["region_code"].astype(str).str.startswith(code_prefix(county)) if county else True
        if category:
            keep = keep & (projects["category"] == category)
        if state:
            keep = keep & (projects["state"] == state)
        shown = projects if keep is True else projects[keep]
        rows.extend(project_rows(shown, region_names(rt.warehouse, lang), lang))
        return t("projects.count", lang, n=len(rows))

    message = guarded(note, lang)
    return rows, message, _title(state, lang)  # type: ignore[arg-type]


# Search: the grid's quick filter, in the browser (no request per keystroke).
clientside_callback(ClientsideFunction("projects", "quickFilter"), Output(GRID, "dashGridOptions"),
                    Input(SEARCH, "value"), State(GRID, "dashGridOptions"))
