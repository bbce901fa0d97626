"""The briefing as a document model (components/briefing_blocks.py) from its facts (core/briefing_facts.py).

Everything the briefing says is worded here, once, in the document's language; the renderers
only lay it out. The indicator paragraphs are core/briefing_text.py's sentences.
"""
from __future__ import annotations

from typing import Any

from components.briefing_blocks import Block, Chart, Document, Heading, Paragraph, Table
from components.briefing_sections import (
    alerts_section,
    annotation_marks,
    behind_section,
    below_word,
    notes_section,
    projects_section,
    warnings_section,
)
from components.formatting import format_number, format_pct, format_timestamp
from core.briefing_facts import BriefingData, IndicatorFacts
from core.briefing_text import paragraph, period_phrase
from core.comparison import change_figure, indicator_decimals, indicator_kind, is_growth_rate, year_change
from core.i18n import t
from core.periods import shift_period
from core.values import localized_name, localized_unit

TREND_MONTHS = 13


def top_region(data: BriefingData) -> dict[str, Any]:
    """The highest region above the briefing's (the city of a county's briefing), else its own."""
    ancestors = [r for r in data.region_names.values() if r.get("relation") == "ancestor"]
    return ancestors[-1] if ancestors else data.region


def _name(fact: IndicatorFacts, lang: str) -> str:
    return localized_name(fact.indicator, lang)


def _growth(fact: IndicatorFacts) -> bool:
    ind = fact.indicator
    return indicator_kind(ind) == "pp" and is_growth_rate(ind.get("name"), ind.get("name_en"))


def _change_cell(fact: IndicatorFacts, lang: str) -> str:
    """The table's change: +5.4% (amounts), +0.5个百分点 (rates; a growth rate on the previous period), +0.4 (index)."""
    head, kind = fact.head, indicator_kind(fact.indicator)
    if head is None:
        return "—"
    if _growth(fact):
        before = head.value_previous
        change = None if head.value is None or before is None else head.value - before
        return change_figure("pp", change, lang)
    return change_figure(kind, year_change(kind, head.value, head.value_last_year, head.yoy_pct), lang)


def _ranking_cell(fact: IndicatorFacts, data: BriefingData, lang: str) -> str:
    ranked = fact.ranking
    if ranked.empty or "rank" not in ranked or ranked["rank"].isna().all():
        return t("briefing.rank.none", lang)
    measure = t(f"economy.measure.{fact.measure}", lang)
    ranked = ranked[ranked["rank"].notna()]
    if fact.own_rank:
        mine = ranked[ranked["region_code"] == data.region["region_code"]]
        if mine.empty:
            return t("briefing.rank.none", lang)
        return t("briefing.rank.own", lang, rank=int(mine["rank"].iloc[0]), of=len(ranked), measure=measure)
    first, last = ranked.iloc[0].to_dict(), ranked.iloc[-1].to_dict()
    return t("briefing.rank.top_bottom", lang, first=localized_name(first, lang), last=localized_name(last, lang),
             measure=measure)


def indicator_table(data: BriefingData, lang: str) -> Table:
    """Every headline indicator: period, value, unit, change, completion and the ranking below."""
    rows = []
    for fact in data.indicators:
        ind, head = fact.indicator, fact.head
        period = "—" if head is None else period_phrase(head.period, str(ind["frequency"]), bool(ind["cumulative"]),
                                                          lang)
        value = format_number(None if head is None else head.value, indicator_decimals(ind))
        unit = localized_unit(ind.get("unit"), lang)
        shown = value if value == "—" or not unit else (value + unit if unit == "%" else f"{value} {unit}")
        rows.append((_name(fact, lang), period, shown,
                     _change_cell(fact, lang),
                     format_pct(None if head is None else head.completion_pct), _ranking_cell(fact, data, lang)))
    header = tuple(t(f"briefing.col.{c}", lang) for c in ("indicator", "period", "value", "change", "completion"))
    return Table(header + (t("briefing.col.ranking", lang, below=below_word(data.region, lang)),), tuple(rows),
                 numeric=(2, 3, 4))


def _trend_chart(data: BriefingData, lang: str) -> Chart:
    """Growth of the amounts (year on year, so far this year) and the growth rates: this year's months as
    the bureau draws them (a year-to-date growth starts afresh in January), the last 13 before March."""
    month = int(data.period[5:7])
    count = month if month >= 3 else TREND_MONTHS
    periods = tuple(shift_period(data.period, k - count + 1) for k in range(count))
    rows, lines = [], {}
    for fact in data.indicators:
        if fact.head is None or fact.trend.empty:
            continue
        column = "value" if _growth(fact) else ("yoy_pct" if indicator_kind(fact.indicator) == "pct" else None)
        if column is None:
            continue
        by_period = {str(p): v for p, v in zip(fact.trend["period"], fact.trend[column])}
        values = tuple(None if by_period.get(p) is None or by_period[p] != by_period[p] else float(by_period[p])
                       for p in periods)
        if any(v is not None for v in values):
            rows.append((_name(fact, lang), values))
            lines[str(fact.indicator["indicator_code"])] = dict(zip(periods, values))
    return Chart("trend", t("briefing.chart.trend", lang), tuple(rows), periods=periods,
                 marks=annotation_marks(data.annotations, lines))


def _progress_chart(data: BriefingData, lang: str) -> Chart:
    rows = []
    for fact in data.indicators:
        head = fact.head
        if head is not None and head.completion_pct is not None:
            label = f"{_name(fact, lang)}（{period_phrase(head.period, str(fact.indicator['frequency']), True, lang)}）"
            rows.append((label if lang == "zh" else label.replace("（", " (").replace("）", ")"),
                         head.completion_pct, head.time_progress_pct))
    return Chart("progress", t("briefing.chart.progress", lang), tuple(rows),
                 reference_label=t("briefing.chart.time", lang))


def _forecast_chart(data: BriefingData, lang: str) -> Chart:
    rows = []
    for fact in data.indicators:
        cast = fact.forecast
        if cast is not None and cast.projected_completion_pct is not None and cast.low and cast.high and cast.target:
            rows.append((_name(fact, lang), cast.projected_completion_pct, cast.low / cast.target * 100,
                         cast.high / cast.target * 100))
    return Chart("forecast", t("briefing.chart.forecast", lang), tuple(rows), reference=100.0,
                 reference_label=t("briefing.chart.target", lang), legend=(t("briefing.chart.band", lang),))


def briefing_document(data: BriefingData, lang: str, tz: str, generated_at: str) -> Document:
    """The whole briefing of `data` in `lang`; times shown in `tz`; `generated_at` ISO 8601 UTC."""
    place = localized_name(data.region, lang)
    period = period_phrase(data.period, "month", True, lang, year=True)
    title = t("briefing.title", lang, place=place, period=period)
    blocks: list[Block] = [
        Heading(title, 1),
        Paragraph(t("briefing.meta", lang, as_of=format_timestamp(data.data_as_of, tz),
                    now=format_timestamp(generated_at, tz)), "meta"),
        Paragraph(t("briefing.source", lang, place=localized_name(top_region(data), lang)), "meta"),
        Heading(t("briefing.h.indicators", lang)),
    ]
    if not data.indicators:
        blocks.append(Paragraph(t("briefing.no_indicators", lang)))
    for fact in data.indicators:
        blocks.append(Paragraph(paragraph(fact.indicator, fact.head, data.region, lang, format_number, fact.forecast)))
    if data.skipped:  # bad warehouse rows left out: said, never silently read as zero
        parts = [t(f"quality.{kind}", lang, n=n) for kind, n in data.skipped.items()]
        blocks.append(Paragraph(t("quality.skipped_prefix", lang) + t("briefing.s.semicolon", lang).join(parts)
                                + t("briefing.s.stop", lang), "note"))
    blocks += [Heading(t("briefing.h.table", lang, below=below_word(data.region, lang))),
               indicator_table(data, lang), Heading(t("briefing.h.charts", lang))]
    for chart in (_trend_chart(data, lang), _progress_chart(data, lang), _forecast_chart(data, lang)):
        blocks += [chart] if chart.rows else [Paragraph(t("briefing.chart.none", lang, chart=chart.title), "note")]
    if data.annotations:
        blocks.append(Paragraph(t("briefing.chart.note", lang), "note"))
    blocks += warnings_section(data, lang)
    blocks += behind_section(data, lang)
    blocks += projects_section(data, lang)
    blocks += alerts_section(data, lang, tz)
    blocks += notes_section(data, lang)
    stem = f"{data.region['region_code']}-{data.period}-{'briefing' if lang == 'en' else 'jianbao'}"
    return Document(title, tuple(blocks), lang, stem)
