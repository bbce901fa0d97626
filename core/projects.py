"""Key-project rules beside the state rule (`core.rules.project_states`, the one home of the states):
what a project code looks like, which states make the red list and in which order, when a
milestone is late, and investment completion against plan.
"""
from __future__ import annotations

import re
from datetime import date

from core.values import is_missing

# Letters (any script), digits, "-", "_" and "." — what warehouse codes use; at most 64 characters.
PROJECT_CODE = re.compile(r"\w[\w.\-]{0,63}")
# The states a leader must see first, on the red list.
RED_STATES = ("seriously_lagging", "overdue")
LEVELS = ("provincial", "municipal", "county")
MILESTONE_STATUSES = ("done", "done_late", "late", "open")


class UnknownProject(LookupError):
    """The warehouse has no project with this code."""


def is_project_code(value: object) -> bool:
    """Whether `value` is text shaped like a project code (never SQL, never huge)."""
    return isinstance(value, str) and PROJECT_CODE.fullmatch(value) is not None


def investment_pct(actual: float | None, planned: float | None) -> float | None:
    """Investment completed against the plan to date, in percent; None without a positive plan."""
    if is_missing(actual) or is_missing(planned) or float(planned) <= 0:  # type: ignore[arg-type]
        return None
    return float(actual) / float(planned) * 100.0  # type: ignore[arg-type]


def progress_valid(value: object) -> bool:
    """A progress percentage the cockpit can use: a number within 0–100."""
    if is_missing(value):
        return False
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return 0.0 <= number <= 100.0


def milestone_status(planned: date | None, actual: date | None, today: date) -> str:
    """'done' (reached by its planned date), 'done_late' (reached after it), 'late' (not reached and
    the planned date has passed) or 'open' (not reached, not yet due). No planned date: done or open."""
    if actual is not None:
        return "done_late" if planned is not None and actual > planned else "done"
    return "late" if planned is not None and today > planned else "open"


def days_late(planned: date | None, actual: date | None, today: date) -> int | None:
    """Days a milestone is (or was) behind its planned date; None when it is not late."""
    if planned is None:
        return None
    end = actual or today
    return (end - planned).days if end > planned else None
