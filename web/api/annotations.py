"""JSON API for annotations: notes pinned to a month of an indicator (datasources/annotations.py).

GET   /api/v1/annotations?indicator=CODE&region=CODE  → {"annotations": [...]}          (VIEW)
POST  /api/v1/annotations  {"indicator_code", "region_code" (optional), "period", "text"} → 201 (ANNOTATE)
PATCH /api/v1/annotations/<id>  {"text" and/or "period"} → 200, only by the author, else 403 (ANNOTATE)

Every write is audited with who and when (in the same transaction as the change).
"""
from __future__ import annotations

import functools

from flask import Blueprint, Response, jsonify, request

from core.annotations import check_period, check_text
from core.i18n import t
from core.permissions import ANNOTATE, VIEW
from core.regions import is_region_code
from datasources.annotations import NotAuthor, add_annotation, edit_annotation, list_annotations
from datasources.indicators import catalogue
from datasources.regions import find_region
from web.access import Forbidden, check_region, require, user_scope
from web.api.common import ApiError, json_object_body, region_param
from web.audit import client_address
from web.auth import current_user
from web.runtime import current_runtime

api_annotations = Blueprint("api_annotations", __name__, url_prefix="/api/v1/annotations")
api_annotations.before_request(functools.partial(require, VIEW))
MAX_CODE = 64
MAX_ID_DIGITS = 18  # fits a 64-bit integer column


def known_indicator(code: object, status: int = 400) -> str:
    """The indicator code when the catalogue has it; ApiError (`status`) otherwise."""
    if not isinstance(code, str) or not code or len(code) > MAX_CODE:
        raise ApiError(400, "indicator_code must be a short text")
    cat = catalogue(current_runtime().warehouse)
    if code not in set(cat["indicator_code"]):
        raise ApiError(status, f"unknown indicator {code[:40]!r}")
    return code


def note_region(raw: object) -> str | None:
    """The region a new note is about: the given code, checked (format, scope, known), or for a
    user limited to a region that region (a note without a region holds for every region)."""
    if raw is None:
        return user_scope()
    if not isinstance(raw, str) or not is_region_code(raw):
        raise ApiError(400, f"region_code must be a 6, 9 or 12 digit region code, got {str(raw)[:40]!r}")
    check_region(raw)
    if find_region(current_runtime().warehouse, raw) is None:
        raise ApiError(400, f"unknown region {raw}")
    return raw


def _author() -> str:
    user = current_user()
    if user is None:  # require() already answered 401; kept for the type checker
        raise ApiError(401, "sign in first")
    return user.username


@api_annotations.get("")
def get_annotations() -> Response:
    """Notes of an indicator (optional) for a region and the notes for every region, by period.

    Without `region`, a user limited to a region sees that region's notes, others see all.
    """
    code = request.args.get("indicator")
    indicator = None if code is None else known_indicator(code, 404)
    region = region_param() if request.args.get("region") is not None else user_scope()
    notes = list_annotations(current_runtime().appdb.engine, indicator_code=indicator, region_code=region)
    return jsonify({"annotations": notes})


@api_annotations.post("")
def post_annotation() -> tuple[Response, int]:
    """Add a note: 201 with it; 400 for a bad field (the message names it), 403 outside one's region."""
    require(ANNOTATE)
    payload = json_object_body()
    try:
        period, text = check_period(payload.get("period")), check_text(payload.get("text"))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    indicator = known_indicator(payload.get("indicator_code"))
    region = note_region(payload.get("region_code"))
    note = add_annotation(current_runtime().appdb.engine, indicator_code=indicator, region_code=region,
                          period=period, text=text, author=_author(), address=client_address())
    return jsonify(note), 201


@api_annotations.patch("/<note_id>")
def patch_annotation(note_id: str) -> Response:
    """Change a note's text and/or period: only its author may (403 otherwise); 404 unknown note."""
    require(ANNOTATE)
    # Read here, not by an <int:> rule: werkzeug fails with 500 on an id of thousands of digits.
    if not (note_id.isascii() and note_id.isdigit() and len(note_id) <= MAX_ID_DIGITS):
        raise ApiError(404, f"unknown annotation {note_id[:40]!r}")
    annotation_id = int(note_id)
    payload = json_object_body()
    if not {"text", "period"} & set(payload):
        raise ApiError(400, "give text and/or period to change")
    try:
        text = check_text(payload["text"]) if "text" in payload else None
        period = check_period(payload["period"]) if "period" in payload else None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    try:
        note = edit_annotation(current_runtime().appdb.engine, annotation_id, editor=_author(), text=text,
                               period=period, address=client_address())
    except LookupError:
        raise ApiError(404, f"unknown annotation {annotation_id}") from None
    except NotAuthor:
        raise Forbidden(t("annotation.not_author")) from None
    return jsonify(note)
