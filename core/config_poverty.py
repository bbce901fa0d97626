"""Poverty-relapse monitoring (`/poverty`, issue 12): the monitoring threshold.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.poverty` holds. Keys are documented in docs/configuration.md.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Top-level section → its keys and default values.
DEFAULTS: dict[str, dict[str, Any]] = {}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ()


@dataclass(frozen=True)
class PovertySettings:
    """The checked settings of this section."""


def parse(tree: Mapping[str, Any]) -> PovertySettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    return PovertySettings()
