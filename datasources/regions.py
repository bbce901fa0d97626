"""Regions: the administrative hierarchy, the city shown, and code-prefix scopes."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.regions import LEVEL_ORDER, code_prefix
from datasources.cache import dataset
from datasources.warehouse import Warehouse


@dataset("regions")
def regions(wh: Warehouse) -> pd.DataFrame:
    """All regions: region_code, name, name_en, level, parent_code, lon, lat."""
    t = wh.table("dim_region")
    cols = ["region_code", "name", "name_en", "level", "parent_code", "lon", "lat"]
    return wh.read(sa.select(*[wh.col(t, c) for c in cols]).order_by(t.c.region_code))


def find_region(wh: Warehouse, region_code: str) -> pd.Series | None:
    """The region row for a code, or None when the warehouse does not know it."""
    table = regions(wh)
    match = table[table["region_code"] == region_code]
    return None if match.empty else match.iloc[0]


def top_region_code(wh: Warehouse, configured: str | None = None) -> str:
    """The region the cockpit shows: the configured one, else the warehouse's top region."""
    if configured:
        return configured
    table = regions(wh)
    roots = table[table["parent_code"].isna() | ~table["parent_code"].isin(table["region_code"])]
    if roots.empty:
        roots = table
    rank = roots["level"].map({lvl: i for i, lvl in enumerate(LEVEL_ORDER)}).fillna(len(LEVEL_ORDER))
    return str(roots.assign(_rank=rank).sort_values(["_rank", "region_code"]).iloc[0]["region_code"])


def children(wh: Warehouse, region_code: str) -> pd.DataFrame:
    """The regions one level below `region_code`."""
    table = regions(wh)
    return table[table["parent_code"] == region_code].reset_index(drop=True)


def within(column: sa.ColumnElement[str], region_code: str) -> sa.ColumnElement[bool]:
    """SQL condition: `column` is the region or below it. A range on the code, so indexes work."""
    prefix = code_prefix(region_code)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < upper)
