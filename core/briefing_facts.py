"""The facts one briefing says, as plain typed values: what services/briefing.py reads from the
warehouse and components/briefing_model.py turns into the document (kept in core, below both).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.forecast import Forecast
from core.rules import Headline


@dataclass(frozen=True)
class IndicatorFacts:
    """One headline indicator of the briefing's region, at its latest period up to the briefing's."""

    indicator: dict[str, Any]  # the catalogue row
    head: Headline | None  # None: no figure at all up to the period
    forecast: Forecast | None
    trend: pd.DataFrame  # period, value, target, yoy_pct, completion_pct: the last TREND_PERIODS
    # The regions below (or, for a region without them, its siblings) ranked by `measure`.
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame)
    measure: str = "value"
    own_rank: bool = False  # True: `ranking` holds the region's siblings (a county among counties)


@dataclass(frozen=True)
class BriefingData:
    """The facts of one briefing."""

    region: dict[str, Any]  # region_code, name, name_en, level, parent_code
    period: str
    data_as_of: str | None
    indicators: tuple[IndicatorFacts, ...]
    warnings: pd.DataFrame  # services.economy.economy_warnings rows, without the bottom three
    behind: pd.DataFrame  # indicator_code, region_code, name, name_en, completion_pct, gap_pts
    projects: pd.DataFrame  # the red list: overdue and seriously lagging projects
    project_counts: dict[str, int]
    alerts: pd.DataFrame  # the month's emergencies in the region, most severe first
    annotations: list[dict[str, Any]]
    region_names: dict[str, dict[str, Any]]  # code → region row, for every region named
    # Bad warehouse rows left out of what the briefing read, by kind (core messages `quality.<kind>`).
    skipped: dict[str, int] = field(default_factory=dict)
