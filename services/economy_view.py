"""The economy page's view against the warehouse: what a URL asks for, and whether a sent-back view is known.

`open_view` resolves a URL's region, indicator, period and measure (each may be missing or bad)
into the view the page shows and the notes it owes the reader. `checked_view` is the callbacks'
gate: the store the browser sends back must parse (core/economy_view.py) and name a region,
an indicator and a period the warehouse has, else the callback changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.economy_view import EconomyView, ViewQuery, choice, is_code
from core.periods import is_period
from core.regions import ancestor_codes, is_region_code
from datasources.economy import indicator_values, region_family
from datasources.indicators import catalogue
from datasources.regions import top_region_code
from datasources.warehouse import Warehouse
from services.economy import MEASURES


def known_region(wh: Warehouse, code: object) -> pd.Series | None:
    """The region row for a well-formed code the warehouse knows, else None."""
    if not isinstance(code, str) or not is_region_code(code):
        return None
    family = region_family(wh, code)
    me = family[family["relation"] == "self"]
    return None if me.empty else me.iloc[0]


def nearest_region(wh: Warehouse, code: object, city: str | None) -> pd.Series | None:
    """Where to send a reader from an unknown code: the nearest known region above it (by the
    GB/T 2260 code structure), else the top region."""
    for candidate in ancestor_codes(code) if isinstance(code, str) else []:
        region = known_region(wh, candidate)
        if region is not None:
            return region
    return known_region(wh, top_region_code(wh, city))


def indicator_row(wh: Warehouse, code: object) -> dict[str, Any] | None:
    """The catalogue row of an indicator, or None when the catalogue lacks it."""
    if not is_code(code):
        return None
    cat = catalogue(wh)
    match = cat[cat["indicator_code"] == code]
    return None if match.empty else match.iloc[0].to_dict() | {"indicator_code": code}


def first_indicator(wh: Warehouse, category: object) -> str | None:
    """The first indicator of a category in display order, or None for an unknown category."""
    if not is_code(category):
        return None
    cat = catalogue(wh)
    codes = cat.loc[cat["category"] == category, "indicator_code"]
    return None if codes.empty else str(codes.iloc[0])


def periods_with_values(series: pd.DataFrame) -> list[str]:
    """The periods of a series that carry a value, newest first."""
    return sorted({p for p, v in zip(series["period"].tolist(), series["value"].tolist()) if pd.notna(v)},
                  reverse=True)


def checked_view(wh: Warehouse, raw: object) -> tuple[EconomyView, dict[str, Any]] | None:
    """The view a browser sent back and its indicator's catalogue row, or None unless it is well-formed
    and the warehouse knows its region, its indicator and (when the region has data) its period."""
    view = EconomyView.parse(raw, MEASURES)
    if view is None or known_region(wh, view.region) is None:
        return None
    indicator = indicator_row(wh, view.indicator)
    if indicator is None:
        return None
    if view.period is not None:
        # The layout shows a period with data, or any period when the region has none; so the
        # trend never spans more than the data does.
        periods = periods_with_values(indicator_values(wh, view.indicator, (view.region,)))
        if periods and view.period not in periods:
            return None
    return view, indicator


@dataclass(frozen=True)
class OpenedView:
    """The view a URL asks for: what it shows, and which of the URL's values were bad (`notes`)."""

    view: EconomyView
    indicator: dict[str, Any]
    periods: list[str]  # with a value, newest first
    has_data: bool
    # Kinds in order: bad_indicator, bad_period or missing_period, bad_measure.
    notes: tuple[str, ...]


def open_view(wh: Warehouse, code: str, indicator: object, period: object, measure: object) -> OpenedView | None:
    """The view of a known region for the URL's indicator, period and measure; None without indicators."""
    cat = catalogue(wh)
    codes = list(cat["indicator_code"])
    if not codes:
        return None
    notes: list[str] = []
    chosen, bad = choice(indicator, codes, codes[0])
    ind = cat[cat["indicator_code"] == chosen].iloc[0].to_dict() | {"indicator_code": chosen}
    if bad:
        notes.append("bad_indicator")
    series = indicator_values(wh, chosen, (code,))
    periods = periods_with_values(series)
    latest = periods[0] if periods else None
    shown = latest
    if period and not is_period(period):
        notes.append("bad_period")
    elif period and period not in periods and latest:
        notes.append("missing_period")
    elif period:
        shown = period
    has_target = bool(ind["cumulative"]) and series["target"].notna().any()
    default_measure = "completion_pct" if has_target else "yoy_pct" if series["yoy_pct"].notna().any() else "value"
    measure_used, bad = choice(measure, MEASURES, default_measure)
    if bad:
        notes.append("bad_measure")
    query = ViewQuery(chosen, period if shown == period else None, measure if not bad and measure else None)
    return OpenedView(EconomyView(code, chosen, shown, measure_used, query), ind, periods, latest is not None,
                      tuple(notes))
