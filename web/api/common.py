"""What every API blueprint shares: the error type and body, and checked query parameters.

Errors are JSON everywhere under /api: {"error": {"status": …, "message": …}}.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from core.errors import MissingSchema, WarehouseUnavailable
from core.regions import is_region_code
from core.values import is_missing
from datasources.regions import find_region
from web.access import check_region, home_region
from web.runtime import current_runtime


class ApiError(Exception):
    """An error answered as JSON with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_object_body() -> dict[str, Any]:
    """The request's JSON object body; 400 for anything else (no body, not JSON, not an object)."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError as exc:  # `silent` only covers ValueError, not a body nested too deep to parse
        raise ApiError(400, "the JSON body is nested too deeply") from exc
    if not isinstance(payload, dict):
        raise ApiError(400, "expected a JSON object body")
    return payload


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


def register_error_handlers(server: Flask) -> None:
    """Answer the API's errors, HTTP errors under /api and warehouse failures as JSON."""
    server.register_error_handler(ApiError, _api_error)
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(MissingSchema, _missing_schema)
    server.register_error_handler(WarehouseUnavailable, _unavailable)


def json_value(value: Any) -> Any:
    """A cell as JSON: missing (NaN, NA, NaT) → null, timestamps → ISO 8601 UTC, numpy scalars → Python."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):  # pandas' Timestamp is a datetime too
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if hasattr(value, "item"):
        return value.item()
    return value


def region_param(name: str = "region") -> str:
    """The region code from the query string (default: the user's home region), checked:
    400 malformed, 403 outside the user's region scope, 404 unknown."""
    rt = current_runtime()
    code = request.args.get(name)
    if code is None:
        return home_region()
    if not is_region_code(code):
        raise ApiError(400, f"{name} must be a 6, 9 or 12 digit region code, got {code[:40]!r}")
    check_region(code)
    if find_region(rt.warehouse, code) is None:
        raise ApiError(404, f"unknown region {code}")
    return code


