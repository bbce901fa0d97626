"""Build the demo warehouse: every contract table for 吕梁市, geo_region included (the shipped
county polygons and generated township cells, demo/townships.py), deterministic for a given seed
and end_period (fact_alert's timestamps follow the build's clock)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, and_, create_engine, func, insert, inspect, literal, select, text, update
from sqlalchemy.engine import make_url

from demo import indicators, schema
from demo.aggregates import AGGREGATE_TABLE, create_aggregates, drop_aggregates
from demo.alerts import alerts_frame
from demo.emergency import cameras_frame, departments_frame, resources_frame
from demo.households import households_frame
from demo.indicators import ADDITIVE_INDICATORS, Calendar, dim_indicator_frame, flow_frames, other_frames
from demo.load import Loader, WarehouseNotEmptyError, drop_tables, non_empty_tables
from demo.projects import FIRST_PROJECT, projects_frames
from demo.regions import COUNTIES, build_regions
from demo.townships import geo_region_frame

__all__ = ["ADDITIVE_INDICATORS", "BAD_ROWS", "COUNTIES", "DEFAULT_SEED", "BadRow", "WarehouseNotEmptyError",
           "build_demo_warehouse", "resolved_bad_rows", "default_end_period"]

DEFAULT_SEED = 20261122
MAX_SCALE = 114  # villages per township = (3–7) × scale must fit the 3-digit village serial


@dataclass(frozen=True)
class BadRow:
    """One deliberately bad row. `key` identifies it; fact_indicator/progress keys get a `period`
    `months_back` months before end_period. extra_row: the row was added (the table has one more
    row than the clean data), otherwise an existing row was altered."""
    table: str
    problem: str  # unknown_region, null_value, duplicate_key, out_of_range, unknown_category
    key: dict = field(hash=False)
    months_back: int = 0
    extra_row: bool = False
    set_values: dict = field(default_factory=dict, hash=False)


BAD_ROWS: tuple[BadRow, ...] = (
    BadRow("fact_indicator", "unknown_region", dict(indicator_code="RETAIL_SALES", region_code="149999"), 0, True,
           dict(value=12.3456)),
    BadRow("fact_indicator", "unknown_region", dict(indicator_code="BUDGET_REVENUE", region_code="149999"), 0, True,
           dict(value=3.21)),
    BadRow("fact_indicator", "unknown_region", dict(indicator_code="NEW_URBAN_JOBS", region_code="141199"), 1, True,
           dict(value=815.0)),
    BadRow("fact_indicator", "null_value", dict(indicator_code="PM25", region_code="141127"), 1, False,
           dict(value=None)),
    BadRow("fact_indicator", "null_value", dict(indicator_code="UNEMPLOYMENT", region_code="141126"), 2, False,
           dict(value=None)),
    BadRow("fact_indicator", "null_value", dict(indicator_code="ONLINE_SERVICE_RATE", region_code="141130"), 0, False,
           dict(value=None)),
    # A conflicting duplicate (value × 1.1) and an identical one.
    BadRow("fact_indicator", "duplicate_key", dict(indicator_code="RETAIL_SALES", region_code="141102"), 1, True,
           dict(value_factor=1.1)),
    BadRow("fact_indicator", "duplicate_key", dict(indicator_code="GOOD_AIR_DAYS", region_code="141181"), 3, True,
           dict(value_factor=1.0)),
    BadRow("fact_indicator", "out_of_range", dict(indicator_code="GOOD_AIR_DAYS", region_code="141182100"), 1, False,
           dict(value=130.0)),
    BadRow("fact_indicator", "out_of_range", dict(indicator_code="PM25", region_code="141123100"), 2, False,
           dict(value=-12.0)),
    BadRow("fact_project_progress", "out_of_range", dict(project_code=FIRST_PROJECT), 6, False,
           dict(actual_progress_pct=120.0)),
    BadRow("fact_alert", "unknown_category", dict(alert_id="ALT-BAD-001"), 0, True,
           dict(category="meteor", level=9, region_code="141102")),
    BadRow("fact_alert", "unknown_region", dict(alert_id="ALT-BAD-002"), 0, True,
           dict(category="other", level=4, region_code="149999")),
)


def _shift(period: str, months_back: int) -> str:
    mi = int(period[:4]) * 12 + int(period[5:7]) - 1 - months_back
    return f"{mi // 12:04d}-{mi % 12 + 1:02d}"


def resolved_bad_rows(end_period: str) -> list[dict]:
    """BAD_ROWS with their keys resolved for a build ending at end_period: dicts with table,
    problem, key (including period where the table has one) and extra_row."""
    out = []
    for b in BAD_ROWS:
        key = dict(b.key)
        if b.table in ("fact_indicator", "fact_project_progress"):
            key["period"] = _shift(end_period, b.months_back)
        out.append(dict(table=b.table, problem=b.problem, key=key, extra_row=b.extra_row))
    return out


def default_end_period(today: date | None = None) -> str:
    """The latest month already published on `today` (UTC): the month before from the 20th on,
    else the one before that (demo.indicators.PUBLICATION_DAY), so no row is stamped in the future."""
    return indicators.latest_published_period(today or datetime.now(UTC).date())


def ensure_database(url: str) -> None:
    """Create the database named in a PostgreSQL or MySQL URL if it is missing; make a SQLite
    file's folder."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        return
    if u.get_backend_name() not in ("postgresql", "mysql", "mariadb") or not u.database:
        return
    # URL.set(database=None) would keep the name; the namedtuple's _replace clears it.
    server = create_engine(u.set(database="postgres") if u.get_backend_name() == "postgresql"
                           else u._replace(database=None), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            if u.get_backend_name() == "postgresql":
                exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": u.database}).first()
                if not exists:
                    conn.execute(text(f'CREATE DATABASE "{u.database}"'))
            else:
                conn.execute(text(f"CREATE DATABASE IF NOT EXISTS `{u.database}` CHARACTER SET utf8mb4"))
    finally:
        server.dispose()


def _extra_bad_rows(end_period: str, now: datetime, regions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    # Indicator rows carry a fixed load time (the tables stay reproducible), never after the
    # build's clock; alerts are fresh. Both stamps are ISO text, so min() is the earlier time.
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    loaded = min(_shift(end_period, -1) + "-20T03:00:00Z", stamp)
    indicator, alerts = [], []
    for b in BAD_ROWS:
        if not b.extra_row or b.problem == "duplicate_key":
            continue
        if b.table == "fact_indicator":
            indicator.append(dict(**b.key, period=_shift(end_period, b.months_back), value=b.set_values["value"],
                                  target=None, yoy_pct=None, updated_at=loaded))
        elif b.table == "fact_alert":
            lon, lat = regions.set_index("region_code").loc["141102", ["lon", "lat"]]
            alerts.append(dict(**b.key, **b.set_values, title="测试告警：未知类型" if b.problem == "unknown_category"
                               else "测试告警：未知地区", description="演示数据中故意放入的异常记录",
                               lon=float(lon), lat=float(lat), source="manual", occurred_at=stamp, status="new",
                               updated_at=stamp))
    return {"fact_indicator": pd.DataFrame(indicator), "fact_alert": pd.DataFrame(alerts)}


def _apply_bad_alterations(engine: Engine, end_period: str) -> None:
    """Alterations and duplicates, done in SQL once the clean rows are loaded and indexed."""
    with engine.begin() as conn:
        for b in BAD_ROWS:
            if b.table == "fact_alert" or (b.extra_row and b.problem != "duplicate_key"):
                continue
            table = schema.metadata.tables[b.table]
            key = dict(b.key, period=_shift(end_period, b.months_back))
            where = and_(*(table.c[k] == v for k, v in key.items()))
            if b.problem == "duplicate_key":
                cols = [c.name for c in table.columns]
                values = [table.c.value * literal(b.set_values["value_factor"]) if c == "value" else table.c[c]
                          for c in cols]
                conn.execute(insert(table).from_select(cols, select(*values).where(where)))
            else:
                done = conn.execute(update(table).where(where).values(**b.set_values))
                if done.rowcount != 1:
                    raise RuntimeError(f"bad row {b} matched {done.rowcount} rows")


def build_demo_warehouse(url: str, *, seed: int = DEFAULT_SEED, end_period: str | None = None, scale: int = 1,
                         bad_rows: bool = True, aggregates: bool = False,
                         progress: Callable[[str, float], None] | None = None) -> dict[str, int]:
    """Create all contract tables in the (empty or missing) database at `url` and fill them.
    end_period 'YYYY-MM' is the latest monthly period (default: the latest month already published,
    see default_end_period); no updated_at is later than the build's clock.
    aggregates: also the optional pre-aggregated table (demo/aggregates.py), made from the final facts.
    Returns row counts per table. progress(step_name, fraction_done) is called as it goes.
    Raises WarehouseNotEmptyError if any of its tables already holds rows (see rebuild)."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_SCALE}")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    end_period = end_period or default_end_period(now.date())
    report = progress or (lambda step, fraction: None)
    ensure_database(url)
    engine = create_engine(url)
    try:
        filled = non_empty_tables(engine)
        if filled:
            raise WarehouseNotEmptyError(f"{engine.url.render_as_string()} already holds data: {filled}")
        drop_tables(engine)  # empty leftovers, so the schema is exactly ours
        drop_aggregates(engine)
        loader = Loader(engine)
        try:
            loader.create_tables()
            report("regions", 0.01)
            regions = build_regions(seed, scale)
            loader.write(schema.dim_region, regions)
            report("boundaries", 0.015)
            loader.write(schema.geo_region, geo_region_frame(regions))
            loader.write(schema.dim_indicator, dim_indicator_frame())
            cal = Calendar.until(end_period, seed, now)
            for rows, fraction in flow_frames(seed, regions, cal, villages=scale >= 2):
                loader.write(schema.fact_indicator, rows)
                report("fact_indicator", 0.02 + 0.78 * fraction)
            for rows in other_frames(seed, regions, cal):
                loader.write(schema.fact_indicator, rows)
            report("emergency", 0.82)
            loader.write(schema.dim_department, departments_frame(seed))
            loader.write(schema.dim_camera, cameras_frame(seed, regions))
            loader.write(schema.dim_resource, resources_frame(seed, regions))
            loader.write(schema.fact_alert, alerts_frame(seed, regions, now))
            report("projects", 0.84)
            for table, rows in zip((schema.dim_project, schema.fact_project_progress, schema.fact_project_milestone),
                                   projects_frames(seed, regions, end_period)):
                loader.write(table, rows)
            report("households", 0.86)
            loader.write(schema.fact_household, households_frame(seed, regions, end_period, now=now))
            if bad_rows:
                for name, rows in _extra_bad_rows(end_period, now, regions).items():
                    loader.write(schema.metadata.tables[name], rows)
            loader.commit()
            report("indexes", 0.9)
            loader.create_indexes()
        finally:
            loader.close()
        if bad_rows:
            _apply_bad_alterations(engine, end_period)
        counts = table_counts(engine)
        if aggregates:
            report("aggregates", 0.95)
            counts[AGGREGATE_TABLE] = create_aggregates(engine)
        report("done", 1.0)
        return counts
    finally:
        engine.dispose()


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per demo table that exists."""
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in schema.TABLES if t.name in names}


def rebuild(url: str, **kwargs) -> dict[str, int]:
    """Drop the demo tables at `url`, then build_demo_warehouse(url, **kwargs)."""
    ensure_database(url)
    engine = create_engine(url)
    try:
        drop_tables(engine)
        drop_aggregates(engine)
    finally:
        engine.dispose()
    return build_demo_warehouse(url, **kwargs)

