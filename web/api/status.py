"""API routes of the whole cockpit: health, the summary of a region, and JSON 404s under /api."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, jsonify, request

from core.permissions import VIEW
from core.values import number_or_none
from datasources.appdb import AppDatabaseError
from datasources.cache_backends import cache_state
from datasources.indicators import latest_values
from datasources.projects import count_by_state, project_status
from datasources.regions import top_region_code
from datasources.status import warehouse_status
from services.alerts import count_by_level, live_alerts
from web.access import require, user_scope
from web.api.common import error_response, region_param
from web.runtime import current_runtime

api = Blueprint("api", __name__, url_prefix="/api/v1")


def _app_db_unavailable(_exc: AppDatabaseError) -> tuple[Response, int]:
    return error_response(503, "the application database is unavailable: alert states cannot be read now")


api.register_error_handler(AppDatabaseError, _app_db_unavailable)


@api.get("/health")
def health() -> Response:
    """Reachability of the warehouse, the app database and the shared cache, and the data's freshness.

    Public, for load balancers and monitoring. Always 200 while the process serves: "degraded"
    names what is down (the cockpit keeps serving on the last good data, without the shared
    cache, or read-only without the app database).
    """
    rt = current_runtime()
    status = warehouse_status(rt.warehouse)
    app_db = rt.appdb.ping()
    cache = cache_state(rt.warehouse.cache)
    healthy = status.reachable and app_db and cache != "unreachable"
    return jsonify({"status": "ok" if healthy else "degraded",
                    "warehouse": "ok" if status.reachable else "unreachable",
                    "data_as_of": status.data_as_of,
                    "app_db": "ok" if app_db else "unreachable",
                    "cache": cache})


@api.get("/summary")
def summary() -> Response:
    """Headline indicators, open alerts by level and projects by state for a region."""
    require(VIEW)
    rt = current_runtime()
    region = region_param()
    values = latest_values(rt.warehouse, region)
    indicators = [{
        "indicator_code": row["indicator_code"], "name": row["name"], "unit": row["unit"],
        "period": row["period"] if isinstance(row["period"], str) else None,
        "value": number_or_none(row["value"]), "yoy_pct": number_or_none(row["yoy_pct"]),
        "yoy_pp": number_or_none(row["yoy_pp"]),
        "target": number_or_none(row["target"]), "completion_pct": number_or_none(row["completion_pct"]),
    } for row in values.to_dict("records")]
    # Open by the combined status: the warehouse's, folded with the duty console's actions.
    # The whole city, asked by a user without a scope, counts what the duty console counts:
    # every open alert, those with a region code outside the city's tree included.
    whole_city = user_scope() is None and region == top_region_code(rt.warehouse, rt.config.city_region_code)
    alerts = live_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min, datetime.now(UTC),
                         None if whole_city else region)
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
