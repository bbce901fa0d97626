"""How an indicator is compared and how many digits it shows, as pure functions (docs/warehouse.md).

Three kinds of comparison, by the indicator's unit unless `dim_indicator.comparison` says otherwise:

- `pct`: an amount or a count compares in percent (同比增长 10.0%): value / value a year before − 1.
- `pp`: a rate or a share (unit `%`) compares in percentage points (比上年同期上升 0.1 个百分点):
  value − value a year before. A growth rate — an indicator whose name contains 增速, 增长率 or
  增幅 (English: "growth") — is itself a year-on-year change: it compares with the previous period
  (比上期加快/回落 0.3 个百分点).
- `index`: an index with base 100 (a unit like 上年同期=100, e.g. CPI) shows value − 100 and is
  drawn around 100.

Digits after the point: `dim_indicator.decimals` when set, else 0 for 元 and counts (件 个 人 户 …),
1 otherwise (亿元, %, an index).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from core.i18n import t
from core.values import is_missing

KINDS = ("pct", "pp", "index")
INDEX_BASE = 100.0
COUNT_UNITS = frozenset({"件", "个", "人", "户", "次", "人次", "家", "座", "起", "宗", "项", "辆", "套", "所", "名",
                         "台", "头", "只"})
WHOLE_UNITS = COUNT_UNITS | {"元"}
GROWTH_WORDS = ("增速", "增长率", "增幅")
MAX_DECIMALS = 6
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A year-to-date quarter as the bureau names it: 一季度, 上半年, 前三季度, 全年.
_QUARTERS_YTD = (("一季度", "Q1"), ("上半年", "H1"), ("前三季度", "Q1–Q3"), ("全年", "Full year"))
_QUARTERS = (("一季度", "Q1"), ("二季度", "Q2"), ("三季度", "Q3"), ("四季度", "Q4"))


def kind_of(unit: object, comparison: object = None) -> str:
    """'pct', 'pp' or 'index': `comparison` when it is one of them, else from the unit."""
    if isinstance(comparison, str) and comparison.strip().lower() in KINDS:
        return comparison.strip().lower()
    text = "" if is_missing(unit) else str(unit).replace(" ", "")
    if text == "%":
        return "pp"
    if text.endswith("=100"):
        return "index"
    return "pct"


def is_growth_rate(name: object, name_en: object = None) -> bool:
    """Whether an indicator is a growth rate (its value a change already): 增速, 增长率, 增幅 in its name."""
    zh = "" if is_missing(name) else str(name)
    en = "" if is_missing(name_en) else str(name_en).lower()
    return any(word in zh for word in GROWTH_WORDS) or (not zh and "growth" in en)


def decimals_of(unit: object, decimals: object = None) -> int:
    """Digits after the point: `decimals` when a whole number 0–6, else 0 for 元 and counts, 1 otherwise."""
    if not is_missing(decimals):
        try:
            number = float(decimals)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        if number.is_integer() and 0 <= number <= MAX_DECIMALS:
            return int(number)
    text = "" if is_missing(unit) else str(unit).strip()
    return 0 if text in WHOLE_UNITS else 1


def indicator_kind(indicator: Mapping[str, object]) -> str:
    """`kind_of` an indicator row (a catalogue row, or any mapping with `unit` and maybe `comparison`)."""
    return kind_of(indicator.get("unit"), indicator.get("comparison"))


def indicator_decimals(indicator: Mapping[str, object]) -> int:
    """`decimals_of` an indicator row (a catalogue row, or any mapping with `unit` and maybe `decimals`)."""
    return decimals_of(indicator.get("unit"), indicator.get("decimals"))


def _number(value: object) -> float | None:
    return None if is_missing(value) else float(value)  # type: ignore[arg-type]


def change_pct(value: object, before: object) -> float | None:
    """Change in percent (value / before − 1) × 100; None when either is missing or before is 0."""
    now, then = _number(value), _number(before)
    if now is None or then is None or then == 0:
        return None
    return (now / then - 1.0) * 100.0


def change_pp(value: object, before: object) -> float | None:
    """Change in percentage points (value − before); None when either is missing."""
    now, then = _number(value), _number(before)
    return None if now is None or then is None else now - then


def index_change(value: object) -> float | None:
    """An index's change against its base: value − 100 (CPI 101.2 → +1.2)."""
    now = _number(value)
    return None if now is None else now - INDEX_BASE


def yoy_pp(kind: str, value: object, value_last_year: object) -> float | None:
    """The change over the year in percentage points for a `pp` indicator; None for other kinds."""
    return change_pp(value, value_last_year) if kind == "pp" else None


def year_change(kind: str, value: object, value_last_year: object, yoy_pct: object = None) -> float | None:
    """The number a page shows as the change over the year: points for `pp`, value − 100 for `index`,
    percent for `pct` (the warehouse's yoy_pct when given, else computed)."""
    if kind == "pp":
        return change_pp(value, value_last_year)
    if kind == "index":
        return index_change(value)
    return _number(yoy_pct) if not is_missing(yoy_pct) else change_pct(value, value_last_year)


def measure_column(measure: str) -> str:
    """The column of a children comparison that a measure ranks and colours by: for growth
    (`yoy_pct`) the change over the year as the indicator's kind compares (`yoy_change`: points
    for a rate, value − 100 for an index, percent for an amount), else the measure's own."""
    return "yoy_change" if measure == "yoy_pct" else measure


def _rounded(change: float, decimals: int) -> float:
    return round(change, decimals) + 0.0  # −0.04 at one decimal reads 0.0, not −0.0


def change_figure(kind: str, change: object, lang: str, decimals: int = 1) -> str:
    """The short signed figure: '+10.0%' (pct), '+0.1个百分点' (pp), '+1.2' (index); '持平' when it rounds
    to zero (a statistician does not write +0.0); '—' when missing."""
    number = _number(change)
    if number is None:
        return "—"
    if _rounded(number, decimals) == 0:
        return t("compare.flat.short", lang)
    text = f"{_rounded(number, decimals):+.{decimals}f}"
    if kind == "pct":
        return text + "%"
    return t("compare.pp.short", lang, x=text) if kind == "pp" else text


def change_text(kind: str, change: object, lang: str, decimals: int = 1, *, growth: bool = False,
                previous: str = "") -> str:
    """The statistician's sentence for a change: 同比增长10.0%, 比上年同期上升0.1个百分点,
    比上期加快0.3个百分点 (a growth rate against `previous`, the previous period's label), 同比上涨1.2%."""
    number = _number(change)
    family = "growth" if growth and kind == "pp" else kind
    if number is None:
        return t("compare.none", lang)
    rounded = _rounded(number, decimals)
    way = "flat" if rounded == 0 else ("up" if rounded > 0 else "down")
    return t(f"compare.{family}.{way}", lang, x=f"{abs(rounded):,.{decimals}f}",
             previous=previous or t("compare.previous", lang))


def span_label(period: str | None, frequency: str, cumulative: bool, lang: str) -> str:
    """A period within its year as the bureau writes it, without the year: 1—9月, 9月, 上半年,
    前三季度 (English: Jan–Sep, Sep, H1, Q1–Q3); "" when there is no period."""
    if not period:
        return ""
    month = int(period[5:7])
    zh = lang == "zh"
    if frequency == "year":
        return "全年" if zh else "Full year"
    if frequency == "quarter":
        names = _QUARTERS_YTD if cumulative else _QUARTERS
        return names[(month - 1) // 3][0 if zh else 1]
    if cumulative and month > 1:
        return f"1—{month}月" if zh else f"Jan–{_MONTHS_EN[month - 1]}"
    return f"{month}月" if zh else _MONTHS_EN[month - 1]


def growth_rate_change(indicator: Mapping[str, object], value: object, value_previous: object,
                       previous_period: object, lang: str) -> tuple[float | None, str]:
    """A growth rate's change on the previous period of the same year and the sentence for it:
    (0.3, "比1—9月加快0.3个百分点"); (None, "无可比数据") without a previous period this year."""
    period = previous_period if isinstance(previous_period, str) else None
    change = change_pp(value, value_previous) if period else None
    label = span_label(period, str(indicator.get("frequency")), bool(indicator.get("cumulative")), lang)
    return change, change_text("pp", change, lang, indicator_decimals(indicator), growth=True, previous=label)
