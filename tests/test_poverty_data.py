"""Poverty-relapse figures against a hand computation (tests/poverty_warehouse.py), on SQLite and
PostgreSQL: counts by status per child region in SQL, unplaced households, bad rows counted and
left out, risk types, the income histogram, and the masked list."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.config_poverty import PovertySettings
from datasources.cache import make_cache
from datasources.warehouse import Warehouse
from services.poverty import household_list, region_overview, summary_rows
from tests.conftest import ENGINES, built_warehouse
from tests.poverty_warehouse import (
    A1,
    A2,
    B1,
    CITY,
    LISHI,
    TOWN_A,
    TOWN_B,
    XIAOYI,
    build_poverty_warehouse,
    household_code,
)

SETTINGS = PovertySettings()  # 7,000 元; bins of 1,000 up to 30,000


@pytest.fixture(scope="module", params=ENGINES)
def wh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    with built_warehouse(request.param, build_poverty_warehouse, tmp_path_factory, "poverty") as url:
        warehouse = Warehouse(url, cache=make_cache(None), ttl_s={}, stale_keep_s=60)
        yield warehouse
        warehouse.engine.dispose()


def _counts(frame, code: str) -> tuple[int, ...]:
    row = frame[frame["region_code"] == code].iloc[0]
    return tuple(int(row[c]) for c in ("at_risk", "monitored", "stable", "risk_eliminated", "total"))


def test_the_city_counts_its_counties_by_status_and_leaves_bad_rows_out(wh: Warehouse) -> None:
    view = region_overview(wh, CITY, SETTINGS)
    assert view is not None
    assert dict(view.totals) == {"stable": 5, "monitored": 2, "at_risk": 4, "risk_eliminated": 1, "total": 12}
    assert view.at_risk_share_pct == pytest.approx(100 / 3)
    assert _counts(view.children, LISHI) == (3, 2, 4, 1, 10)
    assert _counts(view.children, XIAOYI) == (1, 0, 1, 0, 2)
    assert view.children.set_index("region_code")["at_risk_share_pct"].to_dict() == {LISHI: 30.0, XIAOYI: 50.0}
    assert view.unplaced == 0
    assert dict(view.quality) == {"unknown_region": 1, "unknown_status": 1, "negative_income": 1, "null_value": 0,
                                  "duplicate": 0}
    assert summary_rows(view) == [
        {"region_code": LISHI, "region_name": "离石区", "stable": 4, "monitored": 2, "at_risk": 3,
         "risk_eliminated": 1, "total": 10},
        {"region_code": XIAOYI, "region_name": "孝义市", "stable": 1, "monitored": 0, "at_risk": 1,
         "risk_eliminated": 0, "total": 2}]


def test_a_county_counts_its_townships_a_township_its_villages(wh: Warehouse) -> None:
    county = region_overview(wh, LISHI, SETTINGS)
    assert _counts(county.children, TOWN_A) == (3, 1, 2, 1, 7)  # H10 at the township belongs to it
    assert _counts(county.children, TOWN_B) == (0, 1, 2, 0, 3)
    assert county.unplaced == 0 and county.quality["unknown_region"] == 1
    town = region_overview(wh, TOWN_A, SETTINGS)
    assert _counts(town.children, A1) == (1, 1, 1, 1, 4)
    assert _counts(town.children, A2) == (1, 0, 1, 0, 2)
    assert town.totals["total"] == 7 and town.unplaced == 1  # H10: in no village
    village = region_overview(wh, A1, SETTINGS)
    assert village.children.empty and village.unplaced == 0
    assert village.totals["total"] == 4 and village.at_risk_share_pct == 25.0
    assert village.quality["unknown_status"] == 1  # H14 sits in A1
    assert region_overview(wh, "141102100299", SETTINGS) is None  # H13's village is unknown


def test_risk_types_and_the_income_histogram(wh: Warehouse) -> None:
    view = region_overview(wh, CITY, SETTINGS)
    risks = view.risk_types.set_index("risk_type")
    assert list(risks.index) == ["illness", "disability", "disaster", "unemployment"]
    assert risks.loc["illness"].to_dict() == {"at_risk": 2, "monitored": 1, "total": 3}
    hist = view.histogram.set_index("bin")
    assert len(hist) == 31 and hist["total"].sum() == 11  # H9's negative income left out
    assert hist.loc[6, "at_risk"] == 1 and hist.loc[6, "monitored"] == 1  # H11 6,000 and H2 6,800
    assert hist.loc[7, "monitored"] == 1  # H7 at exactly 7,000: not below the threshold
    assert hist.loc[30, "stable"] == 1 and hist.loc[30, "low"] == 30000  # H12 35,000 in the open last bin
    below = hist.loc[hist["high"] <= SETTINGS.threshold_yuan_per_person, "total"].sum()
    assert below == 5


def test_the_followed_up_list_is_masked_ordered_and_paged(wh: Warehouse) -> None:
    rows, total = household_list(wh, LISHI, ("at_risk", "monitored"), 10, 0, personal_data=False)
    assert total == 5
    assert [r["household_code"] for r in rows] == [household_code(h) for h in ("H10", "H1", "H5", "H2", "H7")]
    first = rows[1]
    assert (first["head_name"], first["id_number"], first["region_name"]) == ("张*", "1411**********1234", "枣家头村")
    assert (first["members"], first["income_per_capita"], first["risk_type"]) == (3, 4500.0, "illness")
    assert rows[3]["head_name"] == "李**"
    page, total = household_list(wh, LISHI, ("at_risk", "monitored"), 2, 2, personal_data=False)
    assert total == 5 and [r["household_code"] for r in page] == [household_code("H5"), household_code("H2")]
    full, _ = household_list(wh, LISHI, ("at_risk",), 10, 0, personal_data=True)
    assert [(r["head_name"], r["id_number"]) for r in full][1] == ("张三", "141102199001011234")
    stable, total = household_list(wh, B1, ("stable",), 10, 0, personal_data=False)
    assert total == 2 and [r["income_per_capita"] for r in stable] == [None, 20000.0]  # −100: shown as missing
