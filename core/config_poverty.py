"""Poverty-relapse monitoring (`/poverty`, issue 12): the monitoring threshold and the income histogram.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.poverty` holds. Keys are documented in docs/configuration.md.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.config_checks import ConfigError, check, is_number

# Top-level section → its keys and default values.
DEFAULTS: dict[str, dict[str, Any]] = {
    # 防返贫监测范围: households whose income per person and year is below this are watched
    # (the threshold a province sets each year; 7,000 元 is near the 2024–2026 figures).
    "poverty": {"threshold_yuan_per_person": 7000, "histogram_bin_yuan": 1000, "histogram_max_yuan": 30000},
}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ()
MAX_BINS = 200  # more bars than this draw as noise and cost a CASE branch each


@dataclass(frozen=True)
class PovertySettings:
    """The checked settings of this section."""

    threshold_yuan_per_person: float = 7000
    histogram_bin_yuan: float = 1000
    histogram_max_yuan: float = 30000


def _positive(v: Any) -> bool:
    return is_number(v) and 0 < v <= 10_000_000


def parse(tree: Mapping[str, Any]) -> PovertySettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    threshold = check(tree, "poverty.threshold_yuan_per_person", _positive, "a number of 元 above 0")
    width = check(tree, "poverty.histogram_bin_yuan", _positive, "a number of 元 above 0")
    top = check(tree, "poverty.histogram_max_yuan", _positive, "a number of 元 above 0")
    if top < width or top / width > MAX_BINS:
        raise ConfigError(f"poverty.histogram_max_yuan: expected 1 to {MAX_BINS} bins of "
                          f"poverty.histogram_bin_yuan ({width}), got {top!r}")
    return PovertySettings(float(threshold), float(width), float(top))
