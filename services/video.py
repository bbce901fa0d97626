"""Where a camera's live stream comes from, and why a camera cannot play.

In order: an offline camera does not play; its own `dim_camera.stream_url`; the URL template
`video.stream_url_template`; the media gateway `video.gateway.*` (a GB/T 28181 platform such as
WVP: the server calls its play API, with the credential from the environment, and takes one
field of the JSON answer); the demo's generated clips (`video.demo_clips`). A stream that the
browser then cannot reach is reported by the tile itself (assets/video_wall.js).
"""
from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from core.config import Config
from core.values import is_missing

TOKEN_ENV = "COCKPIT_VIDEO_GATEWAY_TOKEN"
DEMO_CLIPS = 4
_PLAYABLE = ("http://", "https://", "ws://", "wss://", "/")


@dataclass(frozen=True)
class Stream:
    """A tile's source: `url` and `player` ("native" or "flv"), or `reason` (a message key) and `detail`."""

    url: str | None = None
    player: str = "native"
    reason: str | None = None
    detail: str = ""


def demo_on(config: Config) -> bool:
    """Whether cameras without a stream address play the generated demo clips."""
    mode = config.video.demo_clips
    return mode == "on" or (mode == "auto" and config.uses_demo_warehouse)


def demo_clip_url(camera_id: str, fmt: str = "mp4") -> str:
    """The demo clip a camera plays: one of DEMO_CLIPS, chosen by a stable hash of its id."""
    n = int(hashlib.sha1(camera_id.encode()).hexdigest(), 16) % DEMO_CLIPS + 1
    return f"/media/demo/{n}.{fmt}"


def wall_link_template(config: Config) -> str | None:
    """What the alert detail's "play" links to for a camera without its own address; None: it cannot play."""
    if config.stream_url_template:
        return config.stream_url_template
    if config.video.gateway_url_template or demo_on(config):
        return "/dispatch?camera={camera_id}"
    return None


def player_for(url: str, field: str | None = None) -> str:
    """"flv" for HTTP-FLV or WebSocket-FLV (played by mpegts.js), else "native" (HLS, MP4, fMP4)."""
    path = url.split("?", 1)[0].lower()
    flv_field = (field or "").split(".")[-1] in ("flv", "ws_flv", "https_flv")
    return "flv" if path.endswith(".flv") or flv_field else "native"


def gateway_request_url(template: str, camera_id: str) -> str:
    """The play API's URL for a camera: `{device_id}` and `{channel_id}` are the parts of an id
    written `device:channel`, or both the whole id (a camera registered as its own device)."""
    device, _, channel = camera_id.partition(":")
    q = urllib.request.quote
    return template.format(camera_id=q(camera_id, safe=""), device_id=q(device, safe=""),
                           channel_id=q(channel or device, safe=""))


def _field(answer: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(answer, Mapping) or part not in answer:
            return None
        answer = answer[part]
    return answer


def ask_gateway(config: Config, camera_id: str, env: Mapping[str, str] | None = None) -> Stream:
    """Call the gateway's play API for one camera (server side, with a timeout) and take the configured field."""
    settings = config.video
    env = os.environ if env is None else env
    headers = {"Accept": "application/json"}
    if env.get(TOKEN_ENV):
        headers[settings.gateway_token_header] = env[TOKEN_ENV]
    request = urllib.request.Request(gateway_request_url(str(settings.gateway_url_template), camera_id),
                                     headers=headers)
    try:
        # http(s) only: the config checks the template's scheme.
        with urllib.request.urlopen(request, timeout=settings.gateway_timeout_s) as response:
            answer = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        return Stream(reason="video.reason.gateway_error", detail=f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return Stream(reason="video.reason.gateway_unreachable", detail=str(getattr(exc, "reason", exc))[:120])
    except ValueError:
        return Stream(reason="video.reason.gateway_error", detail="not JSON")
    code = answer.get("code") if isinstance(answer, Mapping) else None
    if code not in (None, 0, 200):  # WVP answers {"code": 0, "msg": …, "data": {…}}; anything else is a refusal
        return Stream(reason="video.reason.gateway_error", detail=str(answer.get("msg") or code)[:120])
    url = _field(answer, settings.gateway_field)
    if not (isinstance(url, str) and url.startswith(_PLAYABLE)):
        return Stream(reason="video.reason.gateway_no_field", detail=settings.gateway_field)
    return Stream(url=url, player=player_for(url, settings.gateway_field))


def source_of(camera: Mapping[str, Any], config: Config) -> str:
    """Where a camera's stream comes from: offline, camera, template, gateway, demo or none."""
    status = camera.get("status")
    if isinstance(status, str) and status != "online":
        return "offline"
    own = camera.get("stream_url")
    if not is_missing(own) and str(own).strip():
        return "camera"
    if config.stream_url_template:
        return "template"
    if config.video.gateway_url_template:
        return "gateway"
    return "demo" if demo_on(config) else "none"


def stream_for(camera: Mapping[str, Any], config: Config, env: Mapping[str, str] | None = None) -> Stream:
    """The stream a camera plays, or why it cannot (see the module's docstring for the order)."""
    source = source_of(camera, config)
    camera_id = str(camera.get("camera_id"))
    if source == "offline":
        return Stream(reason="video.reason.offline")
    if source == "camera":
        url = str(camera.get("stream_url")).strip()
        if not url.startswith(_PLAYABLE):
            return Stream(reason="video.reason.bad_url", detail=url[:80])
        return Stream(url=url, player=player_for(url))
    if source == "template":
        url = str(config.stream_url_template).format(camera_id=camera_id)
        return Stream(url=url, player=player_for(url))
    if source == "gateway":
        return ask_gateway(config, camera_id, env)
    if source == "demo":
        return Stream(url=demo_clip_url(camera_id))
    return Stream(reason="video.reason.no_source")


def streams_for(cameras: Sequence[Mapping[str, Any]], config: Config) -> list[Stream]:
    """`stream_for` of each camera, the gateway calls in parallel (a wall waits for its slowest, not their sum)."""
    if not cameras:
        return []
    with ThreadPoolExecutor(max_workers=min(len(cameras), 8)) as pool:
        return list(pool.map(lambda c: stream_for(c, config), cameras))
