"""The demo warehouse generator against the contract (docs/warehouse.md), on SQLite and
on a throwaway PostgreSQL database."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry
from conftest import DEMO_END_PERIOD as END
from flask_caching.backends import SimpleCache
from sqlalchemy import create_engine, inspect, text

from datasources.boundaries import region_boundaries
from datasources.warehouse import Warehouse
from demo.__main__ import main as cli
from demo.generate import BAD_ROWS, DEFAULT_SEED, build_demo_warehouse, resolved_bad_rows
from demo.indicators import ADDITIVE_INDICATORS
from demo.live import insert_live_alerts
from demo.load import WarehouseNotEmptyError
from demo.regions import COUNTIES, COUNTIES_FILE
from demo.townships import township_cells

# Column lists copied from the contract, not from demo/schema.py, so the test checks the contract.
CONTRACT = {
    "dim_region": "region_code name name_en level parent_code lon lat",
    "dim_indicator": "indicator_code name name_en category unit frequency cumulative higher_is_better headline "
                     "display_order comparison decimals",
    "fact_indicator": "indicator_code region_code period value target yoy_pct updated_at",
    "fact_alert": "alert_id category level title description region_code lon lat source occurred_at status "
                  "updated_at",
    "dim_project": "project_code name category level region_code lon lat owner_dept start_date planned_end_date "
                   "total_investment",
    "fact_project_progress": "project_code period planned_progress_pct actual_progress_pct planned_investment_cum "
                             "actual_investment_cum note",
    "fact_project_milestone": "project_code seq name planned_date actual_date",
    "fact_household": "household_code region_code head_name id_number members income_per_capita monitor_status "
                      "risk_type measures updated_at",
    "dim_camera": "camera_id name region_code lon lat kind stream_url status owner_dept",
    "dim_department": "dept_code name phone conference_url",
    "dim_resource": "resource_id kind name region_code lon lat capacity dept_code",
    "geo_region": "region_code geometry_wkt",
}
DIM_KEYS = {"dim_region": "region_code", "dim_indicator": "indicator_code", "dim_project": "project_code",
            "dim_camera": "camera_id", "dim_department": "dept_code", "dim_resource": "resource_id",
            "geo_region": "region_code"}
REAL_COUNTIES = {"141102": "离石区", "141121": "文水县", "141122": "交城县", "141123": "兴县", "141124": "临县",
                 "141125": "柳林县", "141126": "石楼县", "141127": "岚县", "141128": "方山县", "141129": "中阳县",
                 "141130": "交口县", "141181": "孝义市", "141182": "汾阳市"}
CATEGORIES = {"fire", "geological", "epidemic", "flood", "weather", "safety", "traffic", "other"}


@pytest.fixture(scope="session", params=["demo_sqlite_url", "demo_pg_url"])
def demo_url(request) -> str:
    """The shared demo warehouse (conftest: SQLite, and a throwaway PostgreSQL database that is
    skipped when unreachable unless CI=true)."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def db(demo_url):
    """The demo warehouse as a function running SQL into a DataFrame."""
    engine = create_engine(demo_url)
    yield lambda sql: pd.read_sql(text(sql), engine)
    engine.dispose()


def _bad_keys(table: str) -> list[dict]:
    return [b["key"] for b in resolved_bad_rows(END) if b["table"] == table]


def test_every_contract_column_is_present(db):
    for table, columns in CONTRACT.items():
        present = set(db(f"SELECT * FROM {table} WHERE 1 = 0").columns)
        assert set(columns.split()) <= present, table


def test_dimension_keys_are_unique(db):
    for table, key in DIM_KEYS.items():
        counts = db(f"SELECT COUNT(*) AS n, COUNT(DISTINCT {key}) AS d FROM {table}").iloc[0]
        assert counts.n == counts.d > 0, table


def test_region_hierarchy(db):
    regions = db("SELECT * FROM dim_region")
    top = regions[regions.parent_code.isna()]
    assert top.region_code.tolist() == ["141100"] and top.level.iloc[0] == "city"
    counties = regions[regions.level == "county"].set_index("region_code")
    assert counties.name.to_dict() == REAL_COUNTIES
    assert (counties.parent_code == "141100").all()
    assert [c[0] for c in COUNTIES] == list(REAL_COUNTIES)
    towns = regions[regions.level == "township"]
    assert towns.region_code.str.fullmatch(r"\d{9}").all()
    assert towns.groupby("parent_code").size().between(8, 15).all()
    assert (towns.region_code.str[:6] == towns.parent_code).all()
    joined = towns.merge(counties[["lon", "lat"]], left_on="parent_code", right_index=True, suffixes=("", "_c"))
    km = ((joined.lon - joined.lon_c) * 88) ** 2 + ((joined.lat - joined.lat_c) * 111) ** 2
    assert (km ** 0.5 < 21).all()
    villages = regions[regions.level == "village"]
    assert villages.region_code.str.fullmatch(r"\d{12}").all()
    assert villages.parent_code.isin(towns.region_code).all()


def test_indicators_and_periods(db):
    ind = db("SELECT * FROM dim_indicator")
    assert len(ind) >= 15
    assert set(ind.category) == {"economy", "fiscal", "livelihood", "environment", "governance"}
    assert 8 <= ind.headline.sum() <= 9
    assert set(ind.frequency) <= {"month", "quarter", "year"}
    assert set(ind.indicator_code) >= ADDITIVE_INDICATORS
    months = db("SELECT DISTINCT period FROM fact_indicator WHERE region_code = '141100' "
                "AND indicator_code = 'RETAIL_SALES' ORDER BY period").period
    assert len(months) >= 36 and months.iloc[0] == "2023-01" and months.iloc[-1] == END
    assert months.str.fullmatch(r"\d{4}-\d{2}").all()
    gdp = db("SELECT DISTINCT period FROM fact_indicator WHERE indicator_code = 'GDP'").period
    assert set(gdp.str[5:]) <= {"03", "06", "09", "12"}


def test_headline_rows_at_latest_period_are_clean(db):
    latest = db("SELECT f.indicator_code, f.value, f.period FROM fact_indicator f JOIN dim_indicator d "
                "ON d.indicator_code = f.indicator_code WHERE d.headline = 1 AND f.region_code = '141100'")
    last = latest.sort_values("period").groupby("indicator_code").tail(1)
    assert last.value.notna().all() and len(last) == 8
    assert (last.period >= END[:4]).all()


def test_targets_only_on_cumulative_amounts(db):
    rows = db("SELECT f.indicator_code, d.unit, d.cumulative, COUNT(f.target) AS with_target, COUNT(*) AS n "
              "FROM fact_indicator f JOIN dim_indicator d ON d.indicator_code = f.indicator_code "
              "GROUP BY f.indicator_code, d.unit, d.cumulative")
    amount = (rows.cumulative == 1) & (rows.unit != "%")
    assert (rows[~amount].with_target == 0).all()
    assert (rows[amount].with_target > 0.9 * rows[amount].n).all()


def _sum_check(db, child_level: str, parent_column: str) -> None:
    codes = "','".join(sorted(ADDITIVE_INDICATORS))
    facts = db(f"SELECT f.indicator_code, f.region_code, f.period, f.value, f.target, r.parent_code, r.level "
               f"FROM fact_indicator f JOIN dim_region r ON r.region_code = f.region_code "
               f"WHERE f.indicator_code IN ('{codes}')")
    # Bad rows (duplicates, unknown regions) are excluded: the cockpit must handle those itself.
    skip = {(k["indicator_code"], k["period"]) for k in _bad_keys("fact_indicator")}
    facts = facts[[k not in skip for k in zip(facts.indicator_code, facts.period)]]
    children = facts[facts.level == child_level].groupby(["indicator_code", "parent_code", "period"])[
        ["value", "target"]].sum(min_count=1)
    parents = facts.set_index(["indicator_code", "region_code", "period"])[["value", "target"]]
    parents.index.names = children.index.names
    joined = children.join(parents.add_suffix("_parent"), how="inner")
    assert len(joined) == len(children) > 0
    for col in ("value", "target"):
        both = joined[[col, col + "_parent"]].dropna()
        rel = (both[col] - both[col + "_parent"]).abs() / both[col + "_parent"].abs().clip(lower=1e-9)
        assert (rel <= 1e-6).all(), col


def test_counties_sum_to_city(db):
    _sum_check(db, "county", "parent_code")


def test_townships_sum_to_county(db):
    _sum_check(db, "township", "parent_code")


def _project_states(db, today: date) -> pd.Series:
    latest = db("SELECT p.project_code, p.period, p.planned_progress_pct AS planned, "
                "p.actual_progress_pct AS actual, d.planned_end_date FROM fact_project_progress p "
                "JOIN dim_project d ON d.project_code = p.project_code")
    latest = latest.sort_values("period").groupby("project_code").tail(1).set_index("project_code")
    lag = latest.planned - latest.actual
    state = pd.Series("on_track", index=latest.index)
    state[lag > 5] = "lagging"
    state[lag > 15] = "seriously_lagging"
    overdue = (pd.to_datetime(latest.planned_end_date).dt.date < today) & (latest.actual < 100)
    state[overdue] = "overdue"
    state[latest.actual >= 100] = "completed"
    assert (latest.period == END).all()
    return state


def test_every_project_state_is_present(db):
    # Project dates are relative to end_period; judge them as the cockpit would in the month after.
    as_of = date(int(END[:4]) + int(END[5:]) // 12, int(END[5:]) % 12 + 1, 1) + timedelta(days=20)
    counts = _project_states(db, as_of).value_counts()
    assert set(counts.index) == {"on_track", "lagging", "seriously_lagging", "overdue", "completed"}
    assert (counts >= 5).all()
    milestones = db("SELECT project_code, COUNT(*) AS n FROM fact_project_milestone GROUP BY project_code")
    assert milestones.n.between(3, 6).all() and len(milestones) == 80


def test_open_alerts_cover_every_level_and_category(db):
    alerts = db("SELECT * FROM fact_alert")
    valid = alerts[alerts.category.isin(CATEGORIES) & alerts.level.between(1, 4)
                   & alerts.region_code.str.startswith("1411")]
    open_ = valid[~valid.status.isin(["resolved", "closed"])]
    assert 30 <= len(open_) <= 50
    assert set(open_.category) == CATEGORIES and set(open_.level) == {1, 2, 3, 4}
    assert set(open_.status) == {"new", "acknowledged", "dispatched"}
    occurred = pd.to_datetime(open_.occurred_at, format="%Y-%m-%dT%H:%M:%SZ", utc=True)
    assert (occurred > pd.Timestamp(datetime.now(UTC)) - pd.Timedelta(days=4)).all()
    history = valid[valid.status.isin(["resolved", "closed"])]
    assert 2000 <= len(history) <= 5000
    span = pd.to_datetime(history.occurred_at, utc=True)
    assert (span.max() - span.min()).days > 700
    assert set(valid.source) == {"sensor", "12345", "department", "manual"}
    assert valid.lon.isna().any() and valid.lon.notna().mean() > 0.9


def test_households_cameras_departments_resources(db):
    households = db("SELECT * FROM fact_household")
    assert 19_000 <= len(households) <= 21_000 and households.household_code.is_unique
    assert households.id_number.str.fullmatch(r"\d{17}[\dX]").all()
    assert households.members.between(1, 7).all()
    assert set(households.monitor_status) == {"stable", "monitored", "at_risk", "risk_eliminated"}
    assert (households.monitor_status == "stable").mean() > 0.8
    villages = db("SELECT region_code FROM dim_region WHERE level = 'village'").region_code
    assert households.region_code.isin(villages).all()
    cameras = db("SELECT * FROM dim_camera")
    assert 280 <= len(cameras) <= 320
    assert set(cameras.kind) == {"public_security", "traffic", "forest_fire", "city", "water", "other"}
    assert 0.04 <= (cameras.status == "offline").mean() <= 0.16
    assert cameras.stream_url.isna().mean() > 0.8
    depts = db("SELECT * FROM dim_department")
    assert len(depts) >= 15 and cameras.owner_dept.isin(depts.dept_code).all()
    resources = db("SELECT * FROM dim_resource")
    assert set(resources.kind) == {"rescue_team", "supply_depot", "shelter", "medical", "vehicle"}
    assert resources.dept_code.isin(depts.dept_code).all()


@pytest.mark.parametrize("table,where", [
    ("dim_region", "level IN ('township', 'village')"), ("fact_alert", "1 = 1"), ("dim_resource", "1 = 1"),
    ("dim_camera", "1 = 1"), ("dim_project", "1 = 1")])
def test_places_lie_in_their_real_county(db, table: str, where: str):
    """On a map with the real county borders, everything is drawn inside the county it belongs to."""
    counties = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in counties["features"]}
    places = db(f"SELECT region_code, lon, lat FROM {table} WHERE {where} AND lon IS NOT NULL")
    places = places[places.region_code.astype(str).str[:6].isin(shapes)]  # bad rows name no county
    assert len(places) > 50
    outside = [row.region_code for row in places.itertuples()
               if not shapes[str(row.region_code)[:6]].contains(shapely.Point(row.lon, row.lat))]
    assert outside == []


def _shipped_counties() -> dict[str, shapely.Geometry]:
    counties = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in counties["features"]}


def test_geo_region_holds_a_polygon_for_every_county_and_township(db):
    """The 13 counties as shipped; each county's township cells cover it exactly, without overlaps."""
    geo = db("SELECT region_code, geometry_wkt FROM geo_region")
    regions = db("SELECT region_code, level, parent_code, lon, lat FROM dim_region "
                 "WHERE level IN ('county', 'township')")
    assert sorted(geo.region_code) == sorted(regions.region_code) and len(regions) >= 13 + 13 * 8
    shapes = dict(zip(geo.region_code, shapely.from_wkt(geo.geometry_wkt.tolist())))
    assert all(g.is_valid and g.geom_type in ("Polygon", "MultiPolygon") and g.area > 0 for g in shapes.values())
    counties = _shipped_counties()
    assert sorted(counties) == sorted(REAL_COUNTIES)
    for code, county in counties.items():
        assert shapes[code].symmetric_difference(county).area < 1e-6 * county.area, code
        cells = [shapes[c] for c in regions.region_code[regions.parent_code == code]]
        total = sum(c.area for c in cells)
        union = shapely.union_all(cells)
        assert total == pytest.approx(county.area, rel=1e-3), code  # they cover the county...
        assert union.area == pytest.approx(total, rel=1e-3), code  # ...and do not overlap
        assert union.symmetric_difference(county).area < 1e-3 * county.area, code
    # 街道 (codes 001–099, in the county seat) keep their seeds: each cell holds its label point.
    townships = regions[regions.level == "township"]
    streets = townships[townships.region_code.str[6:9].astype(int) < 100]
    assert len(streets) > 0
    assert [r.region_code for r in streets.itertuples() if not shapes[r.region_code].contains(
        shapely.Point(r.lon, r.lat))] == []


def test_the_cockpit_draws_the_demo_from_geo_region(demo_url, db):
    wh = Warehouse(demo_url, cache=SimpleCache(), ttl_s={"regions": 3600}, stale_keep_s=3600,
                   statement_timeout_s=10)
    try:
        for parent in ("141100", "141123"):  # the city, and 兴县
            children = db(f"SELECT region_code FROM dim_region WHERE parent_code = '{parent}'").region_code
            collection = region_boundaries(wh, None, parent)
            assert collection["source"] == "geo_region", parent
            assert collection["missing"] == [] and collection["skipped"] == 0, parent
            assert sorted(f["id"] for f in collection["features"]) == sorted(children) and len(children) >= 8
    finally:
        wh.engine.dispose()


def test_township_cells_partition_the_county_and_fixed_seeds_stay():
    county = shapely.box(0, 0, 4, 2)
    # A fixed seed, a free one beside it, a repeated point and one outside the county.
    points = np.array([[0.5, 0.5], [0.6, 0.5], [3.0, 1.5], [3.0, 1.5], [9.0, 1.0]])
    cells = township_cells(county, points, fixed=np.array([True, False, False, False, False]))
    assert len(cells) == 5 and all(c.is_valid and c.geom_type == "Polygon" for c in cells)
    assert sum(c.area for c in cells) == pytest.approx(8.0)
    assert shapely.union_all(cells).area == pytest.approx(8.0)
    assert cells[0].contains(shapely.Point(0.5, 0.5))
    # Relaxation spreads the cells: none below half or above twice the even share (8 / 5).
    assert all(0.8 < c.area < 3.2 for c in cells)
    assert township_cells(county, np.array([[1.0, 1.0]]))[0].equals(county)


def test_bad_rows_exactly_as_documented(db):
    facts = db("SELECT f.*, r.region_code AS known FROM fact_indicator f "
               "LEFT JOIN dim_region r ON r.region_code = f.region_code")
    expected = {p: [b for b in resolved_bad_rows(END) if b["table"] == "fact_indicator" and b["problem"] == p]
                for p in ("unknown_region", "null_value", "duplicate_key", "out_of_range")}
    unknown = facts[facts.known.isna()]
    assert sorted(zip(unknown.indicator_code, unknown.region_code, unknown.period)) == sorted(
        (b["key"]["indicator_code"], b["key"]["region_code"], b["key"]["period"]) for b in expected["unknown_region"])
    nulls = facts[facts.value.isna()]
    assert sorted(zip(nulls.indicator_code, nulls.region_code, nulls.period)) == sorted(
        tuple(b["key"].values()) for b in expected["null_value"])
    dup = facts[facts.duplicated(["indicator_code", "region_code", "period"], keep=False)]
    assert sorted(set(zip(dup.indicator_code, dup.region_code, dup.period))) == sorted(
        tuple(b["key"].values()) for b in expected["duplicate_key"])
    assert len(dup) == 2 * len(expected["duplicate_key"])
    # Growth rates may be negative; shares lie in 0–100 and nothing else may be negative.
    growth = facts.indicator_code.str.endswith("_GROWTH")
    share = facts.indicator_code.isin(db("SELECT indicator_code FROM dim_indicator WHERE unit = '%'").indicator_code)
    out = facts[~growth & ((facts.value < 0) | (share & (facts.value > 100)))]
    assert sorted(zip(out.indicator_code, out.region_code, out.period)) == sorted(
        tuple(b["key"].values()) for b in expected["out_of_range"])
    progress = db("SELECT project_code, period FROM fact_project_progress WHERE actual_progress_pct > 100 "
                  "OR planned_progress_pct > 100")
    assert [tuple(r) for r in progress.itertuples(index=False)] == [
        tuple(k.values()) for k in _bad_keys("fact_project_progress")]
    alerts = db("SELECT alert_id FROM fact_alert WHERE category NOT IN ('fire', 'geological', 'epidemic', 'flood', "
                "'weather', 'safety', 'traffic', 'other') OR level NOT BETWEEN 1 AND 4 "
                "OR region_code NOT IN (SELECT region_code FROM dim_region)")
    assert sorted(alerts.alert_id) == sorted(k["alert_id"] for k in _bad_keys("fact_alert"))
    assert len(BAD_ROWS) == len(resolved_bad_rows(END))


def _checksum(url: str, table: str, order: str, columns: str = "*") -> str:
    engine = create_engine(url)
    try:
        frame = pd.read_sql(text(f"SELECT {columns} FROM {table} ORDER BY {order}"), engine)
    finally:
        engine.dispose()
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.10g").encode()).hexdigest()


SAME_SEED_TABLES = [("fact_indicator", "indicator_code, region_code, period, value", "*"),
                    ("dim_region", "region_code", "*"),
                    ("fact_project_progress", "project_code, period", "*"),
                    ("fact_household", "household_code", "*"),
                    ("fact_alert", "alert_id", "alert_id, category, level, title, region_code, lon, lat, status"),
                    ("geo_region", "region_code", "*")]


def test_same_seed_same_data_and_cli(demo_sqlite_url, tmp_path):
    again = f"sqlite:///{tmp_path / 'again.db'}"
    assert cli(["build", "--url", again, "--end", END, "--seed", str(DEFAULT_SEED)]) == 0
    for table, order, columns in SAME_SEED_TABLES:
        assert _checksum(demo_sqlite_url, table, order, columns) == _checksum(again, table, order, columns), table
    other = f"sqlite:///{tmp_path / 'other.db'}"
    build_demo_warehouse(other, end_period=END, seed=7, bad_rows=False)
    assert _checksum(demo_sqlite_url, *SAME_SEED_TABLES[0]) != _checksum(other, *SAME_SEED_TABLES[0])
    engine = create_engine(other)
    try:
        with engine.connect() as conn:
            anomalies = conn.execute(text(
                "SELECT (SELECT COUNT(*) FROM fact_indicator WHERE value IS NULL OR region_code NOT IN "
                "(SELECT region_code FROM dim_region)) + (SELECT COUNT(*) FROM (SELECT 1 FROM fact_indicator "
                "GROUP BY indicator_code, region_code, period HAVING COUNT(*) > 1) d) + (SELECT COUNT(*) FROM "
                "fact_project_progress WHERE actual_progress_pct > 100) + (SELECT COUNT(*) FROM fact_alert "
                "WHERE level > 4)")).scalar_one()
    finally:
        engine.dispose()
    assert anomalies == 0


def test_geo_region_is_the_same_on_sqlite_and_postgresql(demo_sqlite_url, demo_pg_url):
    assert _checksum(demo_sqlite_url, "geo_region", "region_code") == _checksum(demo_pg_url, "geo_region",
                                                                               "region_code")


def test_refuses_a_non_empty_warehouse_and_live_feed(demo_sqlite_url, tmp_path):
    with pytest.raises(WarehouseNotEmptyError):
        build_demo_warehouse(demo_sqlite_url, end_period=END)
    assert cli(["build", "--url", demo_sqlite_url, "--end", END]) == 1
    url = f"sqlite:///{tmp_path / 'live.db'}"
    build_demo_warehouse(url, end_period=END, bad_rows=False)
    engine = create_engine(url)
    try:
        before = pd.read_sql(text("SELECT COUNT(*) AS n FROM fact_alert"), engine).n.iloc[0]
        assert insert_live_alerts(url, interval_s=0, count=3, seed=1) == 3
        new = pd.read_sql(text("SELECT * FROM fact_alert WHERE alert_id LIKE 'LIVE-%'"), engine)
        assert len(new) == 3 and before + 3 == pd.read_sql(text("SELECT COUNT(*) AS n FROM fact_alert"), engine).n[0]
        assert (new.status == "new").all() and new.category.isin(CATEGORIES).all()
        assert set(inspect(engine).get_table_names()) >= set(CONTRACT)
    finally:
        engine.dispose()
