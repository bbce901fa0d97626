"""Economy page pieces as pure functions: figures, the comparison grid, export tables and files."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.colours import legend_annotation, legend_items
from components.economy_notes import NOTE_AXIS, note_layer, yoy_axis_suffix, yoy_line
from components.formatting import MISSING, format_number, format_pct, period_label
from core.colours import (
    DEFAULT_RULES,
    NO_DATA,
    TONE_COLOURS,
    ColourRules,
    measure_colours,
    progress_tone,
    tone_class,
)
from core.comparison import (
    change_figure,
    change_text,
    growth_rate_change,
    index_change,
    indicator_decimals,
    indicator_kind,
    is_growth_rate,
    measure_column,
    year_change,
)
from core.forecast import Forecast
from core.frames import records
from core.i18n import current_language, t
from core.rules import Headline, time_progress_pct
from core.values import is_missing, localized_name, localized_unit, number_or_none

GRAPH_HEIGHT = 340
# Colours that read on both the dark and the light theme (plotly does not see CSS variables).
ACCENT, GOOD, BAD, MUTED, TARGET = "#36a9ff", "#22b07d", "#f05252", "#8fa8cc", "#f5b700"
FONT = ("PingFang SC, Microsoft YaHei, WenQuanYi Zen Hei, Noto Sans CJK SC, sans-serif")


# Toolbar actions that would send a chart to an internet service: never offered on the intranet.
CLOUD_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")


def graph_config(filename: str) -> dict[str, Any]:
    """Toolbar config: the camera button saves a PNG at 3× (print resolution) under a meaningful name.

    Plotly's toolbar offers one image format; SVG comes from the chart's own SVG button
    (`export_buttons`). Both go through assets/economy.js, which draws a print copy of the
    figure in the browser: title, region, period, unit and a source line, opaque white
    background, dark ink. No cloud actions; labels in the UI language (plotly's zh-CN locale is
    served from assets/).
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


def _hover(unit: str, decimals: int = 2, field: str = "y") -> str:
    return "%{x}<br>%{" + field + f":,.{decimals}f}} " + unit + "<extra></extra>"


def trend_figure(frame: pd.DataFrame, indicator: Mapping[str, Any], lang: str,
                 notes: Sequence[Mapping[str, Any]] = ()) -> Figure:
    """Values by period (bars; missing periods are gaps), YoY on a second axis, the annual target,
    and the `notes` (datasources/annotations.py rows) as dotted lines with hover text.

    An index (base 100) is drawn around 100: its bars rise or fall from 100, not from zero. The
    YoY line is coloured by meaning and a rate's is in points (components/economy_notes.py)."""
    unit, decimals = localized_unit(indicator["unit"], lang), indicator_decimals(indicator)
    x, values = list(frame["period"]), _values(frame["value"])
    bar: dict[str, Any] = {"type": "bar", "x": x, "y": values, "name": t("economy.value", lang),
                           "marker": {"color": ACCENT}, "hovertemplate": _hover(unit, decimals)}
    if indicator_kind(indicator) == "index":
        bar |= {"y": [index_change(v) for v in values], "base": 100, "customdata": values,
                "hovertemplate": _hover(unit, decimals, "customdata")}
    data: list[dict[str, Any]] = [bar]
    if bool(indicator["cumulative"]) and frame["target"].notna().any():
        data.append({"type": "scatter", "x": x, "y": _values(frame["target"]), "name": t("economy.target", lang),
                     "mode": "lines", "line": {"color": TARGET, "dash": "dash", "shape": "hv"},
                     "connectgaps": False, "hovertemplate": _hover(unit, decimals)})
    line = yoy_line(frame, indicator, lang)
    if line is not None:
        data.append(line)
    shapes, marks = note_layer(notes, x, lang)
    if marks is not None:
        data.append(marks)
    return _figure(data, yaxis={"title": {"text": unit}}, height=400, bargap=0.25, shapes=shapes,
                   xaxis={"automargin": True, "tickangle": -45, "nticks": 16},
                   margin={"l": 56, "r": 50, "t": 30, "b": 40}, yaxis3=NOTE_AXIS,
                   yaxis2={"overlaying": "y", "side": "right", "showgrid": False,
                           "ticksuffix": yoy_axis_suffix(indicator, lang),
                           "tickmode": "auto", "nticks": 6, "zeroline": False})


def completion_figure(head: Headline, lang: str, rules: ColourRules = DEFAULT_RULES,
                      higher_is_better: bool = True) -> Figure:
    """Target completion against time progress as two bars, completion coloured ahead / behind / far behind."""
    labels = [t("economy.time_progress", lang), t("economy.completion", lang)]
    values = [head.time_progress_pct, head.completion_pct]
    bar = {"type": "bar", "x": values, "y": labels, "orientation": "h",
           "marker": {"color": [MUTED, TONE_COLOURS[progress_tone(head.completion_pct, head.time_progress_pct,
                                                                  higher_is_better, rules)]]},
           "text": [format_pct(v) for v in values],
           "textposition": "outside", "cliponaxis": False, "hovertemplate": "%{y}: %{x:.1f}%<extra></extra>"}
    top = max(110.0, *(v + 15 for v in values if v is not None))
    full = {"type": "line", "x0": 100, "x1": 100, "yref": "paper", "y0": 0, "y1": 1,
            "line": {"color": TARGET, "dash": "dot"}}
    return _figure([bar], xaxis={"range": [0, top], "ticksuffix": "%", "type": "linear"}, shapes=[full],
                   height=180, showlegend=False, margin={"l": 110, "r": 40, "t": 10, "b": 30})


def forecast_figure(this_year: pd.DataFrame, forecast: Forecast, indicator: Mapping[str, Any],
                    lang: str) -> Figure:
    """This year's figures so far, the projection to December with its band, and the target."""
    unit = localized_unit(indicator["unit"], lang)
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
                   xaxis={"categoryorder": "array", "categoryarray": periods, "nticks": 6, "tickangle": 0})


def forecast_sentence(forecast: Forecast, indicator: Mapping[str, Any], lang: str) -> str:
    """The plain-language line: at this pace the target is reached or missed, by how much."""
    unit = localized_unit(indicator["unit"], lang)
    if forecast.reason:
        return t(f"economy.forecast.{forecast.reason}", lang, min=2)
    digits = indicator_decimals(indicator)
    values = {"projected": format_number(forecast.projected, digits), "low": format_number(forecast.low, digits),
              "high": format_number(forecast.high, digits), "target": format_number(forecast.target, digits),
              "gap": format_number(abs(forecast.gap or 0.0), digits), "unit": unit,
              "pct": format_pct(forecast.projected_completion_pct)}
    ceiling = "" if indicator["higher_is_better"] else "_ceiling"
    outcome = "reach" if forecast.reaches_target else "miss"
    return t(f"economy.forecast.{outcome}{ceiling}", lang, **values)


def headline_figures(head: Headline, indicator: Mapping[str, Any], lang: str,
                     rules: ColourRules = DEFAULT_RULES) -> html.Div:
    """The selected view's key numbers: value, same period last year, the change as its kind compares
    (YoY % and its change; points for a rate; points on the previous period for a growth rate;
    value − 100 for an index), completion."""
    unit, kind = localized_unit(indicator["unit"], lang), indicator_kind(indicator)
    decimals = indicator_decimals(indicator)
    label = period_label(head.period, str(indicator["frequency"]), bool(indicator["cumulative"]), lang)
    change = head.yoy_change_pts
    # round first: a change of −0.04 points reads +0.0, not −0.0
    change_note = (t("economy.yoy_change", lang, change=f"{round(change, 1) + 0.0:+.1f}") if change is not None
                   else t("economy.yoy_change_none", lang))
    yoy_label, yoy = t("economy.yoy", lang), year_change(kind, head.value, head.value_last_year, head.yoy_pct)
    yoy_text = format_pct(yoy, signed=True) if kind == "pct" else change_figure(kind, yoy, lang, decimals)
    if kind == "pp" and is_growth_rate(indicator.get("name"), indicator.get("name_en")):
        # Against the previous period of the same year (比1—9月加快0.3个百分点); January has none.
        same_year = head.previous_period if (head.previous_period or "")[:4] == head.period[:4] else None
        yoy_label = t("compare.vs_previous", lang)
        yoy, change_note = growth_rate_change(indicator, head.value, head.value_previous, same_year, lang)
        yoy_text = change_figure(kind, yoy, lang, decimals)
    elif kind != "pct":
        change_note = change_text(kind, yoy, lang, decimals)
    items = [
        _kpi(t("economy.value", lang) + f" · {label}", format_number(head.value, decimals), unit,
             "economy-kpi-value"),
        _kpi(t("economy.last_year", lang, period=_minus_year(head.period)),
             format_number(head.value_last_year, decimals), unit, "economy-kpi-last-year"),
        _kpi(yoy_label, yoy_text, change_note, "economy-kpi-yoy", _tone(yoy, bool(indicator["higher_is_better"]))),
    ]
    if head.completion_pct is not None:
        gap = head.completion_pct - head.time_progress_pct
        items.append(_kpi(t("economy.completion", lang), format_pct(head.completion_pct),
                             t("economy.vs_time", lang, progress=format_pct(head.time_progress_pct),
                               gap=f"{round(gap, 1) + 0.0:+.1f}"), "economy-kpi-completion",
                             tone_class(progress_tone(head.completion_pct, head.time_progress_pct,
                                                      bool(indicator["higher_is_better"]), rules))))
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


def ranking_figure(comparison: pd.DataFrame, measure: str, indicator: Mapping[str, Any], lang: str,
                   rules: ColourRules = DEFAULT_RULES) -> Figure | None:
    """Children as horizontal bars, best at the top, coloured by what the value means (core/colours.py),
    with a legend above; a click carries the region code. None when no child has the measure.

    Completion: ahead / behind / far behind time progress (a dotted line marks 时间进度); growth:
    a scale centred at zero; a plain value: one neutral hue. Equal values, equal colours.
    """
    ranked = comparison[comparison["rank"].notna()]
    if ranked.empty:
        return None
    names = [region_label(r, lang) for r in records(ranked)]
    # Growth as the indicator compares: a rate's change in points, not its YoY percent.
    values = _values(ranked[measure_column(measure) if measure_column(measure) in ranked else measure])
    better_high = bool(indicator["higher_is_better"])
    progress = time_progress_pct(str(ranked["period"].iloc[0])) if measure == "completion_pct" else None
    colours = measure_colours(values, measure, better_high, progress, rules)
    suffix = "" if measure != "value" else " " + localized_unit(indicator["unit"], lang)
    kind, decimals = indicator_kind(indicator), indicator_decimals(indicator)
    bar = {"type": "bar", "x": values[::-1], "y": names[::-1], "orientation": "h",
           "customdata": list(ranked["region_code"])[::-1], "marker": {"color": colours[::-1]},
           "text": [_measure_text(v, measure, kind, decimals, lang) for v in values][::-1], "textposition": "auto",
           "cliponaxis": False, "hovertemplate": "%{y}: %{text}" + suffix + "<extra></extra>"}
    shapes = [] if progress is None else [{"type": "line", "x0": progress, "x1": progress, "yref": "paper",
                                           "y0": 0, "y1": 1, "line": {"color": TARGET, "dash": "dot"}}]
    legend = legend_annotation(legend_items(measure, better_high, lang, progress, rules))
    return _figure([bar], height=max(400, 22 * len(names) + 50), showlegend=False, shapes=shapes,
                   annotations=[legend], margin={"l": 90, "r": 70, "t": 34, "b": 30},
                   xaxis={"type": "linear", "ticksuffix": "%" if measure == "completion_pct" or (
                       measure == "yoy_pct" and kind == "pct") else ""})


def _measure_text(value: float | None, measure: str, kind: str = "pct", decimals: int = 1, lang: str = "zh") -> str:
    """A bar's label: growth as its kind compares, completion in percent, a value with its indicator's digits."""
    if measure == "yoy_pct":
        return format_pct(value, signed=True) if kind == "pct" else change_figure(kind, value, lang, decimals)
    if measure == "completion_pct":
        return format_pct(value)
    return format_number(value, decimals)


def _cell_style(field: str) -> dict[str, str]:
    """A cell's text colour from its row's `field` (set by `_cell_colours`), none when missing."""
    return {"function": f"params.data.{field} ? {{color: params.data.{field}}} : null"}


def _cell_colours(comparison: pd.DataFrame, indicator: Mapping[str, Any], rules: ColourRules) -> list[dict]:
    """Per row: the colours of its YoY (centred at zero) and completion (against time progress) cells."""
    if comparison.empty:
        return []
    better_high = bool(indicator["higher_is_better"])
    yoy = measure_colours(_values(comparison[measure_column("yoy_pct")] if "yoy_change" in comparison
                                  else comparison["yoy_pct"]), "yoy_pct", better_high)
    progress = time_progress_pct(str(comparison["period"].iloc[0]))
    done = measure_colours(_values(comparison["completion_pct"]), "completion_pct", better_high, progress, rules)
    return [{"yoy_colour": y if y != NO_DATA else None, "completion_colour": c if c != NO_DATA else None}
            for y, c in zip(yoy, done)]


def comparison_grid(comparison: pd.DataFrame, indicator: Mapping[str, Any], lang: str,
                    rules: ColourRules = DEFAULT_RULES) -> dag.AgGrid:
    """A sortable table of the children; clicking a row's name drills into it (rowId = code)."""
    unit, kind = localized_unit(indicator["unit"], lang), indicator_kind(indicator)
    digits = indicator_decimals(indicator)
    # The indicator's digits with thousands separators, as on the cards and the headline.
    number = {"function": "params.value == null ? '—' : params.value.toLocaleString('zh-CN', "
                          f"{{minimumFractionDigits: {digits}, maximumFractionDigits: {digits}}})"}
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
         "type": "numericColumn", "cellStyle": _cell_style("yoy_colour")},
    ]
    if bool(indicator["cumulative"]):
        columns += [{"field": "target", "headerName": t("export.target", lang, unit=unit), "valueFormatter": number,
                     "type": "numericColumn"},
                    {"field": "completion_pct", "headerName": t("export.completion", lang), "valueFormatter": percent,
                     "type": "numericColumn", "cellStyle": _cell_style("completion_colour")}]
    if kind != "pct":  # a rate's change in points, an index's as value − 100 (core/comparison.py)
        base = "params.data.value_last_year" if kind == "pp" else "100"
        rounded = f"(Number(params.value.toFixed({digits})) + 0)"
        columns[4] |= {"valueGetter": {"function": f"params.data.value == null || {base} == null ? null : "
                                                   f"params.data.value - {base}"},
                       "headerName": t("export.change_pp" if kind == "pp" else "export.yoy", lang),
                       "valueFormatter": {"function": f"params.value == null ? '—' : ({rounded} >= 0 ? '+' : '') + "
                                                      f"{rounded}.toFixed({digits})"}}
    rows = []
    for row, colours in zip(records(comparison), _cell_colours(comparison, indicator, rules)):
        rows.append({**{k: (None if is_missing(row.get(k)) else row.get(k)) for k in
                        ("region_code", "value", "value_last_year", "yoy_pct", "target", "completion_pct")},
                     "rank": None if is_missing(row["rank"]) else int(row["rank"]), "name": region_label(row, lang),
                     **colours})
    return dag.AgGrid(
        id="economy-table", rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 90},
        getRowId="params.data.region_code", className="economy-grid",
        dashGridOptions={"domLayout": "autoHeight", "suppressCellFocus": True, "animateRows": False,
                         "localeText": {"noRowsToShow": t("overview.no_data", lang)}},
        style={"width": "100%"})


def export_filename(parts: Sequence[str], extension: str = "") -> str:
    """`地区生产总值_走势_某某市_2026-10.csv`: indicator, chart, region and period (no extension: a stem)."""
    stem = "_".join(p.replace("/", "-").replace(" ", "") for p in parts if p)
    return f"{stem}.{extension}" if extension else stem


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
