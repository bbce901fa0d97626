"""Video dispatch (`/dispatch`, issue 10): the media gateway, the video wall, dispatch orders.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.video` holds. Keys are documented in docs/configuration.md ("Video dispatch").

The gateway's credential never appears here: it comes only from the environment
(`COCKPIT_VIDEO_GATEWAY_TOKEN`, read by services/video.py when it calls the gateway).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.config_checks import ConfigError, check, is_int, is_number

# Top-level section → its keys and default values (`video.stream_url_template` is core/config.py's).
DEFAULTS: dict[str, dict[str, Any]] = {
    "video": {
        "gateway": {"url_template": None, "field": "data.hls", "timeout_s": 3, "token_header": "access-token"},
        "media_origins": [],
        "demo_clips": "auto",
        "wall_tiles": 4,
        "radius_km": 5,
    },
    "dispatch": {"deadline_min": 60},
}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ()

WALL_SIZES = (1, 4, 9, 16)
_PLACEHOLDERS = ("{camera_id}", "{device_id}", "{channel_id}")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")
_FIELD = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*")
_HEADER = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass(frozen=True)
class VideoSettings:
    """The checked settings of this section."""

    # A GB/T 28181 platform's play API, e.g. http://wvp:18080/api/play/start/{device_id}/{channel_id}.
    gateway_url_template: str | None = None
    gateway_field: str = "data.hls"        # dotted path of the stream URL in the gateway's JSON answer
    gateway_timeout_s: float = 3
    gateway_token_header: str = "access-token"
    media_origins: tuple[str, ...] = ()    # hosts streams come from, allowed by the Content-Security-Policy
    demo_clips: str = "auto"               # "auto": on the embedded demo warehouse only; "on"; "off"
    wall_tiles: int = 4
    radius_km: float = 5
    deadline_min: int = 60                 # a new order's default deadline, minutes from now


def _template(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.startswith(("http://", "https://"))
                             and any(p in value for p in _PLACEHOLDERS))


def parse(tree: Mapping[str, Any]) -> VideoSettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    origins = check(tree, "video.media_origins", lambda v: isinstance(v, list) and all(
        isinstance(o, str) and _ORIGIN.fullmatch(o) for o in v), "a list of origins such as http://media.example:8080")
    demo = check(tree, "video.demo_clips", lambda v: v in ("auto", "on", "off") or isinstance(v, bool),
                 "auto, on or off")
    if isinstance(demo, bool):  # YAML reads a bare on/off as true/false
        demo = "on" if demo else "off"
    field = check(tree, "video.gateway.field", lambda v: isinstance(v, str) and _FIELD.fullmatch(v) is not None,
                  "a dotted path into the gateway's JSON such as data.hls or data.flv")
    if field.split(".")[-1] == "rtc":
        raise ConfigError("video.gateway.field: WebRTC needs a signalling exchange the wall does not do; "
                          "take hls, fmp4 or flv")
    return VideoSettings(
        gateway_url_template=check(tree, "video.gateway.url_template", _template,
                                   "null or an http(s) URL containing {device_id}/{channel_id} or {camera_id}"),
        gateway_field=field,
        gateway_timeout_s=float(check(tree, "video.gateway.timeout_s", lambda v: is_number(v) and 0 < v <= 30,
                                      "seconds between 0 and 30")),
        gateway_token_header=check(tree, "video.gateway.token_header",
                                   lambda v: isinstance(v, str) and _HEADER.fullmatch(v) is not None,
                                   "an HTTP header name such as access-token or Authorization"),
        media_origins=tuple(o.lower() for o in origins),
        demo_clips=demo,
        wall_tiles=check(tree, "video.wall_tiles", lambda v: is_int(v) and v in WALL_SIZES, "1, 4, 9 or 16"),
        radius_km=float(check(tree, "video.radius_km", lambda v: is_number(v) and 0 < v <= 200,
                              "kilometres, more than 0 and at most 200")),
        deadline_min=check(tree, "dispatch.deadline_min", lambda v: is_int(v) and 1 <= v <= 7 * 24 * 60,
                           "minutes from 1 to 10080"),
    )
