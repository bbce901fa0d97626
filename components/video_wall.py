"""The video wall: 1, 4, 9 or 16 tiles, each playing one camera's live stream or saying why not.

Pure: the tiles' sources are worked out by services/video.py. A tile's `<video>` carries its
source in data attributes; assets/video_wall.js starts it (natively for HLS/MP4, with the
vendored mpegts.js for FLV) and turns a stream that fails or stalls into "no signal" with the
reason, tile by tile, so the others keep playing.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from components.formatting import format_number
from core.i18n import t
from core.values import is_missing


def status_label(status: object, lang: str) -> str:
    """A camera's status in `lang`: online, offline, or unknown for anything else."""
    return t(f"video.status.{status if status in ('online', 'offline') else 'other'}", lang)


def distance_text(km: object, lang: str) -> str:
    """"1.2 公里", or "distance unknown" for a camera without a position."""
    if is_missing(km):
        return t("video.distance_unknown", lang)
    return t("video.km", lang, km=format_number(float(km), 1 if float(km) < 100 else 0))


def _no_signal(reason: str | None, detail: str, lang: str, hidden: bool) -> html.Div:
    text = t(reason, lang) if reason else ""
    return html.Div([html.Div(t("video.no_signal", lang), className="video-nosignal-title"),
                     html.Div(f"{text} · {detail}" if detail else text, className="video-nosignal-reason")],
                    className="video-nosignal", hidden=hidden)


def video_tile(tile: Mapping[str, Any], lang: str) -> html.Div:
    """One tile: the player (or "no signal" with the reason) under a caption of name, status and distance."""
    url, reason = tile.get("url"), tile.get("reason")
    status = tile.get("status")
    caption = html.Div([
        html.Span(str(tile.get("name") or tile.get("camera_id")), className="video-tile-name"),
        html.Span(status_label(status, lang), className=f"video-tile-status camera-{status}"),
        html.Span(distance_text(tile.get("distance_km"), lang), className="video-tile-distance"),
    ], className="video-tile-caption")
    player = html.Video(
        className="video-tile-player", muted=True, autoPlay=False, loop=True, controls=False,
        hidden=url is None,
        **{"data-src": url or "", "data-player": tile.get("player") or "native",
           "data-msg-error": t("video.reason.stream_error", lang), "data-msg-stalled": t("video.reason.stalled", lang)})
    return html.Div([player, _no_signal(reason, str(tile.get("detail") or ""), lang, hidden=url is not None),
                     caption],
                    className="video-tile " + ("is-playing" if url else "is-nosignal"),
                    **{"data-camera-id": str(tile.get("camera_id") or "")})


def video_wall(tiles: Sequence[Mapping[str, Any]], size: int, lang: str) -> html.Div:
    """`size` tiles (1, 4, 9 or 16) in a square grid; cameras beyond it are left off, empty places stay blank."""
    side = int(math.isqrt(size))
    cells: list[Any] = [video_tile(tile, lang) for tile in tiles[:size]]
    cells += [html.Div(className="video-tile is-empty") for _ in range(size - len(cells))]
    return html.Div(cells, className=f"video-wall wall-{side}", **{"aria-label": t("video.wall", lang)})
