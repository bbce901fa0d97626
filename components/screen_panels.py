"""The wall screen's text panels: headline figures, alerts by level, the ticker, the red list, poverty.

Pure functions of plain values and DataFrames. Type is large (24 px and up at the 1920×1080
design canvas, assets/screen.css) and every element keeps its place from one refresh to the
next, so a number changes in place.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from dash import html

from components.alerts import category_label, level_key, level_label
from components.cards import LEVEL_KEYS, headline_change
from components.formatting import MISSING, format_number, format_pct, format_timestamp
from core.colours import DEFAULT_RULES, ColourRules, progress_tone, tone_class
from core.comparison import indicator_decimals
from core.i18n import t
from core.rules import change_tone
from core.values import is_missing, localized_name, localized_unit

# Design pixels of one KPI card, one list row and one ticker item (assets/screen.css).
KPI_MIN_WIDTH, KPI_HEIGHT, ROW_HEIGHT, TITLE_HEIGHT = 400, 140, 46, 56


def kpi_columns(width: int) -> int:
    """How many KPI cards side by side fit in a panel `width` design pixels wide."""
    return max(1, width // KPI_MIN_WIDTH)


def kpi_capacity(width: int, height: int) -> int:
    """How many KPI cards fit in a panel of this size."""
    return kpi_columns(width) * max(1, (height - TITLE_HEIGHT) // KPI_HEIGHT)


def list_capacity(height: int) -> int:
    """How many list rows fit in a panel `height` design pixels high."""
    return max(1, (height - TITLE_HEIGHT - ROW_HEIGHT) // ROW_HEIGHT)


def screen_kpi(row: Mapping[str, Any], lang: str, rules: ColourRules = DEFAULT_RULES) -> html.Div:
    """One headline figure: name, value and its change (as the overview says it), completion against 时间进度."""
    decimals = indicator_decimals(row)
    yoy, yoy_text = headline_change(row, lang)
    tone = change_tone(yoy, bool(row.get("higher_is_better")))
    completion, progress = row.get("completion_pct"), row.get("time_progress_pct")
    pace = tone_class(progress_tone(completion, progress, bool(row.get("higher_is_better", True)), rules))  # type: ignore[arg-type]
    has_target = not is_missing(completion)
    return html.Div([
        # The name has the card's whole width (a wall is read from 5 m: no cut names); the
        # change sits beside the figure it qualifies.
        html.Div(localized_name(row, lang), className="screen-kpi-name"),
        html.Div([html.Span([html.Span(format_number(row.get("value"), decimals), className="screen-kpi-value"),
                             html.Span(localized_unit(row.get("unit"), lang), className="screen-kpi-unit")]),
                  html.Span(yoy_text, className=f"screen-kpi-yoy tone-{tone}")],
                 className="screen-kpi-figure"),
        html.Div([
            html.Div(className=f"screen-kpi-fill {pace}",
                     style={"width": f"{min(float(completion), 100):.1f}%" if has_target else "0%"}),  # type: ignore[arg-type]
            html.Div(className="screen-kpi-time",
                     style={"left": f"{float(progress):.1f}%" if not is_missing(progress) else "0%",  # type: ignore[arg-type]
                            "display": "block" if has_target and not is_missing(progress) else "none"}),
        ], className="screen-kpi-bar"),
        html.Div([html.Span(t("screen.completion", lang, value=format_pct(completion)) if has_target
                            else t("overview.no_target", lang), className=f"screen-kpi-completion {pace}"),
                  html.Span(t("screen.time_progress", lang, value=format_pct(progress)) if has_target else "",
                            className="screen-kpi-progress")], className="screen-kpi-bottom"),
    ], className="screen-kpi", id={"type": "screen-kpi", "code": str(row["indicator_code"])})


def kpi_grid(values: pd.DataFrame, width: int, height: int, lang: str, rules: ColourRules) -> html.Div:
    """As many headline figures as fit the panel, in the catalogue's order."""
    rows = values.head(kpi_capacity(width, height)).to_dict("records")
    return html.Div([screen_kpi(r, lang, rules) for r in rows], className="screen-kpi-grid",
                    style={"gridTemplateColumns": f"repeat({kpi_columns(width)}, 1fr)"})


def level_tiles(counts: Mapping[str, int], lang: str) -> html.Div:
    """Open alerts per level 1–4 as four large counts."""
    return html.Div([html.Div([html.Div(str(counts.get(level, 0)), className="screen-tile-count"),
                               html.Div(t(f"alert.level.{level}", lang), className="screen-tile-label")],
                              className=f"screen-tile level-{colour}")
                     for level, colour in LEVEL_KEYS.items()], className="screen-tiles")


def ticker(alerts: pd.DataFrame, region_names: Mapping[str, str], lang: str, tz: str, limit: int = 20) -> html.Div:
    """The newest open alerts as one line that scrolls by, most severe first."""
    items = [html.Span([html.Span("●", className=f"screen-dot level-{level_key(r['level'])}"), " ",
                        level_label(r["level"], lang), " · ", category_label(r.get("category"), lang), " · ",
                        str(r.get("title") or MISSING), " · ",
                        region_names.get(str(r.get("region_code")), str(r.get("region_code") or MISSING)), " · ",
                        format_timestamp(r.get("occurred_at"), tz)[11:]], className="screen-ticker-item")
             for r in alerts.head(limit).to_dict("records")]
    if not items:
        items = [html.Span(t("screen.no_open_alerts", lang), className="screen-ticker-item")]
    # The track holds the items twice, so the loop scrolls on without a gap (assets/screen.css);
    # its time grows with its length, so the text moves at about 100 design pixels a second.
    chars = sum(len("".join(str(c) for c in item.children if isinstance(c, str))) + 6 for item in items)
    seconds = max(20, round(chars * 28 / 100))
    return html.Div(html.Div(items + items, className="screen-ticker-track",
                             style={"animationDuration": f"{seconds}s"}), className="screen-ticker")


def red_list(projects: pd.DataFrame, total: int, region_names: Mapping[str, str], lang: str) -> html.Div:
    """The overdue and seriously lagging key projects, worst first, with their lag in points."""
    if projects.empty:
        return html.Div(t("screen.no_red_projects", lang), className="screen-empty")
    rows = [html.Div([
        html.Span(str(r.get("name") or r["project_code"]), className="screen-row-name"),
        html.Span(region_names.get(str(r.get("region_code")), ""), className="screen-row-place"),
        html.Span(t(f"project.state.{r['state']}", lang), className=f"screen-badge state-{r['state']}"),
        html.Span(t("screen.lag_pts", lang, value=format_number(r.get("lag_pts"), 1))
                  if not is_missing(r.get("lag_pts")) else MISSING, className="screen-row-figure"),
    ], className="screen-row", id={"type": "screen-project", "code": str(r["project_code"])})
        for r in projects.to_dict("records")]
    more = total - len(rows)
    return html.Div(rows + ([html.Div(t("screen.more", lang, n=more), className="screen-more")] if more > 0 else []),
                    className="screen-list")


def poverty_summary(counts: Mapping[str, int] | None, lang: str, wide: bool = True) -> html.Div:
    """Households per monitoring status, the ones needing attention first, in one row (`wide`) or
    two; a note when there is no data."""
    if counts is None:
        return html.Div(t("screen.no_households", lang), className="screen-empty")
    return html.Div([html.Div([html.Div(format_number(n, 0), className="screen-tile-count"),
                               html.Div(t(f"screen.monitor.{status}", lang), className="screen-tile-label")],
                              className=f"screen-tile monitor-{status}")
                     for status, n in counts.items()], className="screen-tiles" + ("" if wide else " screen-tiles-2"))


def header(city: str, title: str, as_of: str | None, tz: str, lang: str) -> html.Div:
    """City and screen title on the left; the clock (assets/screen.js) and data-as-of on the right."""
    return html.Div([
        html.Div([html.Span(city, className="screen-city"), html.Span(title, className="screen-title")],
                 className="screen-brand"),
        html.Div([html.Div(id="screen-clock", className="screen-clock"),
                  html.Div(as_of_text(as_of, tz, lang), id={"type": "screen-asof", "key": "header"},
                           className="screen-asof")], className="screen-time"),
    ], className="screen-header")


def as_of_text(as_of: str | None, tz: str, lang: str) -> str:
    """数据截至 … in the cockpit's time zone."""
    return t("app.data_as_of", lang, time=format_timestamp(as_of, tz))


def alarm_banner(alarms: pd.DataFrame, region_names: Mapping[str, str], lang: str,
                 tz: str) -> tuple[Sequence[Any], str]:
    """The red-alert banner's content and class: the newest unacknowledged red alert, and how many more."""
    if alarms.empty:
        return [], "screen-alarm is-hidden"
    first = alarms.iloc[0].to_dict()
    more = len(alarms) - 1
    place = region_names.get(str(first.get("region_code")), str(first.get("region_code")))
    meta = [level_label(first.get("level"), lang), category_label(first.get("category"), lang), place,
            format_timestamp(first.get("occurred_at"), tz)]
    return [
        html.Div(t("screen.alarm_label", lang), className="screen-alarm-label"),
        html.Div([html.Div(str(first.get("title") or MISSING), className="screen-alarm-title"),
                  html.Div(" · ".join(meta), className="screen-alarm-meta")], className="screen-alarm-body"),
        html.Div([t("screen.alarm_waiting", lang)] + ([html.Br(), t("screen.more", lang, n=more)] if more else []),
                 className="screen-alarm-side"),
    ], "screen-alarm is-on"
