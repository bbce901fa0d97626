"""Business rules of the cockpit, as pure functions: completion, time progress, tone, project state."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from core.values import is_missing as _missing


def completion_pct(value: float | None, target: float | None, cumulative: bool) -> float | None:
    """Target completion in percent (value / target × 100) for a cumulative indicator, else None.

    No target, a zero target or no value give None: the cockpit shows "—", never 0 %.
    """
    if not cumulative or _missing(value) or _missing(target) or target == 0:
        return None
    return float(value) / float(target) * 100.0


def time_progress_pct(period: str) -> float:
    """Share of the year elapsed at the end of a `YYYY-MM` period (时间进度), in percent."""
    month = int(period[5:7])
    return month / 12 * 100.0


def change_tone(yoy_pct: float | None, higher_is_better: bool) -> str:
    """'good', 'bad' or 'neutral': whether a change over the year is good for the city."""
    if _missing(yoy_pct) or yoy_pct == 0:
        return "neutral"
    rising = yoy_pct > 0
    return "good" if rising == bool(higher_is_better) else "bad"


def project_states(latest: pd.DataFrame, today: date, *, lagging_pts: float = 5,
                   seriously_lagging_pts: float = 15) -> pd.Series:
    """The state of each project from its latest progress row (contract rules).

    `latest` needs `planned_progress_pct`, `actual_progress_pct` and `planned_end_date`.
    Completed wins; an unfinished project past its planned end is `overdue`; otherwise the
    lag (planned − actual, in points) decides. Rows with progress outside 0–100 get NA.
    """
    planned = pd.to_numeric(latest["planned_progress_pct"], errors="coerce")
    actual = pd.to_numeric(latest["actual_progress_pct"], errors="coerce")
    lag = planned - actual
    end = pd.to_datetime(latest["planned_end_date"], errors="coerce").dt.date
    past_end = end.map(lambda d: d is not None and not pd.isna(d) and today > d).astype(bool)
    valid = actual.between(0, 100) & planned.between(0, 100)
    state = np.select(
        [actual >= 100, past_end, lag <= lagging_pts, lag <= seriously_lagging_pts],
        ["completed", "overdue", "on_track", "lagging"],
        default="seriously_lagging",
    )
    result = pd.Series(state, index=latest.index, dtype="object")
    result[~valid] = pd.NA
    return result


def plausible_range(unit: str) -> tuple[float, float | None]:
    """The values an indicator of this unit can take: a percentage (a share or a growth rate)
    lies within ±100; an amount, a count or an index (上年同期=100) is never negative.

    The one definition of "out of range": pages skip such rows and the data-quality note
    counts them by it (`datasources/quality.py` turns it into SQL).
    """
    return (-100.0, 100.0) if unit == "%" else (0.0, None)


def plausible(value: float, unit: str) -> bool:
    """Whether a value lies in its unit's `plausible_range`."""
    low, high = plausible_range(unit)
    return value >= low and (high is None or value <= high)


def trails_time(completion: float | None, progress: float | None, margin_pts: float,
                higher_is_better: bool) -> bool | None:
    """Whether completion trails time progress by more than the margin (None when unknown).

    For a lower-is-better indicator the target is a ceiling: running ahead of time is the problem.
    """
    if completion is None or progress is None or math.isnan(completion):
        return None
    if higher_is_better:
        return completion < progress - margin_pts
    return completion > progress + margin_pts


@dataclass(frozen=True)
class Headline:
    """The selected region's figures for one indicator and period."""

    period: str
    value: float | None
    value_last_year: float | None
    yoy_pct: float | None
    previous_period: str | None
    yoy_previous_pct: float | None
    target: float | None
    completion_pct: float | None
    time_progress_pct: float
    trailing: bool | None
    value_previous: float | None = None  # the previous period's value (a growth rate compares with it)

    @property
    def yoy_change_pts(self) -> float | None:
        """Change of YoY growth since the previous period, in percentage points."""
        if self.yoy_pct is None or self.yoy_previous_pct is None:
            return None
        return self.yoy_pct - self.yoy_previous_pct

