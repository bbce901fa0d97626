"""The data layer on a hand-made warehouse, on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_caching.backends import SimpleCache

from core.errors import MissingSchema, WarehouseUnavailable
from core.regions import code_prefix
from datasources.alerts import open_alerts
from datasources.cache import make_cache
from datasources.indicators import catalogue, latest_values
from datasources.projects import count_by_state, project_status
from datasources.regions import children, top_region_code
from datasources.status import warehouse_status
from datasources.warehouse import Warehouse
from services.alerts import count_by_level
from tests.conftest import WAREHOUSE_ENGINES, built_warehouse
from tests.tiny_warehouse import EXPECTED_PROJECT_STATES, build_tiny_warehouse

TTL = {"regions": 60, "indicators": 60, "alerts": 60, "projects": 60, "quality": 60, "status": 60}


def open_warehouse(url: str, cache=None) -> Warehouse:
    return Warehouse(url, cache=cache or SimpleCache(), ttl_s=TTL, stale_keep_s=3600,
                     statement_timeout_s=10)


@pytest.fixture(params=WAREHOUSE_ENGINES, scope="module")
def tiny_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with built_warehouse(request.param, build_tiny_warehouse, tmp_path_factory, "tiny") as url:
        yield url


@pytest.fixture
def wh(tiny_url: str) -> Iterator[Warehouse]:
    warehouse = open_warehouse(tiny_url)
    yield warehouse
    warehouse.engine.dispose()


def test_top_region_and_children(wh: Warehouse) -> None:
    assert top_region_code(wh) == "141100"
    assert top_region_code(wh, "141102") == "141102"
    assert list(children(wh, "141100")["region_code"]) == ["141102", "141181"]
    assert (code_prefix("141100"), code_prefix("141102"), code_prefix("140000")) == ("1411", "141102", "14")


def test_latest_values_hand_computed(wh: Warehouse) -> None:
    values = latest_values(wh, "141100").set_index("indicator_code")
    assert list(values.index) == ["GDP", "UNEMPLOYMENT"]  # headline only, display order
    gdp = values.loc["GDP"]
    assert gdp["period"] == "2026-09"
    assert gdp["value"] == 1500.0  # the later of two duplicate rows
    assert gdp["completion_pct"] == pytest.approx(75.0)
    assert gdp["time_progress_pct"] == pytest.approx(75.0)
    assert gdp["tone"] == "good"
    unemployment = values.loc["UNEMPLOYMENT"]
    assert unemployment["period"] == "2026-10" and math.isnan(unemployment["value"])  # "—", not 0
    assert math.isnan(unemployment["completion_pct"])
    assert values.attrs["skipped"] == {"duplicate": 1, "null_value": 1}


def test_latest_values_of_a_county(wh: Warehouse) -> None:
    gdp = latest_values(wh, "141102").set_index("indicator_code").loc["GDP"]
    assert gdp["value"] == 600.0 and gdp["completion_pct"] == pytest.approx(75.0) and gdp["tone"] == "bad"


def test_open_alerts_by_level(wh: Warehouse) -> None:
    alerts = open_alerts(wh)
    assert set(alerts["alert_id"]) == {"A1", "A2", "A4", "A5"}
    assert count_by_level(alerts) == {"1": 1, "2": 1, "3": 0, "4": 1}
    assert alerts.attrs["skipped"]["unknown_level"] == 1
    assert alerts.set_index("alert_id").loc["A4", "category"] == "other"
    assert set(open_alerts(wh, "141102")["alert_id"]) == {"A1", "A5"}


def test_project_states(wh: Warehouse) -> None:
    projects = project_status(wh, None, "2026-11-22")
    assert count_by_state(projects) == EXPECTED_PROJECT_STATES
    assert projects.attrs["skipped"]["out_of_range"] == 1
    assert projects.set_index("project_code").loc["P1", "lag_pts"] == pytest.approx(3.0)
    assert count_by_state(project_status(wh, "141102", "2026-11-22"))["lagging"] == 1


def test_status_reports_data_as_of(wh: Warehouse) -> None:
    status = warehouse_status(wh)
    assert status.reachable and not status.stale
    assert status.data_as_of == "2026-11-21T04:00:00Z"


def test_missing_table_and_column_are_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/partial.db"
    build_tiny_warehouse(url, without=("fact_alert",))
    wh = open_warehouse(url)
    with pytest.raises(MissingSchema) as info:
        open_alerts(wh)
    assert info.value.missing == "fact_alert"
    assert latest_values(wh, "141100").shape[0] == 2  # other data still works
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE dim_project DROP COLUMN total_investment")
    wh2 = open_warehouse(url)
    with pytest.raises(MissingSchema, match="dim_project.total_investment"):
        project_status(wh2, None, "2026-11-22")


def test_missing_optional_column_reads_as_null(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/noopt.db"
    build_tiny_warehouse(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE fact_indicator DROP COLUMN yoy_pct")
        # SQLite drops no column an index covers.
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_fact_indicator_updated_at")
        conn.exec_driver_sql("ALTER TABLE fact_indicator DROP COLUMN updated_at")
    values = latest_values(open_warehouse(url), "141100").set_index("indicator_code")
    assert math.isnan(values.loc["GDP", "yoy_pct"]) and values.loc["GDP", "tone"] == "neutral"


def test_outage_serves_last_good_copy_marked_stale(tmp_path: Path) -> None:
    path = tmp_path / "wh.db"
    build_tiny_warehouse(f"sqlite:///{path}")
    wh = open_warehouse(f"sqlite:///{path}")
    good = latest_values(wh, "141100")
    assert good.attrs["stale"] is False
    assert warehouse_status(wh).reachable  # the header has polled before the outage
    wh.engine.dispose()
    shutil.move(path, tmp_path / "away.db")
    for key in [k for k in wh.cache._cache if not k.endswith(":last-good")]:
        wh.cache.delete(key)  # the fresh entries expire; the last-good copies remain
    stale = latest_values(wh, "141100")
    assert stale.attrs["stale"] is True
    assert stale["value"].fillna(-1).tolist() == good["value"].fillna(-1).tolist()
    status = warehouse_status(wh)
    assert not status.reachable and status.stale and status.data_as_of == "2026-11-21T04:00:00Z"


def test_outage_without_earlier_data_raises(tmp_path: Path) -> None:
    wh = open_warehouse(f"sqlite:///{tmp_path / 'never-built.db'}")
    with pytest.raises(WarehouseUnavailable):
        latest_values(wh, "141100")
    assert not (tmp_path / "never-built.db").exists()  # read-only: a wrong path creates nothing
    assert warehouse_status(wh) == warehouse_status(wh) and not warehouse_status(wh).reachable


def test_redis_cache_is_shared(redis_url: str, tiny_url: str) -> None:
    first = open_warehouse(tiny_url, cache=make_cache(redis_url))
    second = open_warehouse(tiny_url, cache=make_cache(redis_url))
    values = latest_values(first, "141100")
    first.engine.dispose()
    # The second "process" is served from Redis without asking the warehouse.
    second.read = None  # type: ignore[assignment]
    assert latest_values(second, "141100")["value"].fillna(-1).tolist() == values["value"].fillna(-1).tolist()


def test_data_quality_counts_bad_rows(wh: Warehouse) -> None:
    from datasources.quality import data_quality

    counts = {(r["table"], r["problem"]): r["rows"] for r in data_quality(wh).to_dict("records")}
    assert counts[("fact_indicator", "unknown_region")] == 1
    assert counts[("fact_indicator", "null_value")] == 1
    assert counts[("fact_indicator", "duplicate")] == 1
    assert counts[("fact_indicator", "out_of_range")] == 0
    assert counts[("fact_alert", "unknown_category")] == 1
    assert counts[("fact_alert", "unknown_level")] == 1
    assert counts[("fact_alert", "unknown_region")] == 0
    assert counts[("fact_project_progress", "out_of_range")] == 1


def test_latest_values_with_the_same_period_a_year_before(wh: Warehouse) -> None:
    # 离石区's unemployment: 5.30 at 2026-09 after 5.20 at 2025-09: a rate, up 0.1 point (not +1.9 %).
    values = latest_values(wh, "141102").set_index("indicator_code")
    unemployment, gdp = values.loc["UNEMPLOYMENT"], values.loc["GDP"]
    assert (unemployment["comparison"], unemployment["decimals"]) == ("pp", 1)
    assert unemployment["value_last_year"] == pytest.approx(5.2) and unemployment["yoy_pp"] == pytest.approx(0.1)
    assert (gdp["comparison"], gdp["decimals"]) == ("pct", 1)
    assert math.isnan(gdp["value_last_year"]) and math.isnan(gdp["yoy_pp"])  # an amount: no points


def test_a_catalogue_without_the_optional_columns_reads_the_units_defaults(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bare.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE dim_indicator (indicator_code TEXT, name TEXT, category TEXT, unit TEXT, "
                             "frequency TEXT, cumulative INTEGER, higher_is_better INTEGER)"))
        conn.execute(sa.text("INSERT INTO dim_indicator VALUES "
                             "('CPI', '居民消费价格指数', 'x', '上年同期=100', 'month', 0, 0), "
                             "('JOBS', '城镇新增就业', 'x', '人', 'month', 1, 1), "
                             "('U', '失业率', 'x', '%', 'month', 0, 0)"))
    engine.dispose()
    bare = open_warehouse(f"sqlite:///{tmp_path / 'bare.db'}")
    cat = catalogue(bare).set_index("indicator_code")
    assert dict(cat["comparison"]) == {"CPI": "index", "JOBS": "pct", "U": "pp"}
    assert dict(cat["decimals"]) == {"CPI": 1, "JOBS": 0, "U": 1}
    bare.engine.dispose()
