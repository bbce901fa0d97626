"""Access control on the server: the matrix of core/permissions.py applied to every request.

Three doors, one rule book:
- pages: each page registers the permission it needs (`dash.register_page(..., access=…)`);
  `install_page_access` wraps every page's layout so a user without it gets a "no access"
  panel instead of the page;
- Dash callbacks: `callback_permission` names the permission of each callback by its first
  output, and the callback guard answers 403 before the callback runs; a callback no family
  names is refused (deny by default);
- the API: `require(permission)` in each route (403 JSON).
Region scopes: `check_region` refuses (403) a region outside the user's scope; `home_region`
is a scoped user's default region; lists are filtered by `user_scope()` where they are read.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import dash
from dash import html
from flask import Flask, Response, jsonify, request

from core.i18n import current_language, t
from core.permissions import (
    ACT_ON_ALERTS,
    ADMINISTER,
    ANNOTATE,
    DISPATCH,
    EXPORT,
    VIEW,
    VIEW_SCREEN,
    in_scope,
    role_permits,
)
from datasources.regions import top_region_code
from web.auth import current_user
from web.runtime import current_runtime

# First output id (or pattern-matching id type) of each server callback → the permission it
# needs; None: any signed-in user (the shell's status line; the page router, whose pages
# check their own access).
CALLBACK_PERMISSIONS: dict[str, str | None] = {
    "app-data-as-of": None,
    "_pages_content": None,
    "overview-kpis": VIEW_SCREEN,
    "screen-sig": VIEW_SCREEN,
    "screen-alarm": VIEW_SCREEN,
    "economy-kpis": VIEW,
    "economy-graph": VIEW,
    "economy-warnings": VIEW,
    "economy-location": VIEW,
    "economy-download": EXPORT,
    "economy-scenario-line": VIEW,
    "economy-note-message": ANNOTATE,
    "projects-tiles": VIEW,
    "projects-grid": VIEW,
    "projects-download": EXPORT,
    "project-detail-body": VIEW,
    "project-detail-download": EXPORT,
    "poverty-summary": VIEW,
    "poverty-grid": VIEW,
    "poverty-location": VIEW,
    "poverty-download": EXPORT,
    "alerts-list": VIEW,
    "alerts-stats": VIEW,
    "alert-detail-id": VIEW,
    "alert-detail-body": VIEW,
    "alert-action-message": ACT_ON_ALERTS,
    "admin-users": ADMINISTER,
    "admin-username": ADMINISTER,
    "admin-audit-grid": ADMINISTER,
    "admin-audit-download": ADMINISTER,
    "dispatch-wall": VIEW,                   # pages/dispatch.py: the video wall and camera list
    "dispatch-orders": VIEW,                 # an alert's orders
    "dispatch-form-message": DISPATCH,       # issue an order
    "dispatch-step-message": ACT_ON_ALERTS,  # move an order a step: the duty officer's record
    "map-graph": VIEW,
    "map-location": VIEW,
    "briefing-period": VIEW,                 # pages/briefing.py: the months a region has
    "briefing-preview": VIEW,                # the preview (the files: GET /api/v1/briefing, EXPORT)
}
_LAYOUT_WRAPPED = "_cockpit_access"


class Forbidden(Exception):
    """The signed-in user may not do this; answered 403 with `message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def user_may(permission: str | None) -> bool:
    """Whether the signed-in user holds `permission` (None: any signed-in user)."""
    user = current_user()
    if user is None:
        return False
    return permission is None or role_permits(user.role, permission, personal_data=user.personal_data)


def require(permission: str) -> None:
    """Raise Forbidden unless the signed-in user holds `permission`."""
    if not user_may(permission):
        raise Forbidden(t("access.denied", action=t(f"access.permission.{permission}")))


def user_scope() -> str | None:
    """The signed-in user's region scope (None: the whole city)."""
    user = current_user()
    return user.region_scope if user else None


def check_region(region_code: str) -> None:
    """Raise Forbidden when `region_code` lies outside the signed-in user's scope."""
    if not in_scope(region_code, user_scope()):
        raise Forbidden(t("access.region_denied", region=region_code))


def home_region() -> str:
    """The region a page shows by default: the user's scope, else the configured city."""
    scope = user_scope()
    if scope is not None:
        return scope
    rt = current_runtime()
    return top_region_code(rt.warehouse, rt.config.city_region_code)


def callback_permission(output_id: object) -> tuple[bool, str | None]:
    """(known, permission) of a callback by its first output's id."""
    key = output_id.get("type") if isinstance(output_id, dict) else output_id
    if not isinstance(key, str) or key not in CALLBACK_PERMISSIONS:
        return False, None
    return True, CALLBACK_PERMISSIONS[key]


def no_access_panel(message: str) -> html.Section:
    """What a page shows to a user without its permission."""
    return html.Section([html.H2(t("access.title"), className="panel-title"),
                         html.P(message, id="access-denied")], className="panel access-denied")


def _guarded_layout(layout: Callable[..., Any], permission: str) -> Callable[..., Any]:
    @functools.wraps(layout)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not user_may(permission):
            return no_access_panel(t("access.page_denied", current_language()))
        return layout(*args, **kwargs)

    setattr(wrapper, _LAYOUT_WRAPPED, True)
    return wrapper


def install_page_access() -> None:
    """Wrap each registered page's layout with its permission check (pages default to VIEW)."""
    for page in dash.page_registry.values():
        layout = page.get("layout")
        if callable(layout) and not getattr(layout, _LAYOUT_WRAPPED, False):
            page["layout"] = _guarded_layout(layout, page.get("access", VIEW))


def _forbidden(exc: Forbidden) -> tuple[Response, int] | Response:
    if request.path.startswith("/api/") or "/_dash-" in request.path:
        return jsonify({"error": {"status": 403, "message": exc.message}}), 403
    return Response(exc.message, status=403, mimetype="text/plain")


def install_access(server: Flask) -> None:
    """Answer Forbidden, raised anywhere in a request, with 403 and its message."""
    server.register_error_handler(Forbidden, _forbidden)
