"""Indicators: the catalogue and the latest values of a region."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.rules import change_tone, completion_pct, time_progress_pct
from datasources.cache import dataset
from datasources.status import not_future, now_stamp
from datasources.warehouse import Warehouse

CATALOGUE_COLUMNS = ("indicator_code", "name", "name_en", "category", "unit", "frequency",
                     "cumulative", "higher_is_better", "headline", "display_order")


@dataset("indicators")
def catalogue(wh: Warehouse) -> pd.DataFrame:
    """Every indicator of dim_indicator in display order."""
    d = wh.table("dim_indicator")
    order = wh.col(d, "display_order")
    frame = wh.read(sa.select(*[wh.col(d, c) for c in CATALOGUE_COLUMNS])
                    .order_by(order.is_(None), order, d.c.indicator_code))
    for flag in ("cumulative", "higher_is_better", "headline"):
        frame[flag] = pd.to_numeric(frame[flag], errors="coerce").fillna(0).astype(int).astype(bool)
    return frame


def drop_duplicate_keys(rows: pd.DataFrame, key: list[str]) -> tuple[pd.DataFrame, int]:
    """Keep one row per key (the most recently updated) and say how many were dropped."""
    if rows.empty:
        return rows, 0
    ordered = rows.sort_values("updated_at", na_position="first", kind="stable")
    kept = ordered.drop_duplicates(key, keep="last")
    return kept.sort_index(), len(rows) - len(kept)


@dataset("indicators")
def latest_values(wh: Warehouse, region_code: str, headline_only: bool = True) -> pd.DataFrame:
    """Each indicator's latest period for a region, with completion, time progress and tone.

    Indicators without data for the region are kept with empty values so a page can say so.
    `attrs["skipped"]` counts duplicate rows dropped and NULL values shown as "—". Rows whose
    updated_at is later than now are not published yet: the latest period is that of the others
    (cut off inside the memoized query, see `now_stamp`; data_quality counts them).
    """
    cat = catalogue(wh)
    if headline_only:
        cat = cat[cat["headline"]]
    f = wh.table("fact_indicator")
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
    stmt = (sa.select(f.c.indicator_code, f.c.period, wh.col(f, "value"), wh.col(f, "target"),
                      wh.col(f, "yoy_pct"), wh.col(f, "updated_at"))
            .join(latest, sa.and_(f.c.indicator_code == latest.c.indicator_code,
                                  f.c.period == latest.c.period))
            .where(f.c.region_code == sa.bindparam("region"), published))
    rows = wh.read(stmt, params) if codes else pd.DataFrame(
        columns=["indicator_code", "period", "value", "target", "yoy_pct", "updated_at"])
    rows, duplicates = drop_duplicate_keys(rows, ["indicator_code", "period"])
    merged = cat.merge(rows.drop(columns="updated_at"), on="indicator_code", how="left")
    for column in ("value", "target", "yoy_pct"):
        merged[column] = pd.to_numeric(merged[column], errors="coerce")
    merged["completion_pct"] = [completion_pct(v, tg, c) for v, tg, c in
                                zip(merged["value"], merged["target"], merged["cumulative"])]
    merged["time_progress_pct"] = [time_progress_pct(p) if isinstance(p, str) else None
                                   for p in merged["period"]]
    merged["tone"] = [change_tone(y, h) for y, h in zip(merged["yoy_pct"], merged["higher_is_better"])]
    merged.attrs["skipped"] = {
        "duplicate": duplicates,
        "null_value": int((merged["period"].notna() & merged["value"].isna()).sum()),
    }
    return merged
