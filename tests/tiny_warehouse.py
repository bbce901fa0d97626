"""A hand-made warehouse small enough to compute every expected number by hand."""
from __future__ import annotations

import json

import shapely
import shapely.geometry
import sqlalchemy as sa

from demo.regions import COUNTIES_FILE
from demo.schema import geo_region, metadata

REGIONS = [
    ("141100", "吕梁市", "Lüliang", "city", None, 111.14, 37.52),
    ("141102", "离石区", "Lishi", "county", "141100", 111.15, 37.52),
    ("141181", "孝义市", "Xiaoyi", "county", "141100", 111.78, 37.14),
]
INDICATORS = [
    # code, name, name_en, category, unit, frequency, cumulative, higher_is_better, headline, order
    ("GDP", "地区生产总值", "GDP", "economy", "亿元", "quarter", 1, 1, 1, 1),
    ("UNEMPLOYMENT", "城镇调查失业率", "Surveyed unemployment", "livelihood", "%", "month", 0, 0, 1, 2),
    ("PM25", "PM2.5平均浓度", "PM2.5", "environment", "微克/立方米", "month", 1, 0, 0, 3),
]
FACTS = [
    # indicator, region, period, value, target, yoy, updated_at
    ("GDP", "141100", "2026-06", 900.0, 2000.0, 5.0, "2026-07-20T00:00:00Z"),
    ("GDP", "141100", "2026-09", 1400.0, 2000.0, 5.1, "2026-10-18T00:00:00Z"),  # superseded duplicate
    ("GDP", "141100", "2026-09", 1500.0, 2000.0, 5.2, "2026-10-20T00:00:00Z"),
    ("GDP", "141102", "2026-09", 600.0, 800.0, -1.5, "2026-10-20T00:00:00Z"),
    ("UNEMPLOYMENT", "141100", "2026-09", 5.1, None, 0.2, "2026-10-15T00:00:00Z"),
    ("UNEMPLOYMENT", "141100", "2026-10", None, None, None, "2026-11-15T00:00:00Z"),
    # a rate compares in points: 5.30 after 5.20 a year before is up 0.1 point (not +1.9 %)
    ("UNEMPLOYMENT", "141102", "2026-09", 5.30, None, 1.9, "2026-10-15T00:00:00Z"),
    ("UNEMPLOYMENT", "141102", "2025-09", 5.20, None, None, "2025-10-15T00:00:00Z"),
    ("GDP", "149999", "2026-09", 7.0, None, None, "2026-10-20T00:00:00Z"),  # unknown region
]
ALERTS = [
    # id, category, level, title, region, occurred_at, status
    ("A1", "fire", 1, "森林火情", "141102", "2026-11-21T01:00:00Z", "new"),
    ("A2", "flood", 2, "河道水位超警", "141181", "2026-11-21T02:00:00Z", "acknowledged"),
    ("A3", "fire", 1, "已扑灭火情", "141102", "2026-11-20T01:00:00Z", "resolved"),
    ("A4", "meteor", 9, "未知类型", "141181", "2026-11-21T03:00:00Z", "new"),
    ("A5", "traffic", 4, "道路拥堵", "141102", "2026-11-21T04:00:00Z", "dispatched"),
]
PROJECTS = [
    # code, region, planned_end, planned pct, actual pct  → expected state on 2026-11-22
    ("P1", "141102", "2027-06-30", 50.0, 47.0),    # on_track (lag 3)
    ("P2", "141102", "2027-06-30", 50.0, 40.0),    # lagging (lag 10)
    ("P3", "141181", "2026-06-30", 100.0, 90.0),   # overdue
    ("P4", "141181", "2026-06-30", 100.0, 100.0),  # completed
    ("P5", "141181", "2027-06-30", 50.0, 120.0),   # out of range: skipped
]
EXPECTED_PROJECT_STATES = {"on_track": 1, "lagging": 1, "seriously_lagging": 0, "overdue": 1, "completed": 1}


def county_borders() -> list[dict]:
    """geo_region rows for the two counties: their real polygons, as the demo ships them."""
    shipped = json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))
    codes = {code for code, _, _, level, *_ in REGIONS if level == "county"}
    return [{"region_code": f["id"], "geometry_wkt": shapely.geometry.shape(f["geometry"]).wkt}
            for f in shipped["features"] if f["id"] in codes]


def build_tiny_warehouse(url: str, *, without: tuple[str, ...] = ()) -> None:
    """Create the contract tables at `url` (less those in `without`) and fill the rows above."""
    engine = sa.create_engine(url)
    tables = [t for t in [*metadata.sorted_tables, geo_region] if t.name not in without]
    for table in tables:
        table.create(engine, checkfirst=True)
    present = {t.name for t in tables}
    with engine.begin() as conn:
        def insert(name: str, rows: list[dict]) -> None:
            if name in present and rows:
                conn.execute(next(t for t in tables if t.name == name).insert(), rows)

        insert("geo_region", county_borders())

        insert("dim_region", [dict(zip(("region_code", "name", "name_en", "level", "parent_code", "lon", "lat"), r))
                              for r in REGIONS])
        insert("dim_indicator", [dict(zip(("indicator_code", "name", "name_en", "category", "unit", "frequency",
                                           "cumulative", "higher_is_better", "headline", "display_order"), r))
                                 for r in INDICATORS])
        insert("fact_indicator", [dict(zip(("indicator_code", "region_code", "period", "value", "target",
                                            "yoy_pct", "updated_at"), r)) for r in FACTS])
        insert("fact_alert", [dict(zip(("alert_id", "category", "level", "title", "region_code",
                                        "occurred_at", "status"), r)) for r in ALERTS])
        insert("dim_project", [{"project_code": code, "name": f"项目{code}", "category": "transport",
                                "region_code": region, "start_date": "2025-01-01", "planned_end_date": end,
                                "total_investment": 10000.0} for code, region, end, _, _ in PROJECTS])
        insert("fact_project_progress", [
            {"project_code": code, "period": "2026-10", "planned_progress_pct": planned,
             "actual_progress_pct": actual, "planned_investment_cum": 5000.0, "actual_investment_cum": 4000.0}
            for code, _, _, planned, actual in PROJECTS] + [
            {"project_code": "P1", "period": "2026-09", "planned_progress_pct": 45.0,
             "actual_progress_pct": 20.0, "planned_investment_cum": 4000.0, "actual_investment_cum": 1000.0}])
    engine.dispose()
