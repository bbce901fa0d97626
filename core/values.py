"""Missing values and localised names: one definition each for every layer."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from core.messages_en_fix import UNITS_EN
from core.romanize import romanize_place

# Administrative tails of a romanised name: 市 Shi, 县 Xian, 区 Qu (also 自治县, 市辖区). English
# names the place alone ("Fenyang", "Lishi"), as the official romanisation of the place name does.
_TAILS = ("Zizhixian", "Shixiaqu", "Shi", "Xian", "Qu", "Diqu")


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
    """A region's or indicator's name in the UI language: in English `name_en` without an
    administrative tail ("Fenyang Shi" → "Fenyang", "Xing Xian" → "Xing"); a region without
    `name_en` (a row with `region_code`, not `indicator_code`) in Pinyin without its tail
    (离石区 → "Lishi", core/romanize.py); else the name."""
    name_en = row.get("name_en")
    name = str(row.get("name", "") if not is_missing(row.get("name")) else "")
    if lang == "en" and isinstance(name_en, str) and name_en.strip():
        return place_name_en(name_en)
    if lang == "en" and "region_code" in row and "indicator_code" not in row:
        return romanize_place(name)
    return name


def place_name_en(name_en: str) -> str:
    """A romanised place name without its administrative tail: "Lishi Qu" → "Lishi".

    A one-word name keeps its tail, as does a name whose last word is not a tail.
    """
    words = name_en.split()
    if len(words) > 1 and words[-1] in _TAILS:
        words = words[:-1]
    return " ".join(words)


def localized_unit(unit: object, lang: str) -> str:
    """A unit in the UI language: 亿元 → "100 million yuan" in English; an unknown unit as it is."""
    if is_missing(unit):
        return ""
    text = str(unit).strip()
    return UNITS_EN.get(text, text) if lang == "en" else text
