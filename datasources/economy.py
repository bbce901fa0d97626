"""Economy and society in the warehouse: indicator series and the region family of a drill-down.

The queries (`indicator_values`, `values_at`, `region_history`) are memoized per dataset
"indicators" and each touches only the index range it needs, so a drill-down click costs a
few index seeks however many village rows the warehouse holds. Bad rows: duplicates keep the
newest row, NULL values stay as gaps, implausible values (`core.rules.plausible`) and rows whose
`updated_at` is later than now are dropped; `attrs["skipped"]` counts each so the page can say so.
Rows of regions at county level and above come from the optional pre-aggregated table when the
warehouse offers it (`datasources.indicators.indicator_facts`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from core.frames import records
from core.regions import ancestor_codes
from core.rules import plausible_range
from datasources.cache import dataset
from datasources.indicators import catalogue, drop_duplicate_keys, indicator_facts
from datasources.status import future_stamps, now_stamp
from datasources.warehouse import Warehouse

VALUE_COLUMNS = ("value", "target", "yoy_pct")


def _clean(rows: pd.DataFrame, key: list[str], units: Mapping[str, str]) -> pd.DataFrame:
    """Drop rows stamped in the future (before choosing the newest of duplicate keys: such a row
    must not hide the published one), duplicate keys (newest kept) and implausible values; count
    them and NULL values. The cut-off is taken here, inside the memoized query (see now_stamp).

    The frames are small (one region's or a few children's rows): numpy arrays and one Python
    sort cost a fraction of the equivalent chain of pandas operations."""
    future = future_stamps(rows["updated_at"], now_stamp())
    rows, duplicates = drop_duplicate_keys(rows[~future] if future.any() else rows, key)
    values = {c: pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=float) for c in VALUE_COLUMNS}
    # core.rules.plausible, vectorised: each row's unit gives its range (NaN is never out of range).
    ranges = {code: plausible_range(unit) for code, unit in units.items()}
    low_high = [ranges.get(code) or plausible_range("") for code in rows["indicator_code"].tolist()]
    low = np.array([r[0] for r in low_high], dtype=float)
    high = np.array([math.inf if r[1] is None else r[1] for r in low_high], dtype=float)
    out_of_range = (values["value"] < low) | (values["value"] > high)
    # Sorted by key, a NULL part last (as pandas sorts; Python cannot compare None with text).
    keys: list[tuple] = list(zip(*(rows[k].tolist() for k in key)))
    if any(rows[k].hasnans for k in key):
        keys = [tuple((0, v) if isinstance(v, str) else (1, "") for v in parts) for parts in keys]
    order = sorted((i for i in range(len(keys)) if not out_of_range[i]), key=keys.__getitem__)
    kept = pd.DataFrame({c: values[c][order] if c in values else rows[c].to_numpy()[order]
                         for c in rows.columns if c != "updated_at"})
    kept.attrs["skipped"] = {"duplicate": duplicates, "out_of_range": int(out_of_range.sum()),
                             "null_value": int(np.isnan(kept["value"].to_numpy()).sum()),
                             "future_stamp": int(future.sum())}
    return kept


def _units(wh: Warehouse) -> dict[str, str]:
    cat = catalogue(wh)
    return dict(zip(cat["indicator_code"], cat["unit"].astype(str)))


def _select(wh: Warehouse, region_codes: tuple[str, ...]) -> tuple[sa.TableClause, sa.Select]:
    f = indicator_facts(wh, region_codes)
    return f, sa.select(f.c.indicator_code, f.c.region_code, f.c.period, wh.col(f, "value"),
                        wh.col(f, "target"), wh.col(f, "yoy_pct"), wh.col(f, "updated_at"))


@dataset("indicators")
def indicator_values(wh: Warehouse, indicator_code: str, region_codes: tuple[str, ...],
                     start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """One indicator's rows for the given regions, optionally within [start, end] (periods).

    Columns indicator_code, region_code, period, value, target, yoy_pct; sorted by region, period.
    """
    f, stmt = _select(wh, region_codes)
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
    f, stmt = _select(wh, region_codes)
    stmt = stmt.where(f.c.indicator_code.in_(sa.bindparam("codes", expanding=True)),
                      f.c.region_code.in_(sa.bindparam("regions", expanding=True)),
                      f.c.period.in_(sa.bindparam("periods", expanding=True)))
    rows = wh.read(stmt, {"codes": list(indicator_codes), "regions": list(region_codes),
                          "periods": list(periods)})
    return _clean(rows, ["indicator_code", "region_code", "period"], _units(wh))


@dataset("indicators")
def region_history(wh: Warehouse, region_code: str, end: str | None = None) -> pd.DataFrame:
    """Every indicator's rows for one region up to `end` (warnings and forecasts of all indicators)."""
    f, stmt = _select(wh, (region_code,))
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
    never loads the whole hierarchy (tens of thousands of villages in a large warehouse). The
    ancestors come in the same query when their codes follow GB/T 2260 (`ancestor_codes`); the
    parent_code chain decides, and an ancestor off that structure costs a query of its own.
    """
    d = wh.table("dim_region")
    select = sa.select(*[wh.col(d, c) for c in REGION_COLUMNS])
    rows = wh.read(select.where(sa.or_(d.c.region_code.in_(sa.bindparam("codes", expanding=True)),
                                       wh.col(d, "parent_code") == sa.bindparam("code")))
                   .order_by(d.c.region_code), {"code": region_code,
                                                "codes": [region_code, *ancestor_codes(region_code)]})
    me = rows[rows["region_code"] == region_code]
    if me.empty:
        return rows.iloc[0:0].assign(relation=pd.Series(dtype=object))
    known = dict(zip(rows["region_code"], records(rows)))
    ancestors: list[dict] = []
    seen, parent = {region_code}, me["parent_code"].iloc[0]
    while isinstance(parent, str) and parent and parent not in seen and len(ancestors) < MAX_DEPTH:
        row = known.get(parent)
        if row is None:
            found = wh.read(select.where(d.c.region_code == sa.bindparam("code")), {"code": parent})
            if found.empty:
                break
            row = records(found)[0]
        ancestors.append(row)
        seen.add(parent)
        parent = row["parent_code"]
    kids = rows[(rows["parent_code"] == region_code) & (rows["region_code"] != region_code)]
    family = pd.concat([me.assign(relation="self"),
                        pd.DataFrame(ancestors, columns=list(REGION_COLUMNS)).assign(relation="ancestor"),
                        kids.assign(relation="child")], ignore_index=True)
    return family


def family_children(family: pd.DataFrame) -> pd.DataFrame:
    """The children rows of a `region_family` frame."""
    return family[family["relation"] == "child"].reset_index(drop=True)




















