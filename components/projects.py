"""Key-project views: labels, state colours, the project grid and its rows as pure functions of the project frame."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_ag_grid as dag
import pandas as pd

from components.formatting import format_number, format_pct
from core.i18n import t
from core.projects import LEVELS
from core.values import is_missing, number_or_none

# The categories the demo and the contract's documentation name; another shows as its code.
PROJECT_CATEGORIES = ("transport", "water", "industry", "livelihood", "energy", "urban")
GRID_FIELDS = ("name", "county", "category", "level", "progress", "lag", "investment", "planned_end", "state",
               "dept")
# State colours that read on both themes (plotly cannot see the CSS variables); CSS uses the same meaning.
STATE_COLOURS = {"on_track": "#22b07d", "lagging": "#d4a82a", "seriously_lagging": "#f0883e",
                 "overdue": "#f05252", "completed": "#36a9ff", "invalid": "#8f9bb0"}


def category_label(category: object, lang: str) -> str:
    """A project category in `lang`; an unknown one as its code."""
    if isinstance(category, str) and category in PROJECT_CATEGORIES:
        return t(f"project.category.{category}", lang)
    return "" if is_missing(category) else str(category)


def level_label(level: object, lang: str) -> str:
    """A project level (provincial, municipal, county) in `lang`; an unknown one as it is."""
    if isinstance(level, str) and level in LEVELS:
        return t(f"project.level.{level}", lang)
    return "" if is_missing(level) else str(level)


def state_label(state: object, lang: str) -> str:
    """A project state in `lang`; a missing state (progress outside 0–100) as "invalid progress data"."""
    return t(f"project.state.{state}", lang) if isinstance(state, str) else t("projects.state_invalid", lang)


def state_code(state: object) -> str:
    """The state, or 'invalid' for a project without a usable state."""
    return state if isinstance(state, str) else "invalid"


def text_or_blank(value: object) -> str:
    """Text of a cell, "" when missing."""
    return "" if is_missing(value) else str(value)


def project_rows(projects: pd.DataFrame, region_names: Mapping[str, str], lang: str) -> list[dict[str, Any]]:
    """The grid's rows, most lagging first: labels in `lang`, numbers kept numeric for sorting."""
    ordered = projects.sort_values("lag_pts", ascending=False, na_position="last")
    rows = []
    for row in ordered.to_dict("records"):
        invested = number_or_none(row.get("actual_investment_cum"))
        total = number_or_none(row.get("total_investment"))
        share = None if invested is None or not total else invested / total * 100
        actual = number_or_none(row.get("actual_progress_pct"))
        planned = number_or_none(row.get("planned_progress_pct"))
        lag = number_or_none(row.get("lag_pts"))
        rows.append({
            "code": str(row["project_code"]), "name": str(row["name"]),
            "county": region_names.get(str(row["region_code"]), str(row["region_code"])),
            "category": category_label(row.get("category"), lang),
            "level": level_label(row.get("level"), lang), "dept": text_or_blank(row.get("owner_dept")),
            "progress": actual, "progress_text": t("projects.progress", lang, actual=format_pct(actual),
                                                   planned=format_pct(planned)),
            "lag": lag, "lag_text": format_number(lag, 1),
            "investment": invested, "investment_text": t("projects.investment", lang,
                                                         done=format_number(invested, 0), share=format_pct(share)),
            "planned_end": text_or_blank(row.get("planned_end_date"))[:10],
            "state": state_label(row.get("state"), lang), "state_code": state_code(row.get("state")),
        })
    return rows


def _column(field: str, lang: str) -> dict[str, Any]:
    column: dict[str, Any] = {"field": field, "headerName": t(f"projects.col.{field}", lang)}
    if field in ("progress", "lag", "investment"):  # sorted by the number, shown as the text
        column.update(valueFormatter={"function": f"params.data.{field}_text"}, type="rightAligned",
                      filter=False, getQuickFilterText={"function": f"params.data.{field}_text"})
    if field == "lag":
        column["sort"] = "desc"
    if field == "name":  # a link to the project's page (assets/projects.js)
        column.update(flex=3, minWidth=220, cellRenderer="ProjectLink")
    if field == "progress":
        column["minWidth"] = 150
    if field == "investment":
        column["minWidth"] = 200
    if field == "dept":
        column["minWidth"] = 160
    if field == "state":
        column["cellClass"] = {"function": "'state-badge state-' + params.data.state_code"}
    return column


def project_grid(grid_id: str, lang: str, rows: list[dict[str, Any]] | None = None) -> dag.AgGrid:
    """The virtualised project grid: sortable columns, a quick filter (search); `rows` drawn at once
    (the page sends the first rows with its layout: one round trip less), later ones set by a callback."""
    return dag.AgGrid(
        id=grid_id, rowData=rows or [], columnDefs=[_column(field, lang) for field in GRID_FIELDS],
        defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 100},
        getRowId="params.data.code", className="economy-grid projects-grid",
        dashGridOptions={"animateRows": False, "rowBuffer": 10, "cacheQuickFilter": True,
                         "suppressColumnVirtualisation": False,
                         "localeText": {"noRowsToShow": t("overview.no_data", lang)}},
        style={"width": "100%", "height": "70vh"})


def filter_options(values: Mapping[str, str]) -> list[dict[str, str]]:
    """Dropdown options from value → label."""
    return [{"label": label, "value": value} for value, label in values.items()]
