"""One number format: the indicator's digits on cards, the headline, the table and Excel exports;
changes worded by kind of indicator (percent, points, index). Every number worked out by hand."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from components.cards import kpi_card
from components.economy import comparison_grid, headline_figures, trend_figure
from components.economy_export import csv_bytes, excel_format, export_table, xlsx_bytes
from core.rules import Headline


def text_of(component) -> str:
    """All the text of a Dash component tree, in order."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def by_id(component, element_id: str):
    if getattr(component, "id", None) == element_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str) and (found := by_id(child, element_id)) is not None:
            return found
    return None


def indicator(code: str, name: str, unit: str, **extra) -> dict:
    return {"indicator_code": code, "name": name, "name_en": None, "unit": unit, "frequency": "month",
            "cumulative": False, "higher_is_better": True, "headline": True, **extra}


def card_row(ind: dict, value: float, last_year: float | None, yoy: float | None) -> dict:
    return {**ind, "period": "2026-09", "value": value, "value_last_year": last_year, "yoy_pct": yoy,
            "completion_pct": None, "time_progress_pct": 75.0, "tone": "neutral"}


def card_parts(row: dict) -> tuple[str, str]:
    card = kpi_card(row, "/economy", "zh")
    value = next(c for c in card.children if getattr(c, "className", "") == "kpi-figure").children[0].children
    return value, text_of(card)


def test_cards_show_the_indicators_digits_and_compare_by_kind() -> None:
    # A rate: one decimal (5.25 → 5.3, as the county page shows it), the change in points: 5.30 − 5.20.
    value, text = card_parts(card_row(indicator("U", "城镇调查失业率", "%"), 5.30, 5.20, 1.9))
    assert value == "5.3" and "+0.1个百分点" in text and "1.9%" not in text
    assert card_parts(card_row(indicator("U", "城镇调查失业率", "%"), 5.25, None, None))[0] == "5.3"
    # A count: no decimals, thousands separators ("597,296.9 件" was wrong).
    value, text = card_parts(card_row(indicator("H", "12345热线受理量", "件"), 597296.9, 550000.0, 8.6))
    assert value == "597,297" and "+8.6%" in text
    # An amount: one decimal for 亿元.
    assert card_parts(card_row(indicator("G", "地区生产总值", "亿元"), 1500.0, None, 5.2))[0] == "1,500.0"
    # An index: value − 100.
    value, text = card_parts(card_row(indicator("CPI", "居民消费价格指数", "上年同期=100"), 101.2, None, None))
    assert value == "101.2" and "+1.2" in text
    # The column overrides the unit's default.
    assert card_parts(card_row(indicator("U", "失业率", "%", decimals=2), 5.25, None, None))[0] == "5.25"


def head(value, last_year, yoy=None, previous_value=None, yoy_previous=None) -> Headline:
    return Headline(period="2026-09", value=value, value_last_year=last_year, yoy_pct=yoy,
                    previous_period="2026-08", yoy_previous_pct=yoy_previous, target=None, completion_pct=None,
                    time_progress_pct=75.0, trailing=None, value_previous=previous_value)


def headline_texts(h: Headline, ind: dict) -> dict[str, str]:
    div = headline_figures(h, ind, "zh")
    return {key: text_of(by_id(div, f"economy-kpi-{key}")) for key in ("value", "last-year", "yoy")} | {
        "all": text_of(div)}


def test_headline_of_an_amount_a_rate_a_growth_rate_and_an_index() -> None:
    amount = headline_texts(head(1100.0, 1000.0, 10.0, yoy_previous=8.0), indicator("G", "地区生产总值", "亿元"))
    assert (amount["value"], amount["last-year"], amount["yoy"]) == ("1,100.0", "1,000.0", "+10.0%")
    rate = headline_texts(head(5.30, 5.20, 1.9), indicator("U", "城镇调查失业率", "%"))
    assert (rate["value"], rate["last-year"], rate["yoy"]) == ("5.3", "5.2", "+0.1个百分点")
    assert "比上年同期上升0.1个百分点" in rate["all"]
    growth = headline_texts(head(6.1, 5.5, 0.6, previous_value=5.8), indicator("I", "规模以上工业增加值增速", "%"))
    assert growth["yoy"] == "+0.3个百分点" and "比8月加快0.3个百分点" in growth["all"]
    assert "较上期" in growth["all"]
    cpi = headline_texts(head(101.2, 100.8), indicator("CPI", "居民消费价格指数", "上年同期=100"))
    assert cpi["yoy"] == "+1.2" and "同比上涨1.2%" in cpi["all"]


def test_an_index_is_drawn_around_100() -> None:
    frame = pd.DataFrame({"period": ["2026-08", "2026-09"], "value": [99.6, 101.2], "target": [None, None],
                          "yoy_pct": [None, None]})
    bar = trend_figure(frame, indicator("CPI", "居民消费价格指数", "上年同期=100"), "zh")["data"][0]
    assert bar["base"] == 100 and bar["y"] == [pytest.approx(-0.4), pytest.approx(1.2)]
    assert bar["customdata"] == [99.6, 101.2]


def comparison_frame() -> pd.DataFrame:
    return pd.DataFrame([{"rank": 1, "region_code": "141102", "name": "离石区", "name_en": None, "period": "2026-09",
                          "value": 597296.94, "value_last_year": 550000.0, "yoy_pct": 8.6, "target": None,
                          "completion_pct": None}])


def test_the_comparison_table_uses_the_indicators_digits() -> None:
    grid = comparison_grid(comparison_frame(), indicator("H", "12345热线受理量", "件"), "zh")
    value = next(c for c in grid.columnDefs if c["field"] == "value")["valueFormatter"]["function"]
    assert "minimumFractionDigits: 0, maximumFractionDigits: 0" in value
    rate = comparison_grid(comparison_frame(), indicator("U", "城镇调查失业率", "%"), "zh")
    yoy = next(c for c in rate.columnDefs if c["field"] == "yoy_pct")
    assert "个百分点" in yoy["headerName"] and "value_last_year" in yoy["valueGetter"]["function"]


def test_exports_keep_full_precision_and_excel_shows_the_screens_digits() -> None:
    assert (excel_format(0), excel_format(1), excel_format(2)) == ("#,##0", "#,##0.0", "#,##0.00")
    table = export_table("comparison", comparison_frame(), indicator("H", "12345热线受理量", "件"), "吕梁市", "zh")
    assert "597296.94" in csv_bytes(table).decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, "对比"))).active
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    value = sheet[f"{header['数值（件）']}2"]
    assert value.value == pytest.approx(597296.94) and value.number_format == "#,##0"
    assert sheet[f"{header['同比（%）']}2"].number_format == "#,##0.0"
    amount = export_table("comparison", comparison_frame(), indicator("G", "地区生产总值", "亿元"), "吕梁市", "zh")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(amount, "对比"))).active
    assert sheet[f"{header['数值（件）']}2"].number_format == "#,##0.0"


def test_a_growth_rate_card_compares_with_the_previous_period_of_the_year() -> None:
    # 规模以上工业增加值增速, cumulative, 1—10月 6.3 % after 1—9月 6.0 %: 0.3 points faster.
    growth = indicator("I", "规模以上工业增加值增速", "%", cumulative=True)
    row = card_row(growth, 6.3, 5.5, 0.8) | {"period": "2026-10", "previous_period": "2026-09",
                                              "value_previous": 6.0}
    text = card_parts(row)[1]
    assert "比1—9月加快0.3个百分点" in text and "同比" not in text and "+0.8" not in text
    assert "比1—9月回落0.5个百分点" in card_parts(row | {"value": 5.5})[1]
    english = text_of(kpi_card(row | {"name_en": "Growth of industrial value added"}, "/economy", "en"))
    assert "0.3 pts faster than Jan–Sep" in english
    # January has no earlier period this year: nothing to compare, said so (no points against December).
    january = row | {"period": "2026-01", "previous_period": None, "value_previous": None}
    assert "无可比数据" in card_parts(january)[1]


def test_ranking_labels_use_the_indicators_digits_and_a_rates_points() -> None:
    from components.economy import ranking_figure

    rows = pd.DataFrame({"region_code": ["A", "B"], "name": ["甲县", "乙县"], "name_en": [None, None],
                         "period": ["2026-09"] * 2, "value": [5.34, 4.96], "yoy_pct": [2.0, -3.0],
                         "value_last_year": [5.2, 5.1], "completion_pct": [None, None],
                         "yoy_change": [0.14, -0.14], "rank": [1, 2]})
    rate = indicator("U", "城镇调查失业率", "%", decimals=2, higher_is_better=False)
    by_value = ranking_figure(rows, "value", rate, "zh")["data"][0]
    assert by_value["text"] == ["4.96", "5.34"]  # two decimals; plotly draws the first rank last, at the top
    by_growth = ranking_figure(rows, "yoy_pct", rate, "zh")["data"][0]
    # Points (value − a year before), not the warehouse's YoY percent: 5.34 − 5.2, 4.96 − 5.1.
    assert by_growth["x"] == [-0.14, 0.14] and by_growth["text"] == ["-0.14个百分点", "+0.14个百分点"]
