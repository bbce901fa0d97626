"""Economy use cases: headline figures, trends, children comparisons, early warnings, chart data.

Pure pandas on the small frames the memoized reads of `datasources/economy.py` return; the
rules (completion, time progress, plausibility, forecast) are the core's.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from core.comparison import indicator_kind, is_growth_rate, measure_column, year_change
from core.forecast import Forecast, forecast_year_end
from core.frames import records
from core.periods import expected_periods, shift_period
from core.rules import Headline, completion_pct, time_progress_pct, trails_time
from core.values import number_or_none
from datasources.cache import dataset
from datasources.economy import (
    VALUE_COLUMNS,
    family_children,
    indicator_values,
    region_family,
    region_history,
    values_at,
)
from datasources.indicators import catalogue
from datasources.warehouse import Warehouse

# A series as a frame or as its columns in plain lists (the warnings loop over every indicator of a
# region: lists cost a fraction of a DataFrame's per-call overhead).
Columns = pd.DataFrame | Mapping[str, Sequence[Any]]
MEASURES = ("value", "yoy_pct", "completion_pct")
CHARTS = ("trend", "progress", "forecast", "comparison")
BOTTOM_N = 3
WARNING_COLUMNS = ("kind", "indicator_code", "region_code", "period", "yoy_pct", "yoy_previous_pct", "change_kind",
                   "completion_pct", "time_progress_pct", "projected", "target", "gap", "measure", "rank", "of",
                   "measure_value")


def with_completion(rows: pd.DataFrame, cumulative: bool) -> pd.DataFrame:
    """`rows` plus completion_pct (value / target × 100 for a cumulative indicator, else empty)."""
    out = rows.copy()
    out["completion_pct"] = [completion_pct(v, t, cumulative) for v, t in zip(out["value"], out["target"])]
    out["completion_pct"] = out["completion_pct"].astype(float)
    return out


def latest_period(series: pd.DataFrame, at_most: str | None = None) -> str | None:
    """The latest period with a value in `series` (at or before `at_most` when given)."""
    periods = series.loc[series["value"].notna(), "period"]
    if at_most:
        periods = periods[periods <= at_most]
    return None if periods.empty else str(periods.max())


def trend_frame(series: pd.DataFrame, period: str, frequency: str, cumulative: bool) -> pd.DataFrame:
    """The region's series up to `period`, every expected period present (missing ones as gaps)."""
    upto = series[series["period"] <= period]
    if upto.empty:
        return with_completion(upto.reindex(columns=["period", *VALUE_COLUMNS]), cumulative)
    periods = expected_periods(str(upto["period"].min()), period, frequency)
    frame = (upto.set_index("period")[list(VALUE_COLUMNS)].reindex(periods)
             .rename_axis("period").reset_index())
    return with_completion(frame, cumulative)


def headline(series: Columns, period: str, indicator: Mapping[str, Any], margin_pts: float) -> Headline:
    """Value, same period a year before, YoY and its change, completion against time progress."""
    # Plain dicts: this runs for every indicator of a region when warnings are computed.
    rows = {p: (v, t, y) for p, v, t, y in zip(series["period"], series["value"], series["target"],
                                                series["yoy_pct"])}
    none = (None, None, None)
    value, target, yoy = (number_or_none(x) for x in rows.get(period, none))
    earlier = [p for p in rows if p < period]
    previous = max(earlier) if earlier else None
    completion = completion_pct(value, target, bool(indicator["cumulative"]))
    progress = time_progress_pct(period)
    return Headline(
        period=period, value=value, value_last_year=number_or_none(rows.get(shift_period(period, -12), none)[0]),
        yoy_pct=yoy, previous_period=previous,
        yoy_previous_pct=number_or_none(rows[previous][2]) if previous else None,
        value_previous=number_or_none(rows[previous][0]) if previous else None,
        target=target, completion_pct=completion, time_progress_pct=progress,
        trailing=trails_time(completion, progress, margin_pts, bool(indicator["higher_is_better"])),
    )


def forecast_for(series: Columns, period: str, indicator: Mapping[str, Any]) -> Forecast:
    """The year-end forecast of one region's series at `period`."""
    targets = dict(zip(series["period"], series["target"]))
    target = number_or_none(targets.get(period))
    return forecast_year_end(series, period, target=target, cumulative=bool(indicator["cumulative"]),
                             higher_is_better=bool(indicator["higher_is_better"]))


def _list(column: Sequence[Any]) -> list[Any]:
    """A column as a plain list: iterating a pandas string column goes element by element through pandas."""
    return column.tolist() if isinstance(column, pd.Series) else list(column)


def _ranked(kids: Columns, rows: Columns, period: str, indicator: Mapping[str, Any],
            measure: str) -> list[dict[str, Any]]:
    """`compare`'s rows as dicts, best first (ranked ones), then the children without the measure."""
    cumulative, better_high = bool(indicator["cumulative"]), bool(indicator["higher_is_better"])
    kind = indicator_kind(indicator)
    last_year = shift_period(period, -12)
    now: dict[str, tuple] = {}
    before: dict[str, float] = {}
    for code, p, value, target, yoy in zip(*(_list(rows[c]) for c in ("region_code", "period", *VALUE_COLUMNS))):
        if p == period:
            now[code] = (value, target, yoy)
        elif p == last_year:
            before[code] = value
    nan = (math.nan, math.nan, math.nan)
    column = measure_column(measure)
    entries = []
    for code, name, name_en in zip(*(_list(kids[c]) for c in ("region_code", "name", "name_en"))):
        value, target, yoy = now.get(code, nan)
        completion = completion_pct(value, target, cumulative)
        change = year_change(kind, value, before.get(code), yoy)
        entries.append({"region_code": code, "name": name, "name_en": name_en, "period": period,
                        "value": value, "target": target, "yoy_pct": yoy,
                        "value_last_year": before.get(code, math.nan),
                        "completion_pct": math.nan if completion is None else completion,
                        "yoy_change": math.nan if change is None else change})
    # Best first: for a lower-is-better indicator the smallest value, growth or completion leads;
    # ties by region code, children without the measure last. Growth ranks by the change as the
    # indicator compares: points for a rate (core/comparison.py).
    ranked = sorted((r for r in entries if not math.isnan(r[column])),
                    key=lambda r: (-r[column] if better_high else r[column], r["region_code"]))
    for rank, record in enumerate(ranked, start=1):
        record["rank"] = rank
    unranked = [r | {"rank": None} for r in entries if math.isnan(r[column])]
    return ranked + unranked


COMPARE_COLUMNS = ("region_code", "name", "name_en", "period", *VALUE_COLUMNS, "value_last_year", "completion_pct",
                   "yoy_change", "rank")


def compare(kids: pd.DataFrame, rows: pd.DataFrame, period: str, indicator: Mapping[str, Any],
            measure: str) -> pd.DataFrame:
    """Children ranked best first by `measure` (value, yoy_pct or completion_pct).

    `rows` holds the indicator's values of the children at `period` and a year before. Children
    without the measure stay, unranked, at the end. Columns: region_code, name, name_en, period,
    value, value_last_year, target, yoy_pct, completion_pct, yoy_change (the change over the
    year as the indicator's kind compares: what measure `yoy_pct` ranks by), rank.
    """
    entries = _ranked(kids, rows, period, indicator, measure)
    frame = pd.DataFrame(entries, columns=list(COMPARE_COLUMNS))
    for column in ("value", "target", "yoy_pct", "value_last_year", "completion_pct", "yoy_change"):
        frame[column] = frame[column].astype(float)
    frame["rank"] = frame["rank"].astype("Int64")
    frame.attrs["skipped"] = rows.attrs.get("skipped", {})
    return frame


def children_comparison(wh: Warehouse, region_code: str, indicator: Mapping[str, Any], period: str,
                        measure: str) -> pd.DataFrame:
    """The region's children ranked by `measure` for one indicator at `period` (one query)."""
    kids = family_children(region_family(wh, region_code))
    if kids.empty:
        return compare(kids, pd.DataFrame(columns=["region_code", "period", *VALUE_COLUMNS]),
                       period, indicator, measure)
    rows = values_at(wh, (str(indicator["indicator_code"]),), tuple(kids["region_code"]),
                     (period, shift_period(period, -12)))
    return compare(kids, rows, period, indicator, measure)


def year_changes(series: Columns, head: Headline, indicator: Mapping[str, Any]
                 ) -> tuple[float | None, float | None, str]:
    """The change over the year now and at the previous period, and how it is written (`pct` or `pp`).

    An amount: the YoY percent; a rate: points (value − value a year before); an index: value − 100;
    a growth rate (a rate that is itself a change): its own value, written as a percent.
    """
    kind = indicator_kind(indicator)
    if kind == "pp" and is_growth_rate(indicator.get("name"), indicator.get("name_en")):
        return head.value, head.value_previous, "pct"
    if kind == "pct":
        return head.yoy_pct, head.yoy_previous_pct, "pct"
    values = dict(zip(series["period"], series["value"]))
    before = (year_change(kind, head.value_previous, values.get(shift_period(head.previous_period, -12)),
                          head.yoy_previous_pct) if head.previous_period else None)
    return year_change(kind, head.value, head.value_last_year, head.yoy_pct), before, kind


def _columns_by(frame: pd.DataFrame, key: str) -> dict[str, dict[str, list]]:
    """`frame` split by `key`, each part as its columns in plain lists (rows keep their order)."""
    columns = {c: frame[c].tolist() for c in frame.columns}
    parts: dict[str, dict[str, list]] = {}
    for i, value in enumerate(columns[key]):
        part = parts.setdefault(value, {c: [] for c in columns})
        for c, values in columns.items():
            part[c].append(values[i])
    return parts


def _latest(series: Mapping[str, Sequence[Any]]) -> str | None:
    """`latest_period` of a series held as lists."""
    periods = [p for p, v in zip(series["period"], series["value"]) if pd.notna(v)]
    return max(periods) if periods else None


@dataset("indicators")
def economy_warnings(wh: Warehouse, region_code: str, period: str | None, margin_pts: float,
                     measure: str = "yoy_pct") -> pd.DataFrame:
    """Early warnings for a region, one row each, pointing at the view that explains it.

    Kinds: `yoy_turned` (the change over the year, as the indicator compares, turned negative,
    or rising for a lower-is-better indicator; see `year_changes`),
    `trailing` (completion trails time progress by more than the margin), `projected_miss`,
    and `bottom` (the three weakest children per headline indicator by `measure`).
    Each indicator is read at its latest period at or before `period`.
    """
    cat = catalogue(wh)
    history = region_history(wh, region_code, period)
    warnings: list[dict[str, Any]] = []
    latest_of: dict[str, str] = {}
    by_indicator = _columns_by(history, "indicator_code")
    for indicator in records(cat):
        code = indicator["indicator_code"]
        series = by_indicator.get(code)
        latest = None if series is None else _latest(series)
        if latest is None:
            continue
        latest_of[code] = latest
        head = headline(series, latest, indicator, margin_pts)
        base = {"indicator_code": code, "region_code": region_code, "period": latest}
        now, before, change_kind = year_changes(series, head, indicator)
        turned = (now is not None and before is not None
                  and ((now < 0 <= before) if indicator["higher_is_better"] else (now > 0 >= before)))
        if turned:
            warnings.append({**base, "kind": "yoy_turned", "yoy_pct": now, "yoy_previous_pct": before,
                             "change_kind": change_kind})
        if head.trailing:
            warnings.append({**base, "kind": "trailing", "completion_pct": head.completion_pct,
                             "time_progress_pct": head.time_progress_pct})
        forecast = forecast_for(series, latest, indicator)
        if forecast.reaches_target is False:
            warnings.append({**base, "kind": "projected_miss", "projected": forecast.projected,
                             "target": forecast.target, "gap": forecast.gap})
    kids = family_children(region_family(wh, region_code))
    headline_codes = [c for c in cat.loc[cat["headline"], "indicator_code"] if c in latest_of]
    if kids.empty or not headline_codes:
        return pd.DataFrame(warnings, columns=WARNING_COLUMNS)
    rows = values_at(wh, tuple(headline_codes), tuple(kids["region_code"]),
                     tuple(sorted({latest_of[c] for c in headline_codes})))
    rows_of = _columns_by(rows, "indicator_code")
    kid_columns = {c: kids[c].tolist() for c in ("region_code", "name", "name_en")}
    nothing: dict[str, list] = {c: [] for c in ("region_code", "period", *VALUE_COLUMNS)}
    for indicator in records(cat[cat["indicator_code"].isin(headline_codes)]):
        code = indicator["indicator_code"]
        mine = rows_of.get(code, nothing)
        ranked, used = _ranked(kid_columns, mine, latest_of[code], indicator, measure), measure
        if all(r["rank"] is None for r in ranked) and measure != "value":
            ranked, used = _ranked(kid_columns, mine, latest_of[code], indicator, "value"), "value"
        ranked = [r for r in ranked if r["rank"] is not None]
        if len(ranked) <= BOTTOM_N:
            continue
        for row in ranked[-BOTTOM_N:]:
            warnings.append({"kind": "bottom", "indicator_code": code, "region_code": row["region_code"],
                             "period": latest_of[code], "measure": used, "rank": row["rank"],
                             "of": len(ranked), "measure_value": row[measure_column(used)]})
    return pd.DataFrame(warnings, columns=WARNING_COLUMNS)


def forecast_table(this_year: pd.DataFrame, forecast: Forecast) -> pd.DataFrame:
    """The forecast chart's data: actual figures, then the projected path with its band."""
    actual = this_year[["period", "value", "target"]].copy()
    path = pd.DataFrame(list(forecast.path[1:]), columns=["period", "projected", "low", "high"])
    path["target"] = forecast.target
    return pd.concat([actual, path], ignore_index=True)


def chart_data(wh: Warehouse, indicator: Mapping[str, Any], region_code: str, period: str, measure: str,
               chart: str, margin_pts: float) -> pd.DataFrame:
    """The data behind one chart of a view (one of CHARTS): what it shows and what its export holds."""
    series = indicator_values(wh, str(indicator["indicator_code"]), (region_code,))
    frame = trend_frame(series, period, str(indicator["frequency"]), bool(indicator["cumulative"]))
    if chart == "trend":
        return frame
    if chart == "progress":
        head = headline(series, period, indicator, margin_pts)
        return pd.DataFrame([{"period": period, "value": head.value, "target": head.target,
                              "completion_pct": head.completion_pct, "time_progress_pct": head.time_progress_pct}])
    if chart == "forecast":
        return forecast_table(frame[frame["period"].str[:4] == period[:4]], forecast_for(series, period, indicator))
    return children_comparison(wh, region_code, indicator, period, measure)

