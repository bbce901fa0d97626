"""Formatting: units and periods as statisticians write them; missing is "—", never 0."""
from __future__ import annotations

import pandas as pd

from components.formatting import format_number, format_pct, format_timestamp, period_label


def test_numbers() -> None:
    assert format_number(2013.456) == "2,013.5"
    assert format_number(125000.0) == "125,000"
    assert format_number(52.345) == "52.3"
    assert format_number(5.25) == "5.25"
    assert format_number(None) == "—" and format_number(float("nan")) == "—" and format_number(pd.NA) == "—"
    assert format_number(0.0) == "0.00"


def test_percentages() -> None:
    assert format_pct(5.24, signed=True) == "+5.2%"
    assert format_pct(-0.06, signed=True) == "-0.1%"
    assert format_pct(None) == "—"


def test_period_labels() -> None:
    assert period_label("2026-10", "month", True, "zh") == "2026年1—10月"
    assert period_label("2026-10", "month", False, "zh") == "2026年10月"
    assert period_label("2026-09", "quarter", True, "zh") == "2026年前三季度"
    assert period_label("2026-03", "quarter", True, "zh") == "2026年一季度"
    assert period_label("2025-12", "quarter", True, "zh") == "2025年全年"
    assert period_label("2026-10", "month", True, "en") == "Jan–Oct 2026"
    assert period_label("2026-09", "quarter", True, "en") == "Q1–Q3 2026"


def test_timestamps_shown_in_local_time() -> None:
    assert format_timestamp("2026-11-21T16:30:00Z", "Asia/Shanghai") == "2026-11-22 00:30"
    assert format_timestamp(None, "Asia/Shanghai") == "—"


def test_numbers_with_an_indicators_digits() -> None:
    # Rounded half up, as statisticians round; counts without decimals; never "−0.0".
    assert format_number(5.25, 1) == "5.3" and format_number(-5.25, 1) == "-5.3"
    assert format_number(597296.9, 0) == "597,297" and format_number(1500.0, 1) == "1,500.0"
    assert format_number(-0.04, 1) == "0.0" and format_number(2.675, 2) == "2.68"
