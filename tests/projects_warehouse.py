"""A hand-made key-projects warehouse: nine projects whose figures are computed by hand below,
bad rows included (progress over 100, a planned end before the start, no report at all, a report
for an unknown project, a history row below 0), and a project without milestones.

`build_projects_warehouse(url, extra=N)` adds N generated projects (for the 2,000-project grid
benchmark); the hand figures hold only with extra=0.
"""
from __future__ import annotations

import sqlalchemy as sa

from demo.schema import geo_region, metadata
from tests.tiny_warehouse import REGIONS, county_borders

LISHI, XIAOYI, CITY = "141102", "141181", "141100"
PROJECTS = [
    # code, name, category, level, region, dept, start, planned end, total, lon, lat,
    # planned %, actual %, planned invest cum, actual invest cum   (state on 2026-11-22)
    ("P01", "离石大道改造", "transport", "municipal", LISHI, "交通运输局", "2025-01-01", "2027-12-31", 1000.0,
     111.15, 37.52, 60.0, 57.0, 600.0, 570.0),    # on_track, lag 3
    ("P02", "东川河治理", "water", "county", LISHI, "水利局", "2025-01-01", "2027-12-31", 1000.0,
     111.16, 37.53, 50.0, 40.0, 500.0, 400.0),    # lagging, lag 10
    ("P03", "孝义高速连接线", "transport", "provincial", XIAOYI, "交通运输局", "2025-01-01", "2027-12-31", 2000.0,
     111.78, 37.14, 70.0, 40.0, 700.0, 300.0),    # seriously_lagging, lag 30
    ("P04", "孝义铝材产业园", "industry", "municipal", XIAOYI, "工业和信息化局", "2024-01-01", "2026-06-30",
     1000.0, 111.79, 37.15, 100.0, 90.0, 1000.0, 850.0),  # overdue, lag 10
    ("P05", "孝义煤化工升级", "industry", "county", XIAOYI, "工业和信息化局", "2024-01-01", "2026-06-30",
     800.0, 111.77, 37.13, 100.0, 100.0, 800.0, 800.0),   # completed
    ("P06", "离石老旧小区改造", "urban", "municipal", LISHI, "住房和城乡建设局", "2025-01-01", "2027-12-31",
     1000.0, 111.14, 37.51, 80.0, 60.0, 400.0, 200.0),    # seriously_lagging, lag 20
    ("P07", "离石养老中心", "livelihood", "county", LISHI, "民政局", "2028-06-01", "2027-12-31", 500.0,
     111.13, 37.50, 10.0, 9.0, 100.0, 90.0),      # on_track, lag 1; planned end before start
    ("P08", "孝义水库加固", "water", "provincial", XIAOYI, "水利局", "2025-01-01", "2027-12-31", 600.0,
     111.80, 37.16, 50.0, 120.0, 300.0, 310.0),   # progress 120: invalid, out of state counts
    ("P09", "离石光伏电站", "energy", "county", LISHI, "能源局", "2026-01-01", "2027-12-31", 900.0,
     None, None, None, None, None, None),         # no report at all
]
# By hand, today 2026-11-22, default thresholds 5 / 15 points.
EXPECTED_STATES = {"on_track": 2, "lagging": 1, "seriously_lagging": 2, "overdue": 1, "completed": 1}
EXPECTED_STATES_LISHI = {"on_track": 2, "lagging": 1, "seriously_lagging": 1, "overdue": 0, "completed": 0}
EXPECTED_RED_LIST = ["P03", "P06", "P04"]  # lag 30, 20, 10
# Investment to date: every project with a report (P01–P08): planned 4,400, actual 3,520 → 80 %.
EXPECTED_INVESTMENT = {"planned": 4400.0, "actual": 3520.0, "pct": 80.0, "projects": 8}
EXPECTED_BY_CATEGORY = {  # key: (planned, actual)
    "transport": (1300.0, 870.0), "water": (800.0, 710.0), "industry": (1800.0, 1650.0),
    "urban": (400.0, 200.0), "livelihood": (100.0, 90.0)}
EXPECTED_BY_COUNTY = {LISHI: (1600.0, 1260.0), XIAOYI: (2800.0, 2260.0)}
EXPECTED_BY_LEVEL = {"municipal": (2000.0, 1620.0), "county": (1400.0, 1290.0), "provincial": (1000.0, 610.0)}
EXPECTED_SKIPPED = {"out_of_range": 1, "no_report": 1, "bad_dates": 1, "unknown_project": 1}

# P03's history (three reports, notes) and P01's earlier report with progress below 0.
HISTORY = [
    ("P03", "2026-08", 50.0, 30.0, 500.0, 200.0, "征地拆迁滞后"),
    ("P03", "2026-09", 60.0, 35.0, 600.0, 250.0, None),
    ("P01", "2026-09", 55.0, -5.0, 550.0, 500.0, None),
    ("PX99", "2026-10", 10.0, 5.0, 10.0, 5.0, None),  # a report for a project dim_project lacks
]
LATEST_NOTE = ("P03", "2026-10", "隧道施工遇断层，已调整方案")
MILESTONES = [
    # P03: done on time, done 15 days late, late and not done, not yet due. P01 has none.
    ("P03", 1, "项目立项批复", "2025-01-15", "2025-01-10"),
    ("P03", 2, "开工建设", "2025-03-01", "2025-03-16"),
    ("P03", 3, "路基完工", "2026-09-30", None),
    ("P03", 4, "竣工验收", "2027-12-31", None),
]


def _generated(n: int) -> list[tuple]:
    """N more projects spread over both counties and every state (for the grid benchmark)."""
    categories = ("transport", "water", "industry", "livelihood", "energy", "urban")
    rows = []
    for i in range(n):
        county, lon, lat = (LISHI, 111.15, 37.52) if i % 2 else (XIAOYI, 111.78, 37.14)
        planned = 20.0 + (i * 7) % 80
        actual = max(0.0, planned - (i * 3) % 40)
        rows.append((f"G{i:05d}", f"生成项目{i:05d}号工程", categories[i % 6],
                     ("provincial", "municipal", "county")[i % 3], county, f"部门{i % 12:02d}",
                     "2025-01-01", "2026-06-30" if i % 9 == 0 else "2027-12-31", 1000.0 + i,
                     lon + (i % 50) * 0.002, lat + (i % 37) * 0.002, planned, actual, planned * 10, actual * 10))
    return rows


def build_projects_warehouse(url: str, extra: int = 0) -> None:
    """Create the contract tables at `url` and fill the projects above (plus `extra` generated ones)."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    geo_region.create(engine, checkfirst=True)
    rows = PROJECTS + _generated(extra)
    with engine.begin() as conn:
        conn.execute(metadata.tables["dim_region"].insert(), [
            dict(zip(("region_code", "name", "name_en", "level", "parent_code", "lon", "lat"), r)) for r in REGIONS])
        conn.execute(geo_region.insert(), county_borders())
        conn.execute(metadata.tables["dim_project"].insert(), [
            dict(zip(("project_code", "name", "category", "level", "region_code", "owner_dept", "start_date",
                      "planned_end_date", "total_investment", "lon", "lat"), r[:11])) for r in rows])
        latest = [{"project_code": r[0], "period": "2026-10", "planned_progress_pct": r[11],
                   "actual_progress_pct": r[12], "planned_investment_cum": r[13], "actual_investment_cum": r[14],
                   "note": LATEST_NOTE[2] if r[0] == LATEST_NOTE[0] else None}
                  for r in rows if r[11] is not None]
        earlier = [dict(zip(("project_code", "period", "planned_progress_pct", "actual_progress_pct",
                             "planned_investment_cum", "actual_investment_cum", "note"), h)) for h in HISTORY]
        conn.execute(metadata.tables["fact_project_progress"].insert(), latest + earlier)
        conn.execute(metadata.tables["fact_project_milestone"].insert(), [
            dict(zip(("project_code", "seq", "name", "planned_date", "actual_date"), m)) for m in MILESTONES])
    engine.dispose()
