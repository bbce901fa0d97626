"""Indicators: the catalogue, the latest values of a region, and which table holds a region's rows."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from core.comparison import decimals_of, kind_of, yoy_pp
from core.contract import CONTRACT
from core.rules import change_tone, completion_pct, time_progress_pct
from datasources.cache import dataset
from datasources.status import not_future, now_stamp
from datasources.warehouse import Warehouse

# The optional pre-aggregated table (docs/warehouse.md, "Pre-aggregated views"): fact_indicator's
# rows of every region at county level and above, i.e. with a 6-digit GB/T 2260 code.
INDICATOR_AGGREGATE = "agg_indicator_county_month"
AGGREGATE_CODE_LENGTH = 6


def in_aggregate(region_code: str) -> bool:
    """Whether the pre-aggregated table covers a region: county level and above (a 6-digit code)."""
    return len(region_code) == AGGREGATE_CODE_LENGTH and region_code.isdigit()


def indicator_facts(wh: Warehouse, region_codes: Iterable[str]) -> sa.TableClause:
    """The table to read the indicator rows of `region_codes` from (as fact_indicator's columns).

    The pre-aggregated table when the warehouse offers it with every column its fact_indicator
    has and it covers every one of the regions; else fact_indicator. Both hold the same rows for
    the regions the aggregate covers, so the figures are the same either way.
    """
    codes = list(region_codes)
    if codes and all(in_aggregate(c) for c in codes):
        facts = (wh.columns("fact_indicator") or frozenset()) & set(CONTRACT["fact_indicator"].columns)
        aggregate = wh.columns(INDICATOR_AGGREGATE)
        if aggregate is not None and facts <= aggregate:
            return wh.table(INDICATOR_AGGREGATE)
    return wh.table("fact_indicator")


CATALOGUE_COLUMNS = ("indicator_code", "name", "name_en", "category", "unit", "frequency",
                     "cumulative", "higher_is_better", "headline", "display_order", "comparison", "decimals")


@dataset("indicators")
def catalogue(wh: Warehouse) -> pd.DataFrame:
    """Every indicator of dim_indicator in display order.

    `comparison` and `decimals` come resolved: the column's value when valid, else the unit's
    default (core/comparison.py), so a warehouse without them reads as the defaults.
    """
    d = wh.table("dim_indicator")
    order = wh.col(d, "display_order")
    frame = wh.read(sa.select(*[wh.col(d, c) for c in CATALOGUE_COLUMNS])
                    .order_by(order.is_(None), order, d.c.indicator_code))
    for flag in ("cumulative", "higher_is_better", "headline"):
        frame[flag] = pd.to_numeric(frame[flag], errors="coerce").fillna(0).astype(int).astype(bool)
    frame["comparison"] = [kind_of(u, c) for u, c in zip(frame["unit"], frame["comparison"])]
    frame["decimals"] = pd.Series([decimals_of(u, d) for u, d in zip(frame["unit"], frame["decimals"])],
                                  index=frame.index, dtype=int)
    return frame


def drop_duplicate_keys(rows: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, int]:
    """Keep one row per key and say how many were dropped: the most recently updated row; of rows
    updated at the same time, the larger value. So the row kept never depends on the order an
    engine (or the pre-aggregated table) returns rows in. A missing stamp or value counts lowest."""
    if rows.empty:
        return rows, 0
    # The usual case, no duplicates, found without sorting (NULL keys: pandas decides, NaN ≠ NaN in a set).
    if not any(rows[k].hasnans for k in key) and len(set(zip(*(rows[k].tolist() for k in key)))) == len(rows):
        return rows, 0
    ordered = rows.sort_values(["updated_at", "value"], na_position="first", kind="stable",
                               key=lambda c: pd.to_numeric(c, errors="coerce") if c.name == "value" else c)
    kept = ordered.drop_duplicates(key, keep="last")
    return kept.sort_index(), len(rows) - len(kept)


def _newest_first(wh: Warehouse, f: sa.TableClause) -> list[sa.ColumnElement]:
    """ORDER BY terms for `drop_duplicate_keys`' choice in SQL: newest stamp, then larger value, NULLs last
    (spelled out: engines put NULLs of a descending order at different ends)."""
    stamp, value = wh.col(f, "updated_at"), wh.col(f, "value")
    return [stamp.is_(None), stamp.desc(), value.is_(None), value.desc()]


@dataset("indicators")
def latest_values(wh: Warehouse, region_code: str, headline_only: bool = True) -> pd.DataFrame:
    """Each indicator's latest period for a region, with completion, time progress and tone.

    Also the value of the same period a year before (`value_last_year`), the latest earlier
    period of the same year and its value (`previous_period`, `value_previous`) and, for an
    indicator compared in percentage points, the change over the year in points (`yoy_pp`, else None).

    Indicators without data for the region are kept with empty values so a page can say so.
    `attrs["skipped"]` counts duplicate rows dropped and NULL values shown as "—". Rows whose
    updated_at is later than now are not published yet: the latest period is that of the others
    (cut off inside the memoized query, see `now_stamp`; data_quality counts them).
    """
    cat = catalogue(wh)
    if headline_only:
        cat = cat[cat["headline"]]
    f = indicator_facts(wh, (region_code,))
    codes = list(cat["indicator_code"])
    params = {"region": region_code, "codes": codes}
    published = sa.true()
    if "updated_at" in f.c:
        published = not_future(f.c.updated_at)
        params["now"] = now_stamp()
    latest = (sa.select(f.c.indicator_code, sa.func.max(f.c.period).label("period"))
              .where(f.c.region_code == sa.bindparam("region"),
                     f.c.indicator_code.in_(sa.bindparam("codes", expanding=True)), published)
              .group_by(f.c.indicator_code).subquery())
    # The same period a year before ('YYYY-MM', the year less one) in the same query: the most
    # recently updated published row's value.
    before = f.alias("before")
    year_before = (sa.cast(sa.cast(sa.func.substr(f.c.period, 1, 4), sa.Integer) - 1, sa.String)
                   + sa.func.substr(f.c.period, 5, 3))
    last_year = (sa.select(wh.col(before, "value"))
                 .where(before.c.indicator_code == f.c.indicator_code, before.c.region_code == f.c.region_code,
                        before.c.period == year_before,
                        not_future(before.c.updated_at) if "updated_at" in f.c else sa.true())
                 .order_by(*_newest_first(wh, before)).limit(1).scalar_subquery())
    # The latest earlier period of the same year and its value: a growth rate compares with it
    # (比1—9月加快0.3个百分点, core/comparison.py).
    earlier = f.alias("earlier")
    same_year_before = sa.and_(earlier.c.indicator_code == f.c.indicator_code,
                               earlier.c.region_code == f.c.region_code, earlier.c.period < f.c.period,
                               sa.func.substr(earlier.c.period, 1, 4) == sa.func.substr(f.c.period, 1, 4),
                               not_future(earlier.c.updated_at) if "updated_at" in f.c else sa.true())
    previous = (sa.select(earlier.c.period).where(same_year_before)
                .order_by(earlier.c.period.desc()).limit(1).scalar_subquery())
    value_previous = (sa.select(wh.col(earlier, "value")).where(same_year_before)
                      .order_by(earlier.c.period.desc(), *_newest_first(wh, earlier)).limit(1)
                      .scalar_subquery())
    stmt = (sa.select(f.c.indicator_code, f.c.period, wh.col(f, "value"), wh.col(f, "target"),
                      wh.col(f, "yoy_pct"), wh.col(f, "updated_at"), last_year.label("value_last_year"),
                      previous.label("previous_period"), value_previous.label("value_previous"))
            .join(latest, sa.and_(f.c.indicator_code == latest.c.indicator_code,
                                  f.c.period == latest.c.period))
            .where(f.c.region_code == sa.bindparam("region"), published))
    rows = wh.read(stmt, params) if codes else pd.DataFrame(
        columns=["indicator_code", "period", "value", "target", "yoy_pct", "updated_at", "value_last_year",
                 "previous_period", "value_previous"])
    rows, duplicates = drop_duplicate_keys(rows, ["indicator_code", "period"])
    merged = cat.merge(rows.drop(columns="updated_at"), on="indicator_code", how="left")
    for column in ("value", "target", "yoy_pct", "value_last_year", "value_previous"):
        merged[column] = pd.to_numeric(merged[column], errors="coerce")
    merged["completion_pct"] = [completion_pct(v, tg, c) for v, tg, c in
                                zip(merged["value"], merged["target"], merged["cumulative"])]
    merged["time_progress_pct"] = [time_progress_pct(p) if isinstance(p, str) else None
                                   for p in merged["period"]]
    merged["yoy_pp"] = [yoy_pp(k, v, b) for k, v, b in
                        zip(merged["comparison"], merged["value"], merged["value_last_year"])]
    merged["tone"] = [change_tone(y, h) for y, h in zip(merged["yoy_pct"], merged["higher_is_better"])]
    merged.attrs["skipped"] = {
        "duplicate": duplicates,
        "null_value": int((merged["period"].notna() & merged["value"].isna()).sum()),
    }
    return merged
