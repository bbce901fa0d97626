"""Key projects as the pages and the API use them: the portfolio (states, investment against plan,
the red list), filtering the list, and one project's detail (curves, milestones, latest note)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from core.contract import PROJECT_STATES
from core.errors import OutOfScope
from core.projects import RED_STATES, UnknownProject, days_late, investment_pct, milestone_status
from core.regions import code_prefix, is_within
from datasources.projects import count_by_state, project_history, project_milestones, project_record, project_status
from datasources.warehouse import Warehouse

GROUPS = ("category", "county", "level")
GROUP_COLUMNS = ["key", "projects", "planned_investment_cum", "actual_investment_cum", "pct"]


@dataclass(frozen=True)
class Filters:
    """The list's filters; None means all. `search` is matched in the browser, not here."""

    county: str | None = None
    category: str | None = None
    level: str | None = None
    state: str | None = None
    dept: str | None = None


@dataclass(frozen=True)
class Portfolio:
    """What the leader sees first: projects per state, investment against plan, the red list."""

    counts: dict[str, int]
    investment: dict[str, float | int | None]
    groups: dict[str, pd.DataFrame]
    red_list: pd.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)


def county_of(region_code: object) -> str:
    """The county a project lies in: the first six digits of its region code."""
    return str(region_code)[:6]


def load_projects(wh: Warehouse, scope: str | None, today: date, lagging_pts: float,
                  seriously_lagging_pts: float) -> pd.DataFrame:
    """Every project within `scope` with its state and a `county` column (cached underneath)."""
    frame = project_status(wh, scope, today.isoformat(), lagging_pts, seriously_lagging_pts)
    skipped = dict(frame.attrs.get("skipped", {}))
    frame = frame.assign(county=frame["region_code"].map(county_of))
    frame.attrs["skipped"] = skipped
    return frame


def select_projects(projects: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The projects matching every filter; `state="overdue"` takes overdue projects whatever their lag."""
    keep = pd.Series(True, index=projects.index)
    if filters.county:
        keep &= projects["region_code"].astype(str).str.startswith(code_prefix(filters.county))
    for column, value in (("category", filters.category), ("level", filters.level), ("owner_dept", filters.dept)):
        if value:
            keep &= projects[column] == value
    if filters.state == "overdue":
        keep &= projects["overdue"]
    elif filters.state:
        keep &= projects["state"] == filters.state
    return projects[keep]


def _sums(part: pd.DataFrame) -> dict[str, Any]:
    planned = float(part["planned_investment_cum"].sum(min_count=1)) if part["planned_investment_cum"].notna().any() \
        else None
    actual = float(part["actual_investment_cum"].sum(min_count=1)) if part["actual_investment_cum"].notna().any() \
        else None
    return {"projects": int(len(part)), "planned_investment_cum": planned, "actual_investment_cum": actual,
            "pct": investment_pct(actual, planned)}


def _grouped(reported: pd.DataFrame, column: str) -> pd.DataFrame:
    rows = [{"key": str(key), **_sums(part)} for key, part in reported.groupby(column, sort=True, dropna=True)]
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def red_list(projects: pd.DataFrame, today: date) -> pd.DataFrame:
    """Seriously lagging and overdue projects, worst first: the largest lag (planned − actual
    progress), then the longest past its planned end. `days_overdue` is 0 for those not yet due."""
    red = projects[projects["state"].isin(RED_STATES)].copy()
    red["days_overdue"] = [max(0, (today - end).days) if end else 0 for end in red["planned_end_date"]]
    return red.sort_values(["lag_pts", "days_overdue", "project_code"], ascending=[False, False, True])


def portfolio(projects: pd.DataFrame, today: date) -> Portfolio:
    """States, investment completed against plan to date (in total and by category, county and
    level) and the red list. Investment sums every project with a latest report (its money is
    not wrong because its progress is); projects without a report are counted apart."""
    reported = projects[projects["period"].notna()]
    return Portfolio(counts=count_by_state(projects), investment=_sums(reported),
                     groups={g: _grouped(reported, g) for g in GROUPS}, red_list=red_list(projects, today),
                     skipped=dict(projects.attrs.get("skipped", {})))


def filter_choices(projects: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter offers, from the projects in the user's scope (sorted)."""
    def values(column: str) -> list[str]:
        return sorted({str(v) for v in projects[column].dropna() if str(v)})
    return {"category": values("category"), "level": values("level"), "dept": values("owner_dept"),
            "state": list(PROJECT_STATES)}


@dataclass(frozen=True)
class ProjectDetail:
    """One project: its row with state and lag, progress history, milestones and latest note."""

    project: Mapping[str, Any]
    history: pd.DataFrame
    milestones: pd.DataFrame
    note: str | None
    note_period: str | None
    skipped: dict[str, int]
    milestones_missing: str | None = None


def _latest_note(history: pd.DataFrame) -> tuple[str | None, str | None]:
    notes = history[history["note"].notna() & (history["note"].astype(str).str.strip() != "")]
    if notes.empty:
        return None, None
    last = notes.iloc[-1]
    return str(last["note"]), str(last["period"])


def project_detail(wh: Warehouse, code: str, scope: str | None, today: date, lagging_pts: float,
                   seriously_lagging_pts: float) -> ProjectDetail:
    """The project `code`: UnknownProject when the warehouse lacks it, OutOfScope outside `scope`."""
    record = project_record(wh, code)
    if record.empty:
        raise UnknownProject(code)
    region = str(record.iloc[0]["region_code"])
    if scope and not is_within(region, scope):
        raise OutOfScope(region)
    projects = load_projects(wh, scope, today, lagging_pts, seriously_lagging_pts)
    row = projects[projects["project_code"] == code]
    project = (row.iloc[0] if not row.empty else record.iloc[0]).to_dict()
    history = project_history(wh, code)
    milestones = project_milestones(wh, code).copy()
    milestones["status"] = [milestone_status(p, a, today) for p, a in
                            zip(milestones["planned_date"], milestones["actual_date"])]
    milestones["days_late"] = pd.Series([days_late(p, a, today) for p, a in
                                         zip(milestones["planned_date"], milestones["actual_date"])],
                                        index=milestones.index, dtype="object")
    note, period = _latest_note(history)
    skipped = dict(history.attrs.get("skipped", {}))
    skipped["bad_dates"] = int(bool(project.get("bad_dates")))
    return ProjectDetail(project=project, history=history, milestones=milestones, note=note, note_period=period,
                         skipped=skipped, milestones_missing=project_milestones(wh, code).attrs.get("missing"))
