"""Key-project exports as tables: headers in the UI language with units, full precision in the
cells, Excel number formats showing the screen's digits (written by components.economy_export)."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from components.economy_export import NUMBER_FORMATS, excel_format
from components.projects import category_label, level_label, state_label, text_or_blank
from core.i18n import t

EXPORTS = ("list", "red", "investment")            # on /projects
DETAIL_EXPORTS = ("curves", "milestones")          # on /projects/<code>
FORMATS = ("csv", "xlsx")
_ONE_DECIMAL = {"planned_pct", "actual_pct", "lag", "inv_pct"}
_WHOLE = {"planned_inv", "actual_inv", "total", "days_overdue", "projects", "days_late", "seq"}


def _table(columns: dict[str, list], lang: str) -> pd.DataFrame:
    """A frame with the headers of `columns` (keys of projects.x.*) in `lang`, and their Excel formats."""
    headers = {key: t(f"projects.x.{key}", lang) for key in columns}
    table = pd.DataFrame({headers[k]: v for k, v in columns.items()})
    table.attrs[NUMBER_FORMATS] = {headers[k]: excel_format(1) for k in columns if k in _ONE_DECIMAL} | {
        headers[k]: excel_format(0) for k in columns if k in _WHOLE}
    return table


def list_table(projects: pd.DataFrame, region_names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """The project list (or the red list, with days overdue) as shown, one row per project."""
    rows = projects.to_dict("records")
    columns = {
        "code": [str(r["project_code"]) for r in rows], "name": [str(r["name"]) for r in rows],
        "county": [region_names.get(str(r["region_code"]), str(r["region_code"])) for r in rows],
        "region_code": [str(r["region_code"]) for r in rows],
        "category": [category_label(r.get("category"), lang) for r in rows],
        "level": [level_label(r.get("level"), lang) for r in rows],
        "dept": [text_or_blank(r.get("owner_dept")) for r in rows],
        "state": [state_label(r.get("state"), lang) for r in rows],
        "period": [text_or_blank(r.get("period")) for r in rows],
        "planned_pct": list(projects["planned_progress_pct"]), "actual_pct": list(projects["actual_progress_pct"]),
        "lag": list(projects["lag_pts"]), "planned_inv": list(projects["planned_investment_cum"]),
        "actual_inv": list(projects["actual_investment_cum"]), "total": list(projects["total_investment"]),
        "start": [text_or_blank(r.get("start_date")) for r in rows],
        "end": [text_or_blank(r.get("planned_end_date")) for r in rows],
    }
    if "days_overdue" in projects:
        columns["days_overdue"] = list(projects["days_overdue"])
    return _table(columns, lang)


def investment_table(groups: Mapping[str, pd.DataFrame], labels: Mapping[str, Callable[[str], str]],
                     lang: str) -> pd.DataFrame:
    """Investment against plan by category, county and level, one block per grouping."""
    rows = []
    for group, frame in groups.items():
        for r in frame.to_dict("records"):
            rows.append({"group": t(f"projects.by.{group}", lang), "key": labels[group](str(r["key"])),
                         "projects": r["projects"], "planned_inv": r["planned_investment_cum"],
                         "actual_inv": r["actual_investment_cum"], "inv_pct": r["pct"]})
    keys = ("group", "key", "projects", "planned_inv", "actual_inv", "inv_pct")
    return _table({k: [r[k] for r in rows] for k in keys}, lang)


def curves_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A project's reports by period: planned and actual progress and investment, and the note."""
    return _table({"period": list(history["period"].astype(str)),
                   "planned_pct": list(history["planned_progress_pct"]),
                   "actual_pct": list(history["actual_progress_pct"]),
                   "planned_inv": list(history["planned_investment_cum"]),
                   "actual_inv": list(history["actual_investment_cum"]),
                   "note": [text_or_blank(n) for n in history["note"]]}, lang)


def milestones_table(milestones: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A project's milestones: planned and actual dates, status and days late."""
    rows = milestones.to_dict("records")
    return _table({"seq": [r["seq"] for r in rows], "milestone": [str(r["name"]) for r in rows],
                   "planned_date": [text_or_blank(r["planned_date"]) for r in rows],
                   "actual_date": [text_or_blank(r["actual_date"]) for r in rows],
                   "milestone_status": [t(f"project.milestone.{r['status']}", lang) for r in rows],
                   "days_late": [r["days_late"] for r in rows]}, lang)
