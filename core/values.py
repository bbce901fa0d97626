"""Missing values and localised names: one definition each for every layer."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def is_missing(value: object) -> bool:
    """None, NaN, pandas' NA or NaT: a value the cockpit shows as "—", never as zero."""
    if value is None:
        return True
    try:
        # NaN (of any float type) and NaT differ from themselves.
        return bool(value != value)
    except TypeError:  # pandas' NA refuses truth tests
        return True


def number_or_none(value: Any) -> float | None:
    """A float, or None for a missing or non-numeric value (NaN → None for JSON and figures)."""
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def localized_name(row: Mapping[str, Any], lang: str) -> str:
    """A region's or indicator's name in the UI language: `name_en` in English when present."""
    name_en = row.get("name_en")
    if lang == "en" and isinstance(name_en, str) and name_en.strip():
        return name_en
    return str(row.get("name", ""))
