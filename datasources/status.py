"""Is the warehouse reachable, and how fresh is its data ("data as of")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from core.errors import MissingSchema, WarehouseUnavailable
from datasources.cache import dataset
from datasources.warehouse import Warehouse

# The clock in the contract's timestamp form, the form alerts_since binds `since` in: ISO 8601
# UTC text sorts as time against ISO text columns, and PostgreSQL and MySQL cast the parameter
# for a timestamp column. (A SQLite text stamp written "2026-12-01 09:00:00", with a space,
# compares by its date only: it counts as not later than any time of its own day.)
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now_stamp() -> str:
    """Now (UTC, to the second) as '2026-12-01T08:30:00Z': the cut-off for rows stamped in the future.

    Memoized data functions take it inside their body, never as an argument, so "now" is not
    part of a cache key and needs no rounding: a cached frame was cut off at its own fetch time,
    which is never later than the clock, and it is at most its time-to-live old. So it shows
    nothing from the future, and a row whose stamp comes due appears at the next refresh, like
    any new row. As an argument "now" would make a new key on every call: no cache hits, and no
    last-good copy to show during an outage.
    """
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def not_future(stamp: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL: `stamp` is NULL or not later than the bound parameter `now` (a `now_stamp()`)."""
    return sa.or_(stamp.is_(None), stamp <= sa.bindparam("now"))


def future_stamps(stamps: pd.Series, now: str) -> pd.Series:
    """True where a timestamp read from the warehouse (ISO text, or a datetime; naive is UTC) is later than `now`."""
    parsed = pd.to_datetime(stamps, utc=True, errors="coerce", format="ISO8601")
    return pd.Series(parsed > pd.Timestamp(now), index=stamps.index, dtype=bool)


@dataclass(frozen=True)
class WarehouseStatus:
    """What the header and /api/v1/health say about the warehouse."""

    reachable: bool
    data_as_of: str | None
    stale: bool


@dataset("status")
def _reachability(wh: Warehouse) -> pd.DataFrame:
    return pd.DataFrame({"reachable": [wh.ping()]})


def _max_timestamp(wh: Warehouse, contract_name: str, *columns: str) -> str | None:
    """The newest of the columns' timestamps (per row the first that is not NULL) not later than now."""
    try:
        table = wh.table(contract_name)
    except MissingSchema:
        return None
    present = [table.c[c] for c in columns if c in table.c]
    if not present:
        return None
    stamp = sa.func.coalesce(*present) if len(present) > 1 else present[0]
    value = wh.read(sa.select(sa.func.max(stamp)).where(stamp <= sa.bindparam("now")),
                    {"now": now_stamp()}).iloc[0, 0]
    return None if pd.isna(value) else str(value)


@dataset("indicators")
def _indicators_as_of(wh: Warehouse) -> pd.DataFrame:
    return pd.DataFrame({"as_of": [_max_timestamp(wh, "fact_indicator", "updated_at")]})


@dataset("status")
def _data_as_of(wh: Warehouse) -> pd.DataFrame:
    stamps = [_max_timestamp(wh, "fact_alert", "updated_at", "occurred_at"),
              _indicators_as_of(wh).iloc[0]["as_of"]]
    known = [s for s in stamps if isinstance(s, str)]
    return pd.DataFrame({"as_of": [max(known) if known else None]})


def warehouse_status(wh: Warehouse) -> WarehouseStatus:
    """Reachability now (cached a few seconds) and the newest timestamp the warehouse holds.

    While the warehouse is down, `data_as_of` is the last one seen and `stale` is True.
    """
    reachable = bool(_reachability(wh).iloc[0]["reachable"])
    try:
        as_of = _data_as_of(wh)
    except WarehouseUnavailable:
        return WarehouseStatus(False, None, True)
    value = as_of.iloc[0]["as_of"]
    return WarehouseStatus(reachable, value if isinstance(value, str) else None,
                           bool(as_of.attrs.get("stale")) or not reachable)
