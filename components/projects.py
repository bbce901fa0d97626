"""Key-project views: the project table as a pure function of the project frame."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from dash import html

from components.formatting import format_number, format_pct
from core.i18n import t
from core.values import is_missing


def _pct_bar(actual: float | None, planned: float | None) -> html.Div:
    width = 0.0 if is_missing(actual) else max(0.0, min(float(actual), 100.0))  # type: ignore[arg-type]
    marker = None if is_missing(planned) else max(0.0, min(float(planned), 100.0))  # type: ignore[arg-type]
    parts = [html.Div(className="kpi-bar-fill", style={"width": f"{width:.1f}%"})]
    if marker is not None:
        parts.append(html.Div(className="kpi-bar-time", style={"left": f"{marker:.1f}%"}))
    return html.Div(parts, className="kpi-bar project-bar")


def project_table(projects: pd.DataFrame, region_names: Mapping[str, str], lang: str) -> html.Table:
    """Projects, most lagging first: progress against plan, investment, state."""
    ordered = projects.sort_values("lag_pts", ascending=False, na_position="last")
    header = html.Tr([html.Th(t(f"projects.col.{c}", lang)) for c in (
        "name", "county", "category", "progress", "lag", "investment", "planned_end", "state")])
    rows = []
    for row in ordered.to_dict("records"):
        state = row["state"] if isinstance(row["state"], str) else None
        invested = row.get("actual_investment_cum")
        total = row.get("total_investment")
        share = None if is_missing(invested) or is_missing(total) or not total else invested / total * 100
        rows.append(html.Tr([
            html.Td(row["name"], className="project-name"),
            html.Td(region_names.get(str(row["region_code"]), str(row["region_code"]))),
            html.Td(t(f"project.category.{row['category']}", lang)),
            html.Td([_pct_bar(row.get("actual_progress_pct"), row.get("planned_progress_pct")),
                     html.Span(t("projects.progress", lang, actual=format_pct(row.get("actual_progress_pct")),
                                 planned=format_pct(row.get("planned_progress_pct"))), className="muted")]),
            html.Td(format_number(row.get("lag_pts"), 1), className="num"),
            html.Td(t("projects.investment", lang, done=format_number(invested, 0),
                      share=format_pct(share)), className="num"),
            html.Td(str(row["planned_end_date"])),
            html.Td(t(f"project.state.{state}", lang) if state else t("projects.state_invalid", lang),
                    className=f"state-badge state-{state or 'invalid'}"),
        ], id={"type": "projects-row", "code": str(row["project_code"])}))
    return html.Table([html.Thead(header), html.Tbody(rows)], className="data-table")
