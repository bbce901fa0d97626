"""The alert detail's nearby lists, worded: camera and resource kinds, and whether a camera can play."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import html

from core.i18n import t
from core.values import is_missing

CAMERA_KINDS = ("public_security", "traffic", "forest_fire", "city", "water", "other")
RESOURCE_KINDS = ("rescue_team", "supply_depot", "shelter", "medical", "vehicle")


def camera_kind_label(kind: object, lang: str) -> str:
    """A camera's kind in `lang`; an unknown kind as "other"."""
    return t(f"camera.kind.{kind if kind in CAMERA_KINDS else 'other'}", lang)


def resource_kind_label(kind: object, lang: str) -> str:
    """A resource's kind in `lang`; an unknown kind as "other"."""
    return t(f"resource.kind.{kind if kind in RESOURCE_KINDS else 'other'}", lang)


def camera_link(camera: Mapping[str, Any], lang: str, stream_url_template: str | None) -> Any:
    """A "play" link, or why the camera cannot play: offline, or no stream address and no gateway."""
    status = camera.get("status")
    if isinstance(status, str) and status != "online":
        return html.Span(t("alerts.d.cannot_play.offline", lang), className="muted camera-unplayable")
    url = camera.get("stream_url")
    if is_missing(url) or not str(url).strip():
        if not stream_url_template:
            return html.Span(t("alerts.d.cannot_play.no_gateway", lang), className="muted camera-unplayable")
        url = stream_url_template.format(camera_id=camera["camera_id"])
    return html.A(t("alerts.d.play", lang), href=str(url), target="_blank", rel="noopener")
