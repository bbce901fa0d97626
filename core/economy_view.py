"""The economy page's state as one typed value: region, indicator, period, measure and the URL's query.

The page keeps a view in its `economy-view` store, and the browser sends that store back with
every callback: it is untrusted input like any request body. `EconomyView.parse` checks every
field (types, a well-formed region code, a `YYYY-MM` period, a known measure, the query's keys
and values) and returns None for anything else, before a callback loops or queries with it.
Whether the warehouse knows the region and the indicator is checked against its memoized tables
(services/economy_view.py). Also here, pure: the URL of a view, the region a click on the map,
the ranking or the table points at, the export a button asks for, and text safe to echo.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from core.periods import is_period
from core.regions import is_region_code

# Indicator and category codes are short; a longer value is refused before any lookup.
MAX_CODE_LENGTH = 100
VIEW_KEYS = frozenset({"region", "indicator", "period", "measure", "query"})
QUERY_KEYS = frozenset({"indicator", "period", "measure"})
EXPORT_FORMATS = ("csv", "xlsx")
ECHO_LENGTH = 40


def is_code(value: object) -> bool:
    """Whether `value` can be an indicator or category code: short printable text (no NUL, no lone surrogate)."""
    return isinstance(value, str) and 0 < len(value) <= MAX_CODE_LENGTH and value.isprintable()


def echo(value: object, limit: int = ECHO_LENGTH) -> str:
    """`value` as text safe to show in a message: printable characters only, at most `limit` of them."""
    text = value if isinstance(value, str) else str(value)
    safe = "".join(c if c.isprintable() else "\ufffd" for c in text[:limit + 1])
    return safe if len(safe) <= limit else safe[:limit - 1] + "…"


def choice(value: object, allowed: Collection[str], default: str) -> tuple[str, bool]:
    """(chosen value, whether the given value was bad): `value` if allowed, `default` if missing or bad."""
    if value is None or value == "":
        return default, False
    return (value, False) if isinstance(value, str) and value in allowed else (default, True)


def view_href(region: str, indicator: str, period: str | None = None, measure: str | None = None) -> str:
    """The URL of a view; period and measure only when chosen (else latest and the default)."""
    query = {"indicator": indicator, **({"period": period} if period else {}),
             **({"measure": measure} if measure else {})}
    return f"/economy/{region}?{urlencode(query)}"


@dataclass(frozen=True)
class ViewQuery:
    """What the URL chose: the indicator, and the period and measure when not the defaults (None)."""

    indicator: str
    period: str | None = None
    measure: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"indicator": self.indicator, "period": self.period, "measure": self.measure}


@dataclass(frozen=True)
class EconomyView:
    """One view of the page: `period` is the one shown (None: the region has no data for the indicator)."""

    region: str
    indicator: str
    period: str | None
    measure: str
    query: ViewQuery

    def data(self) -> dict[str, Any]:
        """The store's JSON form, which `parse` reads back."""
        return {"region": self.region, "indicator": self.indicator, "period": self.period,
                "measure": self.measure, "query": self.query.as_dict()}

    def href(self, region: str | None = None) -> str:
        """The URL of this view's query for `region` (default: its own region)."""
        return view_href(region or self.region, **self.query.as_dict())

    @classmethod
    def parse(cls, raw: object, measures: Collection[str]) -> EconomyView | None:
        """The view in a store's JSON `raw`, or None unless every field is well-formed.

        The query repeats the view: its indicator is the view's, its period and measure are None
        or the view's own (as the layout writes them).
        """
        if not isinstance(raw, Mapping) or set(raw) != VIEW_KEYS:
            return None
        query = raw["query"]
        if not isinstance(query, Mapping) or set(query) != QUERY_KEYS:
            return None
        region, indicator, period, measure = raw["region"], raw["indicator"], raw["period"], raw["measure"]
        valid = (is_region_code(region) and is_code(indicator) and (period is None or is_period(period))
                 and isinstance(measure, str) and measure in measures
                 and query["indicator"] == indicator and query["period"] in (None, period)
                 and query["measure"] in (None, measure))
        if not valid:
            return None
        return cls(region, indicator, period, measure, ViewQuery(indicator, query["period"], query["measure"]))


def clicked_region(click: object, key: str) -> str | None:
    """The region code a plotly `clickData` points at (`key`: location on a map, customdata on bars)."""
    if not isinstance(click, Mapping):
        return None
    points = click.get("points")
    if not isinstance(points, list) or not points or not isinstance(points[0], Mapping):
        return None
    code = points[0].get(key)
    return code if is_region_code(code) else None


def clicked_row(cell: object) -> str | None:
    """The region code of the table row an AG Grid `cellClicked` names (rows are keyed by region code)."""
    if not isinstance(cell, Mapping):
        return None
    code = cell.get("rowId")
    return code if is_region_code(code) else None


def export_choice(button_id: object, charts: Collection[str]) -> tuple[str, str] | None:
    """(chart, format) of an export button's id, or None unless both are known."""
    if not isinstance(button_id, Mapping):
        return None
    chart, fmt = button_id.get("chart"), button_id.get("fmt")
    if isinstance(chart, str) and chart in charts and isinstance(fmt, str) and fmt in EXPORT_FORMATS:
        return chart, fmt
    return None
