"""The briefing's sentences in the statistics bureau's style, as pure functions of the figures.

One paragraph per indicator, e.g. "1—10月，全市社会消费品零售总额483.4亿元，同比增长5.4%，增速比
1—9月加快0.3个百分点；完成年度目标的81.7%，落后时间进度1.6个百分点。" How a change is worded
(percent, points, an index around 100) is core/comparison.py's. Differences between two shown
figures (growth against the previous period, completion against time progress) are taken between
the figures as printed, so that a reader who subtracts them finds the same number. Numbers are
written by the caller's `fmt` (components/formatting.format_number: rounded half up, as
statisticians round), passed in because core imports no other layer.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from core.comparison import change_text, indicator_decimals, indicator_kind, is_growth_rate
from core.forecast import Forecast
from core.i18n import t
from core.rules import Headline
from core.values import localized_name, localized_unit

Formatter = Callable[[float | None, int], str]

_QUARTERS_ZH = {3: "一季度", 6: "二季度", 9: "三季度", 12: "四季度"}
_SO_FAR_ZH = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}
_QUARTERS_EN = {3: "Q1", 6: "Q2", 9: "Q3", 12: "Q4"}
_SO_FAR_EN = {3: "Q1", 6: "H1", 9: "Q1–Q3", 12: "the full year"}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The end of a region's name → the bureau's "the whole …" (全市, 全县, 全区, 全街道 …).
_PLACE_WORDS = ("街道", "市", "县", "区", "旗", "镇", "乡")


def period_phrase(period: str, frequency: str, cumulative: bool, lang: str, *, year: bool = False) -> str:
    """A period as the bureau names it: 1—10月, 10月, 前三季度, 上半年 (with 2026年 when `year`)."""
    y, m = int(period[:4]), int(period[5:7])
    if frequency == "year" or (frequency == "quarter" and m not in _QUARTERS_ZH):
        text_zh, text_en = "全年", "the year"
    elif frequency == "quarter":
        text_zh = (_SO_FAR_ZH if cumulative else _QUARTERS_ZH)[m]
        text_en = (_SO_FAR_EN if cumulative else _QUARTERS_EN)[m]
    elif cumulative and m > 1:
        text_zh, text_en = f"1—{m}月", f"Jan–{_MONTHS_EN[m - 1]}"
    else:
        text_zh, text_en = f"{m}月", _MONTHS_EN[m - 1]
    if lang == "zh":
        return f"{y}年{text_zh}" if year else text_zh
    return f"{text_en} {y}" if year else text_en


def place_word(region: Mapping[str, object], lang: str) -> str:
    """How a sentence names the region: 全市 / 全县 / 全区 from its name; in English its name."""
    name = str(region.get("name") or "")
    if lang == "en":
        return localized_name(region, "en") or name
    tail = next((w for w in _PLACE_WORDS if name.endswith(w)), None)
    return f"全{tail}" if tail else name


def _shown(value: float, decimals: int, fmt: Formatter) -> float:
    """The number as printed (rounded by `fmt`), back as a float."""
    return float(fmt(value, decimals).replace(",", ""))


def _subject(name: str, lang: str) -> str:
    """An English indicator name inside a sentence: lower-case first letter unless an acronym."""
    if lang == "en" and len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _unit(unit: str, lang: str) -> str:
    return unit if lang == "zh" or not unit else f" {unit}"


def paragraph(indicator: Mapping[str, object], head: Headline | None, region: Mapping[str, object],
              lang: str, fmt: Formatter, forecast: Forecast | None = None) -> str:
    """The paragraph for one indicator of one region; missing figures are said plainly.

    `indicator` is a catalogue row (name, name_en, unit, frequency, cumulative, comparison,
    decimals); `head` the region's headline at the indicator's latest period (None: no data).
    """
    name = _subject(localized_name(indicator, lang), lang)
    place = place_word(region, lang)
    if head is None:
        return t("briefing.s.no_data", lang, place=place, name=name) + t("briefing.s.stop", lang)
    if head.value is None:
        label = period_phrase(head.period, str(indicator["frequency"]), bool(indicator["cumulative"]), lang)
        return t("briefing.s.no_value", lang, label=label, place=place, name=name) + t("briefing.s.stop", lang)
    frequency, cumulative = str(indicator["frequency"]), bool(indicator["cumulative"])
    kind, decimals = indicator_kind(indicator), indicator_decimals(indicator)
    growth = kind == "pp" and is_growth_rate(indicator.get("name"), indicator.get("name_en"))
    unit = localized_unit(indicator.get("unit"), lang)
    label = period_phrase(head.period, frequency, cumulative, lang)
    previous = None
    if head.previous_period:
        previous = period_phrase(head.previous_period, frequency, cumulative, lang,
                                 year=head.previous_period[:4] != head.period[:4])
    value = fmt(head.value, decimals)
    clauses = []
    if kind == "pct":
        clauses.append(t("briefing.s.level", lang, label=label, place=place, name=name, value=value,
                         unit=_unit(unit, lang)))
        clauses.append(_pct_change(head, lang, fmt, previous))
    else:
        # An index's base in English: the warehouse's unit is usually Chinese (上年同期=100).
        base = unit if lang == "zh" or unit.isascii() else t("briefing.s.index_unit", lang)
        shown_unit = unit if kind == "pp" else t("briefing.s.index_base", lang, base=base)
        clauses.append(t("briefing.s.rate", lang, label=label, place=place, name=name, value=value,
                         unit=shown_unit))
        clauses.append(_rate_change(head, kind, growth, decimals, lang, fmt, previous))
    text = t("briefing.s.join", lang).join(c if i == 0 else _lower(c, lang) for i, c in enumerate(clauses) if c)
    completion = _completion(head, lang, fmt)
    if completion:
        text += t("briefing.s.semicolon", lang) + completion
    outlook = _forecast(forecast, decimals, unit, lang, fmt)
    if outlook:
        text += t("briefing.s.semicolon", lang) + outlook
    return text + t("briefing.s.stop", lang)


def _pct_change(head: Headline, lang: str, fmt: Formatter, previous: str | None) -> str:
    """同比增长5.4%, and the growth's change since the previous period (增速比1—9月加快0.3个百分点)."""
    if head.yoy_pct is None:
        return t("briefing.s.no_yoy", lang)
    yoy = _shown(head.yoy_pct, 1, fmt)
    text = change_text("pct", yoy, lang, 1)
    if head.yoy_previous_pct is not None and previous:
        diff = round(yoy - _shown(head.yoy_previous_pct, 1, fmt), 1)
        text += t("briefing.s.join", lang) + t("briefing.s.growth_prefix", lang) + _lower(
            change_text("pp", diff, lang, 1, growth=True, previous=previous), lang)
    return text


def _rate_change(head: Headline, kind: str, growth: bool, decimals: int, lang: str, fmt: Formatter,
                 previous: str | None) -> str:
    """A rate against a year before (or, for a growth rate, the previous period); an index against 100."""
    value = _shown(head.value, decimals, fmt)  # type: ignore[arg-type]
    if kind == "index":
        return change_text("index", round(value - 100.0, decimals), lang, decimals)
    if growth:
        if head.value_previous is None or not previous:
            return t("briefing.s.no_previous", lang)
        diff = round(value - _shown(head.value_previous, decimals, fmt), decimals)
        return change_text("pp", diff, lang, decimals, growth=True, previous=previous)
    if head.value_last_year is None:
        return t("briefing.s.no_last_year", lang)
    diff = round(value - _shown(head.value_last_year, decimals, fmt), decimals)
    return change_text("pp", diff, lang, decimals)


def _lower(text: str, lang: str) -> str:
    return text[0].lower() + text[1:] if lang == "en" and text else text


def _completion(head: Headline, lang: str, fmt: Formatter) -> str:
    """完成年度目标的81.7%，落后时间进度1.6个百分点 (against time progress as printed)."""
    if head.completion_pct is None:
        return ""
    done = _shown(head.completion_pct, 1, fmt)
    gap = round(done - _shown(head.time_progress_pct, 1, fmt), 1)
    way = "flat" if gap == 0 else ("ahead" if gap > 0 else "behind")
    return t("briefing.s.completion", lang, pct=fmt(done, 1)) + t("briefing.s.join", lang) + t(
        f"briefing.s.time.{way}", lang, x=fmt(abs(gap), 1))


def _forecast(forecast: Forecast | None, decimals: int, unit: str, lang: str, fmt: Formatter) -> str:
    """按往年进度测算，全年预计590.1亿元，为年度目标的99.7% (only when there is a projection)."""
    if forecast is None or forecast.projected is None or forecast.projected_completion_pct is None:
        return ""
    return t("briefing.s.forecast", lang, value=fmt(forecast.projected, decimals), unit=_unit(unit, lang),
             pct=fmt(forecast.projected_completion_pct, 1))
