"""Data-quality counts: the bad warehouse rows the cockpit skips or shows as "—"."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.contract import ALERT_CATEGORIES, ALERT_LEVELS
from core.errors import MissingSchema
from core.rules import plausible_range
from datasources.cache import dataset
from datasources.indicators import catalogue
from datasources.status import now_stamp
from datasources.warehouse import Warehouse


def _count(wh: Warehouse, stmt: sa.Select, params: dict[str, str] | None = None) -> int:
    return int(wh.read(stmt, params).iloc[0, 0] or 0)


def _future_stamps(wh: Warehouse, table: sa.TableClause, *columns: str) -> int:
    """Rows with a timestamp later than now in any of the columns the warehouse has (the cut-off
    is taken inside the memoized data_quality, see `now_stamp`)."""
    later = [table.c[c] > sa.bindparam("now") for c in columns if c in table.c]
    if not later:
        return 0
    return _count(wh, sa.select(sa.func.count()).select_from(table).where(sa.or_(*later)), {"now": now_stamp()})


def _indicator_checks(wh: Warehouse) -> dict[str, int]:
    f = wh.table("fact_indicator")
    r = wh.table("dim_region")
    value = wh.col(f, "value")
    keys = (sa.select(sa.func.count().label("n")).select_from(f)
            .group_by(f.c.indicator_code, f.c.region_code, f.c.period).having(sa.func.count() > 1).subquery())
    return {
        "unknown_region": _count(wh, sa.select(sa.func.count()).select_from(f).where(
            ~sa.exists().where(r.c.region_code == f.c.region_code))),
        "null_value": _count(wh, sa.select(sa.func.count()).select_from(f).where(value.is_(None))),
        "duplicate": _count(wh, sa.select(sa.func.coalesce(sa.func.sum(keys.c.n - 1), 0))),
        "out_of_range": _count(wh, sa.select(sa.func.count()).select_from(f).where(
            _implausible(wh, f.c.indicator_code, value))),
        "future_stamp": _future_stamps(wh, f, "updated_at"),
    }


def _implausible(wh: Warehouse, code: sa.ColumnElement[str], value: sa.ColumnElement[float]) -> sa.ColumnElement[bool]:
    """SQL for `not core.rules.plausible(value, unit)`, the units read from the catalogue."""
    by_range: dict[tuple[float, float | None], list[str]] = {}
    cat = catalogue(wh)
    for indicator, unit in zip(cat["indicator_code"], cat["unit"].astype(str)):
        by_range.setdefault(plausible_range(unit), []).append(str(indicator))
    outside = [sa.and_(code.in_(codes), sa.or_(value < low, *([value > high] if high is not None else [])))
               for (low, high), codes in by_range.items()]
    return sa.or_(sa.false(), *outside)


def _alert_checks(wh: Warehouse) -> dict[str, int]:
    a = wh.table("fact_alert")
    r = wh.table("dim_region")
    return {
        "unknown_region": _count(wh, sa.select(sa.func.count()).select_from(a).where(
            ~sa.exists().where(r.c.region_code == a.c.region_code))),
        "unknown_category": _count(wh, sa.select(sa.func.count()).select_from(a).where(
            a.c.category.not_in(ALERT_CATEGORIES))),
        "unknown_level": _count(wh, sa.select(sa.func.count()).select_from(a).where(
            a.c.level.not_in(ALERT_LEVELS))),
        "future_stamp": _future_stamps(wh, a, "occurred_at", "updated_at"),
    }


def _progress_checks(wh: Warehouse) -> dict[str, int]:
    g = wh.table("fact_project_progress")
    return {"out_of_range": _count(wh, sa.select(sa.func.count()).select_from(g).where(sa.or_(
        g.c.actual_progress_pct < 0, g.c.actual_progress_pct > 100,
        g.c.planned_progress_pct < 0, g.c.planned_progress_pct > 100)))}


@dataset("quality")
def data_quality(wh: Warehouse) -> pd.DataFrame:
    """Rows per (table, problem) that the cockpit skips or flags; tables it lacks are left out."""
    rows = []
    for table, checks in (("fact_indicator", _indicator_checks), ("fact_alert", _alert_checks),
                          ("fact_project_progress", _progress_checks)):
        try:
            counts = checks(wh)
        except MissingSchema:
            continue
        rows += [{"table": table, "problem": problem, "rows": n} for problem, n in counts.items()]
    return pd.DataFrame(rows, columns=["table", "problem", "rows"])
