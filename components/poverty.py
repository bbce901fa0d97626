"""Poverty-relapse monitoring views: status tiles, the children's table and charts, risk types,
the income distribution with the threshold line, the breadcrumb and the data-quality note.

Pure functions of the figures services/poverty.py computes; figures are plain dicts like the
economy page's, in colours that read on both themes.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import dcc, html

from components.economy import FONT, region_label
from components.formatting import format_number, format_pct
from core.colours import BAD, BEHIND, GOOD, NEUTRAL
from core.i18n import t
from core.poverty import FOLLOWED_STATUSES, MONITOR_STATUSES, RISK_TYPES
from core.values import localized_unit

# Axis text and grid lines that read on both themes (plotly does not see CSS variables).
AXIS_INK, GRID_LINE = "#8fa8cc", "rgba(143,168,204,0.15)"
STATUS_COLOURS = {"stable": GOOD, "monitored": BEHIND, "at_risk": BAD, "risk_eliminated": NEUTRAL}
Figure = dict[str, Any]


def status_label(status: object, lang: str) -> str:
    """A monitor_status in `lang` (an unknown one as it is)."""
    return t(f"poverty.status.{status}", lang) if status in MONITOR_STATUSES else str(status or "")


def risk_label(risk: object, lang: str) -> str:
    """A risk type in `lang`: a known one translated, another as written, none as "not given"."""
    if not isinstance(risk, str) or not risk.strip():
        return t("poverty.risk.none", lang)
    return t(f"poverty.risk.{risk}", lang) if risk in RISK_TYPES else risk


def page_href(region_code: str) -> str:
    """The page of a region."""
    return f"/poverty/{region_code}"


def status_tiles(totals: Mapping[str, int], share_pct: float | None, lang: str) -> list[html.Div]:
    """Households in total, by status, and the at-risk share."""
    tiles = [(t("poverty.total", lang), format_number(totals["total"], 0), "total")]
    tiles += [(status_label(s, lang), format_number(totals[s], 0), s) for s in MONITOR_STATUSES]
    tiles.append((t("poverty.at_risk_share", lang), format_pct(share_pct), "share"))
    return [html.Div([html.Div(value, className="tile-count", id=f"poverty-count-{key}"),
                      html.Div(label, className="tile-label")], className=f"tile poverty-tile poverty-tile-{key}")
            for label, value, key in tiles]


def not_found(code_text: str, up: Mapping[str, Any] | None, lang: str) -> html.Section:
    """An unknown region code (`code_text`, safe to show) and a link up to the nearest known region."""
    link = (dcc.Link(t("poverty.up_to", lang, name=region_label(up, lang)), href=page_href(str(up["region_code"])),
                     className="app-button", id="poverty-up-link") if up is not None else None)
    return html.Section([html.H2(t("poverty.not_found_title", lang), className="panel-title"),
                         html.P(t("poverty.not_found_text", lang, code=code_text)), link],
                        className="panel", id="poverty-not-found")


def quality_note(quality: Mapping[str, int], unplaced: int, lang: str) -> list[html.Div]:
    """The data-quality note (bad rows left out or flagged) and the households in no child region."""
    notes = []
    parts = [t(f"poverty.quality.{kind}", lang, n=int(n)) for kind, n in quality.items() if n]
    if parts:
        notes.append(html.Div(t("quality.skipped_prefix", lang) + ("；" if lang == "zh" else "; ").join(parts),
                              className="skipped-note", id="poverty-quality"))
    if unplaced:
        notes.append(html.Div(t("poverty.unplaced", lang, n=unplaced), className="skipped-note",
                              id="poverty-unplaced"))
    return notes


def children_table(children: pd.DataFrame, lang: str) -> html.Table:
    """Each child region: its name (a link down), households by status, total and at-risk share."""
    head = [t("poverty.col.region", lang), *(status_label(s, lang) for s in MONITOR_STATUSES),
            t("poverty.col.total", lang), t("poverty.col.share", lang)]
    body = []
    for row in children.to_dict("records"):
        code = str(row["region_code"])
        cells = [html.Td(dcc.Link(region_label(row, lang), href=page_href(code),
                                  id={"type": "poverty-child", "code": code}))]
        cells += [html.Td(format_number(row[c], 0), className=f"num poverty-cell-{c}")
                  for c in (*MONITOR_STATUSES, "total")]
        cells.append(html.Td(format_pct(row["at_risk_share_pct"]), className="num"))
        body.append(html.Tr(cells, id={"type": "poverty-child-row", "code": code}))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                      className="poverty-table", id="poverty-children-table")


def _count_axis(most: float, title: str) -> dict[str, Any]:
    """An axis of household counts: whole numbers only, even when there are a handful."""
    return {"title": {"text": title}, "tickformat": ",d", "rangemode": "tozero", "automargin": True,
            **({"dtick": 1} if most <= 8 else {})}


def _layout(**extra: Any) -> dict[str, Any]:
    xaxis = {"gridcolor": GRID_LINE, "zeroline": False} | extra.pop("xaxis", {})
    yaxis = {"gridcolor": GRID_LINE, "zeroline": False} | extra.pop("yaxis", {})
    return {"height": 320, "margin": {"l": 96, "r": 24, "t": 40, "b": 44}, "barmode": "stack",
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": FONT, "color": AXIS_INK, "size": 13}, "hoverlabel": {"font": {"family": FONT}},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
            "xaxis": xaxis, "yaxis": yaxis} | extra


def children_height(children: int) -> int:
    """Pixels for the children's chart: a readable bar per child."""
    return max(240, 80 + 24 * children)


def children_figure(children: pd.DataFrame, lang: str) -> Figure:
    """At-risk and monitored households of each child, most at risk on top; a bar click drills down
    (customdata: the child's code)."""
    ordered = children.sort_values(["at_risk", "monitored", "region_code"], ascending=[True, True, False])
    names = [region_label(r, lang) for r in ordered.to_dict("records")]
    data = [{"type": "bar", "orientation": "h", "name": status_label(s, lang), "y": names,
             "x": [int(v) for v in ordered[s]], "customdata": list(ordered["region_code"].astype(str)),
             "marker": {"color": STATUS_COLOURS[s]},
             "hovertemplate": "%{y}<br>" + status_label(s, lang) + " %{x:,} <extra></extra>"}
            for s in FOLLOWED_STATUSES]
    most = float((ordered["at_risk"] + ordered["monitored"]).max()) if len(ordered) else 0.0
    return {"data": data, "layout": _layout(height=children_height(len(names)), yaxis={"automargin": True},
                                            xaxis=_count_axis(most, t("poverty.households_axis", lang)))}


def risk_figure(risk_types: pd.DataFrame, lang: str) -> Figure:
    """At-risk and monitored households by risk type, the most frequent type on top."""
    ordered = risk_types.iloc[::-1]
    labels = [risk_label(r or None, lang) for r in ordered["risk_type"]]
    data = [{"type": "bar", "orientation": "h", "name": status_label(s, lang), "y": labels,
             "x": [int(v) for v in ordered[s]], "marker": {"color": STATUS_COLOURS[s]},
             "hovertemplate": "%{y}<br>" + status_label(s, lang) + " %{x:,} <extra></extra>"}
            for s in FOLLOWED_STATUSES]
    most = float(ordered["total"].max()) if len(ordered) else 0.0
    return {"data": data, "layout": _layout(yaxis={"automargin": True}, bargap=0.35,
                                            xaxis=_count_axis(most, t("poverty.households_axis", lang)))}


def income_figure(histogram: pd.DataFrame, threshold: float, lang: str) -> Figure:
    """Households by income bin, stacked by status, with the monitoring threshold as a dashed line."""
    width = float(histogram["high"].iloc[0] - histogram["low"].iloc[0]) if len(histogram) > 1 else 1.0
    ranges = [f"{format_number(lo, 0)}–{format_number(hi, 0)}" if pd.notna(hi)
              else t("poverty.above_top", lang, value=format_number(lo, 0))
              for lo, hi in zip(histogram["low"], histogram["high"])]
    centres = [float(lo) + width / 2 for lo in histogram["low"]]
    data = [{"type": "bar", "name": status_label(s, lang), "x": centres, "y": [int(v) for v in histogram[s]],
             "width": [width * 0.92] * len(centres), "customdata": ranges, "marker": {"color": STATUS_COLOURS[s]},
             "hovertemplate": "%{customdata} " + localized_unit("元", lang) + "<br>" + status_label(s, lang)
             + " %{y:,}<extra></extra>"}
            for s in MONITOR_STATUSES]
    line = {"type": "line", "xref": "x", "yref": "paper", "x0": threshold, "x1": threshold, "y0": 0, "y1": 1,
            "line": {"color": BAD, "width": 2, "dash": "dash"}}
    label = {"x": threshold, "y": 1, "xref": "x", "yref": "paper", "yanchor": "top", "xanchor": "right",
             "text": t("poverty.threshold", lang, value=format_number(threshold, 0)), "showarrow": False,
             "font": {"color": BAD, "size": 13}}
    return {"data": data, "layout": _layout(
        margin={"l": 56, "r": 24, "t": 40, "b": 44}, shapes=[line], annotations=[label], bargap=0,
        xaxis={"title": {"text": t("poverty.income_axis", lang)}, "tickformat": ",d"},
        yaxis=_count_axis(float(histogram["total"].max()) if len(histogram) else 0.0,
                          t("poverty.households_axis", lang)),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"})}


def below_threshold(histogram: pd.DataFrame, threshold: float) -> int | None:
    """Households in the bins wholly below the threshold; None when the threshold cuts a bin (the
    bins cannot tell which side its households are on)."""
    if not ((histogram["low"] == threshold) | (histogram["high"] == threshold)).any():
        return None
    return int(histogram.loc[histogram["high"].notna() & (histogram["high"] <= threshold), "total"].sum())
