"""Monthly periods `YYYY-MM`: validation, arithmetic and the periods a frequency publishes."""
from __future__ import annotations

import re

PERIOD = re.compile(r"(?:19|20|21)[0-9]{2}-(?:0[1-9]|1[0-2])")
# No indicator series spans more than this; it bounds every loop over periods.
MAX_SPAN_MONTHS = 12 * 100


def is_period(value: object) -> bool:
    """Whether `value` is a `YYYY-MM` period of the years 1900–2199."""
    return isinstance(value, str) and PERIOD.fullmatch(value) is not None


def shift_period(period: str, months: int) -> str:
    """`period` moved by `months` (negative: back), e.g. shift_period("2026-01", -1) == "2025-12"."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """How many months `last` lies after `first` (negative when before)."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])


def expected_periods(first: str, last: str, frequency: str) -> list[str]:
    """Every period an indicator of `frequency` should publish from `first` to `last`.

    Both ends must be valid periods (ValueError otherwise), and at most MAX_SPAN_MONTHS
    apart: the loop is bounded whatever a browser or a warehouse row sends.
    """
    if not (is_period(first) and is_period(last)):
        raise ValueError(f"not a YYYY-MM period: {first!r} … {last!r}")
    span = months_between(first, last)
    if span > MAX_SPAN_MONTHS:
        raise ValueError(f"periods {first} … {last} span more than {MAX_SPAN_MONTHS} months")
    step = {"quarter": 3, "year": 12}.get(frequency, 1)
    periods = (shift_period(first, k) for k in range(span + 1))
    return [p for p in periods if step == 1 or int(p[5:7]) % step == 0]
