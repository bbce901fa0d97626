"""Key projects and their state from the latest progress report."""
from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from core.contract import PROJECT_STATES
from core.rules import project_states
from datasources.cache import dataset
from datasources.regions import within
from datasources.warehouse import Warehouse


@dataset("projects")
def project_status(wh: Warehouse, region_code: str | None, today: str,
                   lagging_pts: float = 5, seriously_lagging_pts: float = 15) -> pd.DataFrame:
    """Every project with its latest progress row, lag in points and state (contract rules).

    `today` is an ISO date, part of the cache key because `overdue` depends on it.
    `attrs["skipped"]["out_of_range"]` counts projects whose latest progress is outside 0–100.
    """
    p = wh.table("dim_project")
    g = wh.table("fact_project_progress")
    latest = (sa.select(g.c.project_code, sa.func.max(g.c.period).label("period"))
              .group_by(g.c.project_code).subquery())
    stmt = (sa.select(p.c.project_code, p.c.name, p.c.category, wh.col(p, "level"), p.c.region_code,
                      wh.col(p, "owner_dept"), p.c.planned_end_date, p.c.total_investment,
                      latest.c.period, g.c.planned_progress_pct, g.c.actual_progress_pct,
                      g.c.planned_investment_cum, g.c.actual_investment_cum)
            .select_from(p)
            .join(latest, latest.c.project_code == p.c.project_code, isouter=True)
            .join(g, sa.and_(g.c.project_code == latest.c.project_code, g.c.period == latest.c.period),
                  isouter=True)
            .order_by(p.c.project_code))
    if region_code:
        stmt = stmt.where(within(p.c.region_code, region_code))
    frame = wh.read(stmt).drop_duplicates("project_code")
    frame["lag_pts"] = (pd.to_numeric(frame["planned_progress_pct"], errors="coerce")
                        - pd.to_numeric(frame["actual_progress_pct"], errors="coerce"))
    frame["state"] = project_states(frame, date.fromisoformat(today), lagging_pts=lagging_pts,
                                    seriously_lagging_pts=seriously_lagging_pts)
    reported = frame["period"].notna()
    frame.attrs["skipped"] = {"out_of_range": int((reported & frame["state"].isna()).sum()),
                              "no_report": int((~reported).sum())}
    return frame.reset_index(drop=True)


def count_by_state(projects: pd.DataFrame) -> dict[str, int]:
    """Projects per state, every state present (an overdue project counts only as overdue)."""
    counts = projects["state"].value_counts()
    return {state: int(counts.get(state, 0)) for state in PROJECT_STATES}
