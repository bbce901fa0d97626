"""JSON API for the duty console: alerts with their combined status, one alert's detail, actions.

GET  /api/v1/alerts?status=open|all&level=&category=&region=&since=&limit=&offset=
     (a page of `limit` rows, at most api.max_page_size, from `offset`; `total` counts them all)
GET  /api/v1/alerts/<alert_id>
POST /api/v1/alerts/<alert_id>/actions  {"action": …, "dept_code": …, "level": …, "note": …, "request_id": …}
"""
from __future__ import annotations

import functools
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from core.alert_lifecycle import ACTIONS
from core.contract import ALERT_CATEGORIES, ALERT_LEVELS
from core.errors import InvalidAction, OutOfScope, UnknownAlert
from core.i18n import t
from core.permissions import ACT_ON_ALERTS, VIEW
from datasources.appdb import AppDatabaseError
from services.alerts import act_on_alert, alert_detail, console_alerts
from web.access import Forbidden, require, user_scope
from web.api.common import ApiError, error_response, json_object_body, json_value, region_param
from web.auth import current_user
from web.runtime import current_runtime

api_alerts = Blueprint("api_alerts", __name__, url_prefix="/api/v1/alerts")
api_alerts.before_request(functools.partial(require, VIEW))


def _app_db_unavailable(_exc: AppDatabaseError) -> tuple[Response, int]:
    # The officers' actions cannot be read, so no list or detail could show a true status.
    return error_response(503, "the application database is unavailable: alert states cannot be read now")


api_alerts.register_error_handler(AppDatabaseError, _app_db_unavailable)

LIST_FIELDS = ("alert_id", "category", "level", "title", "region_code", "occurred_at", "status",
               "acknowledged_at", "overdue")
REQUEST_ID = re.compile(r"[\w.:-]{8,64}")


def _shown(value: Any) -> str:
    """`value` for an error message: a scalar's repr, cut short; a JSON object or array by its kind.

    The repr of a deeply nested body would itself overflow the stack.
    """
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _record(row: dict[str, Any], fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {k: json_value(v) for k, v in row.items() if fields is None or k in fields}


def _since_param() -> str | None:
    raw = request.args.get("since")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # OverflowError: a moment whose UTC time falls outside years 1–9999 (0001-01-01T00:00+14:00).
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ApiError(400, f"since must be an ISO 8601 timestamp in years 1–9999, got {raw!r}") from exc
    # isoformat, not strftime: %Y writes year 1 as "1", which then reads as another date.
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@api_alerts.get("")
def list_alerts() -> Response:
    """Alerts by combined status, most severe and newest first; `region` includes everything below it."""
    rt = current_runtime()
    status = request.args.get("status", "open")
    if status not in ("open", "all"):
        raise ApiError(400, f"status must be open or all, got {status!r}")
    level = request.args.get("level") or None
    if level is not None and level not in {*map(str, ALERT_LEVELS), "other"}:
        raise ApiError(400, f"level must be 1, 2, 3, 4 or other, got {level!r}")
    category = request.args.get("category") or None
    if category is not None and category not in ALERT_CATEGORIES:
        raise ApiError(400, f"category must be one of {', '.join(ALERT_CATEGORIES)}, got {category!r}")
    # Without `region`, a scoped user's own region: a list holds only what they may see.
    region = region_param() if request.args.get("region") else user_scope()
    limit, offset = _page_params()
    frame = console_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min, datetime.now(UTC),
                           status=status, since=_since_param(), region_code=region, level=level, category=category)
    total = len(frame)
    page = frame.iloc[offset:offset + limit]
    return jsonify({"alerts": [_record(r, LIST_FIELDS) for r in page.to_dict("records")],
                    "total": total, "limit": limit, "offset": offset,
                    "next_offset": offset + limit if offset + limit < total else None,
                    "skipped": frame.attrs.get("skipped", {}), "stale": bool(frame.attrs.get("stale"))})


def _int_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not low <= int(raw) <= high:
        raise ApiError(400, f"{name} must be an integer from {low} to {high}, got {raw[:40]!r}")
    return int(raw)


def _page_params() -> tuple[int, int]:
    """`limit` (default api.page_size, at most api.max_page_size) and `offset` (≥ 0) of a list."""
    settings = current_runtime().config.production
    limit = _int_param("limit", settings.api_page_size, 1, settings.api_max_page_size)
    return limit, _int_param("offset", 0, 0, 10**9)


def _detail_json(alert_id: str) -> dict[str, Any]:
    rt = current_runtime()
    cfg = rt.config
    try:
        detail = alert_detail(rt.warehouse, rt.appdb.engine, alert_id, cfg.alert_ack_limit_min,
                              datetime.now(UTC), cfg.nearby_radius_km, cfg.nearby_cameras, scope=user_scope())
    except UnknownAlert as exc:
        raise ApiError(404, f"unknown alert {alert_id}") from exc
    except OutOfScope as exc:
        raise Forbidden(t("access.region_denied", region=alert_id)) from exc
    body = _record(detail.alert)
    body["actions"] = [_record(a) for a in detail.actions.drop(columns="id").to_dict("records")]
    body["department"] = _record(detail.dept) if detail.dept else None
    body["resources"] = [] if detail.resources is None else [_record(r) for r in detail.resources.to_dict("records")]
    body["cameras"] = [] if detail.cameras is None else [_record(c) for c in detail.cameras.to_dict("records")]
    body["missing"] = list(detail.missing)
    return body


@api_alerts.get("/<alert_id>")
def get_alert(alert_id: str) -> Response:
    """One alert with its actions, department, nearby resources and cameras (each with distance_km)."""
    return jsonify(_detail_json(alert_id))


@api_alerts.post("/<alert_id>/actions")
def post_action(alert_id: str) -> Response:
    """Record an action: 200 with the new state; 400 bad input, 404 unknown alert, 409 not allowed now.

    A client that may retry sends a `request_id`; the same id is answered without acting twice.
    """
    require(ACT_ON_ALERTS)
    rt = current_runtime()
    payload = json_object_body()
    action = payload.get("action")
    if action not in ACTIONS:
        raise ApiError(400, f"action must be one of {', '.join(ACTIONS)}, got {_shown(action)}")
    level = payload.get("level")
    if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
        raise ApiError(400, f"level must be an integer 1–4, got {_shown(level)}")
    for key in ("dept_code", "note"):
        if payload.get(key) is not None and not isinstance(payload[key], str):
            raise ApiError(400, f"{key} must be a string")
        if payload.get(key) is not None and not _encodable(payload[key]):
            # JSON's "\ud800" decodes to a lone surrogate, which no database can store as UTF-8.
            raise ApiError(400, f"{key} must be Unicode text without lone surrogates")
    request_id = payload.get("request_id") or secrets.token_urlsafe(16)
    if not isinstance(request_id, str) or not REQUEST_ID.fullmatch(request_id):
        raise ApiError(400, "request_id must be 8–64 letters, digits, '.', ':', '_' or '-'")
    user = current_user()
    try:
        result = act_on_alert(rt.warehouse, rt.appdb.engine, alert_id, action, user.username if user else "",
                              request_id=request_id, dept_code=payload.get("dept_code"), level=level,
                              note=payload.get("note"), scope=user_scope(), address=request.remote_addr)
    except UnknownAlert as exc:
        raise ApiError(404, f"unknown alert {alert_id}") from exc
    except OutOfScope as exc:
        raise Forbidden(t("access.region_denied", region=alert_id)) from exc
    except InvalidAction as exc:
        raise ApiError(409 if exc.conflict else 400, t(exc.key, "en", **exc.values)) from exc
    except AppDatabaseError:
        # Not saved: the client keeps the action and retries with this request_id, which is
        # recorded once however often it arrives (docs/deployment.md, "Faults").
        body = {"error": {"status": 503, "message": t("production.action_not_saved", "en")},
                "request_id": request_id, "saved": False, "retry": True}
        response = jsonify(body)
        response.status_code = 503
        response.headers["Retry-After"] = "10"
        return response
    return jsonify({"request_id": request_id, "duplicate": result.duplicate, "state": _record(result.state),
                    "alert": _detail_json(alert_id)})
