"""JSON API: cameras near an alert or a point, nearest first by great-circle distance.

GET /api/v1/cameras/nearby?alert_id=ID&radius_km=5   (or lon=&lat= instead of alert_id)
→ {"cameras": [{"camera_id", "name", "status", "distance_km", "stream_url", "source"}]}
Cameras without coordinates are left out; `source` says where the stream comes from (camera,
template, gateway: asked when played, demo, offline, none) and `stream_url` is null for gateway
cameras (the gateway's answer is short-lived; the wall asks for it when it plays).
"""
from __future__ import annotations

import functools
import math

from flask import Blueprint, Response, jsonify, request

from core.contract import is_alert_id
from core.errors import OutOfScope, UnknownAlert
from core.i18n import t
from core.permissions import VIEW
from services.dispatch import Centre, alert_centre, nearby_cameras
from services.video import source_of, stream_for
from web.access import Forbidden, require, user_scope
from web.api.common import ApiError, json_value
from web.runtime import current_runtime

api_cameras = Blueprint("api_cameras", __name__, url_prefix="/api/v1/cameras")
api_cameras.before_request(functools.partial(require, VIEW))


def _float(name: str, low: float, high: float) -> float:
    raw = request.args.get(name, "")
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be a number from {low:g} to {high:g}, got {raw[:40]!r}") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise ApiError(400, f"{name} must be a number from {low:g} to {high:g}, got {raw[:40]!r}")
    return value


def _centre() -> Centre:
    rt = current_runtime()
    alert_id = request.args.get("alert_id")
    if alert_id is not None:
        if not is_alert_id(alert_id):
            raise ApiError(400, f"alert_id is malformed: {alert_id[:40]!r}")
        try:
            return alert_centre(rt.warehouse, alert_id, user_scope())
        except UnknownAlert as exc:
            raise ApiError(404, f"unknown alert {alert_id}") from exc
        except OutOfScope as exc:
            raise Forbidden(t("access.region_denied", region=alert_id)) from exc
    if "lon" not in request.args or "lat" not in request.args:
        raise ApiError(400, "give alert_id, or lon and lat")
    lon, lat = _float("lon", -180, 180), _float("lat", -90, 90)
    return Centre("point", lon, lat, None, f"{lon}, {lat}")


@api_cameras.get("/nearby")
def nearby() -> Response:
    """Cameras within radius_km (default video.radius_km, at most 200) of the alert or point, nearest first."""
    rt = current_runtime()
    radius = _float("radius_km", 0.001, 200) if "radius_km" in request.args else rt.config.video.radius_km
    centre = _centre()
    if centre.lon is None or centre.lat is None:
        return jsonify({"cameras": [], "radius_km": radius, "note": "the alert has no coordinates"})
    frame = nearby_cameras(rt.warehouse, centre, radius, user_scope())
    out = []
    for cam in frame.to_dict("records"):
        source = source_of(cam, rt.config)
        url = None if source in ("gateway", "offline", "none") else stream_for(cam, rt.config).url
        out.append({"camera_id": cam["camera_id"], "name": cam["name"], "status": json_value(cam.get("status")),
                    "distance_km": round(float(cam["distance_km"]), 3), "stream_url": url, "source": source})
    return jsonify({"cameras": out, "radius_km": radius})
