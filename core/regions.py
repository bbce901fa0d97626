"""Region codes (GB/T 2260 with 9- and 12-digit township and village extensions)."""
from __future__ import annotations

import re

REGION_CODE = re.compile(r"[0-9]{6}|[0-9]{9}|[0-9]{12}")
LEVEL_ORDER = ("province", "city", "county", "township", "village")


def is_region_code(value: object) -> bool:
    """Whether `value` is a well-formed region code (6, 9 or 12 digits)."""
    return isinstance(value, str) and REGION_CODE.fullmatch(value) is not None


def code_prefix(region_code: str) -> str:
    """The code prefix shared by a region and everything below it.

    320500 (a city) → 3205; 320506 (a county) → 320506; 320000 (a province) → 32.
    """
    if len(region_code) == 6:
        if region_code.endswith("0000"):
            return region_code[:2]
        if region_code.endswith("00"):
            return region_code[:4]
    return region_code


def is_within(region_code: str, scope: str) -> bool:
    """Whether `region_code` is `scope` or lies below it."""
    return region_code.startswith(code_prefix(scope))


def ancestor_codes(region_code: str) -> list[str]:
    """Codes that may hold a code's region, nearest first, read from the code's structure (a
    truncated or unknown code included): township, county, city, province."""
    if not (region_code.isascii() and region_code.isdigit()):
        return []
    candidates = [region_code[:9], region_code[:6], region_code[:4] + "00", region_code[:2] + "0000"]
    return [c for c in dict.fromkeys(candidates) if c != region_code and len(c) in (6, 9)]
