"""The key-projects portfolio as pure functions: investment against plan (a summary and charts by
category, county and level) and the red list of seriously lagging and overdue projects."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from dash import dcc, html

from components.formatting import format_number, format_pct
from components.projects import STATE_COLOURS, state_code, state_label, text_or_blank
from core.i18n import t
from core.values import number_or_none

FONT = "PingFang SC, Microsoft YaHei, WenQuanYi Zen Hei, Noto Sans CJK SC, sans-serif"
MUTED = "#8fa8cc"
GRID = "rgba(143,168,204,0.15)"
PLANNED, ACTUAL = "rgba(143,168,204,0.55)", "#36a9ff"
RED_LIST_SHOWN = 20  # a leader reads the worst first; the whole list is one filter or one export away


def investment_summary(investment: Mapping[str, Any], lang: str) -> html.Div:
    """Investment completed to date against the plan to date, for every reported project."""
    actual = number_or_none(investment.get("actual_investment_cum"))
    planned = number_or_none(investment.get("planned_investment_cum"))
    return html.Div([
        html.Div([html.Span(format_number(actual, 0), className="projects-kpi-number", id="projects-invest-actual"),
                  html.Span(" " + t("projects.investment_unit", lang), className="projects-kpi-unit")]),
        html.Div(t("projects.investment_plan", lang, planned=format_number(planned, 0)), className="projects-kpi-note"),
        html.Div(t("projects.investment_rate", lang, pct=format_pct(investment.get("pct"))),
                 className="projects-kpi-rate", id="projects-invest-pct"),
        html.Div(t("projects.investment_note", lang, n=int(investment.get("projects") or 0)), className="muted small"),
    ], className="projects-kpi")


def investment_figure(groups: pd.DataFrame, label: Callable[[str], str], lang: str) -> dict[str, Any]:
    """Planned and completed investment to date per group (horizontal bars), the rate at the bar's end."""
    ordered = groups.sort_values("planned_investment_cum", ascending=True, na_position="first")
    names = [label(str(k)) for k in ordered["key"]]
    planned = [number_or_none(v) for v in ordered["planned_investment_cum"]]
    actual = [number_or_none(v) for v in ordered["actual_investment_cum"]]
    rates = [format_pct(v) for v in ordered["pct"]]
    unit = t("projects.investment_unit", lang)
    hover = "%{y}<br>%{x:,.0f} " + unit + "<extra>%{fullData.name}</extra>"
    data = [{"type": "bar", "orientation": "h", "y": names, "x": planned, "name": t("projects.planned_series", lang),
             "marker": {"color": PLANNED}, "hovertemplate": hover},
            {"type": "bar", "orientation": "h", "y": names, "x": actual, "name": t("projects.actual_series", lang),
             "marker": {"color": ACTUAL}, "text": rates, "textposition": "outside", "cliponaxis": False,
             "textfont": {"color": MUTED, "size": 12}, "hovertemplate": hover}]
    return {"data": data, "layout": {
        "barmode": "group", "bargap": 0.3, "uniformtext": {"minsize": 11, "mode": "show"},
        "margin": {"l": 96, "r": 56, "t": 30, "b": 36},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "color": MUTED, "size": 13}, "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        "xaxis": {"gridcolor": GRID, "title": {"text": unit}, "rangemode": "tozero", "automargin": True,
                  "tickformat": ",.0f", "nticks": 6},
        "yaxis": {"automargin": True, "type": "category"}}}


def _red_item(row: Mapping[str, Any], county: str, lang: str) -> html.Li:
    code = str(row["project_code"])
    days = int(row.get("days_overdue") or 0)
    facts = [t("projects.red_lag", lang, lag=format_number(row.get("lag_pts"), 1)),
             t("projects.progress", lang, actual=format_pct(row.get("actual_progress_pct")),
               planned=format_pct(row.get("planned_progress_pct")))]
    if days:
        facts.append(t("projects.red_overdue_days", lang, n=days))
    return html.Li([
        html.Span(state_label(row.get("state"), lang), className=f"state-badge state-{state_code(row.get('state'))}"),
        html.A(str(row["name"]), href=f"/projects/{code}", className="projects-red-name"),
        html.Span(" · ".join(p for p in (county, text_or_blank(row.get("owner_dept"))) if p), className="muted"),
        html.Span(" · ".join(facts), className="projects-red-facts"),
    ], className="projects-red-item")


def red_list_view(red: pd.DataFrame, region_names: Mapping[str, str], lang: str,
                  shown: int = RED_LIST_SHOWN) -> html.Div:
    """The red list, worst first, its first `shown` projects (each a link to its page); the rest
    are counted, and are in the list below (filter by state) and in the red list's export."""
    if red.empty:
        return html.Div(t("projects.red_empty", lang), className="panel-message panel-info", role="status")
    items = [_red_item(row, region_names.get(str(row["region_code"]), str(row["region_code"])), lang)
             for row in red.head(shown).to_dict("records")]
    more = len(red) - shown
    return html.Div([html.Ol(items, className="projects-red-list"),
                     html.Div(t("projects.red_more", lang, n=more), className="projects-red-more") if more > 0
                     else None,
                     html.Div(t("projects.red_order", lang), className="muted small")])


def state_colour(state: object) -> str:
    """The colour of a project state (invalid progress in grey)."""
    return STATE_COLOURS[state_code(state)]


def chart(graph_id: dict[str, str], figure: dict[str, Any], config: dict[str, Any],
          style: dict[str, str] | None = None) -> dcc.Graph:
    """A chart with the print toolbar (the economy page's: PNG with a title, no cloud actions); the
    toolbar config makes it fill its box, so `style` sets the box's height."""
    height = figure.get("layout", {}).get("height")
    box = style or ({"height": f"{height}px"} if height else {})
    return dcc.Graph(id=graph_id, figure=figure, config=config, className="economy-graph projects-graph", style=box)


def export_row(id_type: str, what: str, lang: str) -> html.Div:
    """CSV and Excel buttons for the data `what` (ids `{"type": id_type, "what", "fmt"}`)."""
    return html.Div([html.Button(t(f"projects.export_{fmt}", lang), className="app-button economy-export",
                                 id={"type": id_type, "what": what, "fmt": fmt}, title=t("projects.export_hint", lang))
                     for fmt in ("csv", "xlsx")], className="economy-export-row")


def svg_button(chart: str, lang: str) -> html.Button:
    """The SVG button of the chart `{"type": "projects-graph", "chart": chart}` (a print copy, drawn in the browser)."""
    return html.Button("SVG", className="app-button economy-export", id={"type": "projects-svg", "chart": chart},
                       title=t("economy.export_svg_hint", lang))
