"""What-it-takes scenarios against hand computation: the core's arithmetic and the API (issue 14).

Hand-made warehouse (tests/economy_warehouse.py) plus one row for a complete county:
- 吕梁市 GDP at 2026-09: V = 90, V₀ = 100 (2025-09), L = 130 (2025-12), T = 140, so R = 30,
  g* = ((140 − 90)/30 − 1)·100 = 66.67 %; at g = 10 the year ends at 90 + 30·1.1 = 123 (87.86 %);
  by default g is the growth so far, 90/100 − 1 = −10 %, ending at 90 + 27 = 117.
- 离石区 GDP at 2026-09: V = 50, V₀ = 48, L = 64 (added here), T = 70: R = 16,
  g* = ((70 − 50)/16 − 1)·100 = 25 %; at g = 10: 50 + 17.6 = 67.6 (96.57 %).
- 孝义市 has no 2025-12: 400. UNEMP is a rate without a target: 400. Unknown code: 404.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from core.config import Config
from core.scenario import ScenarioUnavailable, check_growth, months_left, required_growth, scenario, year_end
from tests.conftest import ADMIN_PASSWORD, sign_in_as
from tests.economy_warehouse import CITY, LISHI, XIAOYI, build_economy_warehouse


def test_core_arithmetic_by_hand() -> None:
    assert year_end(90, 30, 10) == pytest.approx(123.0)
    assert required_growth(90, 30, 140) == pytest.approx(66.6667, abs=1e-4)
    assert months_left("2026-09") == 3 and months_left("2026-01") == 11
    found = scenario("2026-09", 90, 140, 100, 130, 10)
    assert (found.remaining_last_year, found.year_end) == (30, pytest.approx(123.0))
    assert found.completion_pct == pytest.approx(123 / 140 * 100)
    assert found.required_growth_pct == pytest.approx(200 / 3)
    # Growing by g* lands exactly on the target.
    assert year_end(90, 30, found.required_growth_pct) == pytest.approx(140.0)
    # Default growth: the growth so far (90/100 − 1 = −10 %).
    assert scenario("2026-09", 90, 140, 100, 130).growth_pct == pytest.approx(-10.0)
    assert scenario("2026-09", 90, 140, 100, 130).year_end == pytest.approx(117.0)


@pytest.mark.parametrize(("args", "reason"), [
    (("2026-09", 90, None, 100, 130), "no_target"),
    (("2026-09", None, 140, 100, 130), "no_value"),
    (("2026-09", 90, 140, None, 130), "no_last_year"),
    (("2026-09", 90, 140, 100, None), "no_last_year"),
    (("2026-09", 90, 140, 130, 130), "no_last_year"),   # nothing left of last year: R = 0
    (("2026-12", 140, 140, 130, 130), "year_complete"),
])
def test_core_refuses_what_it_cannot_compute(args: tuple, reason: str) -> None:
    with pytest.raises(ScenarioUnavailable) as caught:
        scenario(*args)
    assert caught.value.reason == reason and str(caught.value)


@pytest.mark.parametrize("raw", ["x", "nan", "inf", "-101", "1001", "", True, None, "1e400"])
def test_bad_growth_is_refused(raw: object) -> None:
    with pytest.raises(ValueError):
        check_growth(raw)


def test_good_growth_is_read() -> None:
    assert check_growth("12.5") == 12.5 and check_growth(-100) == -100.0


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    folder: Path = tmp_path_factory.mktemp("scenario")
    url = f"sqlite:///{folder}/wh.db"
    build_economy_warehouse(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # 离石区's full 2025: the county case computed by hand above
        conn.execute(sa.text("INSERT INTO fact_indicator (indicator_code, region_code, period, value, target, "
                             "yoy_pct, updated_at) VALUES ('GDP', :r, '2025-12', 64, 66, 2.0, '2026-10-20T00:00:00Z')"),
                     {"r": LISHI})
    engine.dispose()
    config = Config(warehouse_url=url, build_demo_if_missing=False, app_db_url=f"sqlite:///{folder}/app.db",
                    admin_password=ADMIN_PASSWORD, secret_key="test-secret", statement_timeout_s=10,
                    prewarm_cache=False)
    test_client = create_app(config).server.test_client()
    sign_in_as(test_client, "leader")
    return test_client


def get(client, path: str):
    response = client.get(path)
    return response.status_code, response.get_json()


def test_api_city_by_hand(client) -> None:
    status, body = get(client, f"/api/v1/indicators/GDP/scenario?region={CITY}&growth_pct=10")
    assert status == 200, body
    assert body["indicator_code"] == "GDP" and body["region_code"] == CITY and body["period"] == "2026-09"
    assert (body["value"], body["target"], body["remaining_last_year"], body["growth_pct"]) == (90, 140, 30, 10)
    assert body["year_end"] == pytest.approx(123.0)
    assert body["completion_pct"] == pytest.approx(87.857, abs=1e-3)
    assert body["required_growth_pct"] == pytest.approx(66.667, abs=1e-3)
    assert body["months_left"] == 3
    status, body = get(client, f"/api/v1/indicators/GDP/scenario?region={CITY}")
    assert status == 200 and body["growth_pct"] == pytest.approx(-10.0) and body["year_end"] == pytest.approx(117.0)


def test_api_county_by_hand(client) -> None:
    status, body = get(client, f"/api/v1/indicators/GDP/scenario?region={LISHI}&growth_pct=10&period=2026-09")
    assert status == 200, body
    assert (body["value"], body["target"], body["remaining_last_year"]) == (50, 70, 16)
    assert body["year_end"] == pytest.approx(67.6)
    assert body["completion_pct"] == pytest.approx(67.6 / 70 * 100)
    assert body["required_growth_pct"] == pytest.approx(25.0)


@pytest.mark.parametrize(("query", "status", "words"), [
    ("/UNEMP/scenario", 400, "not cumulative"),
    (f"/GDP/scenario?region={XIAOYI}", 400, "last year"),
    ("/NOPE/scenario", 404, "unknown indicator"),
    ("/GDP/scenario?growth_pct=abc", 400, "growth_pct"),
    ("/GDP/scenario?growth_pct=5000", 400, "between"),
    ("/GDP/scenario?period=2026-13", 400, "period"),
    ("/GDP/scenario?region=12", 400, "region"),
    ("/GDP/scenario?region=141199", 404, "unknown region"),
])
def test_api_refusals_say_why(client, query: str, status: int, words: str) -> None:
    code, body = get(client, "/api/v1/indicators" + query)
    assert code == status, body
    assert words in body["error"]["message"]


def test_api_checks_region_scope(client) -> None:
    sign_in_as(client, "leader", XIAOYI)
    try:
        code, body = get(client, f"/api/v1/indicators/GDP/scenario?region={LISHI}")
        assert code == 403, body
    finally:
        sign_in_as(client, "leader")
