"""A hand-made warehouse for the economy page: every expected number can be worked out by hand.

GDP (quarterly, year-to-date, target) of 吕梁市 141100:
    year   Q1   Q2   Q3   Q4     Dec/Sep
    2023   25   50   80   112    1.4
    2024   26   —    80   120    1.5      (2024-06 missing: a gap, not a zero)
    2025   30   62  100   130    1.3
    2026   31   60   90    —     target 140
At 2026-09: completion 90/140 = 64.29 %, time progress 75 %, trailing (margin 5); YoY −2.0 after
+1.5 (turned negative, −3.5 points); same period a year before 100. Forecast: 90 × mean(1.4, 1.5,
1.3) = 126, range 117–135, a miss by 14.
Counties at 2026-09 (value, target, yoy): 离石区 50/70/+3.0 (71.43 %), 孝义市 45/60/−1.0 (75 %),
石楼县 no data. By value and by YoY 离石区 leads; by completion 孝义市 does.
RETAIL has only 2025 and 2026: too little history for a forecast. UNEMP is a rate (lower is
better) that rose from −0.1 to +0.3 YoY.
"""
from __future__ import annotations

import sqlalchemy as sa

from demo.schema import metadata

CITY, LISHI, XIAOYI, SHILOU = "141100", "141102", "141181", "141126"
TOWN_A, TOWN_B = "141102001", "141102002"

REGIONS = [
    (CITY, "吕梁市", "Lüliang", "city", None, 111.5, 37.5),
    (LISHI, "离石区", "Lishi", "county", CITY, 111.25, 37.25),
    (XIAOYI, "孝义市", "Xiaoyi", "county", CITY, 111.75, 37.25),
    (SHILOU, "石楼县", "Shilou", "county", CITY, 112.25, 37.25),
    (TOWN_A, "莲花池街道", "Lianhuachi", "township", LISHI, 111.125, 37.25),
    (TOWN_B, "滨河街道", "Binhe", "township", LISHI, 111.375, 37.25),
]


def _square(x0: float, x1: float, y0: float = 37.0, y1: float = 37.5) -> str:
    return f"POLYGON(({x0} {y0}, {x0} {y1}, {x1} {y1}, {x1} {y0}, {x0} {y0}))"


GEOMETRY = [(LISHI, _square(111.0, 111.5)), (XIAOYI, _square(111.5, 112.0)), (SHILOU, _square(112.0, 112.5)),
            (TOWN_A, _square(111.0, 111.25)), (TOWN_B, _square(111.25, 111.5))]

INDICATORS = [
    # code, name, name_en, category, unit, frequency, cumulative, higher_is_better, headline, order
    ("GDP", "地区生产总值", "GDP", "economy", "亿元", "quarter", 1, 1, 1, 1),
    ("RETAIL", "社会消费品零售总额", "Retail sales", "economy", "亿元", "month", 1, 1, 1, 2),
    ("UNEMP", "城镇调查失业率", "Unemployment", "livelihood", "%", "month", 0, 0, 1, 3),
]
GDP_CITY = {
    # period: (value, target, yoy)
    "2023-03": (25, 105, 4.0), "2023-06": (50, 105, 4.1), "2023-09": (80, 105, 4.2), "2023-12": (112, 105, 4.3),
    "2024-03": (26, 118, 4.0), "2024-09": (80, 118, 3.0), "2024-12": (120, 118, 3.5),
    "2025-03": (30, 126, 5.0), "2025-06": (62, 126, 5.1), "2025-09": (100, 126, 5.2), "2025-12": (130, 126, 5.3),
    "2026-03": (31, 140, 1.0), "2026-06": (60, 140, 1.5), "2026-09": (90, 140, -2.0),
}
STAMP = "2026-10-20T00:00:00Z"
FACTS = (
    [("GDP", CITY, p, v, tg, y, STAMP) for p, (v, tg, y) in GDP_CITY.items()]
    + [("GDP", LISHI, "2026-09", 50.0, 70.0, 3.0, STAMP),
       ("GDP", LISHI, "2026-09", 10.0, 70.0, 9.9, "2026-10-01T00:00:00Z"),  # older duplicate: dropped
       ("GDP", XIAOYI, "2026-09", 45.0, 60.0, -1.0, STAMP),
       ("GDP", LISHI, "2025-09", 48.0, 66.0, 2.0, STAMP),
       ("GDP", XIAOYI, "2025-09", 46.0, 55.0, 1.0, STAMP),
       ("GDP", TOWN_A, "2026-09", 30.0, 40.0, 2.5, STAMP),
       ("GDP", TOWN_B, "2026-09", 20.0, 30.0, 3.5, STAMP),
       ("GDP", TOWN_B, "2026-06", -5.0, 30.0, None, STAMP),  # out of range: skipped
       ("GDP", "141199", "2026-09", 7.0, None, None, STAMP)]  # unknown region: never shown
    + [("RETAIL", CITY, f"2025-{m:02d}", 10.0 * m, 110.0, 5.0, STAMP) for m in range(1, 13)]
    + [("RETAIL", CITY, f"2026-{m:02d}", 11.0 * m, 130.0, 10.0, STAMP) for m in range(1, 10)]
    + [("UNEMP", CITY, "2026-08", 5.0, None, -0.1, STAMP), ("UNEMP", CITY, "2026-09", 5.2, None, 0.3, STAMP)]
)


def build_economy_warehouse(url: str, *, with_geometry: bool = True) -> None:
    """Create the contract tables at `url` and fill the rows above (geo_region when asked)."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    geo = sa.Table("geo_region", sa.MetaData(), sa.Column("region_code", sa.String(12), primary_key=True),
                   sa.Column("geometry_wkt", sa.Text))
    if with_geometry:
        geo.create(engine)
    with engine.begin() as conn:
        conn.execute(metadata.tables["dim_region"].insert(), [
            dict(zip(("region_code", "name", "name_en", "level", "parent_code", "lon", "lat"), r)) for r in REGIONS])
        conn.execute(metadata.tables["dim_indicator"].insert(), [
            dict(zip(("indicator_code", "name", "name_en", "category", "unit", "frequency", "cumulative",
                      "higher_is_better", "headline", "display_order"), r)) for r in INDICATORS])
        conn.execute(metadata.tables["fact_indicator"].insert(), [
            dict(zip(("indicator_code", "region_code", "period", "value", "target", "yoy_pct", "updated_at"), r))
            for r in FACTS])
        if with_geometry:
            conn.execute(geo.insert(), [{"region_code": c, "geometry_wkt": w} for c, w in GEOMETRY])
    engine.dispose()
