"""Economy and society: indicator series, children comparison, headline figures and early warnings.

The queries (`indicator_values`, `values_at`, `region_history`) are memoized per dataset
"indicators" and each touches only the index range it needs, so a drill-down click costs a
few index seeks however many village rows the warehouse holds. The rest is pandas on those
small frames. Bad rows: duplicates keep the newest row, NULL values stay as gaps, values out
of range are dropped; `attrs["skipped"]` counts each so the page can say so.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd
import sqlalchemy as sa

from cockpit.forecast import Forecast, forecast_year_end
from cockpit.rules import completion_pct, time_progress_pct
from datasources.cache import dataset
from datasources.indicators import catalogue, drop_duplicate_keys
from datasources.warehouse import Warehouse

PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MEASURES = ("value", "yoy_pct", "completion_pct")
CHARTS = ("trend", "progress", "forecast", "comparison")
VALUE_COLUMNS = ("value", "target", "yoy_pct")
BOTTOM_N = 3
WARNING_COLUMNS = ("kind", "indicator_code", "region_code", "period", "yoy_pct", "yoy_previous_pct",
                   "completion_pct", "time_progress_pct", "projected", "target", "gap", "measure", "rank", "of",
                   "measure_value")


def shift_period(period: str, months: int) -> str:
    """`period` moved by `months` (negative: back), e.g. shift_period("2026-01", -1) == "2025-12"."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def expected_periods(first: str, last: str, frequency: str) -> list[str]:
    """Every period an indicator of `frequency` should publish from `first` to `last`."""
    step = {"quarter": 3, "year": 12}.get(frequency, 1)
    periods, current = [], first
    while current <= last:
        if step == 1 or int(current[5:7]) % step == 0:
            periods.append(current)
        current = shift_period(current, 1)
    return periods


def plausible(value: float, unit: str) -> bool:
    """Whether a value can be true for its unit: a percentage within ±100, anything else ≥ 0."""
    if unit == "%":
        return -100.0 <= value <= 100.0
    return value >= 0.0


def _clean(rows: pd.DataFrame, key: list[str], units: Mapping[str, str]) -> pd.DataFrame:
    """Drop duplicate keys (newest kept) and implausible values, count both and NULL values."""
    rows, duplicates = drop_duplicate_keys(rows, key)
    for column in VALUE_COLUMNS:
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    unit = rows["indicator_code"].map(units).fillna("")
    bad = [not math.isnan(v) and not plausible(v, u) for v, u in zip(rows["value"], unit)]
    out_of_range = pd.Series(bad, index=rows.index, dtype=bool)
    kept = rows[~out_of_range].drop(columns="updated_at").sort_values(key).reset_index(drop=True)
    kept.attrs["skipped"] = {"duplicate": duplicates, "out_of_range": int(out_of_range.sum()),
                             "null_value": int(kept["value"].isna().sum())}
    return kept


def _units(wh: Warehouse) -> dict[str, str]:
    cat = catalogue(wh)
    return dict(zip(cat["indicator_code"], cat["unit"].astype(str)))


def _select(wh: Warehouse) -> tuple[sa.TableClause, sa.Select]:
    f = wh.table("fact_indicator")
    return f, sa.select(f.c.indicator_code, f.c.region_code, f.c.period, wh.col(f, "value"),
                        wh.col(f, "target"), wh.col(f, "yoy_pct"), wh.col(f, "updated_at"))


@dataset("indicators")
def indicator_values(wh: Warehouse, indicator_code: str, region_codes: tuple[str, ...],
                     start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """One indicator's rows for the given regions, optionally within [start, end] (periods).

    Columns indicator_code, region_code, period, value, target, yoy_pct; sorted by region, period.
    """
    f, stmt = _select(wh)
    stmt = stmt.where(f.c.indicator_code == sa.bindparam("code"),
                      f.c.region_code.in_(sa.bindparam("regions", expanding=True)))
    params: dict[str, Any] = {"code": indicator_code, "regions": list(region_codes)}
    if start:
        stmt = stmt.where(f.c.period >= sa.bindparam("start"))
        params["start"] = start
    if end:
        stmt = stmt.where(f.c.period <= sa.bindparam("end"))
        params["end"] = end
    return _clean(wh.read(stmt, params), ["region_code", "period"], _units(wh))


@dataset("indicators")
def values_at(wh: Warehouse, indicator_codes: tuple[str, ...], region_codes: tuple[str, ...],
              periods: tuple[str, ...]) -> pd.DataFrame:
    """Rows of several indicators × regions × periods in one query (children comparisons)."""
    f, stmt = _select(wh)
    stmt = stmt.where(f.c.indicator_code.in_(sa.bindparam("codes", expanding=True)),
                      f.c.region_code.in_(sa.bindparam("regions", expanding=True)),
                      f.c.period.in_(sa.bindparam("periods", expanding=True)))
    rows = wh.read(stmt, {"codes": list(indicator_codes), "regions": list(region_codes),
                          "periods": list(periods)})
    return _clean(rows, ["indicator_code", "region_code", "period"], _units(wh))


@dataset("indicators")
def region_history(wh: Warehouse, region_code: str, end: str | None = None) -> pd.DataFrame:
    """Every indicator's rows for one region up to `end` (warnings and forecasts of all indicators)."""
    f, stmt = _select(wh)
    stmt = stmt.where(f.c.region_code == sa.bindparam("region"))
    params: dict[str, Any] = {"region": region_code}
    if end:
        stmt = stmt.where(f.c.period <= sa.bindparam("end"))
        params["end"] = end
    return _clean(wh.read(stmt, params), ["indicator_code", "period"], _units(wh))


REGION_COLUMNS = ("region_code", "name", "name_en", "level", "parent_code")
MAX_DEPTH = 6


@dataset("regions")
def region_family(wh: Warehouse, region_code: str) -> pd.DataFrame:
    """The region, its ancestors (nearest first) and its children; empty when the code is unknown.

    Column `relation` is self, ancestor or child. A drill-down needs only these few rows, so it
    never loads the whole hierarchy (tens of thousands of villages in a large warehouse).
    """
    d = wh.table("dim_region")
    select = sa.select(*[wh.col(d, c) for c in REGION_COLUMNS])
    rows = wh.read(select.where(sa.or_(d.c.region_code == sa.bindparam("code"),
                                       wh.col(d, "parent_code") == sa.bindparam("code")))
                   .order_by(d.c.region_code), {"code": region_code})
    rows["relation"] = ["self" if c == region_code else "child" for c in rows["region_code"]]
    me = rows[rows["relation"] == "self"]
    if me.empty:
        return rows.iloc[0:0]
    ancestors, parent = [], me["parent_code"].iloc[0]
    while isinstance(parent, str) and parent and len(ancestors) < MAX_DEPTH:
        found = wh.read(select.where(d.c.region_code == sa.bindparam("code")), {"code": parent})
        if found.empty or parent in {a["region_code"].iloc[0] for a in ancestors} | {region_code}:
            break
        ancestors.append(found.assign(relation="ancestor"))
        parent = found["parent_code"].iloc[0]
    return pd.concat([me, *ancestors, rows[rows["relation"] == "child"]], ignore_index=True)


def family_children(family: pd.DataFrame) -> pd.DataFrame:
    """The children rows of a `region_family` frame."""
    return family[family["relation"] == "child"].reset_index(drop=True)


def with_completion(rows: pd.DataFrame, cumulative: bool) -> pd.DataFrame:
    """`rows` plus completion_pct (value / target × 100 for a cumulative indicator, else empty)."""
    out = rows.copy()
    out["completion_pct"] = [completion_pct(v, t, cumulative) for v, t in zip(out["value"], out["target"])]
    out["completion_pct"] = out["completion_pct"].astype(float)
    return out


def trails_time(completion: float | None, progress: float | None, margin_pts: float,
                higher_is_better: bool) -> bool | None:
    """Whether completion trails time progress by more than the margin (None when unknown).

    For a lower-is-better indicator the target is a ceiling: running ahead of time is the problem.
    """
    if completion is None or progress is None or math.isnan(completion):
        return None
    if higher_is_better:
        return completion < progress - margin_pts
    return completion > progress + margin_pts


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


@dataclass(frozen=True)
class Headline:
    """The selected region's figures for one indicator and period."""

    period: str
    value: float | None
    value_last_year: float | None
    yoy_pct: float | None
    previous_period: str | None
    yoy_previous_pct: float | None
    target: float | None
    completion_pct: float | None
    time_progress_pct: float
    trailing: bool | None

    @property
    def yoy_change_pts(self) -> float | None:
        """Change of YoY growth since the previous period, in percentage points."""
        if self.yoy_pct is None or self.yoy_previous_pct is None:
            return None
        return self.yoy_pct - self.yoy_previous_pct


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def headline(series: pd.DataFrame, period: str, indicator: Mapping[str, Any], margin_pts: float) -> Headline:
    """Value, same period a year before, YoY and its change, completion against time progress."""
    # Plain dicts: this runs for every indicator of a region when warnings are computed.
    rows = {p: (v, t, y) for p, v, t, y in zip(series["period"], series["value"], series["target"],
                                                series["yoy_pct"])}
    none = (None, None, None)
    value, target, yoy = (_num(x) for x in rows.get(period, none))
    earlier = [p for p in rows if p < period]
    previous = max(earlier) if earlier else None
    completion = completion_pct(value, target, bool(indicator["cumulative"]))
    progress = time_progress_pct(period)
    return Headline(
        period=period, value=value, value_last_year=_num(rows.get(shift_period(period, -12), none)[0]),
        yoy_pct=yoy, previous_period=previous,
        yoy_previous_pct=_num(rows[previous][2]) if previous else None,
        target=target, completion_pct=completion, time_progress_pct=progress,
        trailing=trails_time(completion, progress, margin_pts, bool(indicator["higher_is_better"])),
    )


def forecast_for(series: pd.DataFrame, period: str, indicator: Mapping[str, Any]) -> Forecast:
    """The year-end forecast of one region's series at `period`."""
    targets = dict(zip(series["period"], series["target"]))
    target = _num(targets.get(period))
    return forecast_year_end(series, period, target=target, cumulative=bool(indicator["cumulative"]),
                             higher_is_better=bool(indicator["higher_is_better"]))


def compare(kids: pd.DataFrame, rows: pd.DataFrame, period: str, indicator: Mapping[str, Any],
            measure: str) -> pd.DataFrame:
    """Children ranked best first by `measure` (value, yoy_pct or completion_pct).

    `rows` holds the indicator's values of the children at `period` and a year before. Children
    without the measure stay, unranked, at the end. Columns: region_code, name, name_en, period,
    value, value_last_year, target, yoy_pct, completion_pct, rank.
    """
    cumulative, better_high = bool(indicator["cumulative"]), bool(indicator["higher_is_better"])
    last_year = shift_period(period, -12)
    now: dict[str, tuple] = {}
    before: dict[str, float] = {}
    for code, p, value, target, yoy in zip(rows["region_code"], rows["period"], rows["value"], rows["target"],
                                           rows["yoy_pct"]):
        if p == period:
            now[code] = (value, target, yoy)
        elif p == last_year:
            before[code] = value
    nan = (math.nan, math.nan, math.nan)
    records = []
    for code, name, name_en in zip(kids["region_code"], kids["name"], kids["name_en"]):
        value, target, yoy = now.get(code, nan)
        completion = completion_pct(value, target, cumulative)
        records.append({"region_code": code, "name": name, "name_en": name_en, "period": period,
                        "value": value, "target": target, "yoy_pct": yoy,
                        "value_last_year": before.get(code, math.nan),
                        "completion_pct": math.nan if completion is None else completion})
    frame = pd.DataFrame(records, columns=["region_code", "name", "name_en", "period", *VALUE_COLUMNS,
                                           "value_last_year", "completion_pct"])
    # Best first: for a lower-is-better indicator the smallest value, growth or completion leads.
    frame = frame.sort_values([measure, "region_code"], ascending=[not better_high, True],
                              na_position="last", kind="stable").reset_index(drop=True)
    ranked = frame[measure].notna()
    frame["rank"] = pd.Series(range(1, len(frame) + 1), dtype="Int64").where(ranked)
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


@dataset("indicators")
def economy_warnings(wh: Warehouse, region_code: str, period: str | None, margin_pts: float,
                     measure: str = "yoy_pct") -> pd.DataFrame:
    """Early warnings for a region, one row each, pointing at the view that explains it.

    Kinds: `yoy_turned` (growth turned negative, or rising for a lower-is-better indicator),
    `trailing` (completion trails time progress by more than the margin), `projected_miss`,
    and `bottom` (the three weakest children per headline indicator by `measure`).
    Each indicator is read at its latest period at or before `period`.
    """
    cat = catalogue(wh)
    history = region_history(wh, region_code, period)
    warnings: list[dict[str, Any]] = []
    latest_of: dict[str, str] = {}
    by_indicator = dict(tuple(history.groupby("indicator_code", sort=False)))
    for indicator in cat.to_dict("records"):
        code = indicator["indicator_code"]
        series = by_indicator.get(code)
        latest = None if series is None else latest_period(series)
        if latest is None:
            continue
        latest_of[code] = latest
        head = headline(series, latest, indicator, margin_pts)
        base = {"indicator_code": code, "region_code": region_code, "period": latest}
        turned = (head.yoy_pct is not None and head.yoy_previous_pct is not None
                  and ((head.yoy_pct < 0 <= head.yoy_previous_pct) if indicator["higher_is_better"]
                       else (head.yoy_pct > 0 >= head.yoy_previous_pct)))
        if turned:
            warnings.append({**base, "kind": "yoy_turned", "yoy_pct": head.yoy_pct,
                             "yoy_previous_pct": head.yoy_previous_pct})
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
    rows_of = dict(tuple(rows.groupby("indicator_code", sort=False)))
    for indicator in cat[cat["indicator_code"].isin(headline_codes)].to_dict("records"):
        code = indicator["indicator_code"]
        mine = rows_of.get(code, rows.iloc[0:0])
        ranked = compare(kids, mine, latest_of[code], indicator, measure)
        used = measure
        if ranked["rank"].isna().all() and measure != "value":
            ranked, used = compare(kids, mine, latest_of[code], indicator, "value"), "value"
        ranked = ranked[ranked["rank"].notna()]
        if len(ranked) <= BOTTOM_N:
            continue
        for row in ranked.tail(BOTTOM_N).to_dict("records"):
            warnings.append({"kind": "bottom", "indicator_code": code, "region_code": row["region_code"],
                             "period": latest_of[code], "measure": used, "rank": int(row["rank"]),
                             "of": len(ranked), "measure_value": row[used]})
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
