"""Business rules: completion, time progress, tone, project state (hand-computed answers)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from core.rules import change_tone, completion_pct, project_states, time_progress_pct


def test_completion_is_value_over_target_for_cumulative_indicators() -> None:
    assert completion_pct(1650.0, 2200.0, True) == pytest.approx(75.0)
    assert completion_pct(1650.0, 2200.0, False) is None
    assert completion_pct(1650.0, None, True) is None
    assert completion_pct(1650.0, 0.0, True) is None
    assert completion_pct(float("nan"), 2200.0, True) is None


def test_time_progress_is_months_elapsed_over_twelve() -> None:
    assert time_progress_pct("2026-10") == pytest.approx(83.333, abs=1e-3)
    assert time_progress_pct("2026-03") == pytest.approx(25.0)
    assert time_progress_pct("2025-12") == pytest.approx(100.0)


@pytest.mark.parametrize(("yoy", "higher_is_better", "tone"), [
    (5.2, True, "good"), (-1.0, True, "bad"), (0.3, False, "bad"), (-0.4, False, "good"),
    (0.0, True, "neutral"), (None, True, "neutral"), (float("nan"), False, "neutral"),
])
def test_tone_depends_on_direction_and_higher_is_better(yoy, higher_is_better, tone) -> None:
    assert change_tone(yoy, higher_is_better) == tone


def test_project_states_follow_the_contract() -> None:
    rows = pd.DataFrame({
        "planned_progress_pct": [50, 50, 50, 50, 80, 100, 100, 60, 40],
        "actual_progress_pct": [45, 44.9, 35, 34.9, 79, 100, 99, 120, None],
        "planned_end_date": ["2027-01-01"] * 5 + ["2026-01-01", "2026-01-01", "2027-01-01", "2027-01-01"],
    })
    states = project_states(rows, date(2026, 11, 22))
    assert list(states[:7]) == ["on_track", "lagging", "lagging", "seriously_lagging", "on_track",
                                "completed", "overdue"]
    assert states[7] is pd.NA and states[8] is pd.NA


def test_project_thresholds_are_configurable() -> None:
    rows = pd.DataFrame({"planned_progress_pct": [50], "actual_progress_pct": [42],
                         "planned_end_date": ["2027-01-01"]})
    assert project_states(rows, date(2026, 1, 1), lagging_pts=10, seriously_lagging_pts=20)[0] == "on_track"
