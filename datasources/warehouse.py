"""Read-only access to the city's warehouse through SQLAlchemy Core.

One `Warehouse` per process: one pooled engine with pre-ping and a statement timeout, the
contract's table names mapped by config, and the cache that the data functions share.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
from cachelib import BaseCache
from sqlalchemy.engine import make_url

from core.contract import CONTRACT
from core.errors import MissingSchema, WarehouseUnavailable
from datasources.engines import create_warehouse_engine, warehouse_alive, warehouse_down

SCHEMA_TTL_S = 300


class Warehouse:
    """The warehouse as the data functions see it: engine, table names, schema and cache."""

    def __init__(self, url: str, *, cache: BaseCache, ttl_s: Mapping[str, int], stale_keep_s: int,
                 tables: Mapping[str, str] | None = None, statement_timeout_s: float = 20,
                 pool_size: int = 5, last_good_per_input_s: int = 3600) -> None:
        self.url = url
        self.engine = create_warehouse_engine(url, statement_timeout_s=statement_timeout_s,
                                              pool_size=pool_size)
        self.cache = cache
        self.ttl_s = dict(ttl_s)
        self.stale_keep_s = stale_keep_s
        self.last_good_per_input_s = last_good_per_input_s
        self.statement_timeout_s = statement_timeout_s
        self.table_names = dict(tables or {})
        # Identifies this warehouse in a cache shared by processes; never contains the password.
        self.cache_id = hashlib.sha256(
            repr((make_url(url).render_as_string(hide_password=True), sorted(self.table_names.items())))
            .encode()).hexdigest()[:12]

    def __repr__(self) -> str:
        return f"Warehouse({self.cache_id})"

    def ping(self) -> bool:
        """True when the warehouse answers a trivial query now."""
        try:
            with self.engine.connect() as conn:
                return warehouse_alive(conn)
        except sa.exc.SQLAlchemyError:
            return False

    def _physical(self, contract_name: str) -> tuple[str | None, str]:
        name = self.table_names.get(contract_name, contract_name)
        schema, _, table = name.rpartition(".")
        return schema or None, table

    def columns(self, contract_name: str) -> frozenset[str] | None:
        """The columns the warehouse has for a contract table, or None when the table is missing."""
        key = f"ck:{self.cache_id}:schema:{contract_name}"
        cached = self.cache.get(key)
        if cached is not None:
            return cached or None
        schema, table = self._physical(contract_name)
        try:
            inspector = sa.inspect(self.engine)
            if not inspector.has_table(table, schema=schema):
                if not self.ping():  # an emptied or unreadable warehouse lacks every table: it is down
                    raise WarehouseUnavailable(f"{contract_name}: the warehouse answers with no tables")
                found: frozenset[str] = frozenset()
            else:
                found = frozenset(c["name"].lower() for c in inspector.get_columns(table, schema=schema))
        except sa.exc.DBAPIError as exc:
            if warehouse_down(exc, self.engine.dialect.name):
                raise WarehouseUnavailable(str(exc.orig)) from exc
            raise
        self.cache.set(key, found, timeout=SCHEMA_TTL_S)
        return found or None

    def has_table(self, contract_name: str) -> bool:
        """True when the warehouse offers this (possibly optional) contract table."""
        return self.columns(contract_name) is not None

    def table(self, contract_name: str, *, need: tuple[str, ...] = ()) -> sa.TableClause:
        """A Core table with the contract's columns; a missing optional column reads as NULL.

        Raises MissingSchema naming the table or the first missing required column (or a column
        in `need`, for optional tables a page cannot do without).
        """
        available = self.columns(contract_name)
        if available is None:
            raise MissingSchema(contract_name)
        contract = CONTRACT[contract_name]
        for column in contract.required + need:
            if column not in available:
                raise MissingSchema(f"{contract_name}.{column}")
        schema, table = self._physical(contract_name)
        present = [sa.column(c) for c in contract.columns if c in available]
        clause = sa.table(table, *present, schema=schema)
        return clause

    def col(self, table: sa.TableClause, name: str) -> sa.ColumnElement[Any]:
        """Column `name` of `table`, or a NULL labelled `name` when the warehouse lacks it."""
        return table.c[name] if name in table.c else sa.null().label(name)

    def read(self, statement: sa.Executable, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a Core statement and return its rows; an unavailable warehouse raises WarehouseUnavailable."""
        try:
            with self.engine.connect() as conn:
                result = conn.execute(statement, dict(params or {}))
                # Plain tuples: pandas builds a frame from them several times faster than from Row objects.
                return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=list(result.keys()))
        except sa.exc.DBAPIError as exc:
            if warehouse_down(exc, self.engine.dialect.name):
                raise WarehouseUnavailable(str(exc.orig)) from exc
            raise
