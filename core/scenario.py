"""What it takes to reach the year's target: the year end under a growth rate, and the growth needed.

For a cumulative indicator with an annual target T: V is this year's value so far (year to
date at `period`), V₀ last year's value at the same period and L last year's full-year value,
so the rest of last year was R = L − V₀. If the rest of this year grows by g % on the rest of
last year, the year ends at E(g) = V + R·(1 + g/100); reaching T needs
g* = ((T − V)/R − 1)·100. Pure arithmetic; the numbers come from services/scenario.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.values import number_or_none

# The growth a caller may ask about, in percent: −100 (nothing more this year) to +1000.
MIN_GROWTH_PCT = -100.0
MAX_GROWTH_PCT = 1000.0
REASONS = ("no_target", "no_value", "no_last_year", "year_complete")


class ScenarioUnavailable(ValueError):
    """A scenario cannot be computed; `reason` is one of REASONS (the message says it in words)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Scenario:
    """The year end of one indicator in one region under `growth_pct` over the rest of the year."""

    period: str
    value: float                  # V, year to date
    target: float                 # T, the annual target
    value_last_year: float        # V₀, last year to the same period
    full_year_last_year: float    # L, last year's full year
    remaining_last_year: float    # R = L − V₀
    months_left: int              # months after `period` until December
    growth_pct: float             # g
    year_end: float               # E(g)
    completion_pct: float         # E(g) / T × 100
    required_growth_pct: float    # g*


def months_left(period: str) -> int:
    """Months of the year after `period` ("2026-09" → 3)."""
    return 12 - int(period[5:7])


def year_end(value: float, remaining_last_year: float, growth_pct: float) -> float:
    """E(g) = V + R·(1 + g/100)."""
    return value + remaining_last_year * (1.0 + growth_pct / 100.0)


def required_growth(value: float, remaining_last_year: float, target: float) -> float:
    """g* = ((T − V)/R − 1)·100, the growth over the rest of last year that reaches T (R ≠ 0)."""
    return ((target - value) / remaining_last_year - 1.0) * 100.0


def check_growth(raw: object) -> float:
    """A growth rate in percent from a request (text or number); ValueError with a message if bad."""
    if isinstance(raw, bool):
        raise ValueError("growth_pct must be a number")
    try:
        number = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"growth_pct must be a number, got {str(raw)[:40]!r}") from None
    if not math.isfinite(number) or not MIN_GROWTH_PCT <= number <= MAX_GROWTH_PCT:
        raise ValueError(f"growth_pct must be between {MIN_GROWTH_PCT:g} and {MAX_GROWTH_PCT:g}")
    return number


def scenario(period: str, value: object, target: object, value_last_year: object, full_year_last_year: object,
             growth_pct: float | None = None) -> Scenario:
    """The scenario at `period`; `growth_pct` None means the growth so far this year (V/V₀ − 1).

    ScenarioUnavailable when there is no target, no value, no last-year figures (or a rest of
    last year that is not positive), or the year is complete (December: nothing left to grow).
    """
    v, tg = number_or_none(value), number_or_none(target)
    v0, last = number_or_none(value_last_year), number_or_none(full_year_last_year)
    if tg is None or tg <= 0:
        raise ScenarioUnavailable("no_target", "the indicator has no annual target at this period")
    if v is None:
        raise ScenarioUnavailable("no_value", f"no value at {period}")
    left = months_left(period)
    if left == 0:
        raise ScenarioUnavailable("year_complete", f"{period} closes the year: nothing is left to grow")
    if v0 is None or last is None or last - v0 <= 0:
        raise ScenarioUnavailable("no_last_year", "last year's figures at this period and for the full year "
                                                  "are needed (and the rest of last year must be positive)")
    rest = last - v0
    growth = growth_pct if growth_pct is not None else (v / v0 - 1.0) * 100.0 if v0 else 0.0
    end = year_end(v, rest, growth)
    return Scenario(period=period, value=v, target=tg, value_last_year=v0, full_year_last_year=last,
                    remaining_last_year=rest, months_left=left, growth_pct=growth, year_end=end,
                    completion_pct=end / tg * 100.0, required_growth_pct=required_growth(v, rest, tg))
