"""Economy page pieces as pure functions: figures, the comparison grid, export tables and files."""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.formatting import MISSING, format_number, format_pct, period_label
from core.forecast import Forecast
from core.i18n import current_language, t
from core.rules import Headline
from core.values import is_missing, localized_name, number_or_none

GRAPH_HEIGHT = 340
# Colours that read on both the dark and the light theme (plotly does not see CSS variables).
ACCENT, GOOD, BAD, MUTED, TARGET = "#36a9ff", "#22b07d", "#f05252", "#8fa8cc", "#f5b700"
FONT = ("PingFang SC, Microsoft YaHei, WenQuanYi Zen Hei, Noto Sans CJK SC, sans-serif")


# Toolbar actions that would send a chart to an internet service: never offered on the intranet.
CLOUD_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")


def graph_config(filename: str) -> dict[str, Any]:
    """Toolbar config: the camera button saves a PNG at 3× (print resolution) under a meaningful name.

    Plotly's toolbar offers one image format; SVG comes from the chart's own SVG button
    (`export_buttons`), which asks plotly.js in the browser for the same figure as SVG. No
    cloud actions; labels in the UI language (plotly's zh-CN locale is served from assets/).
    """
    return {"displaylogo": False, "responsive": True, "showSendToCloud": False, "showEditInChartStudio": False,
            "locale": "zh-CN" if current_language() == "zh" else "en",
            "toImageButtonOptions": {"format": "png", "scale": 3, "filename": filename},
            "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", *CLOUD_BUTTONS]}


def indicator_name(indicator: Mapping[str, Any], lang: str) -> str:
    """The indicator's name in the UI language (Chinese when there is no English name)."""
    return localized_name(indicator, lang)


def region_label(region: Mapping[str, Any], lang: str) -> str:
    """The region's name in the UI language."""
    return localized_name(region, lang)


# Figures are plain dicts: plotly validates nothing on the server (go.Figure's validation cost
# more than the queries), and dcc.Graph renders them the same.
Figure = dict[str, Any]
GRID, ZERO = "rgba(143,168,204,0.15)", "rgba(143,168,204,0.35)"
EMPTY_FIGURE: Figure = {"data": [], "layout": {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                                               "xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def _figure(data: list[dict[str, Any]], **extra: Any) -> Figure:
    # Periods are labels, not dates: a category axis keeps a missing period as a visible gap.
    xaxis = {"gridcolor": GRID, "type": "category"} | extra.pop("xaxis", {})
    yaxis = {"gridcolor": GRID, "zerolinecolor": ZERO} | extra.pop("yaxis", {})
    layout = {"height": GRAPH_HEIGHT, "margin": {"l": 56, "r": 56, "t": 24, "b": 40},
              "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
              "font": {"family": FONT, "color": MUTED, "size": 14},
              "legend": {"orientation": "h", "y": 1.12, "x": 0}, "hoverlabel": {"font": {"family": FONT}},
              "xaxis": xaxis, "yaxis": yaxis} | extra
    return {"data": data, "layout": layout}


def _values(series: pd.Series) -> list[float | None]:
    return [number_or_none(v) for v in series]


def _hover(unit: str) -> str:
    return "%{x}<br>%{y:,.2f} " + unit + "<extra></extra>"


def trend_figure(frame: pd.DataFrame, indicator: Mapping[str, Any], lang: str) -> Figure:
    """Values by period (bars; missing periods are gaps), YoY on a second axis, the annual target."""
    unit = str(indicator["unit"])
    x = list(frame["period"])
    data: list[dict[str, Any]] = [{"type": "bar", "x": x, "y": _values(frame["value"]),
                                   "name": t("economy.value", lang),
                                   "marker": {"color": ACCENT}, "hovertemplate": _hover(unit)}]
    if bool(indicator["cumulative"]) and frame["target"].notna().any():
        data.append({"type": "scatter", "x": x, "y": _values(frame["target"]), "name": t("economy.target", lang),
                     "mode": "lines", "line": {"color": TARGET, "dash": "dash", "shape": "hv"},
                     "connectgaps": False, "hovertemplate": _hover(unit)})
    if frame["yoy_pct"].notna().any():
        data.append({"type": "scatter", "x": x, "y": _values(frame["yoy_pct"]), "name": t("economy.yoy", lang),
                     "yaxis": "y2", "mode": "lines+markers", "connectgaps": False,
                     "line": {"color": GOOD, "width": 2}, "hovertemplate": "%{x}<br>%{y:+.1f}%<extra></extra>"})
    return _figure(data, yaxis={"title": {"text": unit}}, height=400, bargap=0.25,
                   xaxis={"automargin": True, "tickangle": -45, "nticks": 16},
                   margin={"l": 56, "r": 50, "t": 30, "b": 40},
                   yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "ticksuffix": "%",
                           "tickmode": "auto", "nticks": 6, "zeroline": False})


def completion_figure(head: Headline, lang: str) -> Figure:
    """Target completion against time progress as two bars; red when completion trails."""
    labels = [t("economy.time_progress", lang), t("economy.completion", lang)]
    values = [head.time_progress_pct, head.completion_pct]
    bar = {"type": "bar", "x": values, "y": labels, "orientation": "h",
           "marker": {"color": [MUTED, BAD if head.trailing else GOOD]}, "text": [format_pct(v) for v in values],
           "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y}: %{x:.1f}%<extra></extra>"}
    top = max(110.0, *(v + 15 for v in values if v is not None))
    full = {"type": "line", "x0": 100, "x1": 100, "yref": "paper", "y0": 0, "y1": 1,
            "line": {"color": TARGET, "dash": "dot"}}
    return _figure([bar], xaxis={"range": [0, top], "ticksuffix": "%", "type": "linear"}, shapes=[full],
                   height=180, showlegend=False, margin={"l": 110, "r": 40, "t": 10, "b": 30})


def forecast_figure(this_year: pd.DataFrame, forecast: Forecast, indicator: Mapping[str, Any],
                    lang: str) -> Figure:
    """This year's figures so far, the projection to December with its band, and the target."""
    unit = str(indicator["unit"])
    data: list[dict[str, Any]] = []
    if forecast.path:
        px = [p[0] for p in forecast.path]
        data.append({"type": "scatter", "x": px + px[::-1],
                     "y": [p[3] for p in forecast.path] + [p[2] for p in forecast.path][::-1],
                     "fill": "toself", "fillcolor": "rgba(54,169,255,0.18)", "line": {"width": 0},
                     "name": t("economy.band", lang), "hoverinfo": "skip"})
        data.append({"type": "scatter", "x": px, "y": [p[1] for p in forecast.path],
                     "name": t("economy.projection", lang), "mode": "lines+markers",
                     "line": {"color": ACCENT, "dash": "dash"}, "hovertemplate": _hover(unit)})
    data.append({"type": "scatter", "x": list(this_year["period"]), "y": _values(this_year["value"]),
                 "name": t("economy.actual", lang), "mode": "lines+markers", "connectgaps": False,
                 "line": {"color": GOOD, "width": 3}, "hovertemplate": _hover(unit)})
    shapes, notes = [], []
    if forecast.target is not None:
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": forecast.target,
                       "y1": forecast.target, "line": {"color": TARGET, "dash": "dot"}})
        notes.append({"xref": "paper", "x": 1, "y": forecast.target, "text": t("economy.target", lang),
                      "showarrow": False, "xanchor": "right", "yanchor": "bottom", "font": {"color": TARGET}})
    periods = sorted(set(this_year["period"]) | {p[0] for p in forecast.path})
    return _figure(data, yaxis={"title": {"text": unit}}, height=230, shapes=shapes, annotations=notes,
                   margin={"l": 56, "r": 20, "t": 30, "b": 30},
                   xaxis={"categoryorder": "array", "categoryarray": periods})


def forecast_sentence(forecast: Forecast, indicator: Mapping[str, Any], lang: str) -> str:
    """The plain-language line: at this pace the target is reached or missed, by how much."""
    unit = str(indicator["unit"])
    if forecast.reason:
        return t(f"economy.forecast.{forecast.reason}", lang, min=2)
    values = {"projected": format_number(forecast.projected), "low": format_number(forecast.low),
              "high": format_number(forecast.high), "target": format_number(forecast.target),
              "gap": format_number(abs(forecast.gap or 0.0)), "unit": unit,
              "pct": format_pct(forecast.projected_completion_pct)}
    ceiling = "" if indicator["higher_is_better"] else "_ceiling"
    outcome = "reach" if forecast.reaches_target else "miss"
    return t(f"economy.forecast.{outcome}{ceiling}", lang, **values)


def headline_figures(head: Headline, indicator: Mapping[str, Any], lang: str) -> html.Div:
    """The selected view's key numbers: value, same period last year, YoY and its change, completion."""
    unit = str(indicator["unit"])
    label = period_label(head.period, str(indicator["frequency"]), bool(indicator["cumulative"]), lang)
    change = head.yoy_change_pts
    # round first: a change of −0.04 points reads +0.0, not −0.0
    change_text = (t("economy.yoy_change", lang, change=f"{round(change, 1) + 0.0:+.1f}") if change is not None
                   else t("economy.yoy_change_none", lang))
    yoy_tone = _tone(head.yoy_pct, bool(indicator["higher_is_better"]))
    items = [
        _kpi(t("economy.value", lang) + f" · {label}", format_number(head.value), unit, "economy-kpi-value"),
        _kpi(t("economy.last_year", lang, period=_minus_year(head.period)), format_number(head.value_last_year),
                unit, "economy-kpi-last-year"),
        _kpi(t("economy.yoy", lang), format_pct(head.yoy_pct, signed=True), change_text, "economy-kpi-yoy",
                yoy_tone),
    ]
    if head.completion_pct is not None:
        gap = head.completion_pct - head.time_progress_pct
        items.append(_kpi(t("economy.completion", lang), format_pct(head.completion_pct),
                             t("economy.vs_time", lang, progress=format_pct(head.time_progress_pct),
                               gap=f"{round(gap, 1) + 0.0:+.1f}"), "economy-kpi-completion",
                             "tone-bad" if head.trailing else "tone-good"))
    else:
        items.append(_kpi(t("economy.completion", lang), MISSING, t("overview.no_target", lang),
                             "economy-kpi-completion"))
    return html.Div(items, className="economy-kpis")


def _minus_year(period: str) -> str:
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


def _tone(yoy: float | None, higher_is_better: bool) -> str:
    if yoy is None or yoy == 0:
        return "tone-neutral"
    return "tone-good" if (yoy > 0) == higher_is_better else "tone-bad"


def _kpi(label: str, value: str, note: str, element_id: str, tone: str = "") -> html.Div:
    return html.Div([html.Div(label, className="economy-kpi-label"),
                     html.Div(value, className=f"economy-kpi-number {tone}", id=element_id),
                     html.Div(note, className="economy-kpi-note")], className="economy-kpi")


def ranking_figure(comparison: pd.DataFrame, measure: str, indicator: Mapping[str, Any], lang: str) -> Figure:
    """Children as horizontal bars, best at the top, the last three red; a click carries the region code."""
    ranked = comparison[comparison["rank"].notna()]
    names = [region_label(r, lang) for r in ranked.to_dict("records")]
    values = _values(ranked[measure])
    colours = [GOOD if i < len(values) - 3 or len(values) <= 3 else BAD for i in range(len(values))]
    suffix = "" if measure != "value" else " " + str(indicator["unit"])
    bar = {"type": "bar", "x": values[::-1], "y": names[::-1], "orientation": "h",
           "customdata": list(ranked["region_code"])[::-1], "marker": {"color": colours[::-1]},
           "text": [_measure_text(v, measure) for v in values][::-1], "textposition": "auto",
           "cliponaxis": False, "hovertemplate": "%{y}: %{text}" + suffix + "<extra></extra>"}
    return _figure([bar], height=max(400, 22 * len(names) + 50), showlegend=False,
                   margin={"l": 90, "r": 70, "t": 34, "b": 30},
                   xaxis={"type": "linear", "ticksuffix": "%" if measure != "value" else ""})


def _measure_text(value: float | None, measure: str) -> str:
    if measure == "yoy_pct":
        return format_pct(value, signed=True)
    if measure == "completion_pct":
        return format_pct(value)
    return format_number(value)


def comparison_grid(comparison: pd.DataFrame, indicator: Mapping[str, Any], lang: str) -> dag.AgGrid:
    """A sortable table of the children; clicking a row's name drills into it (rowId = code)."""
    unit = str(indicator["unit"])
    number = {"function": "params.value == null ? '—' : params.value.toLocaleString('zh-CN', "
                          "{maximumFractionDigits: 2})"}
    percent = {"function": "params.value == null ? '—' : params.value.toFixed(1) + '%'"}
    columns = [
        {"field": "rank", "headerName": t("export.rank", lang), "width": 90},
        {"field": "name", "headerName": t("export.region", lang), "cellClass": "economy-drill-cell",
         "minWidth": 120},
        {"field": "value", "headerName": t("export.value", lang, unit=unit), "valueFormatter": number,
         "type": "numericColumn"},
        {"field": "value_last_year", "headerName": t("export.last_year", lang, unit=unit),
         "valueFormatter": number, "type": "numericColumn"},
        {"field": "yoy_pct", "headerName": t("export.yoy", lang), "valueFormatter": percent,
         "type": "numericColumn"},
    ]
    if bool(indicator["cumulative"]):
        columns += [{"field": "target", "headerName": t("export.target", lang, unit=unit), "valueFormatter": number,
                     "type": "numericColumn"},
                    {"field": "completion_pct", "headerName": t("export.completion", lang), "valueFormatter": percent,
                     "type": "numericColumn"}]
    rows = []
    for row in comparison.to_dict("records"):
        rows.append({**{k: (None if is_missing(row.get(k)) else row.get(k)) for k in
                        ("region_code", "value", "value_last_year", "yoy_pct", "target", "completion_pct")},
                     "rank": None if is_missing(row["rank"]) else int(row["rank"]), "name": region_label(row, lang)})
    return dag.AgGrid(
        id="economy-table", rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 90},
        getRowId="params.data.region_code", className="economy-grid",
        dashGridOptions={"domLayout": "autoHeight", "suppressCellFocus": True, "animateRows": False,
                         "localeText": {"noRowsToShow": t("overview.no_data", lang)}},
        style={"width": "100%"})


EXPORT_COLUMNS = {
    "trend": ("period", "value", "target", "yoy_pct", "completion_pct"),
    "progress": ("period", "value", "target", "completion_pct", "time_progress_pct"),
    "forecast": ("period", "value", "projected", "low", "high", "target"),
    "comparison": ("rank", "region_code", "name", "period", "value", "value_last_year", "yoy_pct", "target",
                   "completion_pct"),
}
_HEADER_KEYS = {"period": "export.period", "value": "export.value", "target": "export.target",
                "yoy_pct": "export.yoy", "completion_pct": "export.completion",
                "time_progress_pct": "export.time_progress", "projected": "export.projected",
                "low": "export.low", "high": "export.high", "rank": "export.rank",
                "region_code": "export.region_code", "name": "export.region",
                "value_last_year": "export.last_year"}


def export_table(kind: str, frame: pd.DataFrame, indicator: Mapping[str, Any], region_name: str,
                 lang: str) -> pd.DataFrame:
    """A chart's data with headers in the UI language, units in the headers, the region named."""
    columns = [c for c in EXPORT_COLUMNS[kind] if c in frame.columns]
    table = frame[columns].copy()
    if "name" not in table.columns:
        table.insert(0, "name", region_name)
    unit = str(indicator["unit"])
    return table.rename(columns={c: t(_HEADER_KEYS[c], lang, unit=unit) for c in table.columns})


def export_filename(parts: Sequence[str], extension: str = "") -> str:
    """`地区生产总值_走势_某某市_2026-10.csv`: indicator, chart, region and period (no extension: a stem)."""
    stem = "_".join(p.replace("/", "-").replace(" ", "") for p in parts if p)
    return f"{stem}.{extension}" if extension else stem


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 byte-order mark, so Excel shows the Chinese headers."""
    return table.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(table: pd.DataFrame, sheet: str) -> bytes:
    """An Excel workbook with one sheet (name cut to Excel's 31 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31] or "data", index=False)
        sheet_obj = writer.sheets[sheet[:31] or "data"]
        for column in sheet_obj.columns:
            sheet_obj.column_dimensions[column[0].column_letter].width = max(
                12, min(40, 2 + max(len(str(c.value or "")) for c in column) * 2))
    return buffer.getvalue()


def export_buttons(chart: str, lang: str, place: str, svg: bool = False) -> html.Div:
    """CSV and Excel buttons for a chart's data in the panel `place`; an SVG button for its graph."""
    buttons = [html.Button(t(f"economy.export_{fmt}", lang), className="app-button economy-export",
                           id={"type": "economy-export", "chart": chart, "fmt": fmt, "at": place},
                           title=t("economy.export_hint", lang)) for fmt in ("csv", "xlsx")]
    if svg:
        buttons.append(html.Button(t("economy.export_svg", lang), className="app-button economy-export",
                                   id={"type": "economy-svg", "chart": place},
                                   title=t("economy.export_svg_hint", lang)))
    return html.Div(buttons, className="economy-export-row")


def graph(chart: str, filename: str, **style: Any) -> dcc.Graph:
    """An empty chart slot with the print-resolution toolbar; callbacks fill its figure."""
    return dcc.Graph(id={"type": "economy-graph", "chart": chart}, figure=EMPTY_FIGURE,
                     config=graph_config(filename), className="economy-graph", style=style)
