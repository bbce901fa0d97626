"""Scenarios from the warehouse: the figures core/scenario.py needs, for a region and its children.

V (year to date at the period), V₀ (a year before), L (last December's year-to-date value, the
full year) and T (the target at the period) come from the memoized reads of
datasources/economy.py; the arithmetic is the core's.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.periods import shift_period
from core.scenario import Scenario, ScenarioUnavailable, scenario
from datasources.economy import family_children, indicator_values, region_family, values_at
from datasources.warehouse import Warehouse


def last_december(period: str) -> str:
    """December of the year before `period` ("2026-09" → "2025-12")."""
    return f"{int(period[:4]) - 1:04d}-12"


def _check_kind(indicator: Mapping[str, Any]) -> None:
    if not bool(indicator["cumulative"]):
        raise ScenarioUnavailable("no_target", f"{indicator['indicator_code']} is not cumulative: "
                                               "it has no year-to-date value to take to a year-end target")


def _from_rows(rows: pd.DataFrame, period: str, growth_pct: float | None) -> Scenario:
    by_period = {p: (v, t) for p, v, t in zip(rows["period"], rows["value"], rows["target"])}
    none = (None, None)
    value, target = by_period.get(period, none)
    return scenario(period, value, target, by_period.get(shift_period(period, -12), none)[0],
                    by_period.get(last_december(period), none)[0], growth_pct)


def latest_with_value(rows: pd.DataFrame) -> str | None:
    """The latest period of a series that has a value."""
    periods = rows.loc[rows["value"].notna(), "period"]
    return None if periods.empty else str(periods.max())


def region_scenario(wh: Warehouse, indicator: Mapping[str, Any], region_code: str, period: str | None,
                    growth_pct: float | None) -> Scenario:
    """The scenario of one region at `period` (None: its latest period with a value).

    ScenarioUnavailable (core/scenario.py) when it cannot be computed, saying why.
    """
    _check_kind(indicator)
    series = indicator_values(wh, str(indicator["indicator_code"]), (region_code,))
    chosen = period or latest_with_value(series)
    if chosen is None:
        raise ScenarioUnavailable("no_value", f"no values for region {region_code}")
    return _from_rows(series, chosen, growth_pct)


def children_scenarios(wh: Warehouse, indicator: Mapping[str, Any], region_code: str, period: str,
                       growth_pct: float | None) -> list[tuple[pd.Series, Scenario | None]]:
    """Each child region with its scenario at `period` (None when it cannot be computed), one query."""
    if not bool(indicator["cumulative"]):
        return []
    kids = family_children(region_family(wh, region_code))
    if kids.empty:
        return []
    rows = values_at(wh, (str(indicator["indicator_code"]),), tuple(kids["region_code"]),
                     (period, shift_period(period, -12), last_december(period)))
    by_region = dict(tuple(rows.groupby("region_code", sort=False)))
    empty = rows.iloc[0:0]
    out: list[tuple[pd.Series, Scenario | None]] = []
    for _, kid in kids.iterrows():
        try:
            found: Scenario | None = _from_rows(by_region.get(kid["region_code"], empty), period, growth_pct)
        except ScenarioUnavailable:
            found = None
        out.append((kid, found))
    return out
