"""The economy briefing's facts: everything the document says, read once from the warehouse.

`briefing_data` gathers, for one region and month, each headline indicator at its latest period
up to that month (headline, year-end forecast, trend, the ranking of the counties), the early
warnings, the regions below behind time progress, the key-project red list, the month's
emergencies and the notes on the record. Every read is an existing memoized one; the wording is
core/briefing_text.py's and the document components/briefing_model.py's.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Engine

from core.briefing_facts import BriefingData, IndicatorFacts
from core.comparison import indicator_kind
from core.config import Config
from core.periods import shift_period
from core.rules import Headline, trails_time
from datasources.alerts import alerts_since
from datasources.annotations import list_annotations
from datasources.economy import family_children, indicator_values, region_family
from datasources.indicators import catalogue
from datasources.projects import project_status
from datasources.regions import regions
from datasources.status import warehouse_status
from datasources.warehouse import Warehouse
from services.economy import (
    children_comparison,
    economy_warnings,
    forecast_for,
    headline,
    latest_period,
    trend_frame,
)

TREND_PERIODS = 13  # the trend chart: this month and the same month a year before
RED_STATES = ("overdue", "seriously_lagging")
# The bad-row counts a briefing reports: rows left out (not NULL values, which read as 暂无数据).
SKIPPED_KINDS = ("duplicate", "out_of_range", "future_stamp", "unknown_level")


def briefing_periods(wh: Warehouse, region_code: str) -> list[str]:
    """Months with a headline figure for the region, newest first (the periods a briefing can have)."""
    cat = catalogue(wh)
    found: set[str] = set()
    for code in cat.loc[cat["headline"], "indicator_code"]:
        series = indicator_values(wh, str(code), (region_code,))
        found.update(str(p) for p in series.loc[series["value"].notna(), "period"])
    return sorted(found, reverse=True)


def _measure(indicator: dict[str, Any], head: Headline) -> str:
    """What the ranking compares: completion when there is a target, growth for an amount, else the value."""
    if head.completion_pct is not None:
        return "completion_pct"
    return "yoy_pct" if indicator_kind(indicator) == "pct" and head.yoy_pct is not None else "value"


def _ranking(wh: Warehouse, region: dict[str, Any], indicator: dict[str, Any], head: Headline,
             has_children: bool) -> tuple[pd.DataFrame, str, bool]:
    measure = _measure(indicator, head)
    own = not has_children and isinstance(region.get("parent_code"), str)
    if not has_children and not own:
        return pd.DataFrame(), measure, False
    base = region["parent_code"] if own else region["region_code"]
    ranked = children_comparison(wh, base, indicator, head.period, measure)
    if ranked["rank"].isna().all() and measure != "value":
        measure = "value"
        ranked = children_comparison(wh, base, indicator, head.period, measure)
    return ranked, measure, own


def _indicator_facts(wh: Warehouse, region: dict[str, Any], indicator: dict[str, Any], period: str,
                     margin_pts: float, has_children: bool) -> IndicatorFacts:
    code = str(indicator["indicator_code"])
    series = indicator_values(wh, code, (region["region_code"],))
    latest = latest_period(series, period)
    if latest is None:
        return IndicatorFacts(indicator, None, None, series.iloc[0:0])
    head = headline(series, latest, indicator, margin_pts)
    frame = trend_frame(series, latest, str(indicator["frequency"]), bool(indicator["cumulative"]))
    trend = frame[frame["period"] >= shift_period(latest, -(TREND_PERIODS - 1))].reset_index(drop=True)
    forecast = forecast_for(series, latest, indicator) if head.completion_pct is not None else None
    ranking, measure, own = _ranking(wh, region, indicator, head, has_children)
    return IndicatorFacts(indicator, head, forecast, trend, ranking, measure, own)


def _behind(facts: tuple[IndicatorFacts, ...], margin_pts: float) -> pd.DataFrame:
    """Regions below the briefing's region whose completion trails time progress, worst first."""
    rows = []
    for order, fact in enumerate(facts):
        if fact.head is None or fact.own_rank or fact.ranking.empty or fact.head.completion_pct is None:
            continue
        progress = fact.head.time_progress_pct
        for kid in fact.ranking.to_dict("records"):
            if trails_time(None if pd.isna(kid["completion_pct"]) else float(kid["completion_pct"]), progress,
                           margin_pts, bool(fact.indicator["higher_is_better"])):
                rows.append({"order": order, "indicator_code": fact.indicator["indicator_code"],
                             "region_code": kid["region_code"], "name": kid["name"], "name_en": kid["name_en"],
                             "period": fact.head.period,
                             "completion_pct": float(kid["completion_pct"]),
                             "gap_pts": float(kid["completion_pct"]) - progress})
    frame = pd.DataFrame(rows, columns=["order", "indicator_code", "region_code", "name", "name_en", "period",
                                        "completion_pct", "gap_pts"])
    return frame.sort_values(["order", "gap_pts"], kind="stable").drop(columns="order").reset_index(drop=True)


def month_bounds_utc(period: str, tz: str) -> tuple[str, str]:
    """The month `period` in the local zone `tz` as [start, end) ISO 8601 UTC texts (`…Z`)."""
    zone = ZoneInfo(tz)

    def utc(p: str) -> str:
        local = datetime(int(p[:4]), int(p[5:7]), 1, tzinfo=zone)
        return local.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")

    return utc(period), utc(shift_period(period, 1))


def _month_alerts(wh: Warehouse, region_code: str, period: str, tz: str) -> pd.DataFrame:
    start, end = month_bounds_utc(period, tz)
    alerts = alerts_since(wh, start, region_code)
    moments = pd.to_datetime(alerts["occurred_at"], utc=True, errors="coerce", format="ISO8601")
    kept = alerts[moments.notna() & (moments < pd.Timestamp(end))].copy()
    kept["occurred_at"] = moments[kept.index]
    kept = kept.sort_values(["level", "occurred_at"], ascending=[True, False], na_position="last",
                            kind="stable").reset_index(drop=True)
    kept.attrs["skipped"] = {"unknown_level": int(kept["level"].isna().sum())}  # this month's only
    return kept


def _red_list(wh: Warehouse, region_code: str, today: date, config: Config) -> tuple[pd.DataFrame, dict[str, int]]:
    projects = project_status(wh, region_code, today.isoformat(), config.lagging_pts, config.seriously_lagging_pts)
    red = projects[projects["state"].isin(RED_STATES)].copy()
    red["_order"] = red["state"].map({s: i for i, s in enumerate(RED_STATES)})
    red = red.sort_values(["_order", "lag_pts"], ascending=[True, False], kind="stable").drop(columns="_order")
    counts = {s: int((projects["state"] == s).sum()) for s in RED_STATES}
    return red.reset_index(drop=True), counts


def briefing_data(wh: Warehouse, appdb: Engine, region_code: str, period: str, *, config: Config,
                  today: date) -> BriefingData:
    """The facts of the briefing of a known region for a month (`period`, YYYY-MM)."""
    family = region_family(wh, region_code)
    region = family[family["relation"] == "self"].iloc[0].to_dict()
    kids = family_children(family)
    cat = catalogue(wh)
    margin = config.completion_margin_pts
    facts = tuple(_indicator_facts(wh, region, row | {"indicator_code": row["indicator_code"]}, period, margin,
                                   not kids.empty)
                  for row in cat[cat["headline"]].to_dict("records"))
    warnings = economy_warnings(wh, region_code, period, margin)
    codes = {str(c) for c in cat.loc[cat["headline"], "indicator_code"]}
    warnings = warnings[(warnings["kind"] != "bottom") & warnings["indicator_code"].isin(codes)].reset_index(drop=True)
    projects, counts = _red_list(wh, region_code, today, config)
    first = shift_period(period, -(TREND_PERIODS - 1))
    notes = [n for n in list_annotations(appdb, region_code=region_code)
             if n["indicator_code"] in codes and first <= n["period"] <= period]
    alerts = _month_alerts(wh, region_code, period, config.timezone)
    skipped = dict.fromkeys(SKIPPED_KINDS, 0)
    frames = [indicator_values(wh, str(f.indicator["indicator_code"]), (region_code,)) for f in facts]
    for frame in [*frames, alerts]:
        for kind, n in frame.attrs.get("skipped", {}).items():
            if kind in skipped:
                skipped[kind] += int(n)
    named = {*alerts["region_code"].astype(str), *projects["region_code"].astype(str),
             *(str(n["region_code"]) for n in notes if n["region_code"]),
             *(str(c) for f in facts if not f.ranking.empty for c in f.ranking["region_code"])}
    every = regions(wh)
    names = {str(r["region_code"]): r for r in every[every["region_code"].isin(named)].to_dict("records")}
    names.update({str(r["region_code"]): r for r in family.to_dict("records")})
    return BriefingData(region=region, period=period, data_as_of=warehouse_status(wh).data_as_of,
                        indicators=facts, warnings=warnings, behind=_behind(facts, margin), projects=projects,
                        project_counts=counts, alerts=alerts,
                        annotations=notes, region_names=names, skipped={k: n for k, n in skipped.items() if n})
