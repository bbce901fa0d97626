"""A hand-made warehouse for poverty-relapse monitoring: every expected number can be worked out by hand.

Regions: city 141100 › counties 离石区 141102 and 孝义市 141181 › townships 141102100 (A),
141102101 (B), 141181100 (C) › villages A1 141102100200, A2 141102100201, B1 141102101200,
C1 141181100200.

Households (income per person in 元; the threshold is 7,000):
    H1  A1  张三      at_risk          4,500  illness       ID 141102199001011234
    H2  A1  李小四    monitored        6,800  disability
    H3  A1  王五      stable          15,000
    H4  A1  欧阳娜娜  risk_eliminated  9,000  illness
    H5  A2  赵六      at_risk          5,200  disaster
    H6  A2  刘七      stable          12,000
    H7  B1  陈八      monitored        7,000  illness       (at the threshold: not below it)
    H8  B1  孙九      stable          20,000
    H9  B1  周十      stable            −100                (negative income: counted, income "—")
    H10 A   吴一      at_risk          3,000  unemployment  (recorded at township A, in no village)
    H11 C1  郑二      at_risk          6,000  illness
    H12 C1  冯三      stable          35,000                (above the histogram's top: the last bin)
Bad rows: H13 in the unknown village 141102100299 (left out, unknown_region), H14 in A1 with the
status `escaped` (left out, unknown_status), H15 in 149999000000, outside the city (never seen).

By hand:
    city 141100: 12 households; at_risk 4, monitored 2, stable 5, risk_eliminated 1; share 33.3 %
        离石区 10 (3, 2, 4, 1; 30 %), 孝义市 2 (1, 0, 1, 0; 50 %); skipped: 1 unknown region,
        1 unknown status, 1 negative income
    离石区: A 7 (at_risk 3 = H1 H5 H10, monitored 1, stable 2, eliminated 1), B 3 (0, 1, 2, 0)
    township A: A1 4 (1, 1, 1, 1), A2 2 (1, 0, 1, 0), unplaced 1 (H10)
    village A1: 4 households, at-risk share 25 %
    incomes below 7,000 in the city: H1 H2 H5 H10 H11 = 5; in the histogram 11 (H9 left out)
    risk types in the city (at_risk + monitored): illness 3 (2 + 1), disability 1, disaster 1,
        unemployment 1
    followed-up list of 离石区: H10 3,000, H1 4,500, H5 5,200 (at risk, by income), then H2 6,800,
        H7 7,000 (monitored)
"""
from __future__ import annotations

import sqlalchemy as sa

from demo.schema import metadata

CITY, LISHI, XIAOYI = "141100", "141102", "141181"
TOWN_A, TOWN_B, TOWN_C = "141102100", "141102101", "141181100"
A1, A2, B1, C1 = "141102100200", "141102100201", "141102101200", "141181100200"

REGIONS = [
    (CITY, "吕梁市", "Lüliang Shi", "city", None),
    (LISHI, "离石区", "Lishi Qu", "county", CITY),
    (XIAOYI, "孝义市", "Xiaoyi Shi", "county", CITY),
    (TOWN_A, "武沟镇", "Wugou Zhen", "township", LISHI),
    (TOWN_B, "任洼镇", "Renwa Zhen", "township", LISHI),
    (TOWN_C, "梧桐镇", "Wutong Zhen", "township", XIAOYI),
    (A1, "枣家头村", "Zaojiatou Cun", "village", TOWN_A),
    (A2, "枣家口村", "Zaojiakou Cun", "village", TOWN_A),
    (B1, "大坪村", "Daping Cun", "village", TOWN_B),
    (C1, "下堡村", "Xiabao Cun", "village", TOWN_C),
]
STAMP = "2026-10-20T00:00:00Z"
HOUSEHOLDS = [
    # code, region, head, id, members, income, status, risk, measures
    ("H1", A1, "张三", "141102199001011234", 3, 4500.0, "at_risk", "illness", "医疗救助、临时救助"),
    ("H2", A1, "李小四", "141102198502025678", 4, 6800.0, "monitored", "disability", "残疾人两项补贴"),
    ("H3", A1, "王五", "141102197003031111", 2, 15000.0, "stable", None, None),
    ("H4", A1, "欧阳娜娜", "141102196004042222", 5, 9000.0, "risk_eliminated", "illness", "医疗救助"),
    ("H5", A2, "赵六", "141102195505053333", 2, 5200.0, "at_risk", "disaster", "危房改造"),
    ("H6", A2, "刘七", "141102198806064444", 3, 12000.0, "stable", None, None),
    ("H7", B1, "陈八", "141102199207075555", 4, 7000.0, "monitored", "illness", "医疗救助"),
    ("H8", B1, "孙九", "141102197808086666", 3, 20000.0, "stable", None, None),
    ("H9", B1, "周十", "141102196609097777", 1, -100.0, "stable", None, None),
    ("H10", TOWN_A, "吴一", "141102199910108888", 2, 3000.0, "at_risk", "unemployment", "公益性岗位"),
    ("H11", C1, "郑二", "141181198111119999", 4, 6000.0, "at_risk", "illness", "低保兜底"),
    ("H12", C1, "冯三", "141181197512120000", 3, 35000.0, "stable", None, None),
    ("H13", "141102100299", "钱多", "141102199001010000", 2, 4000.0, "at_risk", "illness", None),
    ("H14", A1, "孔乙", "141102199001010001", 2, 4000.0, "escaped", None, None),
    ("H15", "149999000000", "外地", "149999199001010002", 2, 4000.0, "at_risk", "illness", None),
]


def household_code(label: str) -> str:
    """The household_code of H1 … H15: its region code and the label's number, 4 digits."""
    row = next(h for h in HOUSEHOLDS if h[0] == label)
    return row[1] + f"{int(label[1:]):04d}"


def build_poverty_warehouse(url: str) -> None:
    """Create the contract tables at `url` and fill the regions and households above."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(metadata.tables["dim_region"].insert(), [
            dict(zip(("region_code", "name", "name_en", "level", "parent_code"), r)) for r in REGIONS])
        conn.execute(metadata.tables["fact_household"].insert(), [
            {"household_code": household_code(h[0]), "region_code": h[1], "head_name": h[2], "id_number": h[3],
             "members": h[4], "income_per_capita": h[5], "monitor_status": h[6], "risk_type": h[7],
             "measures": h[8], "updated_at": STAMP} for h in HOUSEHOLDS])
    engine.dispose()
