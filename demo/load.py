"""Bulk loading of DataFrames into the contract tables, with the fastest path each engine offers:
SQLite executemany in one transaction (WAL, synchronous off), PostgreSQL COPY through psycopg,
and chunked executemany through SQLAlchemy for anything else."""
from __future__ import annotations

import io
import math

import pandas as pd
from sqlalchemy import Engine, Table, inspect, text
from sqlalchemy.schema import CreateIndex, CreateTable

from demo.schema import TABLES


class WarehouseNotEmptyError(RuntimeError):
    """The target database already holds demo/contract data."""


def non_empty_tables(engine: Engine) -> dict[str, int]:
    """Row counts of the demo's tables that exist and hold rows."""
    names = set(inspect(engine).get_table_names())
    counts = {}
    with engine.connect() as conn:
        for table in TABLES:
            if table.name in names:
                n = int(conn.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one())
                if n:
                    counts[table.name] = n
    return counts


def drop_tables(engine: Engine) -> None:
    """Drop the demo's own tables (only those), e.g. before a forced rebuild."""
    names = set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        for table in reversed(TABLES):
            if table.name in names:
                table.drop(conn)


def _rows(df: pd.DataFrame) -> list[tuple]:
    # tolist() yields plain Python scalars, which every DBAPI driver binds.
    return list(zip(*(df[c].tolist() for c in df.columns)))


def _none_for_nan(rows: list[tuple]) -> list[tuple]:
    return [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in r) for r in rows]


class Loader:
    """Creates the tables (indexes deferred) and appends DataFrames to them."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.driver = engine.dialect.driver
        self.raw = engine.raw_connection()
        if self.dialect == "sqlite":
            cur = self.raw.cursor()
            # WAL lets the cockpit read while `python -m demo live` writes; synchronous=OFF only
            # for this bulk load, whose loss on a crash costs nothing but a rebuild.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=OFF")
            # A large page cache makes the deferred index builds sort in memory.
            cur.execute("PRAGMA cache_size=-262144")
            cur.close()

    def create_tables(self) -> None:
        cur = self.raw.cursor()
        for table in TABLES:
            cur.execute(str(CreateTable(table).compile(dialect=self.engine.dialect)))
        cur.close()
        self.raw.commit()

    def write(self, table: Table, df: pd.DataFrame) -> None:
        if df.empty:
            return
        df = df[[c.name for c in table.columns]]
        cols = ", ".join(df.columns)
        cur = self.raw.cursor()
        if self.dialect == "postgresql" and self.driver == "psycopg":
            buf = io.StringIO()
            df.to_csv(buf, header=False, index=False)
            with cur.copy(f"COPY {table.name} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(buf.getvalue())
        elif self.dialect == "sqlite":
            marks = ", ".join("?" * len(df.columns))
            # SQLite stores a bound NaN as NULL, so no conversion pass is needed.
            cur.executemany(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", _rows(df))
        else:
            style = self.engine.dialect.dbapi.paramstyle
            marks = ", ".join(["%s" if style in ("format", "pyformat") else "?"] * len(df.columns))
            rows = _none_for_nan(_rows(df))
            for start in range(0, len(rows), 5000):
                cur.executemany(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", rows[start:start + 5000])
        cur.close()

    def commit(self) -> None:
        self.raw.commit()

    def create_indexes(self) -> None:
        self.raw.commit()
        cur = self.raw.cursor()
        for table in TABLES:
            for index in table.indexes:
                cur.execute(str(CreateIndex(index).compile(dialect=self.engine.dialect)))
        if self.dialect == "sqlite":
            cur.execute("PRAGMA analysis_limit=1000")  # sampled statistics: seconds instead of minutes
        if self.dialect in ("postgresql", "sqlite"):
            cur.execute("ANALYZE")
        cur.close()
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()
