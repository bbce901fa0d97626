"""Key projects `/projects?state=…`: every project's progress against plan, filtered by state."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from components.cards import project_state_tiles, skipped_note
from components.panels import guarded
from components.projects import project_table
from core.contract import PROJECT_STATES
from core.i18n import current_language, t
from datasources.projects import count_by_state, project_status
from datasources.regions import regions
from web.access import user_scope
from web.runtime import current_runtime

dash.register_page(__name__, path="/projects", nav_key="nav.projects", nav_order=30)

# Component IDs, prefixed by page and defined once.
FILTER, TILES, TABLE = "projects-filter", "projects-tiles", "projects-table"


def layout(state: str | None = None, **_query: str) -> html.Div:
    """Project list; `state` (one of the contract's states) filters it."""
    lang = current_language()
    chosen = state if state in PROJECT_STATES else None
    return html.Div([
        dcc.Store(id=FILTER, data={"state": chosen}),
        html.Section([
            html.H2(t("overview.projects", lang), className="panel-title"),
            html.Div(id=TILES, className="tile-row"),
        ], className="panel"),
        html.Section([
            html.H2(t("projects.list_title", lang, state=t(f"project.state.{chosen}", lang) if chosen
                      else t("projects.all", lang)), className="panel-title"),
            html.Div(t("projects.bad_filter", lang, state=state) if state and not chosen else None,
                     className="panel-message" if state and not chosen else None),
            html.Div(id=TABLE, className="table-scroll"),
        ], className="panel"),
    ])


@callback(Output(TILES, "children"), Output(TABLE, "children"),
          Input(FILTER, "data"))
def show_projects(selection: object) -> tuple[object, object]:
    """State tiles and the (filtered) project table."""
    state = selection.get("state") if isinstance(selection, dict) else None
    if state is not None and state not in PROJECT_STATES:
        raise PreventUpdate  # a filter the page never stores: refused before any query
    lang = current_language()
    rt = current_runtime()

    def frame():
        return project_status(rt.warehouse, user_scope(), rt.today().isoformat(),
                              rt.config.lagging_pts, rt.config.seriously_lagging_pts)

    def tiles() -> list:
        projects = frame()
        note = skipped_note(projects.attrs.get("skipped", {}), lang)
        return project_state_tiles(count_by_state(projects), lang) + ([note] if note else [])

    def table() -> object:
        projects = frame()
        if state:
            projects = projects[projects["state"] == state]
        known = regions(rt.warehouse)
        names = dict(zip(known["region_code"], known["name"]))
        return project_table(projects, names, lang)

    return guarded(tiles, lang), guarded(table, lang)
