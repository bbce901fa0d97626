"""JSON API for indicators: `GET /api/v1/indicators`, `…/<code>/values` and `…/<code>/scenario`."""
from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response, jsonify, request

from core.periods import PERIOD
from core.permissions import VIEW
from core.scenario import ScenarioUnavailable, check_growth
from datasources.economy import family_children, indicator_values, region_family
from datasources.indicators import catalogue
from services.economy import with_completion
from services.scenario import region_scenario
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


@api_indicators.get("/<code>/scenario")
def indicator_scenario(code: str) -> Response:
    """What it takes to reach the annual target (core/scenario.py): the year end if the rest of
    the year grows by growth_pct on the rest of last year, and the growth the target needs.

    Query: region (default the user's home region), period (default the latest with a value),
    growth_pct (default the growth so far this year). 404 unknown indicator; 400 without a
    target or last year's figures, or for a bad parameter.
    """
    indicator = _indicator(code)
    region = region_param()
    period = _period_param("period")
    raw = request.args.get("growth_pct")
    try:
        growth = None if raw is None else check_growth(raw)
        found = region_scenario(current_runtime().warehouse, indicator, region, period, growth)
    except ScenarioUnavailable as exc:
        raise ApiError(400, f"no scenario for {code} in {region}: {exc}") from None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return jsonify({"indicator_code": code, "region_code": region, "period": found.period,
                    "value": found.value, "target": found.target,
                    "remaining_last_year": found.remaining_last_year, "growth_pct": found.growth_pct,
                    "year_end": found.year_end, "completion_pct": found.completion_pct,
                    "required_growth_pct": found.required_growth_pct, "months_left": found.months_left,
                    "value_last_year": found.value_last_year,
                    "full_year_last_year": found.full_year_last_year})
