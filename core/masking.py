"""Masking of personal data (防返贫监测 households): what a user without the personal-data permission sees.

One rule for the page, its exports and the API:
- a name keeps its first character, every further character becomes `*` (张三 → 张*, 欧阳娜娜 → 欧***);
  a one-character name becomes `*`, so nothing of it is shown;
- an ID number keeps its first 4 and last 4 characters, the rest becomes `*`
  (610902199001011234 → 6109**********1234); one of 8 characters or fewer is masked whole.
Missing values stay missing (None), never an empty or made-up text.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MASK = "*"
ID_KEPT = 4  # characters kept at each end of an ID number
PERSONAL_FIELDS = ("head_name", "id_number")


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return None
    text = str(value).strip()
    return text or None


def mask_name(value: object) -> str | None:
    """The first character and one `*` per further character; `*` for a one-character name."""
    text = _text(value)
    if text is None:
        return None
    return MASK if len(text) == 1 else text[0] + MASK * (len(text) - 1)


def mask_id_number(value: object) -> str | None:
    """The first and last 4 characters with `*` between; all `*` when there are 8 or fewer."""
    text = _text(value)
    if text is None:
        return None
    if len(text) <= 2 * ID_KEPT:
        return MASK * len(text)
    return text[:ID_KEPT] + MASK * (len(text) - 2 * ID_KEPT) + text[-ID_KEPT:]


def masked(row: Mapping[str, Any], personal_data: bool) -> dict[str, Any]:
    """A copy of a household row with its personal fields masked, unless `personal_data`."""
    out = dict(row)
    if not personal_data:
        if "head_name" in out:
            out["head_name"] = mask_name(out["head_name"])
        if "id_number" in out:
            out["id_number"] = mask_id_number(out["id_number"])
    return out
