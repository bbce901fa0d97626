"""Number and time formatting for screens: units kept, missing values as "—", never as 0."""
from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core.values import is_missing

MISSING = "—"


def format_number(value: float | None, decimals: int | None = None) -> str:
    """Thousands separators, `decimals` digits (an indicator's: core.comparison.indicator_decimals);
    without them one decimal for non-integers; "—" when missing."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    if decimals is None:
        decimals = 0 if number.is_integer() and abs(number) >= 100 else (1 if abs(number) >= 10 else 2)
    if number in (float("inf"), float("-inf")):
        return f"{number:,.{decimals}f}"
    # Rounded half up (四舍五入) on the number as written, as statisticians round: 5.25 → 5.3.
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{rounded + 0:,.{decimals}f}"


def format_pct(value: float | None, signed: bool = False) -> str:
    """A percentage with one decimal ("+5.2%" when signed); "—" when missing."""
    if is_missing(value):
        return MISSING
    return f"{float(value):+.1f}%" if signed else f"{float(value):.1f}%"  # type: ignore[arg-type]


def format_timestamp(iso: str | None, tz: str) -> str:
    """An ISO 8601 UTC timestamp shown in the cockpit's time zone as YYYY-MM-DD HH:MM."""
    if not iso:
        return MISSING
    try:
        moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一", "二", "三", "四")


def period_label(period: str | None, frequency: str, cumulative: bool, lang: str) -> str:
    """How statisticians name a period: 2026年1—10月, 2026年前三季度, 2026年10月 (or English)."""
    if not period:
        return MISSING
    year, month = int(period[:4]), int(period[5:7])
    if frequency == "year":
        return f"{year}年" if lang == "zh" else str(year)
    if frequency == "quarter":
        quarter = (month - 1) // 3 + 1
        if lang == "zh":
            prefix = "前" if cumulative and quarter > 1 else ""
            if quarter == 4 and cumulative:
                return f"{year}年全年"
            return f"{year}年{prefix}{_QUARTERS_ZH[quarter - 1]}季度"
        return f"Q1–Q{quarter} {year}" if cumulative and quarter > 1 else f"Q{quarter} {year}"
    if cumulative and month > 1:
        return f"{year}年1—{month}月" if lang == "zh" else f"Jan–{_MONTHS_EN[month - 1]} {year}"
    return f"{year}年{month}月" if lang == "zh" else f"{_MONTHS_EN[month - 1]} {year}"
