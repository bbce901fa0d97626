"""The briefing's later sections as blocks: warnings, regions behind, the project red list,
the month's emergencies and the notes on the record (components/briefing_model.py puts them in order).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.briefing_blocks import Block, Heading, Paragraph, Table
from components.formatting import format_number, format_pct, format_timestamp
from core.briefing_facts import BriefingData
from core.briefing_text import period_phrase, place_word
from core.i18n import t
from core.values import localized_name

MAX_ROWS = 15  # longer lists end with "n more not listed": a briefing is read, not searched
_BELOW = {"city": "county", "county": "township", "township": "village"}


def below_word(region: Mapping[str, Any], lang: str) -> str:
    """What the regions one level below are called: 县区 below a city, 乡镇（街道） below a county."""
    return t(f"briefing.below.{_BELOW.get(str(region.get('level')), 'county')}", lang)


def mark(i: int) -> str:
    """The i-th (0-based) note's mark: ① … ⑳, then [21] …."""
    return chr(0x2460 + i) if i < 20 else f"[{i + 1}]"


def annotation_marks(notes: Sequence[Mapping[str, Any]],
                     lines: Mapping[str, Mapping[str, float | None]]) -> tuple[tuple[str, str, float], ...]:
    """(period, mark, y) of each note whose indicator is a line of the trend chart with a value then."""
    marks = []
    for i, note in enumerate(notes):
        y = lines.get(str(note["indicator_code"]), {}).get(str(note["period"]))
        if y is not None:
            marks.append((str(note["period"]), mark(i), float(y)))
    return tuple(marks)


def _names(data: BriefingData, lang: str) -> dict[str, str]:
    return {str(f.indicator["indicator_code"]): localized_name(f.indicator, lang) for f in data.indicators}


def _region(data: BriefingData, code: object, lang: str) -> str:
    row = data.region_names.get(str(code))
    return localized_name(row, lang) if row is not None else str(code)


def _more(rows: list[tuple[str, ...]], lang: str) -> list[Block]:
    return [Paragraph(t("briefing.more", lang, n=len(rows) - MAX_ROWS), "note")] if len(rows) > MAX_ROWS else []


def warnings_section(data: BriefingData, lang: str) -> list[Block]:
    """The early warnings (services.economy.economy_warnings) as sentences of the economy page's wording."""
    blocks: list[Block] = [Heading(t("briefing.h.warnings", lang))]
    names = _names(data, lang)
    for w in data.warnings.to_dict("records"):
        name = names.get(str(w["indicator_code"]), str(w["indicator_code"]))
        if w["kind"] == "yoy_turned":
            text = t("economy.warn.yoy_turned", lang, indicator=name, previous=format_pct(w["yoy_previous_pct"], True),
                     now=format_pct(w["yoy_pct"], True))
        elif w["kind"] == "trailing":
            text = t("economy.warn.trailing", lang, indicator=name, completion=format_pct(w["completion_pct"]),
                     progress=format_pct(w["time_progress_pct"]))
        else:
            text = t("economy.warn.projected_miss", lang, indicator=name,
                     pct=format_pct(w["projected"] / w["target"] * 100))
        blocks.append(Paragraph(text + t("briefing.s.stop", lang)))
    if len(blocks) == 1:
        blocks.append(Paragraph(t("briefing.warn.none", lang)))
    return blocks


def behind_section(data: BriefingData, lang: str) -> list[Block]:
    """The regions below whose completion trails time progress, per indicator, worst first."""
    below = below_word(data.region, lang)
    blocks: list[Block] = [Heading(t("briefing.h.behind", lang, below=below))]
    names = _names(data, lang)
    frequency = {str(f.indicator["indicator_code"]): str(f.indicator["frequency"]) for f in data.indicators}
    rows = [(names.get(str(r["indicator_code"]), str(r["indicator_code"])),
             period_phrase(str(r["period"]), frequency.get(str(r["indicator_code"]), "month"), True, lang),
             localized_name(r, lang), format_pct(r["completion_pct"]), format_number(-r["gap_pts"], 1))
            for r in data.behind.to_dict("records")]
    if not rows:
        return blocks + [Paragraph(t("briefing.behind.none", lang, below=below))]
    header = (t("briefing.col.indicator", lang), t("briefing.col.period", lang), below,
              t("briefing.col.completion", lang), t("briefing.col.gap", lang))
    return blocks + [Table(header, tuple(rows[:MAX_ROWS]), numeric=(3, 4))] + _more(rows, lang)


def projects_section(data: BriefingData, lang: str) -> list[Block]:
    """The red list: overdue and seriously lagging key projects, overdue first, the largest lag first."""
    blocks: list[Block] = [Heading(t("briefing.h.projects", lang))]
    counts = data.project_counts
    if not len(data.projects):
        return blocks + [Paragraph(t("briefing.projects.none", lang))]
    blocks.append(Paragraph(t("briefing.projects.summary", lang, place=place_word(data.region, lang),
                              serious=counts.get("seriously_lagging", 0), overdue=counts.get("overdue", 0))))
    rows = [(str(p["name"]), _region(data, p["region_code"], lang), t(f"project.state.{p['state']}", lang),
             format_pct(p["planned_progress_pct"]), format_pct(p["actual_progress_pct"]),
             format_number(p["lag_pts"], 1), str(p["planned_end_date"])[:10])
            for p in data.projects.to_dict("records")]
    header = tuple(t(f"briefing.col.{c}", lang) for c in ("project", "county", "state", "planned", "actual", "lag",
                                                          "end"))
    return blocks + [Table(header, tuple(rows[:MAX_ROWS]), numeric=(3, 4, 5))] + _more(rows, lang)


def alerts_section(data: BriefingData, lang: str, tz: str) -> list[Block]:
    """The month's emergencies: how many of each level, and the level I and II ones listed."""
    blocks: list[Block] = [Heading(t("briefing.h.alerts", lang))]
    label = period_phrase(data.period, "month", False, lang, year=True)
    place = place_word(data.region, lang)
    alerts = data.alerts
    if alerts.empty:
        return blocks + [Paragraph(t("briefing.alerts.none", lang, label=label, place=place))]
    levels = alerts["level"].value_counts()
    parts = [t("briefing.alerts.level", lang, level=t(f"alert.level.{lvl}", lang), n=int(levels[lvl]))
             for lvl in sorted(int(x) for x in levels.index)]
    blocks.append(Paragraph(t("briefing.alerts.summary", lang, label=label, place=place, n=len(alerts),
                              levels=("、" if lang == "zh" else ", ").join(parts))))
    major = alerts[alerts["level"].isin([1, 2])]
    if not major.empty:
        rows = [(format_timestamp(a["occurred_at"].isoformat(), tz), str(a["title"]),
                 _region(data, a["region_code"], lang), t(f"alert.level.{int(a['level'])}", lang),
                 t(f"alert.status.{a['status']}", lang)) for a in major.to_dict("records")]
        header = tuple(t(f"briefing.col.{c}", lang) for c in ("time", "event", "place", "level", "status"))
        blocks += [Paragraph(t("briefing.alerts.major", lang)), Table(header, tuple(rows[:MAX_ROWS]))]
        blocks += _more(rows, lang)
    return blocks


def notes_section(data: BriefingData, lang: str) -> list[Block]:
    """The notes on the record of the trend chart's months, each with its mark on the chart."""
    blocks: list[Block] = [Heading(t("briefing.h.annotations", lang))]
    if not data.annotations:
        return blocks + [Paragraph(t("briefing.annotations.none", lang))]
    names, everywhere = _names(data, lang), t("briefing.annotations.everywhere", lang)
    rows = [(mark(i), str(n["period"]), names.get(str(n["indicator_code"]), str(n["indicator_code"])),
             _region(data, n["region_code"], lang) if n.get("region_code") else everywhere, str(n["text"]),
             str(n["created_by"])) for i, n in enumerate(data.annotations)]
    header = ("", *(t(f"briefing.col.{c}", lang) for c in ("period", "indicator", "place", "text", "author")))
    return blocks + [Table(header, tuple(rows))]
