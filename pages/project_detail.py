"""One key project `/projects/<project_code>`: its facts (county, department, schedule, investment),
planned and actual progress curves, the investment curve, milestones on a timeline (planned
against actual dates, late ones marked), the latest note, and exports of the curves and milestones.

An unknown or malformed code gives a calm "not found" panel; a project outside the user's region
scope, the no-access panel.
"""
from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from components.cards import panel_message, skipped_note
from components.economy import export_filename, graph_config
from components.economy_export import csv_bytes, xlsx_bytes
from components.panels import failure_panel
from components.projects_detail import (
    investment_curve,
    milestone_figure,
    milestone_rows,
    note_view,
    progress_figure,
    project_facts,
)
from components.projects_export import DETAIL_EXPORTS, FORMATS, curves_table, milestones_table
from components.projects_portfolio import chart, export_row, svg_button
from core.errors import MissingSchema, OutOfScope, WarehouseUnavailable
from core.i18n import current_language, t
from core.projects import UnknownProject, is_project_code
from services.lookups import region_names
from services.projects import ProjectDetail, project_detail
from web.access import Forbidden, no_access_panel, user_scope
from web.audit import audit_export
from web.runtime import current_runtime

dash.register_page(__name__, path_template="/projects/<project_code>", title=lambda **_: t("projects.title"))

CODE, BODY, DOWNLOAD, EXPORT_ID = ("project-detail-code", "project-detail-body", "project-detail-download",
                                   "project-detail-export")


def layout(project_code: str | None = None, **_query: str) -> html.Div:
    """A back link and the project's body (filled by `show_detail`)."""
    lang = current_language()
    return html.Div([
        dcc.Link(t("project.back", lang), href="/projects", className="app-button alerts-back"),
        dcc.Store(id=CODE, data=project_code), dcc.Download(id=DOWNLOAD),
        html.Div(id=BODY, className="project-detail-body"),
    ], className="project-detail-page")


def _detail(code: str) -> ProjectDetail:
    rt = current_runtime()
    return project_detail(rt.warehouse, code, user_scope(), rt.today(), rt.config.lagging_pts,
                          rt.config.seriously_lagging_pts)


def _panel(title: str, chart_name: str | None, body: Any, lang: str, *extra: Any) -> html.Section:
    actions = html.Div([*extra, *([svg_button(chart_name, lang)] if chart_name else [])],
                       className="economy-export-row")
    head = [html.H2(title, className="panel-title"), actions]
    return html.Section([html.Div(head, className="economy-panel-head"), body], className="panel project-panel")


def _graph(name: str, figure: dict[str, Any], filename: str) -> Any:
    return chart({"type": "projects-graph", "chart": name}, figure, graph_config(filename))


def _body(detail: ProjectDetail, lang: str) -> list[Any]:
    rt = current_runtime()
    project = detail.project
    names = region_names(rt.warehouse, lang)
    region = str(project.get("region_code"))
    county = " · ".join(dict.fromkeys(n for n in (names.get(region[:6]), names.get(region)) if n)) or region
    stem = [str(project.get("name")), str(project.get("project_code"))]
    history = detail.history
    def curve(name: str, title_key: str, figure: dict[str, Any]) -> html.Div:
        return html.Div([html.Div([html.H3(t(title_key, lang), className="economy-sub"), svg_button(name, lang)],
                                  className="economy-panel-head"),
                         _graph(name, figure, export_filename([*stem, t(title_key, lang)]))])
    curves = (panel_message(t("project.no_history", lang), "info") if history.empty else
              html.Div([curve("progress", "project.progress_chart", progress_figure(history, lang)),
                        curve("investment", "project.investment_chart", investment_curve(history, lang))],
                       className="project-curves"))
    if detail.milestones_missing:
        milestones: Any = panel_message(t("project.milestones_missing", lang, name=detail.milestones_missing), "info")
    elif detail.milestones.empty:
        milestones = panel_message(t("project.no_milestones", lang), "info")
    else:
        milestones = html.Div([_graph("milestones", milestone_figure(detail.milestones, rt.today(), lang),
                                      export_filename([*stem, t("project.milestones_chart", lang)])),
                               milestone_rows(detail.milestones, lang)])
    quality = {"history_out_of_range": detail.skipped.get("out_of_range", 0),
               "bad_dates": detail.skipped.get("bad_dates", 0)}
    return [
        html.Section([project_facts(project, county, lang), note_view(detail.note, detail.note_period, lang),
                      html.Div(skipped_note(quality, lang), id="project-detail-quality")],
                     className="panel project-summary"),
        _panel(t("project.curves_title", lang), None, curves, lang, export_row(EXPORT_ID, "curves", lang)),
        _panel(t("project.milestones_chart", lang), "milestones" if not detail.milestones.empty else None,
               milestones, lang, export_row(EXPORT_ID, "milestones", lang)),
    ]


@callback(Output(BODY, "children"), Input(CODE, "data"))
def show_detail(code: object) -> Any:
    """The project's page body; a calm panel for an unknown code or one outside the user's scope."""
    lang = current_language()
    if not is_project_code(code):
        shown = code[:64] if isinstance(code, str) else ""
        return panel_message(t("project.bad_code", lang, code=shown), "info")
    try:
        return _body(_detail(code), lang)  # type: ignore[arg-type]
    except UnknownProject:
        return html.Div(panel_message(t("project.not_found", lang, code=code), "info"), id="project-not-found")
    except OutOfScope as exc:
        return no_access_panel(t("access.region_denied", lang, region=exc.region))
    except (MissingSchema, WarehouseUnavailable) as exc:
        return failure_panel(exc, lang)


@callback(Output(DOWNLOAD, "data"), Input({"type": EXPORT_ID, "what": ALL, "fmt": ALL}, "n_clicks"),
          State(CODE, "data"), prevent_initial_call=True)
def export(_clicks: object, code: object) -> object:
    """The project's curves (reports by period) or milestones as CSV (UTF-8 with BOM) or Excel."""
    try:
        button = ctx.triggered_id
    except (AttributeError, TypeError, ValueError):
        button = None
    if not (isinstance(button, dict) and button.get("what") in DETAIL_EXPORTS and button.get("fmt") in FORMATS
            and ctx.triggered and ctx.triggered[0].get("value") and is_project_code(code)):
        raise PreventUpdate
    what, fmt = button["what"], button["fmt"]
    lang = current_language()
    try:
        detail = _detail(code)  # type: ignore[arg-type]
    except (UnknownProject, MissingSchema, WarehouseUnavailable):
        raise PreventUpdate from None
    except OutOfScope as exc:
        raise Forbidden(t("access.region_denied", lang, region=exc.region)) from None
    table = curves_table(detail.history, lang) if what == "curves" else milestones_table(detail.milestones, lang)
    name = export_filename([str(detail.project.get("name")), str(code), t(f"projects.file.{what}", lang)], fmt)
    audit_export(name, f"project {code} {what} {fmt}")
    if fmt == "xlsx":
        return dcc.send_bytes(xlsx_bytes(table, t(f"projects.file.{what}", lang)), name)
    return dcc.send_bytes(csv_bytes(table), name)
