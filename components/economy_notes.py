"""Trend chart layers and the decision panel of the economy page, as pure functions.

- the YoY line of the trend chart, coloured by meaning (core/colours.py): each point better or
  worse for the city by `higher_is_better`; a rate's change in points, not in percent;
- annotations on the time axis: a dotted vertical line per noted period and a marker at the top
  whose hover shows the notes (who, when, what);
- the scenario sentence ("要完成全年目标，后N个月需同比增长g*%"), the year-end line it adds to the
  forecast chart, each child's required growth, and the form an analyst adds a note with.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd
from dash import dcc, html

from components.formatting import format_number, format_pct
from core.colours import MIDPOINT, TONE_COLOURS, growth_tone
from core.comparison import change_pp, indicator_decimals, indicator_kind
from core.i18n import t
from core.periods import shift_period
from core.scenario import Scenario
from core.values import localized_unit, number_or_none

NOTE_COLOUR = "#c792ea"  # distinct from values, targets and tones on both themes
SCENARIO_COLOUR = "#ff9f43"


def yoy_line(frame: pd.DataFrame, indicator: Mapping[str, Any], lang: str) -> dict[str, Any] | None:
    """The change over the year by period on the second axis, or None when there is none.

    An amount in percent (the warehouse's YoY); a rate (kind `pp`) in points, value − the value
    twelve months before. Markers green where the change is good for the city, red where bad.
    """
    kind = indicator_kind(indicator)
    x = list(frame["period"])
    if kind == "pp":
        values = dict(zip(frame["period"], frame["value"]))
        y = [change_pp(values.get(p), values.get(shift_period(p, -12))) for p in x]
        hover = "%{x}<br>%{y:+." + str(indicator_decimals(indicator)) + "f} " + t("compare.pp.unit", lang)
    else:
        y = [number_or_none(v) for v in frame["yoy_pct"]]
        hover = "%{x}<br>%{y:+.1f}%"
    if all(v is None for v in y):
        return None
    better_high = bool(indicator["higher_is_better"])
    # Zero (or unknown) in the diverging scale's middle grey-blue, as on the map and the ranking.
    tones = [growth_tone(v, better_high) for v in y]
    colours = [MIDPOINT if tone == "neutral" else TONE_COLOURS[tone] for tone in tones]
    return {"type": "scatter", "x": x, "y": y, "name": t("economy.yoy", lang), "yaxis": "y2",
            "mode": "lines+markers", "connectgaps": False, "line": {"color": MIDPOINT, "width": 2},
            "marker": {"color": colours, "size": 8, "line": {"width": 0}},
            "hovertemplate": hover + "<extra></extra>"}


def yoy_axis_suffix(indicator: Mapping[str, Any], lang: str) -> str:
    """The second axis' tick suffix: % for an amount's YoY, points for a rate's change."""
    return " " + t("compare.pp.unit", lang) if indicator_kind(indicator) == "pp" else "%"


def _on_axis(period: str, periods: Sequence[str]) -> str | None:
    """The axis category a note's month falls on: that period, else the next one shown (a quarter's end)."""
    later = [p for p in periods if p >= period]
    return min(later) if later else None


def note_layer(notes: Sequence[Mapping[str, Any]], periods: Sequence[str], lang: str
               ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Dotted vertical lines at the noted periods and one marker trace (on a hidden third axis at the
    top of the plot) whose hover lists each period's notes; ([], None) when none falls on the axis."""
    by_x: dict[str, list[str]] = {}
    for note in notes:
        x = _on_axis(str(note["period"]), periods)
        if x is None:
            continue
        who = t("annotation.by", lang, author=note.get("created_by", ""), period=note["period"])
        by_x.setdefault(x, []).append(f"{escape(str(note['text']))}<br><i>{escape(who)}</i>")
    if not by_x:
        return [], None
    shapes = [{"type": "line", "x0": x, "x1": x, "yref": "paper", "y0": 0, "y1": 1,
               "line": {"color": NOTE_COLOUR, "dash": "dot", "width": 1.5}} for x in by_x]
    trace = {"type": "scatter", "x": list(by_x), "y": [0.97] * len(by_x), "yaxis": "y3", "mode": "markers",
             "name": t("annotation.title", lang), "marker": {"symbol": "triangle-down", "size": 13,
                                                             "color": NOTE_COLOUR},
             "hovertext": ["<br>".join(texts) for texts in by_x.values()], "hoverinfo": "text",
             "meta": "annotations"}
    return shapes, trace


NOTE_AXIS = {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}


def scenario_trace(found: Scenario, indicator: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """The forecast chart's scenario: from this period's value straight to E(g) in December."""
    unit = localized_unit(indicator["unit"], lang)
    digits = indicator_decimals(indicator)
    december = f"{found.period[:4]}-12"
    return {"type": "scatter", "x": [found.period, december], "y": [found.value, found.year_end],
            "name": t("scenario.trace", lang, g=f"{found.growth_pct:+.1f}"), "mode": "lines+markers",
            "line": {"color": SCENARIO_COLOUR, "width": 2, "dash": "dashdot"}, "meta": "scenario",
            "hovertemplate": "%{x}<br>%{y:,." + str(digits) + "f} " + unit + "<extra></extra>"}


def required_sentence(found: Scenario, indicator: Mapping[str, Any], lang: str) -> str:
    """要完成全年目标，后N个月需同比增长g*% (a ceiling: may grow at most g*%; reached: says so)."""
    if bool(indicator["higher_is_better"]) and found.value >= found.target:
        return t("scenario.required_reached", lang)
    key = "scenario.required" if bool(indicator["higher_is_better"]) else "scenario.required_ceiling"
    return t(key, lang, n=found.months_left, g=format_number(found.required_growth_pct, 1))


def outcome_sentence(found: Scenario, indicator: Mapping[str, Any], lang: str) -> str:
    """按后N个月同比增长g%测算，全年E，完成目标的x%."""
    return t("scenario.outcome", lang, n=found.months_left, g=format_number(found.growth_pct, 1),
             value=format_number(found.year_end, indicator_decimals(indicator)),
             unit=localized_unit(indicator["unit"], lang), pct=format_pct(found.completion_pct))


def children_required(rows: Sequence[tuple[str, Scenario | None]], lang: str) -> html.Div | None:
    """Each child's required growth, smallest first (those that cannot be computed left out)."""
    known = sorted(((name, s.required_growth_pct) for name, s in rows if s is not None), key=lambda r: r[1])
    if not known:
        return None
    items = [html.Li([html.Span(name, className="scenario-child"), html.Span(format_pct(g))])
             for name, g in known]
    return html.Div([html.Div(t("scenario.counties", lang), className="economy-kpi-label"),
                     html.Ul(items, className="scenario-children", id="economy-scenario-children")])


SLIDER_MIN, SLIDER_MAX, SLIDER_STEP = -20, 40, 0.1


def slider_position(growth: float) -> float:
    """Where the slider shows a growth rate: on its 0.1 steps (as the sentences round it), within its ends."""
    return max(SLIDER_MIN, min(SLIDER_MAX, round(growth, 1)))


def scenario_controls(lang: str, growth: float = 0.0) -> html.Div:
    """The growth slider (−20 … +40 %; a view sets it to the growth so far) and where its sentences go."""
    return html.Div([
        html.Div(id="economy-scenario-line", className="economy-forecast-line"),
        html.Div([
            html.Label(t("scenario.slider", lang, n="N"), id="economy-scenario-label", className="economy-kpi-label"),
                dcc.Slider(id="economy-scenario-growth", min=SLIDER_MIN, max=SLIDER_MAX, step=SLIDER_STEP, value=growth,
                       marks={v: f"{v:+d}%" if v else "0" for v in range(SLIDER_MIN, SLIDER_MAX + 1, 10)},
                       tooltip={"placement": "bottom", "always_visible": False}, updatemode="mouseup"),
            html.Div(id="economy-scenario-children-slot"),
        ], id="economy-scenario-controls"),
    ], className="economy-scenario", id="economy-scenario")


NOTE_MONTHS = 36  # how far back the form offers months


def note_form(lang: str, latest: str | None) -> html.Details:
    """A small form to pin a note on the trend chart: a month (the latest period and the
    NOTE_MONTHS before it), a text, a button (shown only to who may annotate)."""
    months = [shift_period(latest, -k) for k in range(NOTE_MONTHS)] if latest else []
    return html.Details([
        html.Summary(t("annotation.add", lang), className="economy-note-summary"),
        html.Div([
            dcc.Dropdown(id="economy-note-period", options=[{"label": p, "value": p} for p in months],
                         value=months[0] if months else None, clearable=False, className="economy-dropdown",
                         placeholder=t("annotation.period", lang)),
            dcc.Input(id="economy-note-text", type="text", maxLength=500, debounce=False,
                      placeholder=t("annotation.text", lang), className="economy-note-text"),
            html.Button(t("annotation.add", lang), id="economy-note-add", className="app-button"),
        ], className="economy-note-form"),
        html.Div(id="economy-note-message", className="skipped-note", role="status"),
    ], className="economy-notes", id="economy-note-box")
