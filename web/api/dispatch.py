"""JSON API for dispatch orders (docs/dispatch.md).

POST /api/v1/dispatches                {"alert_id", "dept_codes": [...], "resource_ids": [...], "instruction",
                                        "deadline" (ISO 8601 with offset), "request_id" (optional)}
     → 201 with the order (200 with "duplicate": true for a replayed request_id); permission DISPATCH
GET  /api/v1/dispatches?alert_id=ID    → {"dispatches": [...]} newest first; permission VIEW
POST /api/v1/dispatches/<id>/status    {"status", "request_id" (optional), "note" (optional)}
     → 200, 409 for a step that does not follow, 404 for an unknown order; permission ACT_ON_ALERTS
"""
from __future__ import annotations

import functools
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from core.contract import is_alert_id
from core.dispatch_rules import INSTRUCTION_MAX_CHARS, REQUEST_ID, UnknownDispatch, parse_deadline
from core.errors import InvalidAction, OutOfScope, UnknownAlert
from core.i18n import t
from core.permissions import ACT_ON_ALERTS, DISPATCH, VIEW
from datasources.appdb import AppDatabaseError
from services.dispatch import alert_centre, alert_orders, issue, progress
from web.access import Forbidden, require, user_scope
from web.api.common import ApiError, json_object_body, json_value
from web.audit import client_address
from web.auth import current_user
from web.runtime import current_runtime

api_dispatch = Blueprint("api_dispatch", __name__, url_prefix="/api/v1/dispatches")
api_dispatch.before_request(functools.partial(require, VIEW))


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return json_value(value)


def _request_id(payload: dict[str, Any]) -> str:
    request_id = payload.get("request_id") or secrets.token_urlsafe(16)
    if not isinstance(request_id, str) or not REQUEST_ID.fullmatch(request_id):
        raise ApiError(400, "request_id must be 8–64 letters, digits, '.', ':', '_' or '-'")
    return request_id


def _invalid(exc: InvalidAction) -> ApiError:
    return ApiError(409 if exc.conflict else 400, t(exc.key, "en", **exc.values))


def _username() -> str:
    user = current_user()
    return user.username if user else ""


@api_dispatch.post("")
def post_dispatch() -> tuple[Response, int]:
    """Issue an order for an alert; 400 naming unknown departments or resources; never half stored."""
    require(DISPATCH)
    rt = current_runtime()
    payload = json_object_body()
    alert_id = payload.get("alert_id")
    if not is_alert_id(alert_id):
        raise ApiError(400, "alert_id must be an alert id")
    deadline = payload.get("deadline")
    moment = parse_deadline(deadline)
    if moment is None:
        raise ApiError(400, "deadline must be an ISO 8601 date-time with an offset, such as 2026-12-01T18:00:00+08:00")
    instruction = payload.get("instruction")
    if isinstance(instruction, str) and len(instruction) > INSTRUCTION_MAX_CHARS:
        raise ApiError(400, f"instruction must be at most {INSTRUCTION_MAX_CHARS} characters")
    try:
        order, duplicate = issue(rt.warehouse, rt.appdb.engine, alert_id=alert_id,
                                 dept_codes=payload.get("dept_codes"), resource_ids=payload.get("resource_ids"),
                                 instruction=instruction, deadline=moment, username=_username(),
                                 request_id=_request_id(payload), now=datetime.now(UTC), scope=user_scope(),
                                 address=client_address())
    except UnknownAlert as exc:
        raise ApiError(404, f"unknown alert {alert_id}") from exc
    except OutOfScope as exc:
        raise Forbidden(t("access.region_denied", region=alert_id)) from exc
    except InvalidAction as exc:
        raise _invalid(exc) from exc
    except AppDatabaseError as exc:
        raise ApiError(503, "the application database cannot be written now; nothing was stored; "
                            "retry with the same request_id") from exc
    return jsonify({**_json(order), "duplicate": duplicate}), 200 if duplicate else 201


@api_dispatch.get("")
def list_dispatches() -> Response:
    """An alert's orders, newest first, each with its targets, history and `overdue`."""
    rt = current_runtime()
    alert_id = request.args.get("alert_id")
    if not is_alert_id(alert_id):
        raise ApiError(400, "alert_id must be given and be an alert id")
    try:
        alert_centre(rt.warehouse, alert_id, user_scope())
    except UnknownAlert as exc:
        raise ApiError(404, f"unknown alert {alert_id}") from exc
    except OutOfScope as exc:
        raise Forbidden(t("access.region_denied", region=alert_id)) from exc
    try:
        orders = alert_orders(rt.appdb.engine, alert_id, datetime.now(UTC))
    except AppDatabaseError as exc:
        raise ApiError(503, "the application database cannot be read now") from exc
    return jsonify({"dispatches": _json(orders)})


@api_dispatch.post("/<int:dispatch_id>/status")
def post_status(dispatch_id: int) -> Response:
    """Move an order one step (or cancel it): 200, 409 when the step does not follow, 404 unknown order."""
    require(ACT_ON_ALERTS)
    rt = current_runtime()
    payload = json_object_body()
    status, note = payload.get("status"), payload.get("note")
    if not isinstance(status, str):
        raise ApiError(400, "status must be a string")
    if note is not None and not (isinstance(note, str) and len(note) <= INSTRUCTION_MAX_CHARS):
        raise ApiError(400, f"note must be a string of at most {INSTRUCTION_MAX_CHARS} characters")
    try:
        if note is not None:
            note.encode("utf-8")
        order, duplicate = progress(rt.warehouse, rt.appdb.engine, dispatch_id, status, _username(),
                                    request_id=_request_id(payload), now=datetime.now(UTC), note=note or None,
                                    scope=user_scope(), address=client_address())
    except UnicodeEncodeError as exc:
        raise ApiError(400, "note must be Unicode text without lone surrogates") from exc
    except UnknownDispatch as exc:
        raise ApiError(404, f"unknown dispatch order {dispatch_id}") from exc
    except (UnknownAlert, OutOfScope) as exc:
        raise Forbidden(t("access.region_denied", region=str(dispatch_id))) from exc
    except InvalidAction as exc:
        raise _invalid(exc) from exc
    except AppDatabaseError as exc:
        raise ApiError(503, "the application database cannot be written now; retry with the same request_id") from exc
    return jsonify({**_json(order), "duplicate": duplicate})
