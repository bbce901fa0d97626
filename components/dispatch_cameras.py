"""The dispatch page's lists: cameras nearest first with distance and status (those without coordinates
apart), and the open incidents a bare /dispatch offers to start from."""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd
from dash import dcc, html

from components.alert_nearby import camera_kind_label
from components.alerts import level_key, level_label
from components.video_wall import distance_text, status_label
from core.i18n import t


def _row(camera: Mapping[str, Any], lang: str, on_wall: bool, with_distance: bool) -> html.Tr:
    cid = str(camera.get("camera_id"))
    status = camera.get("status")
    return html.Tr([
        html.Td(html.Span("▶", className="on-wall-mark", title=t("video.wall", lang)) if on_wall else ""),
        html.Td(dcc.Link(str(camera.get("name") or cid), href=f"/dispatch?camera={quote(cid, safe='')}")),
        html.Td(camera_kind_label(camera.get("kind"), lang), className="muted"),
        html.Td(status_label(status, lang), className=f"camera-{status}"),
        html.Td(distance_text(camera.get("distance_km"), lang) if with_distance else "", className="num"),
    ], className="dispatch-camera" + (" is-on-wall" if on_wall else ""), **{"data-camera-id": cid})


def camera_list(cameras: Sequence[Mapping[str, Any]], unplaced: pd.DataFrame, on_wall: Collection[str],
                lang: str) -> html.Div:
    """The cameras near the centre (those on the wall marked ▶), then the ones that cannot be placed."""
    parts: list[Any] = [html.H3(t("video.cameras", lang, n=len(cameras)))]
    if cameras:
        parts.append(html.Table(html.Tbody([_row(c, lang, str(c.get("camera_id")) in on_wall, True)
                                            for c in cameras]), className="nearby-table dispatch-cameras"))
    else:
        parts.append(html.Div(t("video.none", lang), className="muted"))
    total = int(unplaced.attrs.get("total", len(unplaced)))
    if total:
        parts.append(html.H3(t("video.unplaced", lang, n=total)))
        parts.append(html.Table(html.Tbody([_row(c, lang, False, False) for c in unplaced.to_dict("records")]),
                                className="nearby-table dispatch-unplaced"))
        if total > len(unplaced):
            parts.append(html.Div(t("video.unplaced_more", lang, n=total - len(unplaced)), className="muted"))
    return html.Div(parts, className="dispatch-camera-list")


def incident_picker(alerts: Sequence[Mapping[str, Any]], names: Mapping[str, str], lang: str) -> html.Div:
    """Open incidents, most serious first, each opening its video wall: what a bare /dispatch offers."""
    if not alerts:
        return html.Div(t("video.no_open_alerts", lang), className="panel-message")
    rows = [html.Tr([html.Td(html.Span(level_label(a.get("level"), lang),
                                       className=f"level-badge level-{level_key(a.get('level'))}")),
                     html.Td(dcc.Link(str(a.get("title") or a.get("alert_id")),
                                      href=f"/dispatch?alert={quote(str(a.get('alert_id')), safe='')}")),
                     html.Td(names.get(str(a.get("region_code")), str(a.get("region_code") or "")), className="muted")])
            for a in alerts]
    return html.Div([html.H3(t("video.pick_alert", lang, n=len(rows))),
                     html.Table(html.Tbody(rows), className="nearby-table dispatch-incidents")],
                    className="panel dispatch-picker")
