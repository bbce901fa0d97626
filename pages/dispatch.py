"""Video dispatch `/dispatch`: cameras near an incident or a point on a video wall, and dispatch orders.

Opened as `/dispatch?alert=<id>` (from an alert), `?camera=<id>` (from the map or a camera
list) or `?lon=&lat=`; `radius_km` and `tiles` may be given too. The wall and the camera list
are drawn by one callback (gateway calls happen there, server side); orders are issued by the
form (permission DISPATCH) and moved a step by the buttons (ACT_ON_ALERTS), see docs/dispatch.md.
"""
from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components.alert_nearby import resource_kind_label
from components.alerts import level_key, level_label, new_token
from components.cards import panel_message
from components.dispatch_cameras import camera_list, incident_picker
from components.dispatch_orders import order_form, orders_list
from components.formatting import format_number
from components.panels import failure_panel
from components.video_wall import video_wall
from core.config_video import WALL_SIZES
from core.contract import is_alert_id
from core.dispatch_rules import UnknownDispatch
from core.errors import InvalidAction, MissingSchema, OutOfScope, UnknownAlert, WarehouseUnavailable
from core.i18n import current_language, t
from core.permissions import ACT_ON_ALERTS, DISPATCH
from datasources.alerts import departments
from datasources.appdb import AppDatabaseError
from services.alerts import console_alerts
from services.dispatch import (
    Centre,
    UnknownCamera,
    alert_centre,
    alert_orders,
    camera_centre,
    issue,
    nearby_cameras,
    nearby_resources,
    progress,
    unplaced_cameras,
)
from services.lookups import dept_options, region_names
from services.video import streams_for
from web.access import user_may, user_scope
from web.audit import client_address
from web.auth import current_user
from web.runtime import current_runtime

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/dispatch", nav_key="video.nav", nav_order=26, title=lambda **_: t("video.title"))

RADII = (1, 2, 5, 10, 30)
PICKER_SIZE = 30  # incidents a bare /dispatch lists
CAMERA_ID = re.compile(r"[\w.:-]{1,64}")
STATUS_STEP = re.compile(r"[a-z_]{1,16}")


def _number(text: object, low: float, high: float) -> float | None:
    try:
        value = float(str(text))
    except ValueError:
        return None
    return value if low <= value <= high else None


def centre_query(alert: object = None, camera: object = None, lon: object = None,
                 lat: object = None) -> dict[str, Any] | None:
    """The centre the URL (or the page's store) names, checked: {"alert"}, {"camera"} or {"lon", "lat"}.

    None when it names none of them validly.
    """
    if alert is not None:
        return {"alert": alert} if is_alert_id(alert) else None
    if camera is not None:
        return {"camera": camera} if isinstance(camera, str) and CAMERA_ID.fullmatch(camera) else None
    x, y = _number(lon, -180, 180), _number(lat, -90, 90)
    return {"lon": x, "lat": y} if x is not None and y is not None else None


def _incidents(lang: str) -> html.Div:
    """The open incidents to start from, most serious first (the duty console's order and scope)."""
    rt = current_runtime()
    try:
        alerts = console_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min, datetime.now(UTC),
                                region_code=user_scope())
    except (MissingSchema, WarehouseUnavailable) as exc:
        return failure_panel(exc, lang)
    return incident_picker(alerts.head(PICKER_SIZE).to_dict("records"), region_names(rt.warehouse, lang), lang)


def _locate(query: dict[str, Any]) -> Centre:
    rt = current_runtime()
    if "alert" in query:
        return alert_centre(rt.warehouse, query["alert"], user_scope())
    if "camera" in query:
        return camera_centre(rt.warehouse, query["camera"], user_scope())
    return Centre("point", query["lon"], query["lat"], None, f"{query['lon']:.5f}, {query['lat']:.5f}")


def _local_deadline(minutes: int, tz: str) -> str:
    return (datetime.now(ZoneInfo(tz)) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def _dispatch_panel(centre: Centre, lang: str) -> html.Section:
    rt = current_runtime()
    parts: list[Any] = [html.H2(t("dispatch.title", lang), className="panel-title")]
    if centre.alert is None:
        parts.append(html.Div(t("dispatch.only_alert", lang), className="muted"))
    elif user_may(DISPATCH):
        resources = nearby_resources(rt.warehouse, centre, rt.config.nearby_radius_km)
        options = [{"label": f"{r['name']} · {resource_kind_label(r.get('kind'), lang)} · "
                             f"{t('video.km', lang, km=format_number(r['distance_km'], 1))}",
                    "value": str(r["resource_id"])} for r in resources.to_dict("records")]
        parts.append(order_form(dept_options(rt.warehouse), options,
                                _local_deadline(rt.config.video.deadline_min, rt.config.timezone), new_token(), lang))
    else:
        parts.append(html.Div(t("dispatch.cannot_issue", lang), className="muted"))
    parts += [html.Div(id="dispatch-step-message", className="action-message", role="status"),
              html.Div(id="dispatch-orders"),
              dcc.Store(id="dispatch-issued", data=0), dcc.Store(id="dispatch-stepped", data=0),
              dcc.Store(id="dispatch-step-token", data=new_token()),
              dcc.Interval(id="dispatch-orders-tick", interval=30_000)]
    return html.Section(parts, className="panel dispatch-panel")


def _head(centre: Centre, lang: str) -> html.Div:
    label = t(f"video.centre.{centre.kind}", lang)
    parts: list[Any] = [html.Span(label, className="muted"), html.Strong(centre.title, className="dispatch-centre")]
    if centre.alert is not None:
        parts.insert(1, html.Span(level_label(centre.alert.get("level"), lang),
                                  className=f"alert-level-badge level-bg-{level_key(centre.alert.get('level'))}"))
        parts.append(dcc.Link("↗", href=f"/alerts/{centre.alert['alert_id']}", className="muted"))
    if centre.lon is None:
        parts.append(html.Span(t("video.no_position", lang), className="muted"))
    return html.Div(parts, className="dispatch-head-line")


def layout(alert: str | None = None, camera: str | None = None, lon: str | None = None, lat: str | None = None,
           radius_km: str | None = None, tiles: str | None = None, **_query: str) -> html.Div:
    """The page for the centre the URL names; a clear message for a missing or bad one."""
    rt = current_runtime()
    lang = current_language()
    title = html.H1(t("video.title", lang), className="page-title")
    if alert is None and camera is None and lon is None and lat is None:
        return html.Div([title, panel_message(t("video.choose", lang), "info"), _incidents(lang)],
                        className="dispatch-page")
    query = centre_query(alert, camera, lon, lat)
    radius = _number(radius_km, 0.1, 200) if radius_km is not None else rt.config.video.radius_km
    size = int(tiles) if tiles in {str(n) for n in WALL_SIZES} else rt.config.video.wall_tiles
    if query is None or radius is None or (tiles is not None and tiles not in {str(n) for n in WALL_SIZES}):
        problem = "alert / camera / lon+lat" if query is None else ("radius_km" if radius is None else "tiles")
        return html.Div([title, panel_message(t("video.bad_query", lang, problem=problem))], className="dispatch-page")
    try:
        centre = _locate(query)
        panel = _dispatch_panel(centre, lang)
    except UnknownAlert:
        return html.Div([title, panel_message(t("alerts.d.unknown", lang, id=alert))], className="dispatch-page")
    except UnknownCamera:
        return html.Div([title, panel_message(t("video.unknown_camera", lang, id=camera))], className="dispatch-page")
    except OutOfScope as exc:
        return html.Div([title, panel_message(t("access.region_denied", lang, region=exc.region))],
                        className="dispatch-page")
    except (MissingSchema, WarehouseUnavailable) as exc:
        return html.Div([title, failure_panel(exc, lang)], className="dispatch-page")
    radii = sorted({*RADII, radius})
    controls = html.Div([
        html.Label(t("video.tiles", lang), htmlFor="dispatch-tiles"),
        dcc.RadioItems(id="dispatch-tiles", options=[{"label": str(n), "value": n} for n in WALL_SIZES], value=size,
                       inline=True, className="dispatch-tiles"),
        html.Label(t("video.radius", lang), htmlFor="dispatch-radius"),
        dcc.Dropdown(id="dispatch-radius",
                     options=[{"label": t("video.km", lang, km=format_number(r, 0 if r >= 1 else 1)), "value": r}
                              for r in radii],
                     value=radius, clearable=False, className="dispatch-radius"),
    ], className="dispatch-controls")
    return html.Div([
        html.Div([title, _head(centre, lang), controls], className="dispatch-top"),
        dcc.Store(id="dispatch-centre", data=query),
        html.Div([
            html.Section(dcc.Loading(html.Div(id="dispatch-wall")), className="panel dispatch-wall-panel"),
            html.Div([html.Section(html.Div(id="dispatch-cameras"), className="panel"), panel],
                     className="dispatch-side"),
        ], className="dispatch-grid"),
    ], className="dispatch-page")


def _valid_centre(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or len(data) > 2:
        raise PreventUpdate
    query = centre_query(data.get("alert"), data.get("camera"), data.get("lon"), data.get("lat"))
    if query is None:
        raise PreventUpdate  # a value the page never stores
    return query


@callback(Output("dispatch-wall", "children"), Output("dispatch-cameras", "children"),
          Input("dispatch-tiles", "value"), Input("dispatch-radius", "value"), State("dispatch-centre", "data"))
def show_wall(size: object, radius: object, data: object) -> tuple[Any, Any]:
    """The wall of the `size` nearest cameras within `radius` km, and the list of all of them."""
    if size not in WALL_SIZES or isinstance(radius, bool) or not isinstance(radius, (int, float)) \
            or not 0.1 <= radius <= 200:
        raise PreventUpdate
    query = _valid_centre(data)
    rt = current_runtime()
    lang = current_language()
    try:
        centre = _locate(query)
        cameras = nearby_cameras(rt.warehouse, centre, float(radius), user_scope())
        unplaced = unplaced_cameras(rt.warehouse, centre, user_scope())
    except (UnknownAlert, UnknownCamera, OutOfScope):
        raise PreventUpdate from None  # the layout said so already
    except (MissingSchema, WarehouseUnavailable) as exc:
        return failure_panel(exc, lang), None
    records = cameras.to_dict("records")
    shown = records[:size]
    tiles = [{**c, **vars(s)} for c, s in zip(shown, streams_for(shown, rt.config), strict=True)]
    return (video_wall(tiles, size, lang),
            camera_list(records, unplaced, {str(c["camera_id"]) for c in shown}, lang))


def _conference_urls() -> dict[str, str]:
    try:
        rows = departments(current_runtime().warehouse)
    except (MissingSchema, WarehouseUnavailable):
        return {}
    return {str(r["dept_code"]): str(r["conference_url"]) for r in rows.to_dict("records")
            if isinstance(r.get("conference_url"), str) and r["conference_url"].startswith(("http://", "https://"))}


@callback(Output("dispatch-orders", "children"),
          Input("dispatch-issued", "data"), Input("dispatch-stepped", "data"),
          Input("dispatch-orders-tick", "n_intervals"),
          State("dispatch-centre", "data"))
def show_orders(_issued: object, _stepped: object, _tick: object, data: object) -> Any:
    """The alert's orders with their steps; refreshed after a change and every 30 s (overdue marks)."""
    query = _valid_centre(data)
    if "alert" not in query:
        raise PreventUpdate
    rt = current_runtime()
    lang = current_language()
    try:
        alert_centre(rt.warehouse, query["alert"], user_scope())
        orders = alert_orders(rt.appdb.engine, query["alert"], datetime.now(UTC))
    except (UnknownAlert, OutOfScope):
        raise PreventUpdate from None
    except AppDatabaseError as exc:
        log.warning("dispatch orders unreadable for %s: %s", query["alert"], exc)
        return no_update
    return orders_list(orders, lang, rt.config.timezone, _conference_urls(), user_may(ACT_ON_ALERTS))


def _error_text(exc: InvalidAction, lang: str) -> str:
    values = dict(exc.values)
    for key in ("current", "status"):
        if key in values:
            values[key] = t(f"dispatch.status.{values[key]}", lang)
    return t(exc.key, lang, **values)


def _deadline(text: object, tz: str) -> datetime | None:
    if not isinstance(text, str) or len(text) > 32:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=ZoneInfo(tz)) if moment.tzinfo is None else moment


@callback(Output("dispatch-form-message", "children"), Output("dispatch-form-message", "className"),
          Output("dispatch-token", "data"), Output("dispatch-instruction", "value"), Output("dispatch-issued", "data"),
          Input("dispatch-send", "n_clicks"),
          State("dispatch-depts", "value"), State("dispatch-resources", "value"),
          State("dispatch-instruction", "value"),
          State("dispatch-deadline", "value"), State("dispatch-token", "data"), State("dispatch-centre", "data"),
          State("dispatch-issued", "data"), prevent_initial_call=True,
          running=[(Output("dispatch-send", "disabled"), True, False)])
def send_order(clicks: object, depts: object, resources: object, instruction: object, deadline: object,
               token: object, data: object, issued: object) -> tuple[Any, ...]:
    """Issue the order once per token; on a storage failure keep the form (and the token) for a retry."""
    query = _valid_centre(data)
    if not clicks or "alert" not in query or not (isinstance(token, str) and 8 <= len(token) <= 32):
        raise PreventUpdate
    rt = current_runtime()
    lang = current_language()
    user = current_user()
    count = issued if isinstance(issued, int) and not isinstance(issued, bool) else 0
    try:
        order, duplicate = issue(rt.warehouse, rt.appdb.engine, alert_id=query["alert"], dept_codes=depts or [],
                                 resource_ids=resources or [], instruction=instruction,
                                 deadline=_deadline(deadline, rt.config.timezone),
                                 username=user.username if user else "", request_id=f"{token}:{query['alert']}"[:64],
                                 now=datetime.now(UTC), scope=user_scope(), address=client_address())
    except InvalidAction as exc:
        return _error_text(exc, lang), "action-message action-error", no_update, no_update, no_update
    except (UnknownAlert, OutOfScope):
        return t("alerts.d.unknown", lang, id=query["alert"]), "action-message action-error", no_update, no_update, \
            no_update
    except (AppDatabaseError, WarehouseUnavailable, MissingSchema) as exc:
        log.warning("dispatch order for %s not stored: %s", query["alert"], exc)
        return t("dispatch.err.db", lang), "action-message action-error", no_update, no_update, no_update
    text = t("dispatch.dup" if duplicate else "dispatch.ok", lang, id=order["dispatch_id"])
    return text, "action-message action-ok", new_token(), "", count + 1


@callback(Output("dispatch-step-message", "children"), Output("dispatch-step-message", "className"),
          Output("dispatch-stepped", "data"),
          Input({"type": "dispatch-step", "order": ALL, "to": ALL}, "n_clicks"),
          State("dispatch-step-token", "data"), State("dispatch-stepped", "data"), prevent_initial_call=True)
def step_order(_clicks: list[Any], token: object, stepped: object) -> tuple[Any, Any, Any]:
    """Move an order one step (or cancel it), once per click: the request id is the page's token,
    the order and the step, so a double click or a retry counts once."""
    trigger = ctx.triggered_id
    if not (isinstance(trigger, dict) and ctx.triggered and ctx.triggered[0].get("value")):
        raise PreventUpdate
    oid, status = trigger.get("order"), trigger.get("to")
    if not (isinstance(oid, int) and not isinstance(oid, bool) and 0 < oid < 2**31 and isinstance(status, str)
            and STATUS_STEP.fullmatch(status) and isinstance(token, str) and 8 <= len(token) <= 32):
        raise PreventUpdate
    rt = current_runtime()
    lang = current_language()
    user = current_user()
    count = stepped if isinstance(stepped, int) and not isinstance(stepped, bool) else 0
    try:
        _order, duplicate = progress(rt.warehouse, rt.appdb.engine, oid, status, user.username if user else "",
                                     request_id=f"{token}:{oid}:{status}", now=datetime.now(UTC),
                                     scope=user_scope(), address=client_address())
    except UnknownDispatch:
        return t("dispatch.err.unknown_order", lang, id=oid), "action-message action-error", count + 1
    except InvalidAction as exc:
        return _error_text(exc, lang), "action-message action-error", count + 1
    except (UnknownAlert, OutOfScope):
        return t("dispatch.err.unknown_order", lang, id=oid), "action-message action-error", no_update
    except (AppDatabaseError, WarehouseUnavailable) as exc:
        log.warning("dispatch order %s step %s not stored: %s", oid, status, exc)
        return t("dispatch.err.db", lang), "action-message action-error", no_update
    text = t("dispatch.step_dup" if duplicate else "dispatch.step_ok", lang, id=oid,
             status=t(f"dispatch.status.{status}", lang))
    return text, "action-message action-ok", count + 1
