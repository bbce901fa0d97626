"""Server push for duty consoles (`alerts.push: true`): `GET /api/v1/alerts/stream`, server-sent events.

Instead of polling, a console can hold a stream. The stream checks the live version
(`services.alerts.live_version`: the memoized open alerts' digest and the newest cockpit
action) every `alerts.refresh_s / 4` and sends an event carrying the version when it
changes; the console then asks for its view once. The version is computed once per check
interval and shared through the cache, so many open consoles cost what one does. The
first event is sent at once, so a console that reconnects catches up with whatever it missed.

A stream ends after STREAM_LIFETIME_S: the browser's EventSource reconnects by itself, which
re-checks the session and lets a worker thread go now and then. A comment line every
HEARTBEAT_S keeps proxies from closing an idle stream and lets the server notice a console
that has gone.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator

from flask import Blueprint, Response, stream_with_context

from core.errors import MissingSchema, WarehouseUnavailable
from core.permissions import VIEW
from datasources.appdb import AppDatabaseError
from services.alerts import live_version
from services.runtime import Runtime
from web.access import require
from web.api.common import ApiError
from web.runtime import current_runtime

log = logging.getLogger(__name__)

api_alert_stream = Blueprint("api_alert_stream", __name__, url_prefix="/api/v1/alerts")
api_alert_stream.before_request(functools.partial(require, VIEW))

STREAM_LIFETIME_S = 300
HEARTBEAT_S = 5
RECONNECT_MS = 1000
# A stream checks a few times per refresh interval, so a change waits a fraction of it.
CHECKS_PER_REFRESH = 4
# A computed version serves every stream of its check interval; kept a little longer than one.
VERSION_KEEP_S = 5


def _version(rt: Runtime) -> str:
    """The live version, or a marker of what is failing (the console then shows why)."""
    try:
        return live_version(rt.warehouse, rt.appdb.engine)
    except (MissingSchema, WarehouseUnavailable):
        return "warehouse-unavailable"
    except AppDatabaseError as exc:
        log.warning("app database unreadable for the alert stream: %s", exc)
        return "appdb-unavailable"


def _shared_version(rt: Runtime, check_s: float) -> str:
    """The live version, computed once per check interval for all streams sharing the cache."""
    slot = int(time.time() / check_s)
    key = f"ck:{rt.warehouse.cache_id}:alerts-live-version:{slot}"
    version = rt.warehouse.cache.get(key)
    if version is None:
        version = _version(rt)
        rt.warehouse.cache.set(key, version, timeout=VERSION_KEEP_S)
    return version


def events(rt: Runtime, lifetime_s: float = STREAM_LIFETIME_S) -> Iterator[str]:
    """The stream's lines: a version event whenever it changes, heartbeats, then the end."""
    check_s = rt.config.alerts_refresh_s / CHECKS_PER_REFRESH
    started = last_sent = time.monotonic()
    sent = None
    yield f"retry: {RECONNECT_MS}\n\n"
    while time.monotonic() - started < lifetime_s:
        version = _shared_version(rt, check_s)
        if version != sent:
            yield f"data: {version}\n\n"
            sent, last_sent = version, time.monotonic()
        elif time.monotonic() - last_sent >= HEARTBEAT_S:
            yield ": heartbeat\n\n"
            last_sent = time.monotonic()
        time.sleep(check_s)


@api_alert_stream.get("/stream")
def alert_stream() -> Response:
    """Server-sent events: `data: <version>` whenever the open alerts or their actions change."""
    rt = current_runtime()
    if not rt.config.alerts_push:
        raise ApiError(404, "server push is switched off (alerts.push: false); poll /api/v1/alerts")
    response = Response(stream_with_context(events(rt)), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    # nginx and similar proxies would hold the events back in their buffers otherwise.
    response.headers["X-Accel-Buffering"] = "no"
    return response
