"""Comparison by kind of indicator and digits per indicator (core/comparison.py), hand-computed."""
from __future__ import annotations

import pytest

from core.comparison import (
    change_figure,
    change_pct,
    change_pp,
    change_text,
    decimals_of,
    growth_rate_change,
    index_change,
    is_growth_rate,
    kind_of,
    measure_column,
    span_label,
    year_change,
    yoy_pp,
)


def test_kind_from_the_unit_unless_the_column_says() -> None:
    assert kind_of("亿元") == "pct" and kind_of("件") == "pct" and kind_of("元", None) == "pct"
    assert kind_of("%") == "pp" and kind_of(" % ") == "pp"
    assert kind_of("上年同期=100") == "index" and kind_of("上年同期 = 100") == "index"
    assert kind_of("%", "pct") == "pct" and kind_of("亿元", "INDEX") == "index"
    assert kind_of("%", "nonsense") == "pp" and kind_of("%", float("nan")) == "pp" and kind_of(None) == "pct"


def test_growth_rates_by_name() -> None:
    assert is_growth_rate("规模以上工业增加值增速") and is_growth_rate("GDP增长率") and is_growth_rate("增幅")
    assert not is_growth_rate("城镇调查失业率") and not is_growth_rate("空气质量优良天数比例")


def test_decimals_by_unit_unless_the_column_says() -> None:
    assert decimals_of("亿元") == 1 and decimals_of("%") == 1 and decimals_of("上年同期=100") == 1
    assert decimals_of("元") == 0 and decimals_of("件") == 0 and decimals_of("个") == 0
    assert decimals_of("人") == 0 and decimals_of("户") == 0
    assert decimals_of("%", 2) == 2 and decimals_of("件", 1.0) == 1 and decimals_of("亿元", 0) == 0
    assert decimals_of("%", None) == 1 and decimals_of("%", float("nan")) == 1
    assert decimals_of("%", -1) == 1 and decimals_of("%", 1.5) == 1 and decimals_of("%", "x") == 1


def test_a_rate_compares_in_points_not_percent() -> None:
    # 城镇调查失业率 5.30 after 5.20 a year before: up 0.1 point (relative +1.9 % would be wrong)
    assert change_pp(5.30, 5.20) == pytest.approx(0.1)
    assert yoy_pp("pp", 5.30, 5.20) == pytest.approx(0.1) and yoy_pp("pct", 5.30, 5.20) is None
    assert year_change("pp", 5.30, 5.20, 1.9) == pytest.approx(0.1)
    assert change_text("pp", 0.1, "zh") == "比上年同期上升0.1个百分点"
    assert change_text("pp", change_pp(5.10, 5.30), "zh") == "比上年同期下降0.2个百分点"
    assert change_text("pp", change_pp(5.2, 5.2), "zh") == "与上年同期持平"
    assert change_figure("pp", 0.1, "zh") == "+0.1个百分点" and change_figure("pp", -0.2, "en") == "-0.2 pts"


def test_a_growth_rate_compares_with_the_previous_period() -> None:
    # 增速 6.1 % after 5.8 %: 加快 0.3 个百分点; 5.5 after 5.8: 回落 0.3
    assert change_text("pp", change_pp(6.1, 5.8), "zh", growth=True) == "比上期加快0.3个百分点"
    assert change_text("pp", change_pp(5.5, 5.8), "zh", growth=True, previous="2026年1-9月") == \
        "比2026年1-9月回落0.3个百分点"
    assert change_text("pp", 0.0, "zh", growth=True) == "与上期持平"


def test_an_index_shows_its_change_against_100() -> None:
    # CPI 101.2 (上年同期=100): +1.2; 99.6: −0.4
    assert index_change(101.2) == pytest.approx(1.2) and index_change(99.6) == pytest.approx(-0.4)
    assert year_change("index", 101.2, 100.8) == pytest.approx(1.2)
    assert change_figure("index", index_change(101.2), "zh") == "+1.2"
    assert change_text("index", index_change(101.2), "zh") == "同比上涨1.2%"
    assert change_text("index", index_change(99.6), "zh") == "同比下降0.4%"


def test_an_amount_compares_in_percent() -> None:
    # GDP 1,100 after 1,000: 同比增长 10.0 %
    assert change_pct(1100, 1000) == pytest.approx(10.0)
    assert year_change("pct", 1100, 1000) == pytest.approx(10.0)
    assert year_change("pct", 1100, 1000, 9.5) == 9.5  # the warehouse's published yoy_pct wins
    assert change_text("pct", change_pct(1100, 1000), "zh") == "同比增长10.0%"
    assert change_text("pct", change_pct(950, 1000), "zh") == "同比下降5.0%"
    assert change_text("pct", change_pct(1100, 1000), "en") == "Up 10.0% year on year"
    assert change_figure("pct", 10.0, "zh") == "+10.0%"


def test_missing_and_rounding() -> None:
    assert change_pct(1100, 0) is None and change_pct(None, 1000) is None and change_pp(5.3, None) is None
    assert change_text("pp", None, "zh") == "无可比数据" and change_figure("pct", None, "zh") == "—"
    assert change_text("pp", -0.04, "zh") == "与上年同期持平" and change_figure("pp", -0.04, "zh") == "持平"


@pytest.mark.parametrize(("period", "frequency", "cumulative", "zh", "en"), [
    ("2026-09", "month", True, "1—9月", "Jan–Sep"), ("2026-01", "month", True, "1月", "Jan"),
    ("2026-09", "month", False, "9月", "Sep"), ("2026-03", "quarter", True, "一季度", "Q1"),
    ("2026-06", "quarter", True, "上半年", "H1"), ("2026-09", "quarter", True, "前三季度", "Q1–Q3"),
    ("2026-06", "quarter", False, "二季度", "Q2"), ("2026-12", "year", False, "全年", "Full year"),
])
def test_periods_within_the_year_in_the_bureaus_words(period, frequency, cumulative, zh, en) -> None:
    assert span_label(period, frequency, cumulative, "zh") == zh
    assert span_label(period, frequency, cumulative, "en") == en


def test_a_growth_rate_is_faster_or_slower_than_the_previous_period_of_the_year() -> None:
    growth = {"unit": "%", "frequency": "month", "cumulative": True, "name": "固定资产投资增速"}
    change, text = growth_rate_change(growth, 6.3, 6.0, "2026-09", "zh")
    assert change == pytest.approx(0.3) and text == "比1—9月加快0.3个百分点"
    assert growth_rate_change(growth, 5.7, 6.0, "2026-09", "zh")[1] == "比1—9月回落0.3个百分点"
    assert growth_rate_change(growth, 6.0, 6.0, "2026-09", "zh")[1] == "与1—9月持平"
    assert growth_rate_change(growth, 6.3, 6.0, "2026-09", "en")[1] == "0.3 pts faster than Jan–Sep"
    assert growth_rate_change(growth, 6.3, None, None, "zh") == (None, "无可比数据")


def test_growth_ranks_by_the_change_as_the_indicator_compares() -> None:
    assert measure_column("yoy_pct") == "yoy_change"
    assert measure_column("value") == "value" and measure_column("completion_pct") == "completion_pct"
