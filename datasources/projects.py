"""Key projects: their state from the latest progress report, one project's history and milestones."""
from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from core.contract import PROJECT_STATES
from core.errors import MissingSchema
from core.rules import project_states
from datasources.cache import dataset
from datasources.regions import within
from datasources.warehouse import Warehouse

PROJECT_COLUMNS = ("project_code", "name", "category", "level", "region_code", "owner_dept", "start_date",
                   "planned_end_date", "total_investment", "lon", "lat")


def _dates(values: pd.Series) -> pd.Series:
    """Dates as `datetime.date` (NaT → None), whatever type the engine returned."""
    parsed = pd.to_datetime(values.astype("string").str[:10], errors="coerce")
    return parsed.map(lambda d: None if pd.isna(d) else d.date()).astype("object")


def _project_columns(wh: Warehouse, p: sa.TableClause) -> list[sa.ColumnElement]:
    return [wh.col(p, c) if c in ("level", "owner_dept", "lon", "lat") else p.c[c] for c in PROJECT_COLUMNS]


def _unknown_reports(wh: Warehouse, p: sa.TableClause, g: sa.TableClause) -> int:
    """Progress rows naming a project that dim_project does not have."""
    stmt = sa.select(sa.func.count()).select_from(g).where(~sa.exists().where(p.c.project_code == g.c.project_code))
    return int(wh.read(stmt).iloc[0, 0])


@dataset("projects")
def project_status(wh: Warehouse, region_code: str | None, today: str,
                   lagging_pts: float = 5, seriously_lagging_pts: float = 15) -> pd.DataFrame:
    """Every project with its latest progress row, lag in points, state (contract rules) and `overdue`.

    `today` is an ISO date, part of the cache key because `overdue` depends on it. `attrs["skipped"]`
    counts projects whose latest progress is outside 0–100 (`out_of_range`, state NA), projects
    without a report (`no_report`), projects planned to end before they start (`bad_dates`, still
    shown, flagged in the `bad_dates` column) and progress rows for unknown projects (`unknown_project`).
    """
    p = wh.table("dim_project")
    g = wh.table("fact_project_progress")
    latest = (sa.select(g.c.project_code, sa.func.max(g.c.period).label("period"))
              .group_by(g.c.project_code).subquery())
    stmt = (sa.select(*_project_columns(wh, p), latest.c.period, g.c.planned_progress_pct,
                      g.c.actual_progress_pct, g.c.planned_investment_cum, g.c.actual_investment_cum)
            .select_from(p)
            .join(latest, latest.c.project_code == p.c.project_code, isouter=True)
            .join(g, sa.and_(g.c.project_code == latest.c.project_code, g.c.period == latest.c.period),
                  isouter=True)
            .order_by(p.c.project_code))
    if region_code:
        stmt = stmt.where(within(p.c.region_code, region_code))
    frame = wh.read(stmt).drop_duplicates("project_code")
    for column in ("planned_progress_pct", "actual_progress_pct", "planned_investment_cum",
                   "actual_investment_cum", "total_investment", "lon", "lat"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["start_date"] = _dates(frame["start_date"])
    frame["planned_end_date"] = _dates(frame["planned_end_date"])
    frame["lag_pts"] = frame["planned_progress_pct"] - frame["actual_progress_pct"]
    frame["state"] = project_states(frame, date.fromisoformat(today), lagging_pts=lagging_pts,
                                    seriously_lagging_pts=seriously_lagging_pts)
    frame["overdue"] = frame["state"].eq("overdue").fillna(False).astype(bool)
    frame["bad_dates"] = [bool(s and e and e < s) for s, e in zip(frame["start_date"], frame["planned_end_date"])]
    reported = frame["period"].notna()
    frame.attrs["skipped"] = {"out_of_range": int((reported & frame["state"].isna()).sum()),
                              "no_report": int((~reported).sum()),
                              "bad_dates": int(frame["bad_dates"].sum()),
                              "unknown_project": _unknown_reports(wh, p, g)}
    return frame.reset_index(drop=True)


def count_by_state(projects: pd.DataFrame) -> dict[str, int]:
    """Projects per state, every state present (an overdue project counts only as overdue)."""
    counts = projects["state"].value_counts()
    return {state: int(counts.get(state, 0)) for state in PROJECT_STATES}


@dataset("projects")
def project_record(wh: Warehouse, project_code: str) -> pd.DataFrame:
    """One project's dim_project row (empty when the code is unknown)."""
    p = wh.table("dim_project")
    frame = wh.read(sa.select(*_project_columns(wh, p)).where(p.c.project_code == project_code))
    frame["start_date"] = _dates(frame["start_date"])
    frame["planned_end_date"] = _dates(frame["planned_end_date"])
    for column in ("total_investment", "lon", "lat"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame.head(1).reset_index(drop=True)


@dataset("projects")
def project_history(wh: Warehouse, project_code: str) -> pd.DataFrame:
    """One project's progress reports by period; `valid` is False for progress outside 0–100
    (drawn as a gap, counted in `attrs["skipped"]["out_of_range"]`)."""
    g = wh.table("fact_project_progress")
    stmt = (sa.select(g.c.period, g.c.planned_progress_pct, g.c.actual_progress_pct, g.c.planned_investment_cum,
                      g.c.actual_investment_cum, wh.col(g, "note"))
            .where(g.c.project_code == project_code).order_by(g.c.period))
    frame = wh.read(stmt).drop_duplicates("period", keep="last")
    for column in ("planned_progress_pct", "actual_progress_pct", "planned_investment_cum", "actual_investment_cum"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["valid"] = (frame["planned_progress_pct"].between(0, 100) & frame["actual_progress_pct"].between(0, 100))
    frame.attrs["skipped"] = {"out_of_range": int((~frame["valid"]).sum())}
    return frame.reset_index(drop=True)


@dataset("projects")
def project_milestones(wh: Warehouse, project_code: str) -> pd.DataFrame:
    """One project's milestones in order (planned and actual dates as `datetime.date`); empty when
    it has none. `attrs["missing"]` names the table when the warehouse has no milestone table."""
    columns = ["seq", "name", "planned_date", "actual_date"]
    try:
        m = wh.table("fact_project_milestone")
    except MissingSchema as exc:
        frame = pd.DataFrame(columns=columns)
        frame.attrs["missing"] = exc.missing
        return frame
    stmt = (sa.select(m.c.seq, m.c.name, m.c.planned_date, wh.col(m, "actual_date"))
            .where(m.c.project_code == project_code).order_by(m.c.seq))
    frame = wh.read(stmt)
    frame["planned_date"] = _dates(frame["planned_date"])
    frame["actual_date"] = _dates(frame["actual_date"])
    return frame.reset_index(drop=True)
