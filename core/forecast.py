"""Year-end forecast of a cumulative (year-to-date) indicator from the seasonal pattern of earlier years.

Method (docs/forecast.md): in each earlier year y with figures for both the current month m and
December, the year grew from its m-month figure to its total by the factor r_y = Dec_y / m_y.
The projection is today's year-to-date figure × the mean of r_y; the band runs from the slowest
to the fastest of those earlier paces. With fewer than `MIN_YEARS` such years there is no
forecast, and `reason` says why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from core.values import number_or_none

MIN_YEARS = 2


@dataclass(frozen=True)
class Forecast:
    """A year-end projection, or the reason there is none (`reason` is a message key suffix)."""

    period: str
    ytd: float | None
    target: float | None
    higher_is_better: bool = True
    projected: float | None = None
    low: float | None = None
    high: float | None = None
    years_used: tuple[int, ...] = ()
    # (period, centre, low, high) from the current period to December.
    path: tuple[tuple[str, float, float, float], ...] = field(default=())
    reason: str | None = None

    @property
    def gap(self) -> float | None:
        """Projected minus target (positive: above the target)."""
        if self.projected is None or self.target is None:
            return None
        return self.projected - self.target

    @property
    def reaches_target(self) -> bool | None:
        """Whether the projection meets the target (a ceiling when lower is better); None without both."""
        gap = self.gap
        if gap is None:
            return None
        return gap >= 0 if self.higher_is_better else gap <= 0

    @property
    def projected_completion_pct(self) -> float | None:
        """The projection as a share of the target, in percent."""
        if self.projected is None or not self.target:
            return None
        return self.projected / self.target * 100.0


def forecast_year_end(series: pd.DataFrame, period: str, *, target: float | None, cumulative: bool,
                      higher_is_better: bool = True, min_years: int = MIN_YEARS) -> Forecast:
    """Project the year-end value of the year of `period` from `series` (columns period, value).

    `series` holds one region's year-to-date values by `YYYY-MM` period, earlier years included;
    missing or NULL values simply do not count. No forecast (with `reason`) when the indicator
    is not cumulative, has no target, has no figure for `period`, the year is already complete,
    or fewer than `min_years` earlier years show both the same month and December.
    """
    values = {str(p): v for p, v in zip(series["period"], series["value"]) if number_or_none(v) is not None}
    ytd = values.get(period)
    target = number_or_none(target)
    base = Forecast(period=period, ytd=ytd, target=target, higher_is_better=higher_is_better)

    def without(reason: str) -> Forecast:
        return Forecast(**{**base.__dict__, "reason": reason})

    if not cumulative:
        return without("not_cumulative")
    if target is None or target == 0:
        return without("no_target")
    if ytd is None:
        return without("no_ytd")
    year, month = int(period[:4]), int(period[5:7])
    if month == 12:
        return without("year_complete")
    # Months after `month` that carry a figure in the earlier years (all of them for monthly data,
    # quarter ends for quarterly data).
    later = sorted({int(p[5:7]) for p in values if int(p[:4]) < year and int(p[5:7]) > month})
    factors: dict[int, dict[int, float]] = {}
    for y in sorted({int(p[:4]) for p in values if int(p[:4]) < year}):
        start = values.get(f"{y:04d}-{month:02d}")
        end = values.get(f"{y:04d}-12")
        if start is None or end is None or start <= 0:
            continue
        factors[y] = {k: values[f"{y:04d}-{k:02d}"] / start for k in later if f"{y:04d}-{k:02d}" in values}
    usable = [y for y, f in factors.items() if 12 in f]
    if len(usable) < min_years:
        return without("too_little_history")
    path = []
    for k in later:
        ratios = [factors[y][k] for y in usable if k in factors[y]]
        if ratios:
            path.append((f"{year:04d}-{k:02d}", ytd * sum(ratios) / len(ratios),
                         ytd * min(ratios), ytd * max(ratios)))
    _, projected, low, high = path[-1]
    return Forecast(period=period, ytd=ytd, target=target, higher_is_better=higher_is_better,
                    projected=projected, low=low, high=high, years_used=tuple(usable),
                    path=((period, ytd, ytd, ytd), *path))
