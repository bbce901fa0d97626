"""The year-end forecast on series with a known answer (core/forecast.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from core.forecast import forecast_year_end


def series(values: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame({"period": list(values), "value": list(values.values())})


# Three earlier years whose December is 1.4, 1.5 and 1.3 times their September.
QUARTERS = series({"2023-03": 25, "2023-06": 50, "2023-09": 80, "2023-12": 112,
                   "2024-03": 26, "2024-09": 80, "2024-12": 120,
                   "2025-03": 30, "2025-06": 62, "2025-09": 100, "2025-12": 130,
                   "2026-03": 31, "2026-06": 60, "2026-09": 90})


def test_projection_is_the_mean_pace_of_earlier_years_with_the_slowest_and_fastest_as_band():
    f = forecast_year_end(QUARTERS, "2026-09", target=140, cumulative=True)
    assert f.reason is None
    assert f.years_used == (2023, 2024, 2025)
    assert f.projected == pytest.approx(90 * 1.4)
    assert (f.low, f.high) == (pytest.approx(90 * 1.3), pytest.approx(90 * 1.5))
    assert f.gap == pytest.approx(126 - 140)
    assert f.reaches_target is False
    assert f.projected_completion_pct == pytest.approx(90.0)
    assert f.path[0] == ("2026-09", 90, 90, 90)
    assert f.path[-1][0] == "2026-12"


def test_identical_seasons_reproduce_the_true_year_end_exactly():
    # Every year grows 10 a month: at June (60) the year ends at 120, with no spread.
    monthly = series({f"{y}-{m:02d}": 10.0 * m for y in (2023, 2024, 2025) for m in range(1, 13)}
                     | {f"2026-{m:02d}": 10.0 * m for m in range(1, 7)})
    f = forecast_year_end(monthly, "2026-06", target=100, cumulative=True)
    assert f.projected == pytest.approx(120) and f.low == pytest.approx(120) and f.high == pytest.approx(120)
    assert f.reaches_target is True
    assert [p for p, *_ in f.path] == [f"2026-{m:02d}" for m in range(6, 13)]
    assert f.path[3][1] == pytest.approx(90)  # September


def test_a_ceiling_is_missed_when_the_projection_exceeds_it():
    f = forecast_year_end(QUARTERS, "2026-09", target=120, cumulative=True, higher_is_better=False)
    assert f.reaches_target is False
    f = forecast_year_end(QUARTERS, "2026-09", target=130, cumulative=True, higher_is_better=False)
    assert f.reaches_target is True


@pytest.mark.parametrize(("kwargs", "period", "reason"), [
    ({"target": 140, "cumulative": False}, "2026-09", "not_cumulative"),
    ({"target": None, "cumulative": True}, "2026-09", "no_target"),
    ({"target": 0, "cumulative": True}, "2026-09", "no_target"),
    ({"target": 140, "cumulative": True}, "2026-12", "no_ytd"),
    ({"target": 130, "cumulative": True}, "2025-12", "year_complete"),
    # Before 2025 only 2023 has both June and December (2024-06 is missing): one year < two.
    ({"target": 126, "cumulative": True}, "2025-06", "too_little_history"),
])
def test_no_forecast_says_why(kwargs, period, reason):
    f = forecast_year_end(QUARTERS, period, **kwargs)
    assert f.reason == reason
    assert f.projected is None and f.reaches_target is None


def test_null_values_do_not_count_as_zero():
    gappy = QUARTERS.copy()
    gappy.loc[gappy["period"] == "2023-12", "value"] = None
    f = forecast_year_end(gappy, "2026-09", target=140, cumulative=True)
    assert f.years_used == (2024, 2025)
    assert f.projected == pytest.approx(90 * 1.4)  # mean of 1.5 and 1.3
