"""The error and the checks shared by every configuration section (core/config.py and core/config_*.py)."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A configuration value is missing, unknown or invalid; the message names the key."""


def check(tree: Mapping[str, Any], dotted: str, test: Callable[[Any], bool], expect: str) -> Any:
    """The value at `dotted` in the merged tree; ConfigError naming the key when `test` refuses it."""
    value: Any = tree
    for part in dotted.split("."):
        value = value[part]
    if not test(value):
        raise ConfigError(f"{dotted}: expected {expect}, got {value!r}")
    return value


def is_int(v: Any) -> bool:
    """An integer, not a bool (YAML's `yes` is not a count)."""
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v: Any) -> bool:
    """An int or a float, not a bool."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_http_url(v: Any) -> bool:
    """An http(s) URL with a host."""
    return isinstance(v, str) and re.fullmatch(r"https?://[^\s/?#]+[^\s#]*", v) is not None


def is_zone(v: Any) -> bool:
    """An IANA time zone name this machine knows."""
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, TypeError, ValueError):
        return False
    return True
