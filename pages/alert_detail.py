"""Alert detail `/alerts/<alert_id>`, and the callbacks of the detail frame it shares with the console's drawer.

The frame (components.alerts.detail_frame) shows the alert with its combined status, timeline,
department, nearby resources and cameras, and the action form. An action goes through
`datasources.alerts.act_on_alert`: validated, stored once per request id, and answered with a
message; when the app database fails, the officer's input stays for a retry with the same id.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components.alerts import ACTION_BUTTONS, detail_frame, detail_view, level_label, new_token, status_label
from components.cards import panel_message
from components.dispatch_orders import alert_orders_block
from components.panels import failure_panel
from core.alert_lifecycle import NOTE_MAX_CHARS
from core.contract import is_alert_id
from core.errors import BoundaryFileError, InvalidAction, MissingSchema, OutOfScope, UnknownAlert, WarehouseUnavailable
from core.i18n import current_language, t
from core.values import is_missing
from datasources.appdb import AppDatabaseError
from datasources.boundaries import region_boundaries
from services.alerts import act_on_alert, alert_detail
from services.dispatch import alert_orders
from services.lookups import dept_options, region_names
from services.video import wall_link_template
from web.access import home_region, no_access_panel, user_scope
from web.audit import client_address
from web.auth import current_user
from web.runtime import current_runtime

log = logging.getLogger(__name__)

dash.register_page(__name__, path_template="/alerts/<alert_id>", title=lambda **_: t("alerts.title"))


def layout(alert_id: str | None = None, **_query: str) -> html.Div:
    """The detail page: a back link and the detail frame for `alert_id`."""
    rt = current_runtime()
    lang = current_language()
    return html.Div([
        dcc.Link(t("alerts.d.back", lang), href="/alerts", className="app-button alerts-back"),
        html.Section(detail_frame(alert_id, new_token(), dept_options(rt.warehouse), lang,
                                  int(rt.config.alerts_refresh_s * 1000)), className="panel alert-detail-page"),
    ], className="alerts-detail-page")


def _signature(detail: Any, orders: list[dict[str, Any]]) -> str:
    alert = detail.alert
    parts = (alert.get("status"), alert.get("level"), alert.get("dept_code"), alert.get("overdue"),
             len(detail.actions), detail.missing, [(o["status"], o["overdue"]) for o in orders])
    return hashlib.sha1(repr(parts).encode()).hexdigest()


@callback(Output("alert-detail-body", "children"), Output("alert-detail-sig", "data"),
          Output("alert-action-form", "style"),
          Input("alert-detail-id", "data"), Input("alert-detail-tick", "n_intervals"),
          Input("alert-detail-version", "data"), State("alert-detail-sig", "data"))
def show_detail(alert_id: str | None, _tick: int | None, _version: int | None,
                shown: str | None) -> tuple[Any, Any, Any]:
    """The alert's detail; re-rendered only when its state or timeline changed."""
    if not is_alert_id(alert_id):
        return None, None, {"display": "none"}
    rt = current_runtime()
    lang = current_language()
    cfg = rt.config
    try:
        detail = alert_detail(rt.warehouse, rt.appdb.engine, alert_id, cfg.alert_ack_limit_min,
                              datetime.now(UTC), cfg.nearby_radius_km, cfg.nearby_cameras, scope=user_scope())
        orders = alert_orders(rt.appdb.engine, alert_id, datetime.now(UTC))
    except UnknownAlert:
        return panel_message(t("alerts.d.unknown", lang, id=alert_id)), None, {"display": "none"}
    except OutOfScope:
        # Outside the user's region: nothing of the alert is shown.
        return no_access_panel(t("access.region_denied", lang, region=alert_id)), None, {"display": "none"}
    except AppDatabaseError as exc:
        log.warning("app database unreadable for alert %s: %s", alert_id, exc)
        return no_update, no_update, no_update
    except (MissingSchema, WarehouseUnavailable) as exc:
        return failure_panel(exc, lang), None, {"display": "none"}
    sig = _signature(detail, orders)
    if sig == shown and ctx.triggered_id == "alert-detail-tick":
        raise PreventUpdate
    names = region_names(rt.warehouse, lang)
    code = str(detail.alert.get("region_code") or "")
    dept_names = {o["value"]: o["label"] for o in dept_options(rt.warehouse)}
    body = detail_view(detail.alert, region_name=names.get(code, code), actions=detail.actions, dept=detail.dept,
                       resources=detail.resources, cameras=detail.cameras, lang=lang, tz=cfg.timezone,
                       radius_km=cfg.nearby_radius_km, tile_url=cfg.tile_url,
                       stream_url_template=wall_link_template(cfg), dept_names=dept_names,
                       borders=None if is_missing(detail.alert.get("lon")) else _county_borders(rt),
                       orders_block=alert_orders_block(orders, alert_id, lang, cfg.timezone))
    return body, sig, {"display": "block"}


def _county_borders(rt: Any) -> dict[str, Any] | None:
    """The counties around the alert, for its map (memoized with the boundaries); None when unavailable."""
    try:
        return region_boundaries(rt.warehouse, rt.config.boundaries_file, home_region())
    except (BoundaryFileError, MissingSchema, WarehouseUnavailable) as exc:
        log.warning("no county borders for the alert detail map: %s", exc)
        return None


def _valid_action_input(action: object, dept: object, level: object, note: object, token: object,
                        version: object) -> bool:
    """Whether the action form's values have the types and sizes its controls produce."""
    return (action in ACTION_BUTTONS and (dept is None or (isinstance(dept, str) and len(dept) <= 64))
            and (level is None or (isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 4))
            and (note is None or (isinstance(note, str) and len(note) <= NOTE_MAX_CHARS * 2))
            and isinstance(token, str) and 8 <= len(token) <= 64
            and (version is None or (isinstance(version, int) and not isinstance(version, bool))))


def _action_text(action: str, lang: str) -> str:
    return t(f"alerts.a.{action}", lang)


def run_action(alert_id: str, action: str, dept: str | None, level: int | None, note: str | None,
               token: str, lang: str) -> tuple[str, str, bool]:
    """Apply one action for the signed-in officer: (message, css kind, settled).

    `settled` is False only when the app database failed: the caller keeps the input and the
    token, so clicking again retries under the same request id and cannot count twice.
    """
    rt = current_runtime()
    user = current_user()
    username = user.username if user else "anonymous"
    text = _action_text(action, lang)
    try:
        result = act_on_alert(rt.warehouse, rt.appdb.engine, alert_id, action, username,
                              request_id=f"{token}:{alert_id}:{action}", dept_code=dept or None,
                              level=level, note=note, scope=user_scope(), address=client_address())
    except InvalidAction as exc:
        values = dict(exc.values)
        if "status" in values:
            values["status"] = status_label(values["status"], lang)
        if "action" in values:
            values["action"] = _action_text(str(values["action"]), lang)
        if "level" in values:
            values["level"] = level_label(values["level"], lang)
        return t(exc.key, lang, **values), "error", True
    except UnknownAlert:
        return t("alerts.d.unknown", lang, id=alert_id), "error", True
    except OutOfScope:
        return t("access.region_denied", lang, region=alert_id), "error", True
    except (AppDatabaseError, WarehouseUnavailable) as exc:
        log.warning("alert action %s on %s not saved: %s", action, alert_id, exc)
        return t("alerts.err.db", lang, action=text), "error", False
    return t("alerts.dup" if result.duplicate else "alerts.ok", lang, action=text), "ok", True


@callback(Output("alert-action-message", "children"), Output("alert-action-message", "className"),
          Output("alert-action-token", "data"), Output("alert-action-text", "value"),
          Output("alert-detail-version", "data"),
          *[Input(f"alert-action-{a}", "n_clicks") for a in ACTION_BUTTONS],
          State("alert-detail-id", "data"), State("alert-action-dept", "value"),
          State("alert-action-level", "value"), State("alert-action-text", "value"),
          State("alert-action-token", "data"), State("alert-detail-version", "data"),
          prevent_initial_call=True,
          running=[(Output(f"alert-action-{a}", "disabled"), True, False) for a in ACTION_BUTTONS])
def act(*args: Any) -> tuple[Any, ...]:
    """An action button: store the action once, say what happened, refresh the detail."""
    alert_id, dept, level, note, token, version = args[len(ACTION_BUTTONS):]
    trigger = ctx.triggered_id
    if not (is_alert_id(alert_id) and isinstance(trigger, str) and ctx.triggered[0].get("value")):
        raise PreventUpdate
    action = trigger.removeprefix("alert-action-")
    if not _valid_action_input(action, dept, level, note, token, version):
        raise PreventUpdate  # values no form control sends: refused before the app database
    lang = current_language()
    message, kind, settled = run_action(alert_id, action, dept, level, note, token, lang)
    if not settled:
        return message, f"action-message action-{kind}", no_update, no_update, no_update
    keep_note = note if kind == "error" else ""
    return (message, f"action-message action-{kind}", new_token(), keep_note, (version or 0) + 1)
