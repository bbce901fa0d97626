"""The economy page's decision support: the what-it-takes scenario and annotations on the trend chart.

Part of `/economy`: pages/economy.py imports it and calls `register_callbacks()` when Dash loads
that page, once per app (Dash runs a page file again for every app it builds, but a module
imported normally runs once per process, so decorating here at import would leave a second app,
as in the tests, without these callbacks).
- `show_scenario`: the growth slider moves the year-end chart (the forecast and the scenario
  line E(g)), and says what growth the target needs, for the region and each area below it.
- `add_note`: an analyst pins a note on a month of the indicator; the trend chart redraws with it.
Both read the `economy-view` store the browser sends back, checked like every economy callback.
"""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, html
from dash.exceptions import PreventUpdate

from components.cards import panel_message
from components.economy import EMPTY_FIGURE, forecast_figure, region_label, trend_figure
from components.economy_notes import (
    children_required,
    note_form,
    outcome_sentence,
    required_sentence,
    scenario_controls,
    scenario_trace,
    slider_position,
)
from components.panels import guarded
from core.annotations import check_period, check_text
from core.economy_view import EconomyView
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from core.periods import is_period
from core.permissions import ANNOTATE
from core.scenario import MAX_GROWTH_PCT, MIN_GROWTH_PCT, ScenarioUnavailable
from datasources.annotations import add_annotation, list_annotations
from datasources.economy import indicator_values
from services.economy import MEASURES, forecast_for, trend_frame
from services.economy_view import checked_view
from services.scenario import children_scenarios, region_scenario
from web.access import check_region, user_may
from web.audit import client_address
from web.auth import current_user
from web.runtime import current_runtime

SCENARIO = "economy-scenario-line"
SLIDER = "economy-scenario-growth"
SHOWN: dict[str, str] = {}
HIDDEN = {"display": "none"}
TREND = {"type": "economy-graph", "chart": "trend"}
FORECAST = {"type": "economy-graph", "chart": "forecast"}


def decision_controls(lang: str, latest: str | None) -> tuple[html.Div, Any]:
    """The scenario controls (for everyone) and the note form (only for who may annotate)."""
    return scenario_controls(lang), note_form(lang, latest) if user_may(ANNOTATE) else None


def checked(raw: object) -> tuple[EconomyView, dict[str, Any]]:
    """The sent-back view with a period and its indicator, known to the warehouse; else PreventUpdate."""
    found = checked_view(current_runtime().warehouse, raw)
    if found is None or found[0].period is None:
        raise PreventUpdate
    check_region(found[0].region)
    return found


def trend_with_notes(view: EconomyView, indicator: dict[str, Any], lang: str) -> dict[str, Any]:
    """The trend chart of a view with its indicator's notes for the region (and for every region)."""
    rt = current_runtime()
    series = indicator_values(rt.warehouse, view.indicator, (view.region,))
    frame = trend_frame(series, str(view.period), str(indicator["frequency"]), bool(indicator["cumulative"]))
    notes = list_annotations(rt.appdb.engine, indicator_code=view.indicator, region_code=view.region)
    return trend_figure(frame, indicator, lang, notes)


def _trigger() -> object:
    """The id of the input that fired the callback; None when the request names none or a malformed one."""
    try:
        return ctx.triggered_id
    except (AttributeError, TypeError, ValueError):
        return None


def _growth(raw: object) -> float | None:
    """The slider's value, or None (the growth so far) when it is not a number in range."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    return float(raw) if MIN_GROWTH_PCT <= raw <= MAX_GROWTH_PCT else None


def show_scenario(raw: object, growth: object) -> tuple:
    """The year-end chart (forecast, band, target and the scenario line E(g)) and what it takes.

    A new view starts the slider at the growth so far this year; moving it asks "what if".
    """
    lang = current_language()
    moved = _trigger() == SLIDER
    parsed = EconomyView.parse(raw, MEASURES)
    if parsed is not None and parsed.period is None:  # a region without data: nothing to project
        check_region(parsed.region)
        return None, EMPTY_FIGURE, None, t("scenario.slider", lang, n="N"), dash.no_update, HIDDEN

    def render() -> tuple:
        rt = current_runtime()
        view, ind = checked(raw)
        period = str(view.period)
        series = indicator_values(rt.warehouse, view.indicator, (view.region,))
        frame = trend_frame(series, period, str(ind["frequency"]), bool(ind["cumulative"]))
        figure = forecast_figure(frame[frame["period"].str[:4] == period[:4]], forecast_for(series, period, ind),
                                 ind, lang)
        g = _growth(growth) if moved else None
        try:
            found = region_scenario(rt.warehouse, ind, view.region, period, g)
        except ScenarioUnavailable as exc:
            reason = t(f"scenario.reason.{exc.reason}", lang)
            # Nothing to move: no slider, only why.
            return (html.Span(t("scenario.none", lang, reason=reason), className="muted"), figure, None,
                    t("scenario.slider", lang, n="N"), dash.no_update, HIDDEN)
        figure["data"].append(scenario_trace(found, ind, lang))
        kids = children_scenarios(rt.warehouse, ind, view.region, period, g)
        names = {str(kid["region_code"]): region_label(kid.to_dict(), lang) for kid, _ in kids}
        lines = html.Div([html.Div(required_sentence(found, ind, lang), id="economy-scenario-required",
                                   className="economy-scenario-required"),
                          html.Div(outcome_sentence(found, ind, lang), id="economy-scenario-outcome")])
        start = dash.no_update if moved else slider_position(found.growth_pct)
        return (lines, figure, children_required([(names[str(k["region_code"])], s) for k, s in kids], lang),
                t("scenario.slider", lang, n=found.months_left), start, SHOWN)

    result = guarded(render, lang)
    return result if isinstance(result, tuple) else (result, EMPTY_FIGURE, None, dash.no_update, dash.no_update,
                                                     HIDDEN)


def add_note(clicks: object, period: object, text: object, raw: object) -> tuple:
    """Store the note (ANNOTATE, audited) on the view's indicator and region; redraw the trend with it."""
    if not clicks:
        raise PreventUpdate
    lang = current_language()
    view, ind = checked(raw)
    try:
        month = check_period(period)
        words = check_text(text)
    except ValueError:
        reason = t("annotation.bad_text" if is_period(period) else "annotation.bad_period", lang)
        return panel_message(t("annotation.bad", lang, reason=reason), "warning"), dash.no_update, dash.no_update
    user = current_user()
    if user is None:
        raise PreventUpdate
    try:
        add_annotation(current_runtime().appdb.engine, indicator_code=view.indicator, region_code=view.region,
                       period=month, text=words, author=user.username, address=client_address())
        figure = trend_with_notes(view, ind, lang)
    except (MissingSchema, WarehouseUnavailable):
        raise PreventUpdate from None
    return html.Span(t("annotation.added", lang), id="economy-note-added"), figure, ""


def register_callbacks() -> None:
    """Register `show_scenario` and `add_note` with the app Dash is building (see the module's note)."""
    callback(
        Output(SCENARIO, "children"),
        Output(FORECAST, "figure"),
        Output("economy-scenario-children-slot", "children"),
        Output("economy-scenario-label", "children"),
        Output(SLIDER, "value"),
        Output("economy-scenario-controls", "style"),
        Input("economy-view", "data"),
        Input(SLIDER, "value"),
    )(show_scenario)
    callback(
        Output("economy-note-message", "children"),
        Output(TREND, "figure", allow_duplicate=True),
        Output("economy-note-text", "value"),
        Input("economy-note-add", "n_clicks"),
        State("economy-note-period", "value"),
        State("economy-note-text", "value"),
        State("economy-view", "data"),
        prevent_initial_call=True,
    )(add_note)
