"""JSON API for indicators: `GET /api/v1/indicators` and `GET /api/v1/indicators/<code>/values`."""
from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response, jsonify, request

from core.periods import PERIOD
from core.permissions import VIEW
from datasources.economy import family_children, indicator_values, region_family
from datasources.indicators import catalogue
from services.economy import with_completion
from web.access import require
from web.api.common import ApiError, json_value, region_param
from web.runtime import current_runtime

api_indicators = Blueprint("api_indicators", __name__, url_prefix="/api/v1/indicators")
api_indicators.before_request(functools.partial(require, VIEW))


def _period_param(name: str) -> str | None:
    value = request.args.get(name)
    if value is not None and not PERIOD.fullmatch(value):
        raise ApiError(400, f"{name} must be a period YYYY-MM, got {value!r}")
    return value


def _indicator(code: str) -> dict[str, Any]:
    cat = catalogue(current_runtime().warehouse)
    match = cat[cat["indicator_code"] == code]
    if match.empty:
        raise ApiError(404, f"unknown indicator {code}")
    return match.iloc[0].to_dict()


@api_indicators.get("")
def indicator_catalogue() -> Response:
    """The indicator catalogue (dim_indicator) in display order."""
    cat = catalogue(current_runtime().warehouse)
    return jsonify({"indicators": [{k: json_value(v) for k, v in row.items()}
                                   for row in cat.to_dict("records")]})


@api_indicators.get("/<code>/values")
def indicator_rows(code: str) -> Response:
    """Values of one indicator for a region (or its children with children=1) between start and end.

    Rows: region_code, region_name, period, value, target, yoy_pct, completion_pct; duplicate
    keys keep the newest row and implausible values are left out (`skipped` counts both).
    """
    rt = current_runtime()
    indicator = _indicator(code)
    region = region_param()
    start, end = _period_param("start"), _period_param("end")
    if start and end and start > end:
        raise ApiError(400, f"start {start} is after end {end}")
    flag = request.args.get("children", "0")
    if flag not in {"0", "1"}:
        raise ApiError(400, f"children must be 0 or 1, got {flag!r}")
    family = region_family(rt.warehouse, region)
    codes = tuple(family_children(family)["region_code"]) if flag == "1" else (region,)
    rows = indicator_values(rt.warehouse, code, codes, start, end) if codes else None
    if rows is None or rows.empty:
        return jsonify({"indicator_code": code, "region_code": region, "rows": [], "skipped": {}})
    frame = with_completion(rows, bool(indicator["cumulative"]))
    names = family.set_index("region_code")["name"]
    frame["region_name"] = frame["region_code"].map(names)
    columns = ["region_code", "region_name", "period", "value", "target", "yoy_pct", "completion_pct"]
    return jsonify({
        "indicator_code": code, "region_code": region,
        "rows": [{c: json_value(row[c]) for c in columns} for row in frame.to_dict("records")],
        "skipped": {k: int(v) for k, v in rows.attrs.get("skipped", {}).items()},
    })
