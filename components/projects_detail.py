"""One key project's page as pure functions: its facts, progress and investment curves, milestones
on a timeline (planned against actual dates, late ones marked) and the latest note."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from dash import html

from components.formatting import MISSING, format_number, format_pct
from components.projects import STATE_COLOURS, category_label, level_label, state_code, state_label, text_or_blank
from components.projects_portfolio import FONT, GRID, MUTED
from core.i18n import t
from core.values import number_or_none

PLANNED, ACTUAL, LATE, DONE, OPEN = "#8fa8cc", "#36a9ff", "#f05252", "#22b07d", "#8fa8cc"
MILESTONE_COLOURS = {"done": DONE, "done_late": "#f0883e", "late": LATE, "open": OPEN}


def _fact(label: str, value: Any, element_id: str | None = None) -> html.Div:
    value_div = html.Div(value, className="detail-value", **({"id": element_id} if element_id else {}))
    return html.Div([html.Div(label, className="detail-label"), value_div], className="detail-field")


def project_facts(project: Mapping[str, Any], county: str, lang: str) -> html.Div:
    """County, department, category, level, schedule, total, progress and investment of the project."""
    start, end = text_or_blank(project.get("start_date")) or MISSING, text_or_blank(project.get("planned_end_date"))
    code = state_code(project.get("state"))
    return html.Div([
        html.Div([html.H2(str(project.get("name", "")), className="project-name", id="project-detail-name"),
                  html.Span(state_label(project.get("state"), lang), className=f"state-badge state-{code}",
                            id="project-detail-state"),
                  html.Span(str(project.get("project_code", "")), className="muted")], className="project-head"),
        html.Div([
            _fact(t("project.county", lang), county, "project-detail-county"),
            _fact(t("project.dept", lang), text_or_blank(project.get("owner_dept")) or MISSING, "project-detail-dept"),
            _fact(t("project.category", lang), category_label(project.get("category"), lang)),
            _fact(t("project.level", lang), level_label(project.get("level"), lang) or MISSING),
            _fact(t("project.dates", lang), t("project.dates_value", lang, start=start, end=end or MISSING)),
            _fact(t("project.total", lang), t("project.total_value", lang,
                                              total=format_number(project.get("total_investment"), 0))),
            _fact(t("project.progress", lang), t("project.progress_value", lang,
                                                 actual=format_pct(project.get("actual_progress_pct")),
                                                 planned=format_pct(project.get("planned_progress_pct")))),
            _fact(t("project.invested", lang), t("project.invested_value", lang,
                                                 actual=format_number(project.get("actual_investment_cum"), 0),
                                                 planned=format_number(project.get("planned_investment_cum"), 0))),
        ], className="project-facts"),
    ])


def note_view(note: str | None, period: str | None, lang: str) -> html.Div:
    """The latest progress note with its period, or a calm line saying there is none."""
    if not note:
        return html.Div(t("project.no_note", lang), className="muted", id="project-detail-note")
    return html.Div([html.Div(t("project.latest_note", lang, period=period), className="detail-label"),
                     html.Blockquote(note, className="project-note")], id="project-detail-note")


def _layout(unit: str, height: int = 320, **extra: Any) -> dict[str, Any]:
    return {"height": height, "margin": {"l": 60, "r": 24, "t": 36, "b": 40},
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": FONT, "color": MUTED, "size": 13}, "hoverlabel": {"font": {"family": FONT}},
            "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
            "xaxis": {"gridcolor": GRID, "type": "category", "nticks": 12, "automargin": True},
            "yaxis": {"gridcolor": GRID, "title": {"text": unit}, "rangemode": "tozero", "tickformat": ",.0f",
                      "automargin": True}} | extra


def _line(x: list[str], y: list[float | None], name: str, colour: str, dash: str = "solid") -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines+markers", "x": x, "y": y, "name": name, "connectgaps": False,
            "line": {"color": colour, "width": 2.5, "dash": dash}, "marker": {"size": 6},
            "hovertemplate": "%{x}<br>%{y:,.1f}<extra>%{fullData.name}</extra>"}


def progress_figure(history: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Planned and actual progress by period, in percent; a report outside 0–100 is a gap."""
    x = list(history["period"].astype(str))
    valid = history["valid"] if "valid" in history else pd.Series(True, index=history.index)
    planned = [number_or_none(v) if ok else None for v, ok in zip(history["planned_progress_pct"], valid)]
    actual = [number_or_none(v) if ok else None for v, ok in zip(history["actual_progress_pct"], valid)]
    return {"data": [_line(x, planned, t("project.planned_line", lang), PLANNED, "dash"),
                     _line(x, actual, t("project.actual_line", lang), ACTUAL)],
            "layout": _layout("%", yaxis={"gridcolor": GRID, "title": {"text": "%"}, "range": [0, 105]})}


def investment_curve(history: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Planned and completed investment to date by period (万元)."""
    x = list(history["period"].astype(str))
    return {"data": [_line(x, [number_or_none(v) for v in history["planned_investment_cum"]],
                           t("project.planned_line", lang), PLANNED, "dash"),
                     _line(x, [number_or_none(v) for v in history["actual_investment_cum"]],
                           t("project.actual_line", lang), ACTUAL)],
            "layout": _layout(t("projects.investment_unit", lang))}


def milestone_figure(milestones: pd.DataFrame, today: date, lang: str) -> dict[str, Any]:
    """One row per milestone: its planned date (hollow), its actual date (filled, coloured by status),
    a line between them when late, a red line to today for a late milestone not yet reached."""
    names = [f"{int(r['seq'])}. {r['name']}" if number_or_none(r.get("seq")) is not None else str(r["name"])
             for r in milestones.to_dict("records")]
    rows = list(zip(names, milestones.to_dict("records")))
    data: list[dict[str, Any]] = []
    for name, m in rows:  # the delay as a line: planned → actual, or planned → today
        end = m["actual_date"] or (today if m["status"] == "late" else None)
        if m["planned_date"] and end and end > m["planned_date"]:
            data.append({"type": "scatter", "mode": "lines", "x": [str(m["planned_date"]), str(end)], "y": [name, name],
                         "line": {"color": MILESTONE_COLOURS[m["status"]], "width": 3}, "showlegend": False,
                         "hoverinfo": "skip"})
    data.append({"type": "scatter", "mode": "markers", "name": t("project.planned_line", lang),
                 "x": [text_or_blank(m["planned_date"]) or None for _, m in rows], "y": [n for n, _ in rows],
                 "marker": {"symbol": "circle-open", "size": 13, "color": PLANNED, "line": {"width": 2}},
                 "hovertemplate": "%{y}<br>%{x}<extra>%{fullData.name}</extra>"})
    for status in ("done", "done_late", "late", "open"):
        part = [(n, m) for n, m in rows if m["status"] == status]
        if not part:
            continue
        late = [t("project.milestone_late_days", lang, n=int(m["days_late"])) if m["days_late"] else ""
                for _, m in part]
        data.append({"type": "scatter", "mode": "markers", "name": t(f"project.milestone.{status}", lang),
                     "x": [str(m["actual_date"] or (today if status == "late" else m["planned_date"]))
                           for _, m in part],
                     "y": [n for n, _ in part], "customdata": late,
                     "marker": {"symbol": "x" if status == "late" else "circle", "size": 12,
                                "color": MILESTONE_COLOURS[status], "opacity": 0.35 if status == "open" else 1},
                     "hovertemplate": "%{y}<br>%{x} %{customdata}<extra>%{fullData.name}</extra>"})
    layout = _layout("", height=max(220, 70 + 44 * len(rows)), margin={"l": 150, "r": 24, "t": 36, "b": 40},
                     xaxis={"gridcolor": GRID, "type": "date", "tickformat": "%Y-%m"},
                     yaxis={"type": "category", "categoryorder": "array", "categoryarray": names,
                            "autorange": "reversed", "automargin": True})
    layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": str(today), "x1": str(today),
                         "y0": 0, "y1": 1, "line": {"color": STATE_COLOURS["overdue"], "dash": "dot", "width": 1}}]
    layout["annotations"] = [{"xref": "x", "yref": "paper", "x": str(today), "y": 1, "yanchor": "bottom",
                              "text": t("project.today", lang), "showarrow": False,
                              "font": {"size": 11, "color": STATE_COLOURS["overdue"]}}]
    return {"data": data, "layout": layout}


def milestone_rows(milestones: pd.DataFrame, lang: str) -> html.Ul:
    """The milestones as a list (screen readers, phones): planned and actual dates, late ones marked."""
    items = []
    for m in milestones.to_dict("records"):
        late = t("project.milestone_late_days", lang, n=int(m["days_late"])) if m["days_late"] else ""
        items.append(html.Li([
            html.Span(str(m["name"]), className="milestone-name"),
            html.Span(f"{text_or_blank(m['planned_date']) or MISSING} → {text_or_blank(m['actual_date']) or MISSING}",
                      className="milestone-dates"),
            html.Span(" ".join(p for p in (t(f"project.milestone.{m['status']}", lang), late) if p),
                      className=f"milestone-status milestone-{m['status']}"),
        ], className="milestone-item"))
    return html.Ul(items, className="milestone-list", id="project-detail-milestones")
