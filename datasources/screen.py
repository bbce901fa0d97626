"""Warehouse reads of the wall screen (`/screen`) that no other page makes: households by monitoring status."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from datasources.cache import dataset
from datasources.regions import within
from datasources.warehouse import Warehouse


@dataset("projects")
def household_status_counts(wh: Warehouse, region_code: str | None) -> pd.DataFrame:
    """Households and their members per `monitor_status` in the region and below (None: everywhere).

    Columns monitor_status, households, members; aggregated in SQL. Raises MissingSchema when
    the warehouse has no fact_household (the screen then leaves the panel out).
    """
    h = wh.table("fact_household")
    stmt = (sa.select(h.c.monitor_status, sa.func.count().label("households"),
                      sa.func.sum(h.c.members).label("members"))
            .group_by(h.c.monitor_status).order_by(h.c.monitor_status))
    if region_code:
        stmt = stmt.where(within(h.c.region_code, region_code))
    frame = wh.read(stmt)
    frame["households"] = pd.to_numeric(frame["households"], errors="coerce").fillna(0).astype(int)
    frame["members"] = pd.to_numeric(frame["members"], errors="coerce").fillna(0).astype(int)
    return frame
