"""First check of every Dash callback request, before Dash or a page callback sees it.

It answers 403 when the signed-in user's role lacks the callback's permission (web/access.py;
a callback no family names is refused). Page callbacks check their own values (each page's
typed state); this guard refuses, with 400, what no browser running the cockpit sends at
all: a body that is not a callback request, text that is not valid Unicode, and URL parts
Dash's own page router cannot take (which would fail inside Dash with a 500).
"""
from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request

from core.i18n import t
from web.access import callback_permission, user_may

CALLBACK_PATH = "/_dash-update-component"
# Dash's page router: its inputs are the URL's pathname and query string.
ROUTER_OUTPUT = "_pages_content.children"


def _refusal(message: str) -> Response:
    return Response(message, status=400, mimetype="text/plain")


def _slots(body: dict[str, Any]) -> list[Any]:
    slots = []
    for group in ("inputs", "state"):
        for item in body.get(group) or []:
            slots += item if isinstance(item, list) else [item]
    return slots


def check_callback_request() -> Response | None:
    """None for a well-formed callback request, else the 400 answer."""
    if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
        return None
    try:
        body = request.get_json(silent=True)
        # A lone surrogate cannot be stored, logged or shown: refuse it here, not deep in a callback.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (RecursionError, UnicodeEncodeError):
        return _refusal("callback request too deeply nested or not valid Unicode")
    if not isinstance(body, dict) or not isinstance(body.get("output"), str) \
            or not isinstance(body.get("inputs"), list) or not isinstance(body.get("state", []), list):
        return _refusal("not a Dash callback request")
    slots = _slots(body)
    if not all(isinstance(slot, dict) and "id" in slot and isinstance(slot.get("property"), str) for slot in slots):
        return _refusal("malformed callback inputs")
    if ROUTER_OUTPUT in body["output"] and not all(_url_part(slot) for slot in slots):
        return _refusal("the page address must be a path")
    outputs = body.get("outputs")
    first = outputs[0] if isinstance(outputs, list) and outputs else outputs
    known, permission = callback_permission(first.get("id") if isinstance(first, dict) else None)
    if not known:
        return _forbidden(t("access.denied", action=body["output"][:80]))
    if not user_may(permission):
        return _forbidden(t("access.denied", action=t(f"access.permission.{permission}")))
    return None


def _forbidden(message: str) -> Response:
    return Response(json.dumps({"error": {"status": 403, "message": message}}, ensure_ascii=False),
                    status=403, mimetype="application/json")


def _url_part(slot: dict[str, Any]) -> bool:
    """A pathname is a text starting with "/" (Dash fails on any other), a query string any text."""
    value = slot.get("value")
    if slot.get("property") == "pathname":
        return isinstance(value, str) and value.startswith("/")
    return value is None or isinstance(value, str)


def install_callback_guard(server: Flask) -> None:
    """Check every callback request first (after sign-in)."""
    server.before_request(check_callback_request)
