"""Economy exports: a chart's data as a table with headers in the UI language, as CSV and as Excel.

Cells keep full precision; the Excel sheet's number formats show the digits the screen shows
(the indicator's decimals for its values, one for percentages, thousands separators).
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.comparison import indicator_decimals
from core.i18n import t

EXPORT_COLUMNS = {
    "trend": ("period", "value", "target", "yoy_pct", "completion_pct"),
    "progress": ("period", "value", "target", "completion_pct", "time_progress_pct"),
    "forecast": ("period", "value", "projected", "low", "high", "target"),
    "comparison": ("rank", "region_code", "name", "period", "value", "value_last_year", "yoy_pct", "target",
                   "completion_pct"),
}
_HEADER_KEYS = {"period": "export.period", "value": "export.value", "target": "export.target",
                "yoy_pct": "export.yoy", "completion_pct": "export.completion",
                "time_progress_pct": "export.time_progress", "projected": "export.projected",
                "low": "export.low", "high": "export.high", "rank": "export.rank",
                "region_code": "export.region_code", "name": "export.region",
                "value_last_year": "export.last_year"}
# Columns in the indicator's unit, and columns in percent (shown with one decimal, as format_pct does).
_IN_UNIT = frozenset({"value", "target", "value_last_year", "projected", "low", "high"})
_PERCENT = frozenset({"yoy_pct", "completion_pct", "time_progress_pct"})
NUMBER_FORMATS = "number_formats"  # the table's attrs key: {header: Excel number format}


def excel_format(decimals: int) -> str:
    """Excel's number format for `decimals` digits with thousands separators: '#,##0', '#,##0.0', …"""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def export_table(kind: str, frame: pd.DataFrame, indicator: Mapping[str, Any], region_name: str,
                 lang: str) -> pd.DataFrame:
    """A chart's data with headers in the UI language, units in the headers, the region named.

    `attrs["number_formats"]` maps each numeric header to the Excel format showing the screen's digits.
    """
    columns = [c for c in EXPORT_COLUMNS[kind] if c in frame.columns]
    table = frame[columns].copy()
    if "name" not in table.columns:
        table.insert(0, "name", region_name)
    unit, digits = str(indicator["unit"]), indicator_decimals(indicator)
    headers = {c: t(_HEADER_KEYS[c], lang, unit=unit) for c in table.columns}
    formats = {headers[c]: excel_format(digits) if c in _IN_UNIT else excel_format(1) if c in _PERCENT else "0"
               for c in table.columns if c in _IN_UNIT | _PERCENT | {"rank"}}
    table = table.rename(columns=headers)
    table.attrs[NUMBER_FORMATS] = formats
    return table


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV with a UTF-8 byte-order mark, so Excel shows the Chinese headers (numbers at full precision)."""
    return table.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(table: pd.DataFrame, sheet: str) -> bytes:
    """An Excel workbook with one sheet (name cut to Excel's 31 characters): full precision in the
    cells, each numeric column formatted as `attrs["number_formats"]` says."""
    buffer = io.BytesIO()
    formats = table.attrs.get(NUMBER_FORMATS, {})
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31] or "data", index=False)
        sheet_obj = writer.sheets[sheet[:31] or "data"]
        for column in sheet_obj.columns:
            sheet_obj.column_dimensions[column[0].column_letter].width = max(
                12, min(40, 2 + max(len(str(c.value or "")) for c in column) * 2))
            number_format = formats.get(column[0].value)
            for cell in column[1:] if number_format else ():
                cell.number_format = number_format
    return buffer.getvalue()
