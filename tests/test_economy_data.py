"""Economy data functions and API against hand-computed numbers (tests/economy_warehouse.py)."""
from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd
import pytest
from flask_caching.backends import SimpleCache

from app import create_app
from components.economy_export import export_table
from core.periods import expected_periods, shift_period
from datasources.economy import indicator_values
from datasources.indicators import catalogue
from datasources.warehouse import Warehouse
from services.economy import (
    CHARTS,
    chart_data,
    children_comparison,
    compare,
    economy_warnings,
    forecast_for,
    headline,
    trend_frame,
    year_changes,
)
from tests.conftest import ADMIN_PASSWORD, WAREHOUSE_ENGINES, built_warehouse
from tests.economy_warehouse import CITY, LISHI, SHILOU, TOWN_A, TOWN_B, XIAOYI, build_economy_warehouse

TTL = {"regions": 60, "indicators": 60}


@pytest.fixture(params=WAREHOUSE_ENGINES, scope="module")
def econ_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with built_warehouse(request.param, build_economy_warehouse, tmp_path_factory, "econ") as url:
        yield url


@pytest.fixture
def wh(econ_url: str) -> Warehouse:
    return Warehouse(econ_url, cache=SimpleCache(), ttl_s=TTL, stale_keep_s=3600, statement_timeout_s=10)


def indicator(wh: Warehouse, code: str) -> dict:
    cat = catalogue(wh)
    return cat[cat["indicator_code"] == code].iloc[0].to_dict()


def test_periods_arithmetic():
    assert shift_period("2026-01", -1) == "2025-12"
    assert shift_period("2026-09", -12) == "2025-09"
    assert expected_periods("2025-11", "2026-02", "month") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert expected_periods("2025-01", "2025-12", "quarter") == ["2025-03", "2025-06", "2025-09", "2025-12"]


def test_headline_numbers_match_hand_computation(wh):
    gdp = indicator(wh, "GDP")
    series = indicator_values(wh, "GDP", (CITY,))
    head = headline(series, "2026-09", gdp, margin_pts=5)
    assert head.value == 90 and head.value_last_year == 100 and head.target == 140
    assert head.completion_pct == pytest.approx(90 / 140 * 100)  # 64.29 %
    assert head.time_progress_pct == pytest.approx(75.0)
    assert head.trailing is True
    assert head.yoy_pct == -2.0 and head.previous_period == "2026-06" and head.yoy_previous_pct == 1.5
    assert head.yoy_change_pts == pytest.approx(-3.5)
    # With a margin of 11 points, 10.7 points behind is within it.
    assert headline(series, "2026-09", gdp, margin_pts=11).trailing is False


def test_missing_period_is_a_gap_not_a_zero(wh):
    gdp = indicator(wh, "GDP")
    frame = trend_frame(indicator_values(wh, "GDP", (CITY,)), "2026-09", "quarter", True)
    assert list(frame["period"])[:6] == ["2023-03", "2023-06", "2023-09", "2023-12", "2024-03", "2024-06"]
    gap = frame[frame["period"] == "2024-06"].iloc[0]
    assert math.isnan(gap["value"]) and math.isnan(gap["completion_pct"])
    assert frame["period"].iloc[-1] == "2026-09"
    assert gdp["cumulative"]


def test_forecast_on_the_warehouse(wh):
    gdp = indicator(wh, "GDP")
    f = forecast_for(indicator_values(wh, "GDP", (CITY,)), "2026-09", gdp)
    assert f.projected == pytest.approx(126) and f.low == pytest.approx(117) and f.high == pytest.approx(135)
    assert f.gap == pytest.approx(-14) and f.reaches_target is False
    retail = indicator(wh, "RETAIL")
    assert forecast_for(indicator_values(wh, "RETAIL", (CITY,)), "2026-09", retail).reason == "too_little_history"
    unemp = indicator(wh, "UNEMP")
    assert forecast_for(indicator_values(wh, "UNEMP", (CITY,)), "2026-09", unemp).reason == "not_cumulative"


@pytest.mark.parametrize(("measure", "order"), [
    ("value", [LISHI, XIAOYI, SHILOU]),
    ("yoy_pct", [LISHI, XIAOYI, SHILOU]),
    ("completion_pct", [XIAOYI, LISHI, SHILOU]),
])
def test_children_ranking_order(wh, measure, order):
    ranked = children_comparison(wh, CITY, indicator(wh, "GDP"), "2026-09", measure)
    assert list(ranked["region_code"]) == order
    assert list(ranked["rank"].astype("float").fillna(0)) == [1, 2, 0]  # 石楼县: no data, not ranked
    row = ranked.set_index("region_code").loc[LISHI]
    assert row["value"] == 50  # the newer of the two duplicate rows
    assert row["value_last_year"] == 48
    assert row["completion_pct"] == pytest.approx(50 / 70 * 100)
    assert ranked.attrs["skipped"]["duplicate"] == 1


def test_lower_is_better_ranks_smallest_first():
    kids = pd.DataFrame({"region_code": ["A", "B", "C"], "name": ["甲", "乙", "丙"], "name_en": [None] * 3})
    rows = pd.DataFrame({"region_code": ["A", "B", "C"], "period": ["2026-09"] * 3, "value": [5.5, 4.8, None],
                         "target": [None] * 3, "yoy_pct": [0.2, -0.3, None]})
    rate = {"indicator_code": "UNEMP", "cumulative": False, "higher_is_better": False}
    ranked = compare(kids, rows, "2026-09", rate, "value")
    assert list(ranked["region_code"]) == ["B", "A", "C"]
    assert ranked["rank"].tolist()[:2] == [1, 2] and pd.isna(ranked["rank"].iloc[2])
    assert ranked["completion_pct"].isna().all()  # no target: no completion, no division by zero


def test_out_of_range_values_are_skipped_and_counted(wh):
    rows = indicator_values(wh, "GDP", (TOWN_A, TOWN_B))
    assert set(rows["period"]) == {"2026-09"}
    assert rows.attrs["skipped"]["out_of_range"] == 1


def test_warnings(wh):
    warnings = economy_warnings(wh, CITY, None, 5).to_dict("records")
    kinds = {(w["kind"], w["indicator_code"]) for w in warnings}
    # UNEMP is a rate: it compares in points with a year before, and there is no 2025 value, so
    # its warehouse YoY (−0.1 → +0.3) turns nothing (year_changes below).
    assert kinds == {("yoy_turned", "GDP"), ("trailing", "GDP"), ("projected_miss", "GDP")}
    miss = next(w for w in warnings if w["kind"] == "projected_miss")
    assert miss["gap"] == pytest.approx(-14)
    turned = next(w for w in warnings if w["kind"] == "yoy_turned")
    assert (turned["yoy_previous_pct"], turned["yoy_pct"], turned["change_kind"]) == (1.5, -2.0, "pct")


def _series(rows: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"period": list(rows), "value": list(rows.values()), "target": None,
                         "yoy_pct": [9.9] * len(rows)})  # a warehouse YoY the rules must not use for a rate


def test_year_changes_by_kind():
    rate = {"indicator_code": "U", "name": "城镇调查失业率", "name_en": "", "unit": "%", "comparison": "pp",
            "cumulative": False, "higher_is_better": False}
    series = _series({"2025-08": 5.1, "2025-09": 5.0, "2026-08": 5.0, "2026-09": 5.2})
    head = headline(series, "2026-09", rate, 5)
    # Points: now 5.2 − 5.0 = +0.2, before 5.0 − 5.1 = −0.1: rising, bad for unemployment.
    now, before, kind = year_changes(series, head, rate)
    assert (now, before, kind) == (pytest.approx(0.2), pytest.approx(-0.1), "pp")
    growth = rate | {"name": "规模以上工业增加值增速", "higher_is_better": True}
    series = _series({"2026-08": 6.0, "2026-09": -0.5})
    # A growth rate is a change already: its own values, 6.0 then −0.5, turned negative.
    assert year_changes(series, headline(series, "2026-09", growth, 5), growth) == (-0.5, 6.0, "pct")


def test_bottom_three_need_more_than_three_ranked_children(wh):
    # Townships of 离石区: two ranked, so no "bottom three" warning; the county's own warnings remain.
    # 离石区 is 71.4 % done at 75 % of the year: within a 5-point margin, behind a 3-point one.
    assert economy_warnings(wh, LISHI, None, 5).empty
    warnings = economy_warnings(wh, LISHI, None, 3)
    assert list(warnings["kind"]) == ["trailing"]


@pytest.fixture
def client(econ_url, make_config):
    app = create_app(make_config(econ_url))
    test_client = app.server.test_client()
    response = test_client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code in (302, 303)
    return test_client


def test_api_catalogue(client):
    body = client.get("/api/v1/indicators").get_json()
    assert [i["indicator_code"] for i in body["indicators"]] == ["GDP", "RETAIL", "UNEMP"]
    assert body["indicators"][0]["unit"] == "亿元" and body["indicators"][0]["cumulative"] is True


def test_api_values_of_a_region(client):
    body = client.get("/api/v1/indicators/GDP/values?region=141100&start=2026-01&end=2026-12").get_json()
    assert [r["period"] for r in body["rows"]] == ["2026-03", "2026-06", "2026-09"]
    last = body["rows"][-1]
    assert last == {"region_code": CITY, "region_name": "吕梁市", "period": "2026-09", "value": 90.0,
                    "target": 140.0, "yoy_pct": -2.0, "completion_pct": pytest.approx(90 / 140 * 100)}


def test_api_values_of_children(client):
    body = client.get("/api/v1/indicators/GDP/values?region=141100&children=1&start=2026-09&end=2026-09").get_json()
    assert {r["region_code"]: r["value"] for r in body["rows"]} == {LISHI: 50.0, XIAOYI: 45.0}
    assert body["skipped"]["duplicate"] == 1
    no_target = client.get("/api/v1/indicators/UNEMP/values?region=141100").get_json()
    assert all(r["completion_pct"] is None for r in no_target["rows"])
    empty = client.get(f"/api/v1/indicators/GDP/values?region={TOWN_A}&children=1").get_json()
    assert empty["rows"] == []


@pytest.mark.parametrize(("query", "status"), [
    ("/api/v1/indicators/NOPE/values", 404),
    ("/api/v1/indicators/GDP/values?region=999999", 404),
    ("/api/v1/indicators/GDP/values?region=abc", 400),
    ("/api/v1/indicators/GDP/values?start=2026-13", 400),
    ("/api/v1/indicators/GDP/values?end=26-01", 400),
    ("/api/v1/indicators/GDP/values?start=2026-09&end=2026-01", 400),
    ("/api/v1/indicators/GDP/values?children=yes", 400),
])
def test_api_bad_parameters(client, query, status):
    response = client.get(query)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status


def test_every_chart_exports_its_data_with_units_in_the_headers(wh):
    gdp = indicator(wh, "GDP")
    tables = {chart: export_table(chart, chart_data(wh, gdp, CITY, "2026-09", "completion_pct", chart, 5), gdp,
                                  "吕梁市", "zh") for chart in CHARTS}
    assert tables["trend"].columns[:3].tolist() == ["地区", "时期", "数值（亿元）"]
    progress = tables["progress"].iloc[0]
    assert progress["目标完成率（%）"] == pytest.approx(90 / 140 * 100) and progress["时间进度（%）"] == 75.0
    forecast = tables["forecast"]
    assert forecast["预测值（亿元）"].iloc[-1] == pytest.approx(126)
    assert forecast["预测下限（亿元）"].iloc[-1] == pytest.approx(117)
    assert forecast["时期"].iloc[-1] == "2026-12"
    assert tables["comparison"]["区划代码"].tolist() == [XIAOYI, LISHI, SHILOU]
    assert tables["comparison"]["地区"].tolist() == ["孝义市", "离石区", "石楼县"]


def test_growth_ranks_a_rate_by_its_change_in_points():
    # Unemployment (lower is better) of two counties: A 5.3 after 5.0 (+0.3 points, YoY +6 %),
    # B 5.0 after 5.1 (−0.1 points, YoY −2 %); by points B leads. C has no value a year before: unranked.
    rate = {"indicator_code": "U", "name": "城镇调查失业率", "name_en": "", "unit": "%", "comparison": "pp",
            "cumulative": False, "higher_is_better": False}
    kids = pd.DataFrame({"region_code": ["A", "B", "C"], "name": ["甲", "乙", "丙"], "name_en": [None] * 3})
    rows = pd.DataFrame({"region_code": ["A", "A", "B", "B", "C"],
                         "period": ["2026-09", "2025-09", "2026-09", "2025-09", "2026-09"],
                         "value": [5.3, 5.0, 5.0, 5.1, 4.0], "target": [None] * 5,
                         "yoy_pct": [6.0, None, -2.0, None, 1.0]})
    ranked = compare(kids, rows, "2026-09", rate, "yoy_pct")
    assert list(ranked["region_code"]) == ["B", "A", "C"]
    assert list(ranked["yoy_change"][:2]) == [pytest.approx(-0.1), pytest.approx(0.3)]
    assert list(ranked["rank"][:2]) == [1, 2] and pd.isna(ranked["rank"].iloc[2])


def test_latest_values_carry_the_previous_period_of_the_same_year(wh):
    from datasources.indicators import latest_values

    rows = latest_values(wh, CITY).set_index("indicator_code")
    assert (rows.at["GDP", "previous_period"], rows.at["GDP", "value_previous"]) == ("2026-06", 60)
    assert (rows.at["UNEMP", "previous_period"], rows.at["UNEMP", "value_previous"]) == ("2026-08", 5.0)
    assert (rows.at["RETAIL", "previous_period"], rows.at["RETAIL", "value_previous"]) == ("2026-08", 88)
