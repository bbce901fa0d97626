"""Households of poverty-relapse monitoring (`fact_household`): counts aggregated in SQL, and the list.

A household counts when its region code is in `dim_region` and its status is one of the
contract's; the others are left out and counted by `household_quality`, so the page can say so.
Counts per child region group the households by the leading characters of their region code
(a village household belongs to its township and county by prefix), in SQL, so a city of
100,000 households costs one grouped query, not 100,000 rows.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.poverty import MONITOR_STATUSES, PREFIX_LENGTHS
from datasources.cache import dataset
from datasources.regions import within
from datasources.warehouse import Warehouse

LIST_COLUMNS = ("household_code", "region_code", "region_name", "region_name_en", "head_name", "id_number",
                "members", "income_per_capita", "monitor_status", "risk_type", "measures", "updated_at")


def _tables(wh: Warehouse) -> tuple[sa.TableClause, sa.TableClause]:
    return wh.table("fact_household"), wh.table("dim_region")


def _known_region(h: sa.TableClause, r: sa.TableClause) -> sa.Exists:
    return sa.exists().where(r.c.region_code == h.c.region_code)


def _counted(h: sa.TableClause, r: sa.TableClause, region_code: str,
             statuses: tuple[str, ...] = MONITOR_STATUSES) -> sa.ColumnElement[bool]:
    """Households below `region_code` with a known region and one of `statuses`."""
    return sa.and_(within(h.c.region_code, region_code), h.c.monitor_status.in_(statuses), _known_region(h, r))


@dataset("households")
def status_counts(wh: Warehouse, region_code: str, prefix_length: int) -> pd.DataFrame:
    """Counted households below `region_code` by the first `prefix_length` characters of their
    region code (`child`) and `monitor_status`; column `households`."""
    if prefix_length not in PREFIX_LENGTHS:
        raise ValueError(f"prefix length {prefix_length!r} is not one of {PREFIX_LENGTHS}")
    h, r = _tables(wh)
    inner = (sa.select(sa.func.substr(h.c.region_code, 1, prefix_length).label("child"), h.c.monitor_status)
             .where(_counted(h, r, region_code)).subquery())
    stmt = (sa.select(inner.c.child, inner.c.monitor_status, sa.func.count().label("households"))
            .group_by(inner.c.child, inner.c.monitor_status).order_by(inner.c.child, inner.c.monitor_status))
    frame = wh.read(stmt)
    frame["households"] = frame["households"].astype(int)
    return frame


@dataset("households")
def risk_type_counts(wh: Warehouse, region_code: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """Counted households of `statuses` below `region_code` by `risk_type` (NULL kept) and status."""
    h, r = _tables(wh)
    risk = wh.col(h, "risk_type")
    stmt = (sa.select(risk.label("risk_type"), h.c.monitor_status, sa.func.count().label("households"))
            .where(_counted(h, r, region_code, statuses)).group_by(risk, h.c.monitor_status))
    frame = wh.read(stmt)
    frame["households"] = frame["households"].astype(int)
    return frame


@dataset("households")
def income_histogram(wh: Warehouse, region_code: str, edges: tuple[float, ...]) -> pd.DataFrame:
    """Counted households with an income of 0 or more by income bin and status.

    `edges` are the bins' lower edges, ascending from 0; bin i holds edges[i] ≤ income <
    edges[i+1], the last bin everything from its edge up. Columns bin, monitor_status, households.
    """
    h, r = _tables(wh)
    income = h.c.income_per_capita
    bin_ = sa.case(*[(income < edge, i) for i, edge in enumerate(edges[1:])], else_=len(edges) - 1)
    inner = (sa.select(bin_.label("bin"), h.c.monitor_status)
             .where(_counted(h, r, region_code), income >= 0).subquery())
    stmt = (sa.select(inner.c.bin, inner.c.monitor_status, sa.func.count().label("households"))
            .group_by(inner.c.bin, inner.c.monitor_status).order_by(inner.c.bin))
    frame = wh.read(stmt)
    frame[["bin", "households"]] = frame[["bin", "households"]].astype(int)
    return frame


@dataset("households")
def household_quality(wh: Warehouse, region_code: str) -> pd.DataFrame:
    """One row counting the bad households below `region_code`: unknown_region (code not in
    dim_region), unknown_status, negative_income, null_value (no income), duplicate (a household
    code held by more than one row: the rows beyond the first)."""
    h, r = _tables(wh)
    income = h.c.income_per_capita

    def rows_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    stmt = sa.select(
        rows_where(~_known_region(h, r)).label("unknown_region"),
        rows_where(sa.or_(h.c.monitor_status.is_(None), h.c.monitor_status.not_in(MONITOR_STATUSES)))
        .label("unknown_status"),
        rows_where(income < 0).label("negative_income"),
        rows_where(income.is_(None)).label("null_value"),
        (sa.func.count() - sa.func.count(sa.distinct(h.c.household_code))).label("duplicate"),
    ).where(within(h.c.region_code, region_code))
    return wh.read(stmt).fillna(0).astype(int)


def _list_query(wh: Warehouse, region_code: str, statuses: tuple[str, ...]) -> tuple[sa.Select, sa.Select]:
    h, r = _tables(wh)
    where = _counted(h, r, region_code, statuses)
    joined = sa.and_(within(h.c.region_code, region_code), h.c.monitor_status.in_(statuses))  # the join: known
    rank = sa.case(*[(h.c.monitor_status == s, i) for i, s in enumerate(statuses)], else_=len(statuses))
    rows = (sa.select(h.c.household_code, h.c.region_code, r.c.name.label("region_name"),
                      wh.col(r, "name_en").label("region_name_en"), h.c.head_name, wh.col(h, "id_number"),
                      h.c.members, h.c.income_per_capita, h.c.monitor_status, wh.col(h, "risk_type"),
                      wh.col(h, "measures"), wh.col(h, "updated_at"))
            .select_from(h.join(r, r.c.region_code == h.c.region_code)).where(joined)
            .order_by(rank, h.c.income_per_capita, h.c.household_code))
    total = sa.select(sa.func.count().label("households")).select_from(h).where(where)
    return rows, total


@dataset("households")
def household_rows(wh: Warehouse, region_code: str, statuses: tuple[str, ...], limit: int,
                   offset: int = 0) -> pd.DataFrame:
    """Counted households of `statuses` below `region_code`, in the order of `statuses`, then
    lowest income first, then code: `limit` rows from `offset`. Unmasked: mask before showing
    (core/masking.py). Columns LIST_COLUMNS."""
    rows, _ = _list_query(wh, region_code, statuses)
    return wh.read(rows.limit(limit).offset(offset))


@dataset("households")
def household_total(wh: Warehouse, region_code: str, statuses: tuple[str, ...]) -> pd.DataFrame:
    """One row, column `households`: how many rows `household_rows` can page through."""
    _, total = _list_query(wh, region_code, statuses)
    return wh.read(total)
