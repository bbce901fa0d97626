"""The briefing's sentences against hand-written ones, in the statistics bureau's style and in English."""
from __future__ import annotations

from components.formatting import format_number
from core.briefing_text import paragraph, period_phrase, place_word
from core.forecast import Forecast
from core.rules import Headline

CITY = {"region_code": "141100", "name": "吕梁市", "name_en": "Lüliang Shi"}
COUNTY = {"region_code": "141123", "name": "兴县", "name_en": "Xing Xian"}
RETAIL = {"indicator_code": "RETAIL", "name": "社会消费品零售总额", "name_en": "Total retail sales of consumer goods",
          "unit": "亿元", "frequency": "month", "cumulative": True, "higher_is_better": True,
          "comparison": "pct", "decimals": 1}
GDP = {**RETAIL, "indicator_code": "GDP", "name": "地区生产总值", "name_en": "Gross regional product",
       "frequency": "quarter"}
IND_GROWTH = {"indicator_code": "IVA", "name": "规模以上工业增加值增速", "name_en": "Growth of industrial value added",
              "unit": "%", "frequency": "month", "cumulative": True, "higher_is_better": True,
              "comparison": "pp", "decimals": 1}
JOBLESS = {"indicator_code": "UNEMP", "name": "城镇调查失业率", "name_en": "Surveyed urban unemployment rate",
           "unit": "%", "frequency": "month", "cumulative": False, "higher_is_better": False,
           "comparison": "pp", "decimals": 1}
CPI = {"indicator_code": "CPI", "name": "居民消费价格指数", "name_en": "Consumer price index",
       "unit": "上年同期=100", "frequency": "month", "cumulative": False, "higher_is_better": False,
       "comparison": "index", "decimals": 1}
INCOME = {**RETAIL, "indicator_code": "INC", "name": "城镇居民人均可支配收入",
          "name_en": "Per capita disposable income of urban residents", "unit": "元", "frequency": "quarter",
          "decimals": 0}


def head(period: str, value: float | None, **kw: object) -> Headline:
    values: dict = {"period": period, "value": value, "value_last_year": None, "yoy_pct": None,
                    "previous_period": None, "yoy_previous_pct": None, "target": None, "completion_pct": None,
                    "time_progress_pct": int(period[5:7]) / 12 * 100, "trailing": None, "value_previous": None}
    return Headline(**{**values, **kw})


def test_the_issue_example_word_for_word() -> None:
    """483.43 of 591.97 is 81.66 % → 81.7 %; time progress 83.3 %, so 1.6 points behind (as printed);
    growth 5.42 % against 5.08 % a month before: 5.4 − 5.1 = 0.3 points faster."""
    h = head("2026-10", 483.4297, yoy_pct=5.42, previous_period="2026-09", yoy_previous_pct=5.08,
             target=591.9737, completion_pct=483.4297 / 591.9737 * 100)
    assert paragraph(RETAIL, h, CITY, "zh", format_number) == (
        "1—10月，全市社会消费品零售总额483.4亿元，同比增长5.4%，增速比1—9月加快0.3个百分点；"
        "完成年度目标的81.7%，落后时间进度1.6个百分点。")
    assert paragraph(RETAIL, h, CITY, "en", format_number) == (
        "Jan–Oct: total retail sales of consumer goods in Lüliang was 483.4 100 million yuan, up 5.4% year on "
        "year, growth 0.3 pts faster than Jan–Sep; 81.7% of the annual target, 1.6 pts behind time progress.")


def test_a_quarterly_indicator_at_its_quarter_with_a_forecast_and_a_county() -> None:
    """GDP Q1–Q3: 1,711.69 of 2,454.41 = 69.74 % → 69.7 %, time progress 75.0 % → 5.3 points behind;
    growth 3.3 % against 2.9 % in H1 → 0.4 points faster; the forecast 2,409.70 is 98.18 % → 98.2 %."""
    h = head("2026-09", 1711.6914, yoy_pct=3.3, previous_period="2026-06", yoy_previous_pct=2.9,
             target=2454.4128, completion_pct=1711.6914 / 2454.4128 * 100)
    cast = Forecast(period="2026-09", ytd=1711.6914, target=2454.4128, projected=2409.7008)
    assert paragraph(GDP, h, COUNTY, "zh", format_number, cast) == (
        "前三季度，全县地区生产总值1,711.7亿元，同比增长3.3%，增速比上半年加快0.4个百分点；完成年度目标的69.7%，"
        "落后时间进度5.3个百分点；按往年进度测算，全年预计2,409.7亿元，为年度目标的98.2%。")


def test_growth_unchanged_and_ahead_of_time_in_whole_yuan() -> None:
    """33,824 of 45,149 = 74.92 % → 74.9 % against 75.0 %: 0.1 behind; 4.59 % and 4.61 % both print 4.6 %."""
    h = head("2026-09", 33824, yoy_pct=4.59, previous_period="2026-06", yoy_previous_pct=4.61, target=45149,
             completion_pct=33824 / 45149 * 100)
    assert paragraph(INCOME, h, CITY, "zh", format_number) == (
        "前三季度，全市城镇居民人均可支配收入33,824元，同比增长4.6%，增速与上半年持平；完成年度目标的74.9%，"
        "落后时间进度0.1个百分点。")
    ahead = head("2026-06", 24000, yoy_pct=-1.25, target=45149, completion_pct=24000 / 45149 * 100)
    assert paragraph(INCOME, ahead, CITY, "zh", format_number) == (
        "上半年，全市城镇居民人均可支配收入24,000元，同比下降1.3%；完成年度目标的53.2%，超过时间进度3.2个百分点。")


def test_a_growth_rate_compares_with_the_previous_period_in_points() -> None:
    h = head("2026-10", 5.9, previous_period="2026-09", value_previous=6.0)
    assert paragraph(IND_GROWTH, h, CITY, "zh", format_number) == (
        "1—10月，全市规模以上工业增加值增速为5.9%，比1—9月回落0.1个百分点。")
    assert paragraph(IND_GROWTH, h, CITY, "en", format_number) == (
        "Jan–Oct: growth of industrial value added in Lüliang was 5.9%, 0.1 pts slower than Jan–Sep.")
    january = head("2026-01", 4.0, previous_period="2025-12", value_previous=4.0)
    assert paragraph(IND_GROWTH, january, CITY, "zh", format_number) == (
        "1月，全市规模以上工业增加值增速为4.0%，与2025年1—12月持平。")


def test_a_rate_compares_with_a_year_before_and_says_when_it_cannot() -> None:
    h = head("2026-10", 5.1, value_last_year=5.3)
    assert paragraph(JOBLESS, h, CITY, "zh", format_number) == (
        "10月，全市城镇调查失业率为5.1%，比上年同期下降0.2个百分点。")
    alone = head("2026-10", 5.1)
    assert paragraph(JOBLESS, alone, CITY, "zh", format_number) == (
        "10月，全市城镇调查失业率为5.1%，上年同期数据缺失，无法比较。")


def test_an_index_reads_around_100() -> None:
    assert paragraph(CPI, head("2026-10", 100.4), CITY, "zh", format_number) == (
        "10月，全市居民消费价格指数为100.4（上年同期=100），同比上涨0.4%。")
    assert paragraph(CPI, head("2026-10", 99.6), CITY, "en", format_number) == (
        "Oct: consumer price index in Lüliang was 99.6 (same period last year = 100), down 0.4% year on year.")
    assert paragraph(CPI, head("2026-10", 100.0), CITY, "zh", format_number).endswith("与上年同期持平。")


def test_missing_data_is_said_plainly() -> None:
    assert paragraph(RETAIL, None, CITY, "zh", format_number) == "全市社会消费品零售总额暂无数据。"
    assert paragraph(RETAIL, head("2026-10", None), CITY, "zh", format_number) == (
        "1—10月，全市社会消费品零售总额数值缺失。")
    no_yoy = head("2026-10", 483.4297)
    assert paragraph(RETAIL, no_yoy, CITY, "zh", format_number) == (
        "1—10月，全市社会消费品零售总额483.4亿元，同比增速暂无数据。")
    assert paragraph(RETAIL, None, CITY, "en", format_number) == (
        "No figures yet for total retail sales of consumer goods in Lüliang.")


def test_periods_and_places_as_the_bureau_names_them() -> None:
    assert [period_phrase(p, "quarter", True, "zh") for p in ("2026-03", "2026-06", "2026-09", "2026-12")] == [
        "一季度", "上半年", "前三季度", "全年"]
    assert period_phrase("2026-06", "quarter", False, "zh") == "二季度"
    assert period_phrase("2026-10", "month", True, "zh", year=True) == "2026年1—10月"
    assert period_phrase("2026-10", "month", False, "en", year=True) == "Oct 2026"
    assert period_phrase("2026-09", "quarter", True, "en") == "Q1–Q3"
    assert [place_word({"name": n}, "zh") for n in ("吕梁市", "兴县", "离石区", "东头街道")] == [
        "全市", "全县", "全区", "全街道"]
    assert place_word({"name": "东头", "name_en": None}, "zh") == "东头"
    assert place_word(COUNTY, "en") == "Xing"
