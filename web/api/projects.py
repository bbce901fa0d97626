"""JSON API for key projects: `GET /api/v1/projects` (filtered list) and `GET /api/v1/projects/<code>`
(one project with its history and milestones). Region scope: a user sees only projects within it."""
from __future__ import annotations

import functools
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, request

from core.contract import PROJECT_STATES
from core.errors import OutOfScope
from core.permissions import VIEW
from core.projects import UnknownProject, is_project_code
from core.values import number_or_none
from services.projects import Filters, filter_choices, load_projects, project_detail, select_projects
from web.access import Forbidden, require, user_scope
from web.api.common import ApiError, json_value, region_param
from web.runtime import current_runtime

api_projects = Blueprint("api_projects", __name__, url_prefix="/api/v1/projects")
api_projects.before_request(functools.partial(require, VIEW))

LIST_FIELDS = ("project_code", "name", "region_code", "category", "planned_progress_pct", "actual_progress_pct",
               "lag_pp", "state", "overdue", "planned_investment_cum", "actual_investment_cum")
MAX_PARAM = 64


def _value(value: Any) -> Any:
    """A cell as JSON; dates as ISO text (Flask would write them as HTTP dates)."""
    if isinstance(value, date):
        return value.isoformat()
    return json_value(value)


def _row(project: dict[str, Any]) -> dict[str, Any]:
    out = {field: _value(project.get("lag_pts" if field == "lag_pp" else field)) for field in LIST_FIELDS}
    out["overdue"] = bool(project.get("overdue"))
    return out


def _text_param(name: str, allowed: list[str] | tuple[str, ...]) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if len(value) > MAX_PARAM or value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}; got {value[:MAX_PARAM]!r}")
    return value


@api_projects.get("")
def project_list() -> Response:
    """Projects within `region` (default: the user's region) with their state against plan.

    `state` is one of the contract's states (`overdue` selects overdue projects whatever their lag),
    `category` one of the warehouse's project categories; `skipped` counts the bad rows left out or flagged.
    """
    rt = current_runtime()
    region = region_param()
    state = _text_param("state", PROJECT_STATES)
    projects = load_projects(rt.warehouse, region, rt.today(), rt.config.lagging_pts, rt.config.seriously_lagging_pts)
    category = _text_param("category", filter_choices(projects)["category"])
    shown = select_projects(projects, Filters(category=category, state=state))
    return jsonify({"region_code": region, "today": rt.today().isoformat(),
                    "projects": [_row(p) for p in shown.to_dict("records")],
                    "skipped": {k: int(v) for k, v in projects.attrs.get("skipped", {}).items()}})


@api_projects.get("/<code>")
def project_one(code: str) -> Response:
    """One project: its row (as in the list, plus county, department, dates and total), its
    progress history, its milestones (with status and days late) and its latest note."""
    if not is_project_code(code):
        raise ApiError(400, f"not a project code: {code[:MAX_PARAM]!r}")
    rt = current_runtime()
    try:
        detail = project_detail(rt.warehouse, code, user_scope(), rt.today(), rt.config.lagging_pts,
                                rt.config.seriously_lagging_pts)
    except UnknownProject:
        raise ApiError(404, f"unknown project {code}") from None
    except OutOfScope as exc:
        raise Forbidden(f"project {code} lies outside your region scope ({exc.region})") from None
    project = dict(detail.project)
    body = _row(project) | {key: _value(project.get(key)) for key in (
        "level", "owner_dept", "start_date", "planned_end_date", "total_investment", "lon", "lat")}
    body["bad_dates"] = bool(project.get("bad_dates"))
    history = [{"period": str(h["period"]),
                **{k: number_or_none(h[k]) for k in ("planned_progress_pct", "actual_progress_pct",
                                                      "planned_investment_cum", "actual_investment_cum")},
                "note": _value(h["note"]), "valid": bool(h["valid"])} for h in detail.history.to_dict("records")]
    milestones = [{k: _value(m[k]) for k in ("seq", "name", "planned_date", "actual_date", "status", "days_late")}
                  for m in detail.milestones.to_dict("records")]
    return jsonify({"project": body, "history": history, "milestones": milestones,
                    "latest_note": {"period": detail.note_period, "note": detail.note} if detail.note else None,
                    "skipped": {k: int(v) for k, v in detail.skipped.items()}})
