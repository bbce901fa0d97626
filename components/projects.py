"""Key-project views: the project grid and its rows as pure functions of the project frame."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_ag_grid as dag
import pandas as pd

from components.formatting import format_number, format_pct
from core.i18n import t
from core.values import is_missing, number_or_none

# The categories the demo and the contract's documentation name; another shows as its code.
PROJECT_CATEGORIES = ("transport", "water", "industry", "livelihood", "energy", "urban")
GRID_FIELDS = ("name", "county", "category", "progress", "lag", "investment", "planned_end", "state")


def category_label(category: object, lang: str) -> str:
    """A project category in `lang`; an unknown one as its code."""
    if isinstance(category, str) and category in PROJECT_CATEGORIES:
        return t(f"project.category.{category}", lang)
    return "" if is_missing(category) else str(category)


def project_rows(projects: pd.DataFrame, region_names: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
    """The grid's rows, most lagging first: labels in `lang`, numbers kept numeric for sorting."""
    ordered = projects.sort_values("lag_pts", ascending=False, na_position="last")
    rows = []
    for row in ordered.to_dict("records"):
        state = row["state"] if isinstance(row["state"], str) else None
        invested = number_or_none(row.get("actual_investment_cum"))
        total = number_or_none(row.get("total_investment"))
        share = None if invested is None or not total else invested / total * 100
        actual = number_or_none(row.get("actual_progress_pct"))
        planned = number_or_none(row.get("planned_progress_pct"))
        lag = number_or_none(row.get("lag_pts"))
        rows.append({
            "code": str(row["project_code"]), "name": str(row["name"]),
            "county": region_names.get(str(row["region_code"]), str(row["region_code"])),
            "county_code": str(row["region_code"]), "category": category_label(row.get("category"), lang),
            "category_code": row.get("category") if isinstance(row.get("category"), str) else None,
            "progress": actual, "progress_text": t("projects.progress", lang, actual=format_pct(actual),
                                                   planned=format_pct(planned)),
            "lag": lag, "lag_text": format_number(lag, 1),
            "investment": invested, "investment_text": t("projects.investment", lang,
                                                         done=format_number(invested, 0), share=format_pct(share)),
            "planned_end": "" if is_missing(row.get("planned_end_date")) else str(row["planned_end_date"])[:10],
            "state": t(f"project.state.{state}", lang) if state else t("projects.state_invalid", lang),
            "state_code": state or "invalid",
        })
    return rows


def _column(field: str, lang: str) -> dict[str, Any]:
    column: dict[str, Any] = {"field": field, "headerName": t(f"projects.col.{field}", lang)}
    if field in ("progress", "lag", "investment"):  # sorted by the number, shown as the text
        column.update(valueFormatter={"function": f"params.data.{field}_text"}, type="rightAligned",
                      filter=False, getQuickFilterText={"function": f"params.data.{field}_text"})
    if field == "lag":
        column["sort"] = "desc"
    if field == "name":
        column.update(flex=3, minWidth=220)
    if field == "progress":
        column["minWidth"] = 150
    if field == "investment":
        column["minWidth"] = 200
    if field == "state":
        column["cellClass"] = {"function": "'state-badge state-' + params.data.state_code"}
    return column


def project_grid(grid_id: str, lang: str) -> dag.AgGrid:
    """The project list: a virtualised grid (only the visible rows are drawn), sortable by any column."""
    return dag.AgGrid(
        id=grid_id, rowData=[], columnDefs=[_column(field, lang) for field in GRID_FIELDS],
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 100},
        getRowId="params.data.code", className="economy-grid projects-grid",
        dashGridOptions={"animateRows": False, "rowBuffer": 10, "cacheQuickFilter": True,
                         "localeText": {"noRowsToShow": t("overview.no_data", lang)}},
        style={"width": "100%", "height": "70vh"})


def filter_options(values: Mapping[str, str]) -> list[dict[str, str]]:
    """Dropdown options from value → label."""
    return [{"label": label, "value": value} for value, label in values.items()]
