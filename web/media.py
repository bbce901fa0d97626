"""The demo's generated video clips, served at /media/demo/<n>.mp4 and .flv (signed-in readers only).

The clips are written at setup by `python3 -m demo ensure` into data/demo_media (never stored in
the repository); the video wall plays them for the demo cameras without a stream address
(services/video.py). Range requests are answered, so the browser can seek and loop.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, send_from_directory

from core.config import PROJECT_DIR
from core.permissions import VIEW
from services.video import demo_on
from web.access import require
from web.runtime import current_runtime

DEMO_MEDIA_DIR = PROJECT_DIR / "data" / "demo_media"
_CLIP = re.compile(r"[1-9]\d?\.(mp4|flv)")

media = Blueprint("media", __name__, url_prefix="/media")


@media.get("/demo/<name>")
def demo_clip(name: str) -> Response:
    """One generated clip; 404 when demo clips are off, the name is not a clip's, or it was not generated."""
    require(VIEW)
    if not (demo_on(current_runtime().config) and _CLIP.fullmatch(name)):
        abort(404)
    mimetype = "video/mp4" if name.endswith(".mp4") else "video/x-flv"
    return send_from_directory(DEMO_MEDIA_DIR, name, mimetype=mimetype, conditional=True, max_age=3600)
