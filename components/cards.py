"""Overview cards: headline indicators, open alerts by level, key projects by state."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from dash import html

from components.formatting import MISSING, format_number, format_pct, period_label
from core.colours import DEFAULT_RULES, ColourRules, progress_tone, tone_class
from core.comparison import (
    change_figure,
    growth_rate_change,
    indicator_decimals,
    indicator_kind,
    is_growth_rate,
    year_change,
)
from core.i18n import t
from core.rules import change_tone
from core.values import is_missing, localized_name, localized_unit

LEVEL_KEYS = {"1": "red", "2": "orange", "3": "yellow", "4": "blue"}


def headline_change(row: Mapping[str, object], lang: str) -> tuple[float | None, str]:
    """A headline indicator's change and how a card states it: "同比 ▲ +3.3%", "▼ 比1—9月回落0.1个百分点".

    An amount compares in percent, a rate in points, an index as value − 100, each on the year;
    a growth rate is itself a change over the year, so it compares with the previous period of
    the same year, in the bureau's words. One statement for the overview and the wall screen.
    """
    kind, decimals = indicator_kind(row), indicator_decimals(row)
    change = year_change(kind, row.get("value"), row.get("value_last_year"), row.get("yoy_pct"))
    text = format_pct(change, signed=True) if kind == "pct" else change_figure(kind, change, lang, decimals)
    label = t("overview.yoy", lang) + " "
    if kind == "pp" and is_growth_rate(row.get("name"), row.get("name_en")):
        change, text = growth_rate_change(row, row.get("value"), row.get("value_previous"),
                                          row.get("previous_period"), lang)
        label = ""
    arrow = "" if is_missing(change) or change == 0 else ("▲ " if float(change) > 0 else "▼ ")  # type: ignore[arg-type]
    return change, label + arrow + text


def kpi_card(row: Mapping[str, object], href: str, lang: str, rules: ColourRules = DEFAULT_RULES) -> html.A:
    """A headline indicator: latest value with unit and period, YoY coloured by tone, completion
    coloured ahead / behind / far behind time progress (core/colours.py)."""
    code = str(row["indicator_code"])
    name = localized_name(row, lang)
    has_data = not is_missing(row.get("period"))
    decimals = indicator_decimals(row)
    yoy, yoy_text = headline_change(row, lang)
    tone = change_tone(yoy, bool(row.get("higher_is_better")))
    children: list = [
        html.Div(name, className="kpi-name"),
        html.Div([html.Span(format_number(row.get("value"), decimals), className="kpi-value"),
                  html.Span(localized_unit(row.get("unit"), lang), className="kpi-unit")], className="kpi-figure"),
        html.Div([
            html.Span(period_label(row.get("period"), str(row.get("frequency")),  # type: ignore[arg-type]
                                   bool(row.get("cumulative")), lang) if has_data else t("overview.no_data", lang),
                      className="kpi-period"),
            html.Span(yoy_text, className=f"kpi-yoy tone-{tone}"),
        ], className="kpi-meta"),
    ]
    completion = row.get("completion_pct")
    if not is_missing(completion):
        progress = row.get("time_progress_pct")
        pace = tone_class(progress_tone(completion, progress, bool(row.get("higher_is_better", True)), rules))  # type: ignore[arg-type]
        children.append(html.Div([
            html.Div(className=f"kpi-bar-fill {pace}", style={"width": f"{min(float(completion), 100):.1f}%"}),  # type: ignore[arg-type]
            html.Div(className="kpi-bar-time", style={"left": f"{float(progress):.1f}%"},  # type: ignore[arg-type]
                     title=t("overview.time_progress", lang)),
        ], className="kpi-bar"))
        children.append(html.Div(t("overview.completion", lang, completion=format_pct(completion),
                                   progress=format_pct(progress)), className=f"kpi-completion {pace}"))
    else:
        children.append(html.Div(t("overview.no_target", lang) if has_data else MISSING,
                                 className="kpi-completion muted"))
    return html.A(children, href=href, className="kpi-card", id={"type": "overview-kpi", "code": code})


def alert_level_tiles(counts: Mapping[str, int], lang: str) -> list[html.A]:
    """One tile per alert level 1–4, coloured red, orange, yellow, blue."""
    return [
        html.A([html.Div(str(counts.get(level, 0)), className="tile-count"),
                html.Div(t(f"alert.level.{level}", lang), className="tile-label")],
               href=f"/alerts?level={level}", className=f"tile level-{colour}",
               id={"type": "overview-alert-level", "level": level})
        for level, colour in LEVEL_KEYS.items()
    ]


def project_state_tiles(counts: Mapping[str, int], lang: str) -> list[html.A]:
    """One tile per project state, in the contract's order."""
    return [
        html.A([html.Div(str(n), className="tile-count"),
                html.Div(t(f"project.state.{state}", lang), className="tile-label")],
               href=f"/projects?state={state}", className=f"tile state-{state}",
               id={"type": "overview-project-state", "state": state})
        for state, n in counts.items()
    ]


def _list_separator(lang: str) -> str:
    return "；" if lang == "zh" else "; "


def panel_message(text: str, kind: str = "error") -> html.Div:
    """A message in place of a panel's content (missing table, unreachable warehouse, no data)."""
    return html.Div(text, className=f"panel-message panel-{kind}", role="status")


def skipped_note(skipped: Mapping[str, int], lang: str) -> html.Div | None:
    """A small note counting rows skipped or shown as "—", or None when there were none."""
    parts = [t(f"quality.{kind}", lang, n=n) for kind, n in skipped.items() if n]
    if not parts:
        return None
    return html.Div(t("quality.skipped_prefix", lang) + _list_separator(lang).join(parts),
                    className="skipped-note")


def quality_summary(counts: pd.DataFrame, lang: str) -> html.Div:
    """One line per warehouse table with the bad rows the cockpit skipped or flagged."""
    lines = []
    for table, group in counts[counts["rows"] > 0].groupby("table", sort=False):
        parts = [t(f"quality.{row['problem']}", lang, n=int(row["rows"])) for row in group.to_dict("records")]
        lines.append(html.Li([html.Span(t(f"quality.table.{table}", lang), className="quality-table"),
                              _list_separator(lang).join(parts)]))
    if not lines:
        return html.Div(t("quality.all_clean", lang), className="muted")
    return html.Ul(lines, className="quality-list")
