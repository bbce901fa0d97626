"""JSON API of poverty-relapse monitoring: `GET /api/v1/households/summary` and `GET /api/v1/households`.

Both take `region` (default: the user's home region; 400 malformed, 403 outside the scope, 404
unknown). The list is paged (`limit` 1–MAX_LIMIT, default DEFAULT_LIMIT; `offset` ≥ 0) and
masked by the page's rule (core/masking.py) unless the user holds PERSONAL_DATA; each answer
with unmasked rows is audited (`personal_data_viewed`).
"""
from __future__ import annotations

import functools

from flask import Blueprint, Response, jsonify, request

from core.permissions import PERSONAL_DATA, VIEW
from core.poverty import FOLLOWED_STATUSES, MONITOR_STATUSES
from services.poverty import household_list, region_overview, summary_rows
from web.access import require, user_may
from web.api.common import ApiError, json_value, region_param
from web.audit import audit_personal_data_view
from web.runtime import current_runtime

api_households = Blueprint("api_households", __name__, url_prefix="/api/v1/households")
api_households.before_request(functools.partial(require, VIEW))

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000
FIELDS = ("household_code", "region_code", "region_name", "head_name", "id_number", "members", "income_per_capita",
          "monitor_status", "risk_type", "measures", "updated_at")


def _int_param(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 9) or not low <= int(text) <= high:
        raise ApiError(400, f"{name} must be an integer from {low} to {high}, got {text[:40]!r}")
    return int(text)


def _statuses() -> tuple[str, ...]:
    """`status`: one of the contract's statuses, or several separated by commas (default: at_risk
    and monitored, the households followed up)."""
    text = request.args.get("status")
    if text is None:
        return FOLLOWED_STATUSES
    chosen = tuple(dict.fromkeys(text.split(",")))
    if not chosen or any(s not in MONITOR_STATUSES for s in chosen):
        raise ApiError(400, f"status must be one or more of {', '.join(MONITOR_STATUSES)} separated by commas, "
                            f"got {text[:40]!r}")
    return chosen


@api_households.get("/summary")
def households_summary() -> Response:
    """Households by status for each child region of `region`, the region's own totals, and the
    bad rows left out (`skipped`)."""
    rt = current_runtime()
    region = region_param()
    overview = region_overview(rt.warehouse, region, rt.config.poverty)
    if overview is None:
        raise ApiError(404, f"unknown region {region}")
    return jsonify({"region_code": region, "rows": summary_rows(overview),
                    "total": {k: int(v) for k, v in overview.totals.items()}, "unplaced": int(overview.unplaced),
                    "skipped": {k: int(v) for k, v in overview.quality.items()}})


@api_households.get("")
def households() -> Response:
    """One page of the households of `status` below `region`, at risk first, lowest income first."""
    region = region_param()
    statuses = _statuses()
    limit = _int_param("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param("offset", 0, 0, MAX_OFFSET)
    personal = user_may(PERSONAL_DATA)
    rows, total = household_list(current_runtime().warehouse, region, statuses, limit, offset, personal)
    if personal and rows:
        audit_personal_data_view(f"households region={region}",
                                 f"api: {len(rows)} households ({','.join(statuses)}) offset={offset}: "
                                 + ",".join(str(r["household_code"]) for r in rows))
    return jsonify({"region_code": region, "status": list(statuses), "limit": limit, "offset": offset,
                    "total": total, "masked": not personal,
                    "households": [{f: json_value(r.get(f)) for f in FIELDS} for r in rows]})
