"""Colours that mean something, as pure rules: a value and what it measures → a tone and a colour.

A colour is a function of the value and its meaning, never of its rank, so equal values always
get the same colour. Three meanings:

- completion against 时间进度 (`progress_tone`): ahead (or on pace), behind, far behind, by the
  configured thresholds in points (`economy.behind_pts`, `economy.far_behind_pts`); for a
  lower-is-better indicator the target is a ceiling, so running ahead of time is what is behind;
- growth (`diverging_colour`, `diverging_scale`): a scale centred at zero, green where the change
  is good for the city (`higher_is_better`), red where it is bad, grey-blue at zero;
- a plain value (`NEUTRAL`, `SEQUENTIAL_SCALE`): one neutral hue, no good or bad.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.values import is_missing

# Readable on the dark and the light theme alike (plotly does not see CSS variables).
GOOD = "#22b07d"
BEHIND = "#f0a030"
BAD = "#f05252"
NEUTRAL = "#36a9ff"          # a value with no good or bad direction
MIDPOINT = "#8fa8cc"         # zero growth: the middle of the diverging scale
NO_DATA = "rgba(128, 128, 128, 0.45)"
SEQUENTIAL_SCALE = [[0.0, "#d4e8fb"], [1.0, "#1565b0"]]  # one blue hue, light to dark
PROGRESS_TONES = ("ahead", "behind", "far_behind")
TONE_COLOURS = {"ahead": GOOD, "behind": BEHIND, "far_behind": BAD, "good": GOOD, "bad": BAD,
                "neutral": NEUTRAL, "none": NO_DATA}
# The measure a ranking, a map or a table column shows → which rule colours it.
MEASURE_MEANING = {"value": "neutral", "yoy_pct": "growth", "completion_pct": "progress"}


@dataclass(frozen=True)
class ColourRules:
    """Thresholds of completion against time progress, in percentage points (config `economy.*`)."""

    behind_pts: float = 0.0
    far_behind_pts: float = 5.0


DEFAULT_RULES = ColourRules()


def progress_tone(completion: float | None, progress: float | None, higher_is_better: bool = True,
                  rules: ColourRules = DEFAULT_RULES) -> str:
    """'ahead', 'behind' or 'far_behind' (completion against time progress), 'none' when unknown.

    Ahead: completion at most `behind_pts` below time progress; far behind: more than
    `far_behind_pts` below. A ceiling (lower is better) mirrors it: above time progress is behind.
    """
    if is_missing(completion) or is_missing(progress):
        return "none"
    gap = float(completion) - float(progress)  # type: ignore[arg-type]
    if not higher_is_better:
        gap = -gap
    if gap >= -rules.behind_pts:
        return "ahead"
    return "behind" if gap >= -rules.far_behind_pts else "far_behind"


def growth_tone(yoy: float | None, higher_is_better: bool) -> str:
    """'good', 'bad' or 'neutral' (zero or unknown): whether a change over the year is good for the city."""
    if is_missing(yoy) or yoy == 0:
        return "neutral"
    return "good" if (float(yoy) > 0) == bool(higher_is_better) else "bad"  # type: ignore[arg-type]


def diverging_limit(values: Iterable[float | None]) -> float:
    """Half the width of a diverging scale centred at zero: the largest absolute value (1 when none)."""
    largest = max((abs(float(v)) for v in values if not is_missing(v)), default=0.0)  # type: ignore[arg-type]
    return largest or 1.0


def diverging_scale(higher_is_better: bool) -> list[list]:
    """A plotly colour scale bad → zero → good (mirrored when lower is better); use with zmid=0."""
    low, high = (BAD, GOOD) if higher_is_better else (GOOD, BAD)
    return [[0.0, low], [0.5, MIDPOINT], [1.0, high]]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mix(a: str, b: str, share: float) -> str:
    (r1, g1, b1), (r2, g2, b2) = _rgb(a), _rgb(b)
    return "#{:02x}{:02x}{:02x}".format(*(round(x + (y - x) * share) for x, y in ((r1, r2), (g1, g2), (b1, b2))))


def diverging_colour(value: float | None, limit: float, higher_is_better: bool) -> str:
    """The colour `diverging_scale` gives `value` on a scale from −limit to +limit (zero: MIDPOINT)."""
    if is_missing(value):
        return NO_DATA
    share = max(-1.0, min(1.0, float(value) / limit)) if limit > 0 else 0.0  # type: ignore[arg-type]
    if share == 0:
        return MIDPOINT
    good = (share > 0) == bool(higher_is_better)
    return _mix(MIDPOINT, GOOD if good else BAD, abs(share))


def measure_colours(values: Sequence[float | None], measure: str, higher_is_better: bool,
                    progress: float | None = None, rules: ColourRules = DEFAULT_RULES) -> list[str]:
    """One colour per value of `measure` (see MEASURE_MEANING); missing values get NO_DATA."""
    meaning = MEASURE_MEANING.get(measure, "neutral")
    if meaning == "growth":
        limit = diverging_limit(values)
        return [diverging_colour(v, limit, higher_is_better) for v in values]
    if meaning == "progress":
        return [TONE_COLOURS[progress_tone(v, progress, higher_is_better, rules)] for v in values]
    return [NO_DATA if is_missing(v) else NEUTRAL for v in values]


def tone_class(tone: str) -> str:
    """The CSS class of a tone: `tone-good`, `tone-behind`, `tone-far-behind`, … (`tone-neutral` when none)."""
    return "tone-" + ("neutral" if tone == "none" else tone.replace("_", "-"))
