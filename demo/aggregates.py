"""The optional pre-aggregated indicator table (docs/warehouse.md, "Pre-aggregated views"):
`python -m demo build --aggregates` adds it after the facts are final, so it holds the very
rows fact_indicator holds for every region at county level and above (6-digit codes), bad
rows included: the cockpit must show the same figures with it as without it."""
from __future__ import annotations

from sqlalchemy import Engine, inspect, text

# The contract's name (core/contract.py INDICATOR_AGGREGATE); demo/ keeps its own copy of names.
AGGREGATE_TABLE = "agg_indicator_county_month"
COLUMNS = "indicator_code, region_code, period, value, target, yoy_pct, updated_at"


def drop_aggregates(engine: Engine) -> None:
    """Drop the aggregate table if present (a rebuild must never leave one of older facts)."""
    if inspect(engine).has_table(AGGREGATE_TABLE):
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {AGGREGATE_TABLE}"))


def create_aggregates(engine: Engine) -> int:
    """Create and fill the aggregate table from fact_indicator, index it; returns its row count."""
    drop_aggregates(engine)
    with engine.begin() as conn:
        # CREATE TABLE … AS SELECT: the same statement on SQLite, PostgreSQL and the MySQL protocol.
        conn.execute(text(f"CREATE TABLE {AGGREGATE_TABLE} AS SELECT {COLUMNS} FROM fact_indicator "
                          "WHERE LENGTH(region_code) = 6"))
        # The keys stay VARCHAR (demo/schema.py), so MySQL can index them as they are.
        conn.execute(text(f"CREATE INDEX ix_{AGGREGATE_TABLE}_ind_region_period ON {AGGREGATE_TABLE} "
                          "(indicator_code, region_code, period)"))
        conn.execute(text(f"CREATE INDEX ix_{AGGREGATE_TABLE}_region_period ON {AGGREGATE_TABLE} "
                          "(region_code, period)"))
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {AGGREGATE_TABLE}")).scalar_one())
