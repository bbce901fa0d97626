"""The list of households followed up: the grid, its rows and the export table.

Rows arrive already masked or not (services/poverty.household_list decides, by the user's
permission): nothing here can unmask, and the export holds exactly what the screen shows.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import html

from components.economy_export import NUMBER_FORMATS, excel_format
from components.formatting import MISSING, format_number
from components.poverty import risk_label, status_label
from core.i18n import t
from core.values import localized_name

LIST_FIELDS = ("household_code", "village", "head_name", "id_number", "members", "income", "status", "risk_type",
               "measures", "updated_at")


def _village(row: Mapping[str, Any], lang: str) -> str:
    return localized_name({"name": row.get("region_name") or row.get("region_code"),
                           "name_en": row.get("region_name_en")}, lang)


def list_rows(households: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The grid's rows: labels in `lang`, income kept numeric for sorting and shown with separators."""
    return [{"household_code": str(h["household_code"]), "village": _village(h, lang),
             "head_name": h.get("head_name") or MISSING, "id_number": h.get("id_number") or MISSING,
             "members": h.get("members"), "income": h.get("income_per_capita"),
             "income_text": format_number(h.get("income_per_capita"), 0),
             "status": status_label(h.get("monitor_status"), lang), "status_code": h.get("monitor_status"),
             "risk_type": risk_label(h.get("risk_type"), lang), "measures": h.get("measures") or "",
             "updated_at": str(h.get("updated_at") or "")[:10]} for h in households]


def _column(field: str, lang: str) -> dict[str, Any]:
    key = "income" if field == "income" else field
    column: dict[str, Any] = {"field": field, "headerName": t(f"poverty.col.{key}", lang)}
    if field == "income":
        column.update(valueFormatter={"function": "params.data.income_text"}, type="rightAligned", minWidth=130)
    if field == "members":
        column.update(type="rightAligned", maxWidth=90)
    if field in ("household_code", "id_number"):
        column["minWidth"] = 196
    if field == "measures":
        column.update(flex=2, minWidth=200)
    if field == "status":
        column["cellClass"] = {"function": "'poverty-status poverty-status-' + params.data.status_code"}
    return column


def list_grid(grid_id: str, lang: str) -> dag.AgGrid:
    """The household list: a virtualised grid, sortable by any column."""
    return dag.AgGrid(
        id=grid_id, rowData=[], columnDefs=[_column(f, lang) for f in LIST_FIELDS],
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 90},
        getRowId="params.data.household_code", className="economy-grid poverty-grid",
        dashGridOptions={"animateRows": False, "rowBuffer": 10, "suppressCellFocus": True,
                         "localeText": {"noRowsToShow": t("overview.no_data", lang)}},
        style={"width": "100%", "height": "60vh"})


def export_buttons(lang: str) -> html.Div:
    """CSV and Excel buttons for the list."""
    return html.Div([html.Button(t(f"poverty.export_{fmt}", lang), className="app-button economy-export",
                                 id={"type": "poverty-export", "fmt": fmt}, title=t("poverty.export_hint", lang))
                     for fmt in ("csv", "xlsx")], className="economy-export-row")


def export_table(households: Sequence[Mapping[str, Any]], lang: str) -> pd.DataFrame:
    """The list as a table with headers in `lang`: the same (masked or not) values as the grid,
    income as a number with the screen's format in Excel (`attrs["number_formats"]`)."""
    rows = list_rows(households, lang)
    fields = list(LIST_FIELDS)
    table = pd.DataFrame([{f: r[f] for f in fields} for r in rows], columns=fields)
    headers = {f: t(f"poverty.col.{f}", lang) for f in fields}
    table = table.rename(columns=headers)
    table.attrs[NUMBER_FORMATS] = {headers["income"]: excel_format(0), headers["members"]: "0"}
    return table
