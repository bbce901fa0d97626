"""What the colours of the economy page mean: legends, and the colouring of a map by a measure.

The rules (a value and its meaning → a colour) are the core's (core/colours.py); this module
only puts them into words and into plotly's terms.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components.formatting import format_pct
from core.colours import (
    DEFAULT_RULES,
    GOOD,
    MEASURE_MEANING,
    MIDPOINT,
    NEUTRAL,
    PROGRESS_TONES,
    SEQUENTIAL_SCALE,
    TONE_COLOURS,
    ColourRules,
    diverging_limit,
    diverging_scale,
    progress_tone,
)
from core.i18n import t
from core.values import is_missing

LEGEND_FONT = {"size": 12}


def legend_items(measure: str, higher_is_better: bool, lang: str, progress: float | None = None,
                 rules: ColourRules = DEFAULT_RULES) -> list[tuple[str, str]]:
    """(colour, what it means) for a figure coloured by `measure`."""
    meaning = MEASURE_MEANING.get(measure, "neutral")
    if meaning == "progress":
        ceiling = "" if higher_is_better else "_ceiling"
        items = [(TONE_COLOURS[tone], t(f"colour.{tone}{ceiling}", lang, pts=f"{rules.far_behind_pts:g}"))
                 for tone in PROGRESS_TONES]
        if progress is not None:
            items.append(("", t("colour.time_progress", lang, progress=format_pct(progress))))
        return items
    if meaning == "growth":
        return [(GOOD, t("colour.good", lang)), (MIDPOINT, "0"), (TONE_COLOURS["bad"], t("colour.bad", lang))]
    return [(NEUTRAL, t("colour.value", lang))]


def legend_text(items: Sequence[tuple[str, str]]) -> str:
    """The legend as one line of plotly rich text: a coloured square before each meaning."""
    parts = [(f"<span style='color:{colour}'>■</span> " if colour else "") + label for colour, label in items]
    return "   ".join(parts)


def legend_annotation(items: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A plotly annotation above the plot area that says what each colour means."""
    return {"xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom",
            "yshift": 4, "showarrow": False, "align": "left", "text": legend_text(items), "font": LEGEND_FONT}


def map_colouring(values: Mapping[str, float], measure: str, higher_is_better: bool, lang: str,
                  progress: float | None = None, rules: ColourRules = DEFAULT_RULES, unit: str = "") -> dict[str, Any]:
    """How a choropleth colours regions by `measure`: z per region code, the scale, its range and legend.

    Completion: three steps (ahead, behind, far behind time progress), named on the colour bar.
    Growth: a diverging scale centred at zero, symmetric, its ends named better and worse.
    A plain value: one blue hue from zero (or the smallest value when negative) to the largest.
    """
    present = {code: float(v) for code, v in values.items() if not is_missing(v)}
    meaning = MEASURE_MEANING.get(measure, "neutral")
    colorbar: dict[str, Any] = {"title": {"text": unit}}
    if meaning == "progress":
        steps = {tone: i for i, tone in enumerate(PROGRESS_TONES)}
        z = {c: steps.get(progress_tone(v, progress, higher_is_better, rules), 0) for c, v in present.items()}
        colours = [TONE_COLOURS[tone] for tone in PROGRESS_TONES]
        n = len(colours)
        scale = [[edge, colour] for i, colour in enumerate(colours) for edge in (i / n, (i + 1) / n)]
        items = legend_items(measure, higher_is_better, lang, None, rules)
        colorbar = {"tickvals": list(range(n)), "ticktext": [label for _, label in items], "title": {"text": ""}}
        return {"z": z, "colorscale": scale, "zmin": -0.5, "zmax": n - 0.5, "colorbar": colorbar,
                "legend": legend_text(items)}
    if meaning == "growth":
        limit = diverging_limit(present.values())
        good, bad = t("colour.good", lang), t("colour.bad", lang)
        low, high = (bad, good) if higher_is_better else (good, bad)
        ends = [f"{format_pct(-limit, signed=True)} {low}", "0", f"{format_pct(limit, signed=True)} {high}"]
        colorbar = {"tickvals": [-limit, 0, limit], "ticktext": ends, "title": {"text": ""}}  # the ticks say %
        return {"z": present, "colorscale": diverging_scale(higher_is_better), "zmin": -limit, "zmax": limit,
                "colorbar": colorbar}
    low = min([0.0, *present.values()])
    high = max([low + 1e-9, *present.values()])
    return {"z": present, "colorscale": SEQUENTIAL_SCALE, "zmin": low, "zmax": high, "colorbar": colorbar}
