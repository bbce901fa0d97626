"""JSON API for administration, administrators only (403 for every other role).

GET   /api/v1/admin/users                   → {"users": [...]} (never a password hash)
POST  /api/v1/admin/users                   {"username", "password", "role", "region_scope"?, "personal_data"?,
                                             "display_name"?} → 201 {"user": …}; 409 when the name is taken
PATCH /api/v1/admin/users/<username>        {"role"?, "region_scope"?, "personal_data"?, "disabled"?, "password"?,
                                             "display_name"?} → 200 {"user": …, "changed": [...]}; 404 unknown
GET   /api/v1/admin/audit?actor=&action=&since=&until=&limit=  → {"events": [...], "more": bool}, newest first
GET   /api/v1/admin/audit.csv?actor=&action=&since=&until=     → CSV, UTF-8 with BOM (audited as an export)

Bad input answers 400 with a message naming the field; a password that fails the policy
(core/passwords.py) answers 400 with the policy's reason.
"""
from __future__ import annotations

import functools
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, request

from components.admin import audit_csv, audit_json
from core.audit import audit_filters
from core.i18n import current_language
from core.passwords import WeakPassword
from core.permissions import ADMINISTER
from datasources.appdb import AppDatabaseError
from datasources.audit import MAX_ROWS, search_audit
from datasources.users import CHANGEABLE, UserExists, list_users
from services.accounts import LastAdmin, change_account, create_account
from web.access import require
from web.api.common import ApiError, error_response, json_object_body
from web.audit import audit_export, client_address
from web.auth import current_user
from web.runtime import current_runtime

api_admin = Blueprint("api_admin", __name__, url_prefix="/api/v1/admin")
api_admin.before_request(functools.partial(require, ADMINISTER))

CREATE_FIELDS = ("username", "password", "role", "region_scope", "personal_data", "display_name")
TEXT_FIELDS = ("username", "password", "role")
OPTIONAL_TEXT_FIELDS = ("region_scope", "display_name")
FLAG_FIELDS = ("personal_data", "disabled")
DEFAULT_PAGE, MAX_PAGE = 200, 1000


def _unavailable(_exc: AppDatabaseError) -> tuple[Response, int]:
    return error_response(503, "the application database is not available now; try again")


api_admin.register_error_handler(AppDatabaseError, _unavailable)


def _body(allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object body, its fields checked for kind; 400 otherwise."""
    payload = json_object_body()
    unknown = sorted(str(key)[:40] for key in payload if key not in allowed)
    if unknown:
        raise ApiError(400, f"unknown field(s) {', '.join(unknown)}: expected {', '.join(allowed)}")
    for key, value in payload.items():
        if key in TEXT_FIELDS and not isinstance(value, str):
            raise ApiError(400, f"{key} must be a string")
        if key in OPTIONAL_TEXT_FIELDS and value is not None and not isinstance(value, str):
            raise ApiError(400, f"{key} must be a string or null")
        if key in FLAG_FIELDS and not isinstance(value, bool):
            raise ApiError(400, f"{key} must be true or false")
    return payload


def _actor() -> str | None:
    user = current_user()
    return user.username if user else None


@api_admin.get("/users")
def get_users() -> Response:
    """Every account, by name."""
    return jsonify({"users": [asdict(user) for user in list_users(current_runtime().appdb.engine)]})


@api_admin.post("/users")
def post_user() -> tuple[Response, int]:
    """Create a local account: 201; 400 bad input or a weak password; 409 the name is taken."""
    payload = _body(CREATE_FIELDS)
    missing = [key for key in TEXT_FIELDS if key not in payload]
    if missing:
        raise ApiError(400, f"missing field(s): {', '.join(missing)}")
    try:
        user = create_account(current_runtime().appdb.engine, _actor(), client_address(), payload["username"],
                              payload["password"], payload["role"], payload.get("region_scope"),
                              payload.get("display_name"), payload.get("personal_data", False))
    except UserExists as exc:
        raise ApiError(409, f"user {payload['username']} already exists") from exc
    except ValueError as exc:  # WeakPassword included: its message is the policy's reason
        raise ApiError(400, str(exc)) from exc
    return jsonify({"user": asdict(user)}), 201


@api_admin.patch("/users/<username>")
def patch_user(username: str) -> Response:
    """Change an account: 200 with what changed; 400 bad input, 404 unknown user, 409 the last admin."""
    payload = _body(CHANGEABLE)
    if not payload:
        raise ApiError(400, f"nothing to change: send one or more of {', '.join(CHANGEABLE)}")
    try:
        user, changed = change_account(current_runtime().appdb.engine, _actor(), client_address(), username,
                                       payload)
    except LookupError as exc:
        raise ApiError(404, f"unknown user {username[:64]}") from exc
    except LastAdmin as exc:
        raise ApiError(409, f"{username} is the only enabled administrator: it cannot be disabled "
                            "or given another role") from exc
    except WeakPassword as exc:
        raise ApiError(400, str(exc)) from exc
    except ValueError as exc:
        raise ApiError(400, str(exc)) from exc
    return jsonify({"user": asdict(user), "changed": list(changed)})


def _filters() -> dict[str, Any]:
    try:
        return audit_filters(request.args.get("actor"), request.args.get("action"), request.args.get("since"),
                             request.args.get("until"), ZoneInfo(current_runtime().config.timezone))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from exc


@api_admin.get("/audit")
def get_audit() -> Response:
    """Events newest first, `limit` (1–1000, default 200) at a time; `more` when older ones match too.

    For the next page, ask again with `until` set to the oldest `at` of this one.
    """
    raw = request.args.get("limit", str(DEFAULT_PAGE))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4) or not 1 <= int(raw) <= MAX_PAGE:
        raise ApiError(400, f"limit must be a whole number 1–{MAX_PAGE}")
    limit = int(raw)
    events = search_audit(current_runtime().appdb.engine, **_filters(), limit=limit + 1)
    return jsonify({"events": [audit_json(asdict(event)) for event in events[:limit]],
                    "more": len(events) > limit})


@api_admin.get("/audit.csv")
def get_audit_csv() -> Response:
    """The matching events (newest first, at most MAX_ROWS) as CSV; the download is audited."""
    rt = current_runtime()
    filters = _filters()
    events = search_audit(rt.appdb.engine, **filters, limit=MAX_ROWS)
    audit_export("audit.csv", f"audit log, {len(events)} events, filters: "
                              + (" ".join(f"{k}={request.args.get(k)}" for k in filters) or "none"))
    body = audit_csv([asdict(event) for event in events], ZoneInfo(rt.config.timezone), current_language())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="audit.csv"', "Cache-Control": "no-store"})
