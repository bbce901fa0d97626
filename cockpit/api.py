"""JSON API `/api/v1` for integrations and a mobile client: shared errors, health, summary.

Each area adds its own blueprint module (`api_*.py`) and registers it in `register_api`.
Errors are JSON everywhere under /api: {"error": {"status": …, "message": …}}.
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from cockpit.runtime import current_runtime
from datasources.alerts import count_by_level, live_alerts
from datasources.indicators import latest_values
from datasources.projects import count_by_state, project_status
from datasources.regions import find_region, top_region_code
from datasources.status import warehouse_status
from datasources.warehouse import MissingSchema, WarehouseUnavailable

api = Blueprint("api", __name__, url_prefix="/api/v1")

REGION_CODE = re.compile(r"\d{6}|\d{9}|\d{12}")


class ApiError(Exception):
    """An error answered as JSON with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> tuple[Response, int]:
    """The API's error body: {"error": {"status": …, "message": …}}."""
    return jsonify({"error": {"status": status, "message": message}}), status


def _api_error(exc: ApiError) -> tuple[Response, int]:
    return error_response(exc.status, exc.message)


def _http_error(exc: HTTPException) -> tuple[Response, int] | HTTPException:
    if not request.path.startswith("/api/"):
        return exc  # pages keep Flask's own error pages
    return error_response(exc.code or 500, exc.description or exc.name)


def _missing_schema(exc: MissingSchema) -> tuple[Response, int]:
    return error_response(503, f"the warehouse lacks {exc.missing}")


def _unavailable(_exc: WarehouseUnavailable) -> tuple[Response, int]:
    return error_response(503, "the warehouse is unreachable and no earlier data is cached")


def register_api(server: Flask) -> None:
    """Register every API blueprint and the JSON error handlers they share."""
    server.register_error_handler(ApiError, _api_error)
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(MissingSchema, _missing_schema)
    server.register_error_handler(WarehouseUnavailable, _unavailable)
    from cockpit.api_alert_stream import api_alert_stream  # these import ApiError from here: import late
    from cockpit.api_alerts import api_alerts
    from cockpit.api_indicators import api_indicators

    for blueprint in (api, api_indicators, api_alert_stream, api_alerts):
        server.register_blueprint(blueprint)


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def region_param(name: str = "region") -> str:
    """The region code from the query string (default: the city), checked; 400/404 otherwise."""
    rt = current_runtime()
    code = request.args.get(name)
    if code is None:
        return top_region_code(rt.warehouse, rt.config.city_region_code)
    if not REGION_CODE.fullmatch(code):
        raise ApiError(400, f"{name} must be a 6, 9 or 12 digit region code, got {code!r}")
    if find_region(rt.warehouse, code) is None:
        raise ApiError(404, f"unknown region {code}")
    return code


@api.get("/health")
def health() -> Response:
    """Warehouse reachability and freshness; public, for load balancers and monitoring."""
    status = warehouse_status(current_runtime().warehouse)
    return jsonify({"status": "ok" if status.reachable else "degraded",
                    "warehouse": "ok" if status.reachable else "unreachable",
                    "data_as_of": status.data_as_of})


@api.get("/summary")
def summary() -> Response:
    """Headline indicators, open alerts by level and projects by state for a region."""
    rt = current_runtime()
    region = region_param()
    values = latest_values(rt.warehouse, region)
    indicators = [{
        "indicator_code": row["indicator_code"], "name": row["name"], "unit": row["unit"],
        "period": row["period"] if isinstance(row["period"], str) else None,
        "value": _number(row["value"]), "yoy_pct": _number(row["yoy_pct"]),
        "target": _number(row["target"]), "completion_pct": _number(row["completion_pct"]),
    } for row in values.to_dict("records")]
    # Open by the combined status: the warehouse's, folded with the duty console's actions.
    alerts = live_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min, datetime.now(timezone.utc),
                         region)
    projects = project_status(rt.warehouse, region, rt.today().isoformat(),
                              rt.config.lagging_pts, rt.config.seriously_lagging_pts)
    return jsonify({
        "region_code": region,
        "indicators": indicators,
        "alerts_open_by_level": count_by_level(alerts),
        "alerts_overdue": int(alerts["overdue"].sum()),
        "projects_by_state": count_by_state(projects),
    })


@api.get("/<path:_unknown>")
def not_found(_unknown: str) -> tuple[Response, int]:
    """Unknown API paths answer JSON 404 instead of falling through to the page router."""
    return error_response(404, f"no such API endpoint: {request.path}")
