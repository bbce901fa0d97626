"""Poverty-relapse monitoring (防返贫监测): the contract's household statuses and the pure rules of the page.

`fact_household.monitor_status` is one of MONITOR_STATUSES (docs/warehouse.md); `risk_type` one
of RISK_TYPES or another text, shown as it is.
"""
from __future__ import annotations

from core.regions import code_prefix

MONITOR_STATUSES = ("stable", "monitored", "at_risk", "risk_eliminated")
# The households a rural revitalisation office follows up: at risk first, then those monitored.
FOLLOWED_STATUSES = ("at_risk", "monitored")
RISK_TYPES = ("illness", "disability", "disaster", "unemployment", "education", "accident")
# Lengths of the code prefixes that identify a region's descendants (see core.regions.code_prefix).
PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def child_prefix_length(child_code: str) -> int:
    """How many leading characters of a household's region code name the child region holding it
    (a city under a province: 4; a county: 6; a township: 9; a village: 12)."""
    return len(code_prefix(child_code))


def share_pct(part: float, whole: float) -> float | None:
    """`part` as a percentage of `whole`; None when there is no whole."""
    return part / whole * 100 if whole else None


def histogram_edges(width: float, top: float) -> list[float]:
    """Lower edges of the income bins: 0, width, 2·width … below `top`; the last bin is `top` and above."""
    count = max(1, int(round(top / width)))
    return [i * width for i in range(count)] + [count * width]
