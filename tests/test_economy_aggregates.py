"""The optional pre-aggregated indicator table (docs/warehouse.md, "Pre-aggregated views"):
read when present, and every figure the same with it as without it, on SQLite, PostgreSQL and
MariaDB (the MySQL protocol)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

from datasources.economy import indicator_values, region_family, region_history, values_at
from datasources.indicators import INDICATOR_AGGREGATE, catalogue, in_aggregate, latest_values
from datasources.warehouse import Warehouse
from demo.aggregates import AGGREGATE_TABLE, create_aggregates
from demo.generate import build_demo_warehouse, rebuild
from services.economy import children_comparison, economy_warnings
from tests.conftest import DEMO_END_PERIOD, WAREHOUSE_ENGINES, built_warehouse

CITY, LISHI, XIAOYI, TOWNSHIP = "141100", "141102", "141181", "141102001"
TTL = {"regions": 60, "indicators": 60}
FUTURE = "2099-01-01T00:00:00Z"


def _build(url: str) -> None:
    """The demo warehouse (its bad rows included), a county's row stamped in the future and an
    implausible one added, then the aggregate made from the final facts."""
    build_demo_warehouse(url, end_period=DEMO_END_PERIOD)
    engine = sa.create_engine(url)
    facts = sa.Table("fact_indicator", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(facts.insert(), [
            {"indicator_code": "GDP", "region_code": LISHI, "period": "2026-09", "value": 9999.0,
             "target": None, "yoy_pct": None, "updated_at": FUTURE},
            {"indicator_code": "UNEMPLOYMENT", "region_code": XIAOYI, "period": "2026-10", "value": 250.0,
             "target": None, "yoy_pct": None, "updated_at": "2026-11-20T00:00:00Z"}])
    create_aggregates(engine)
    engine.dispose()


@pytest.fixture(params=WAREHOUSE_ENGINES, scope="module")
def agg_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with built_warehouse(request.param, _build, tmp_path_factory, "agg") as url:
        yield url


def _warehouse(url: str, **tables: str) -> Warehouse:
    return Warehouse(url, cache=SimpleCache(), ttl_s=TTL, stale_keep_s=3600, statement_timeout_s=20,
                     tables=tables)


@pytest.fixture
def pair(agg_url: str) -> tuple[Warehouse, Warehouse, list[str]]:
    """(with the aggregate, without it: its name mapped to a table that does not exist, the
    statements the first one sent)."""
    with_agg = _warehouse(agg_url)
    sent: list[str] = []
    sa.event.listen(with_agg.engine, "before_cursor_execute",
                    lambda _c, _cur, statement, *_rest: sent.append(statement))
    return with_agg, _warehouse(agg_url, **{INDICATOR_AGGREGATE: "no_such_aggregate"}), sent


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert not a.empty or b.empty
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    assert a.attrs.get("skipped") == b.attrs.get("skipped")


def _reads_aggregate(sent: list[str]) -> bool:
    return any(AGGREGATE_TABLE in s for s in sent)


def test_demo_aggregate_holds_the_county_level_rows_of_fact_indicator(agg_url):
    engine = sa.create_engine(agg_url)
    with engine.connect() as conn:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(r) for r in conn.execute(sa.text(sql)))
        columns = "indicator_code, region_code, period, value, target, yoy_pct, updated_at"
        upper = rows(f"SELECT {columns} FROM fact_indicator WHERE LENGTH(region_code) = 6")
        assert upper == rows(f"SELECT {columns} FROM {AGGREGATE_TABLE}")
        assert len(upper) > 1000
    engine.dispose()


@pytest.mark.parametrize("code", [CITY, LISHI, XIAOYI])
def test_series_and_history_are_identical_and_read_from_the_aggregate(pair, code):
    with_agg, without, sent = pair
    for indicator in catalogue(without)["indicator_code"]:
        _same(indicator_values(with_agg, indicator, (code,)), indicator_values(without, indicator, (code,)))
    _same(region_history(with_agg, code, DEMO_END_PERIOD), region_history(without, code, DEMO_END_PERIOD))
    _same(latest_values(with_agg, code, headline_only=False), latest_values(without, code, headline_only=False))
    assert _reads_aggregate(sent)


def test_bad_rows_are_skipped_the_same_way(pair):
    with_agg, without, _ = pair
    gdp = indicator_values(with_agg, "GDP", (LISHI,))
    assert gdp.attrs["skipped"]["future_stamp"] == 1
    assert 9999.0 not in set(gdp["value"])
    assert indicator_values(with_agg, "UNEMPLOYMENT", (XIAOYI,)).attrs["skipped"]["out_of_range"] == 1
    assert region_history(with_agg, LISHI).attrs["skipped"]["duplicate"] >= 1
    assert region_history(with_agg, LISHI).attrs["skipped"] == region_history(without, LISHI).attrs["skipped"]


@pytest.mark.parametrize("code", [CITY, LISHI])
def test_comparisons_and_warnings_are_identical(pair, code):
    with_agg, without, _ = pair
    cat = catalogue(without)
    for measure in ("value", "yoy_pct", "completion_pct"):
        _same(economy_warnings(with_agg, code, None, 5.0, measure), economy_warnings(without, code, None, 5.0, measure))
        for indicator in cat[cat["headline"]].to_dict("records"):
            period = latest_values(without, code, headline_only=False).set_index("indicator_code").loc[
                indicator["indicator_code"], "period"]
            if isinstance(period, str):
                _same(children_comparison(with_agg, code, indicator, period, measure),
                      children_comparison(without, code, indicator, period, measure))


def test_regions_below_county_level_are_read_from_fact_indicator(pair):
    with_agg, without, sent = pair
    kids = tuple(region_family(without, LISHI).query("relation == 'child'")["region_code"])
    assert kids and not any(in_aggregate(k) for k in kids)
    sent.clear()
    _same(values_at(with_agg, ("GDP",), kids, ("2026-09", "2025-09")),
          values_at(without, ("GDP",), kids, ("2026-09", "2025-09")))
    _same(region_history(with_agg, TOWNSHIP), region_history(without, TOWNSHIP))
    assert sent and not _reads_aggregate(sent)


def test_an_aggregate_without_a_column_fact_indicator_has_is_not_used(tmp_path):
    url = f"sqlite:///{tmp_path}/wh.db"
    build_demo_warehouse(url, end_period=DEMO_END_PERIOD)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # no updated_at: it could not choose the newest of duplicates
        conn.execute(sa.text(f"CREATE TABLE {AGGREGATE_TABLE} AS SELECT indicator_code, region_code, period, "
                             "value, target, yoy_pct FROM fact_indicator WHERE LENGTH(region_code) = 6"))
    engine.dispose()
    wh = _warehouse(url)
    sent: list[str] = []
    sa.event.listen(wh.engine, "before_cursor_execute", lambda _c, _cur, statement, *_rest: sent.append(statement))
    history = region_history(wh, LISHI)
    assert not history.empty and history.attrs["skipped"]["duplicate"] >= 1
    assert not _reads_aggregate([s for s in sent if "FROM" in s and "sqlite_master" not in s])


def test_a_rebuild_without_aggregates_drops_the_old_aggregate(tmp_path):
    url = f"sqlite:///{tmp_path}/wh.db"
    counts = build_demo_warehouse(url, end_period=DEMO_END_PERIOD, aggregates=True)
    assert counts[AGGREGATE_TABLE] > 0
    rebuild(url, end_period=DEMO_END_PERIOD)
    engine = sa.create_engine(url)
    assert not sa.inspect(engine).has_table(AGGREGATE_TABLE)
    engine.dispose()
