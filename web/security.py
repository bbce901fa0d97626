"""Hardening of every request and response (docs/security.md).

- Security headers on every response: a Content-Security-Policy fit for Dash 4, plotly and
  MapLibre (scripts only from this site plus the hashes of Dash's own inline scripts, no
  eval), X-Frame-Options, X-Content-Type-Options and Referrer-Policy; a `Server` header is
  never sent by the app.
- Same-site rule for writes: a POST, PUT, PATCH or DELETE (sign-in, Dash callbacks, the API)
  whose Origin, or without one whose Referer, names another host than the request's own is
  refused with 403. Requests with neither header (scripts, other servers) are let through.
- Paths with a `..` segment, even percent-encoded, answer 404; so does an unknown file under
  Dash's component suites (Dash itself would answer 500 with its list of files).
- An unexpected error answers a plain message (JSON under /api and Dash's routes), never a
  stack trace; Flask logs the trace on the server.
"""
from __future__ import annotations

import logging
import re
import threading
from urllib.parse import unquote, urlsplit

import dash
from dash.exceptions import DependencyException, InvalidResourceError
from flask import Response, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import InternalServerError

from core.config import Config
from web.api.common import error_response

log = logging.getLogger(__name__)

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Origins of a tile server that can go into a CSP source list as they are.
_CSP_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")
_MESSAGES = {
    "cross_site": {"zh": "已拒绝来自其他网站的请求。", "en": "Request from another site refused."},
    "not_found": {"zh": "未找到。", "en": "Not found."},
    "server_error": {"zh": "服务器内部错误，已记录。请稍后重试。",
                     "en": "Internal server error; it has been logged. Please try again later."},
}


def tile_origin(tile_url: str | None) -> str | None:
    """The scheme, host and port of an absolute `map.tile_url`; None for none or a path on this site."""
    if not tile_url or not tile_url.startswith(("http://", "https://")):
        return None
    parts = urlsplit(tile_url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if not _CSP_ORIGIN.fullmatch(origin):
        log.warning("map.tile_url's host %r cannot go into the Content-Security-Policy; "
                    "tiles from it will be blocked", parts.netloc)
        return None
    return origin


def content_security_policy(config: Config, script_hashes: list[str]) -> str:
    """The CSP header value: this site only, plus the tile server, Dash's inline-script hashes and portals."""
    tiles = tile_origin(config.tile_url)
    also_tiles = f" {tiles}" if tiles else ""
    # The video wall's stream hosts (video.media_origins): <video> loads from them, mpegts.js fetches FLV.
    media = "".join(f" {origin}" for origin in config.video.media_origins)
    directives = {
        "default-src": "'self'",
        # Dash's inline scripts (renderer start, inline clientside callbacks) by hash; no 'unsafe-inline'.
        "script-src": " ".join(["'self'", *script_hashes]),
        # React style attributes and plotly's injected <style> elements.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob:{also_tiles}",
        "connect-src": f"'self'{also_tiles}{media}",
        # mpegts.js plays through Media Source Extensions, whose media are blob: URLs.
        "media-src": f"'self' blob:{media}",
        # MapLibre (plotly's map traces) starts its workers from blob: URLs; child-src for
        # browsers without worker-src (Safari before 15.5).
        "worker-src": "'self' blob:",
        "child-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(config.frame_ancestors) or "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _frame_options(frame_ancestors: tuple[str, ...]) -> str | None:
    """X-Frame-Options for browsers without CSP frame-ancestors; None when portals may frame us."""
    if not frame_ancestors:
        return "DENY"
    if frame_ancestors == ("'self'",):
        return "SAMEORIGIN"
    return None  # ALLOW-FROM is obsolete: frame-ancestors alone decides


def _host_port(netloc: str, scheme: str) -> tuple[str, int] | None:
    """(host, port) of `netloc`, the port defaulting to `scheme`'s; None when unreadable."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


def is_cross_site(source: str, host: str) -> bool:
    """True unless the URL `source` (an Origin or a Referer) names `host`, the request's own Host.

    Only host and port are compared, not the scheme: behind a proxy that ends TLS the app is
    spoken to over http while the browser's Origin says https. "null" and anything that is not
    an http(s) URL count as another site.
    """
    try:
        parts = urlsplit(source.strip())
    except ValueError:
        return True
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        return True
    theirs = _host_port(parts.netloc, parts.scheme)
    ours = _host_port(host, parts.scheme)
    return theirs is None or ours is None or theirs != ours


def _wants_json(path: str) -> bool:
    return path == "/api" or path.startswith(("/api/", "/_dash-"))


def _plain(status: int, key: str, language: str) -> ResponseReturnValue:
    message = _MESSAGES[key][language if language in ("zh", "en") else "zh"]
    if _wants_json(request.path):
        return error_response(status, message)
    return Response(message, status=status, mimetype="text/plain")


def install_security(app: dash.Dash, config: Config) -> None:
    """Add the headers, the same-site rule, the path check and the error pages to `app`'s server.

    Call after the Dash app is built, so the hashes of its inline scripts are known; the two
    checks are put in front of every other before-request function (the sign-in guard too).
    """
    server = app.server
    language = config.language
    frame_options = _frame_options(config.frame_ancestors)
    policies: dict[tuple[str, ...], str] = {}
    # csp_hashes() moves Dash's global inline scripts into the app's list: one thread at a time.
    hashes_lock = threading.Lock()

    def refuse_traversal() -> ResponseReturnValue | None:
        # Werkzeug has decoded %2f already; a second unquote catches %252e%252e as well.
        segments = re.split(r"[/\\]", unquote(request.path))
        if ".." in segments:
            return _plain(404, "not_found", language)
        return None

    def refuse_cross_site() -> ResponseReturnValue | None:
        if request.method not in STATE_CHANGING:
            return None
        source = request.headers.get("Origin") or request.headers.get("Referer")
        if not source or not is_cross_site(source, request.host):
            return None
        log.warning("refused cross-site %s %s from %r (host %r)", request.method, request.path,
                    source[:200], request.host)
        return _plain(403, "cross_site", language)

    def add_headers(response: Response) -> Response:
        # Computed per distinct set of inline scripts: a clientside callback added late still counts.
        with hashes_lock:
            hashes = tuple(app.csp_hashes())
        if hashes not in policies:
            policies[hashes] = content_security_policy(config, list(hashes))
        headers = response.headers
        headers["Content-Security-Policy"] = policies[hashes]
        if frame_options:
            headers["X-Frame-Options"] = frame_options
        else:
            headers.pop("X-Frame-Options", None)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers.pop("Server", None)
        return response

    def not_found(_exc: Exception) -> ResponseReturnValue:
        return _plain(404, "not_found", language)

    def server_error(_exc: InternalServerError) -> ResponseReturnValue:
        # Flask has logged the trace already (app.log_exception); the user sees none of it.
        return _plain(500, "server_error", language)

    before = server.before_request_funcs.setdefault(None, [])
    before[0:0] = [refuse_traversal, refuse_cross_site]
    server.after_request(add_headers)
    # Dash answers an unknown component-suite file with a 500 (or its own 404) listing its files.
    server.register_error_handler(DependencyException, not_found)
    server.register_error_handler(InvalidResourceError, not_found)
    server.register_error_handler(InternalServerError, server_error)
