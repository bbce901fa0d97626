"""Economy and society in the warehouse: indicator series and the region family of a drill-down.

The queries (`indicator_values`, `values_at`, `region_history`) are memoized per dataset
"indicators" and each touches only the index range it needs, so a drill-down click costs a
few index seeks however many village rows the warehouse holds. Bad rows: duplicates keep the
newest row, NULL values stay as gaps, implausible values (`core.rules.plausible`) and rows whose
`updated_at` is later than now are dropped; `attrs["skipped"]` counts each so the page can say so.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

from core.rules import plausible
from datasources.cache import dataset
from datasources.indicators import catalogue, drop_duplicate_keys
from datasources.status import future_stamps, now_stamp
from datasources.warehouse import Warehouse

VALUE_COLUMNS = ("value", "target", "yoy_pct")


def _clean(rows: pd.DataFrame, key: list[str], units: Mapping[str, str]) -> pd.DataFrame:
    """Drop rows stamped in the future (before choosing the newest of duplicate keys: such a row
    must not hide the published one), duplicate keys (newest kept) and implausible values; count
    them and NULL values. The cut-off is taken here, inside the memoized query (see now_stamp)."""
    future = future_stamps(rows["updated_at"], now_stamp())
    rows, duplicates = drop_duplicate_keys(rows[~future], key)
    for column in VALUE_COLUMNS:
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    unit = rows["indicator_code"].map(units).fillna("")
    bad = [not math.isnan(v) and not plausible(v, u) for v, u in zip(rows["value"], unit)]
    out_of_range = pd.Series(bad, index=rows.index, dtype=bool)
    kept = rows[~out_of_range].drop(columns="updated_at").sort_values(key).reset_index(drop=True)
    kept.attrs["skipped"] = {"duplicate": duplicates, "out_of_range": int(out_of_range.sum()),
                             "null_value": int(kept["value"].isna().sum()), "future_stamp": int(future.sum())}
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




















