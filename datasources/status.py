"""Is the warehouse reachable, and how fresh is its data ("data as of")."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from core.errors import MissingSchema, WarehouseUnavailable
from datasources.cache import dataset
from datasources.warehouse import Warehouse


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
    try:
        table = wh.table(contract_name)
    except MissingSchema:
        return None
    present = [table.c[c] for c in columns if c in table.c]
    if not present:
        return None
    value = wh.read(sa.select(sa.func.max(sa.func.coalesce(*present) if len(present) > 1
                                          else present[0]))).iloc[0, 0]
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
