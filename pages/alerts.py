"""Duty console `/alerts`: the live list of open alerts, counts, map, detail drawer and statistics.

Live path: each console polls (`refresh`) every `alerts.refresh_s`; with `alerts.push` it
instead holds a server-sent-events stream (`web/api/alert_stream.py`) that says when the
open alerts or their actions changed, polls only while the stream is down, and keeps a slow
tick that moves ages and overdue marks on. `refresh` reads
the city's open alerts from the memoized dataset (one warehouse query per TTL per process,
shared by all consoles) and the cockpit's actions from the app database, and re-renders only
when what the officer sees changed, and then sends only the changes; consoles showing the same
view share one render. New
alerts flash and, for levels 1–2, beep in the browser (assets/alerts.js); the ids already
announced live in session storage, so a reload or a reconnect does not announce them again.
Filters live in the URL.
"""
from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import dash
import pandas as pd
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate

from components.alert_console import console_changes, console_view, signature
from components.alerts import daily_chart, detail_frame, new_token, response_table
from components.cards import LEVEL_KEYS, panel_message
from components.panels import failure_panel, guarded
from core.alert_lifecycle import STATUSES
from core.contract import ALERT_CATEGORIES, is_alert_id
from core.errors import BoundaryFileError, MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from core.regions import is_region_code
from datasources.alert_states import alert_states
from datasources.alerts import alerts_since, hourly_counts
from datasources.appdb import AppDatabaseError
from datasources.boundaries import region_boundaries
from datasources.cache import single_flight
from datasources.regions import children, find_region
from services.alerts import combine, console_alerts, daily_counts, live_from, live_inputs, response_times
from services.dispatch import open_orders_by_alert
from services.lookups import dept_options, region_names
from services.runtime import Runtime
from web.access import check_region, home_region, user_scope
from web.runtime import current_runtime

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/alerts", nav_key="nav.alerts", nav_order=20,
                   title=lambda **_: t("alerts.title"))

SINCE = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7),
         "30d": timedelta(days=30), "all": None}
STATUS_CHOICES = ("open", "all", *STATUSES)
LEVEL_CHOICES = (*LEVEL_KEYS, "other")
# How long a console render is kept for other consoles with the same signature.
RENDER_KEEP_S = 30
RENDER_LOCK_S = 5
STATS_DAYS = 30
# Ages and overdue marks move in steps of this; it is also the tick while the stream is up.
AGEING_STEP_S = 15


def _choice(value: str | None, allowed: tuple[str, ...] | list[str], default: str | None = None) -> str | None:
    return value if value in allowed else default


def _counties(rt: Runtime, lang: str) -> list[dict[str, str]]:
    try:
        kids = children(rt.warehouse, home_region())
    except (MissingSchema, WarehouseUnavailable):
        return []
    names = region_names(rt.warehouse, lang)
    return [{"label": names.get(str(c), str(c)), "value": str(c)} for c in kids["region_code"]]


def layout(level: str | None = None, category: str | None = None, county: str | None = None,
           status: str | None = None, since: str | None = None, alert: str | None = None,
           **_query: str) -> html.Div:
    """The console's frame, with the filters read from the URL; everything else fills by callback."""
    rt = current_runtime()
    lang = current_language()
    counties = _counties(rt, lang)
    all_label = t("alerts.f.all", lang)

    def select(id_: str, label: str, options: list[dict[str, str]], value: str | None,
               clearable: bool = True) -> html.Label:
        return html.Label([html.Span(label, className="filter-label"),
                           dcc.Dropdown(id=id_, options=options, value=value, clearable=clearable,
                                        placeholder=all_label, searchable=False, className="filter-select")],
                          className="filter")

    texts = {key: t(f"alerts.{key}", lang) for key in ("doc_title", "title", "new_flash", "new_flash_more",
                                                        "mute", "muted")}
    return html.Div([
        dcc.Interval(id="alerts-tick", interval=int(rt.config.alerts_refresh_s * 1000)),
        dcc.Store(id="alerts-live", data={
            "stream": dash.get_relative_path("/api/v1/alerts/stream") if rt.config.alerts_push else None,
            "poll_ms": int(rt.config.alerts_refresh_s * 1000), "idle_ms": AGEING_STEP_S * 1000}),
        dcc.Store(id="alerts-push"),
        dcc.Store(id="alerts-sig"),
        dcc.Store(id="alerts-feed"),
        dcc.Store(id="alerts-notified", storage_type="session"),
        dcc.Store(id="alerts-muted", storage_type="local"),
        dcc.Store(id="alerts-texts", data=texts),
        dcc.Store(id="alerts-url-sync"),
        html.Div([
            select("alerts-level", t("alerts.f.level", lang),
                   [{"label": t(f"alert.level.{k}", lang), "value": k} for k in (*LEVEL_KEYS, "other")],
                   _choice(level, [*LEVEL_KEYS, "other"])),
            select("alerts-category", t("alerts.f.category", lang),
                   [{"label": t(f"alert.category.{c}", lang), "value": c} for c in ALERT_CATEGORIES],
                   _choice(category, ALERT_CATEGORIES)),
            select("alerts-county", t("alerts.f.county", lang), counties,
                   _choice(county, [c["value"] for c in counties])),
            select("alerts-status", t("alerts.f.status", lang),
                   [{"label": t(f"alerts.status.{s}", lang) if s in ("open", "all") else t(f"alert.status.{s}", lang),
                     "value": s} for s in STATUS_CHOICES], _choice(status, STATUS_CHOICES, "open"), clearable=False),
            select("alerts-since", t("alerts.f.since", lang),
                   [{"label": t(f"alerts.since.{k}", lang), "value": k} for k in SINCE],
                   _choice(since, list(SINCE), "all"), clearable=False),
            html.Button(texts["mute"], id="alerts-mute", className="app-button alerts-mute"),
        ], className="alerts-filters panel"),
        html.Div(id="alerts-flash", className="alerts-flash", role="alert"),
        dcc.Tabs(id="alerts-tabs", value="list", className="alerts-tabs", children=[
            dcc.Tab(label=t("alerts.tab.list", lang), value="list", className="alerts-tab",
                    selected_className="alerts-tab-selected", children=html.Div([
                        html.Section([
                            html.Div(id="alerts-counts", className="alerts-counts"),
                            html.Div(id="alerts-list", className="alerts-list"),
                            html.Div(id="alerts-note", className="alerts-note"),
                        ], className="panel alerts-list-panel"),
                        html.Section([
                            html.H2(t("alerts.map", lang), className="panel-title"),
                            dcc.Graph(id="alerts-map", config={"displayModeBar": False}, className="alerts-map"),
                        ], className="panel alerts-map-panel"),
                    ], className="alerts-grid")),
            dcc.Tab(label=t("alerts.tab.stats", lang), value="stats", className="alerts-tab",
                    selected_className="alerts-tab-selected", children=html.Div(id="alerts-stats")),
        ]),
        html.Aside([
            html.Div([
                dcc.Link(t("alerts.d.open_page", lang), id="alerts-drawer-link", href=f"/alerts/{alert or ''}",
                         className="app-button"),
                html.Button(t("alerts.d.close", lang), id="alerts-drawer-close", className="app-button"),
            ], className="drawer-bar"),
            detail_frame(alert, new_token(), dept_options(rt.warehouse), lang, int(rt.config.alerts_refresh_s * 1000)),
        ], id="alerts-drawer", className="alerts-drawer" + (" is-open" if alert else "")),
    ], className="alerts-page")


def _since_iso(since: str | None, now: datetime) -> str | None:
    span = SINCE.get(since or "all")
    # Rounded down to the minute, so consoles with the same filter share one cache entry.
    return None if span is None else (now - span).strftime("%Y-%m-%dT%H:%M:00Z")


def _region_point(rt: Runtime) -> tuple[float, float] | None:
    """The configured region's own point (dim_region lon/lat), if the warehouse has one."""
    region = find_region(rt.warehouse, home_region())
    if region is None or region.isna()[["lon", "lat"]].any():
        return None
    return float(region["lon"]), float(region["lat"])


def _county_borders(rt: Runtime) -> dict[str, Any] | None:
    """The city's counties for the map (memoized with the boundaries); None when unavailable."""
    try:
        return region_boundaries(rt.warehouse, rt.config.boundaries_file, home_region())
    except (BoundaryFileError, MissingSchema, WarehouseUnavailable) as exc:
        # The economy page names the boundary problem; the console still shows its markers.
        log.warning("no county borders for the alerts map: %s", exc)
        return None


def _render_key(rt: Runtime, sig: str) -> str:
    return f"ck:{rt.warehouse.cache_id}:alerts-console:{sig}"


def _valid_filters(level: object, category: object, county: object, status: object, since: object) -> bool:
    """Whether every filter is empty or one of the values its dropdown offers."""
    return (level in (None, *LEVEL_CHOICES) and category in (None, *ALERT_CATEGORIES)
            and (county is None or is_region_code(county)) and status in (None, *STATUS_CHOICES)
            and since in (None, *SINCE))


@callback(Output("alerts-list", "children"), Output("alerts-counts", "children"), Output("alerts-map", "figure"),
          Output("alerts-feed", "data"), Output("alerts-sig", "data"), Output("alerts-note", "children"),
          Input("alerts-tick", "n_intervals"), Input("alerts-push", "data"), Input("alerts-level", "value"),
          Input("alerts-category", "value"), Input("alerts-county", "value"), Input("alerts-status", "value"),
          Input("alerts-since", "value"), Input("alert-detail-version", "data"), State("alerts-sig", "data"))
def refresh(_tick: int | None, _pushed: str | None, level: str | None, category: str | None, county: str | None,
            status: str | None, since: str | None, _version: int | None, shown: str | None) -> tuple[Any, ...]:
    """The live list, counts, map and feed: nothing when nothing visible changed, else only the changes."""
    if not _valid_filters(level, category, county, status, since):
        raise PreventUpdate  # a value no dropdown offers: refused before any query
    rt = current_runtime()
    lang = current_language()
    cfg = rt.config
    step = int(time.time() // AGEING_STEP_S)
    # Ages and overdue marks are computed at the start of the step, so a view is one per signature.
    now = datetime.fromtimestamp(step * AGEING_STEP_S, tz=UTC)
    if county:
        check_region(county)  # another region than the user's: 403, never its alerts
    scope = user_scope()
    filters = {"status": status or "open", "since": _since_iso(since, now), "region_code": county or scope,
               "level": level, "category": category}
    cache = rt.warehouse.cache
    try:
        # A scoped officer's live feed (and its announcements) holds only the alerts of their region.
        alerts, states = live_inputs(rt.warehouse, rt.appdb.engine, scope)
        orders = open_orders_by_alert(rt.appdb.engine, now)  # open dispatch orders, shown on their rows
        # Most ticks and pushes change nothing for this view: tell from the inputs, before any work on them.
        sig = signature(alerts, states, orders, filters, home_region(), step, lang, alerts.attrs.get("stale"))
        unchanged = ctx.triggered_id in ("alerts-tick", "alerts-push")
        if filters["status"] == "open" and sig == shown and unchanged:
            raise PreventUpdate

        def views() -> tuple[pd.DataFrame, pd.DataFrame]:
            live = live_from(alerts, states, now, cfg.alert_ack_limit_min)
            return live, console_alerts(rt.warehouse, rt.appdb.engine, cfg.alert_ack_limit_min, now, live=live,
                                        **filters)

        def render(live: pd.DataFrame, rows: pd.DataFrame) -> dict[str, Any]:
            return console_view(live, rows, now, lang=lang, tz=cfg.timezone,
                                region_names=region_names(rt.warehouse, lang), borders=_county_borders(rt),
                                region_point=_region_point(rt), tile_url=cfg.tile_url, orders=orders)

        if filters["status"] == "open":
            # Consoles showing the same view need the same changes: worked out once, then shared.
            changes_key = _render_key(rt, f"{shown}>{sig}")
            changes = cache.get(changes_key)
            if changes is None:
                view_key = _render_key(rt, sig)
                view = single_flight(cache, view_key, lambda: render(*views()), lock_s=RENDER_LOCK_S,
                                     store=lambda v: cache.set(view_key, v, timeout=RENDER_KEEP_S))
                before = cache.get(_render_key(rt, shown)) if shown else None
                changes = console_changes(before, view, _county_borders(rt))
                cache.set(changes_key, changes, timeout=RENDER_KEEP_S)
        else:
            # Other statuses come from a query of their own: their rows belong in the signature.
            live, rows = views()
            sig = signature(rows[["alert_id", "status", "level"]], sig)
            if sig == shown and unchanged:
                raise PreventUpdate
            changes = console_changes(None, render(live, rows), _county_borders(rt))
    except (MissingSchema, WarehouseUnavailable) as exc:
        return failure_panel(exc, lang), None, no_update, no_update, None, None
    except AppDatabaseError as exc:
        # The app database is down: keep showing the last list, and say why it is not moving.
        log.warning("app database unreadable for the duty console: %s", exc)
        return no_update, no_update, no_update, no_update, None, panel_message(t("alerts.appdb_down", lang))
    return (*changes[:4], sig, changes[4])


@callback(Output("alert-detail-id", "data"), Output("alerts-drawer", "className"),
          Output("alerts-drawer-link", "href"), Output("alert-detail-tick", "disabled"),
          Input({"type": "alerts-row", "id": ALL}, "n_clicks"), Input("alerts-map", "clickData"),
          Input("alerts-drawer-close", "n_clicks"), prevent_initial_call=True)
def open_drawer(_clicks: list[int], click_data: dict | None, _close: int | None) -> tuple[Any, str, str, bool]:
    """A row or a marker opens the detail drawer for its alert; ✕ closes it (and stops its refresh)."""
    trigger = ctx.triggered_id
    if trigger == "alerts-drawer-close":
        return None, "alerts-drawer", "/alerts", True
    if trigger == "alerts-map":
        points = click_data.get("points") if isinstance(click_data, dict) else None
        first = points[0] if isinstance(points, list) and points else None
        alert_id = first.get("customdata") if isinstance(first, dict) else None
    elif isinstance(trigger, dict) and any(isinstance(item, dict) and item.get("value") for item in ctx.triggered):
        alert_id = trigger.get("id")
    else:
        raise PreventUpdate  # rows re-rendered, nothing clicked
    if not is_alert_id(alert_id):
        raise PreventUpdate
    return alert_id, "alerts-drawer is-open", f"/alerts/{alert_id}", False


@callback(Output("alerts-stats", "children"), Input("alerts-tabs", "value"), Input("alerts-county", "value"))
def show_stats(tab: str, county: str | None) -> Any:
    """Alerts per day by category and level; response times by county and department (last 30 days)."""
    if tab != "stats" or not (county is None or is_region_code(county)):
        raise PreventUpdate
    if county:
        check_region(county)
    county = county or user_scope()
    rt = current_runtime()
    lang = current_language()
    cfg = rt.config

    def render() -> Any:
        now = datetime.now(UTC)
        since = (now - timedelta(days=STATS_DAYS)).strftime("%Y-%m-%dT%H:00:00Z")
        hourly = hourly_counts(rt.warehouse, since, county)
        alerts = alerts_since(rt.warehouse, since, county)
        combined = combine(alerts, alert_states(rt.appdb.engine, alerts["alert_id"].tolist()), now,
                           cfg.alert_ack_limit_min)
        combined["county"] = combined["region_code"].astype(str).str[:6]
        combined["dept_code"] = combined["dept_code"].fillna("-")
        names = region_names(rt.warehouse, lang)
        depts = {o["value"]: o["label"] for o in dept_options(rt.warehouse)} | {"-": t("alerts.s.unassigned", lang)}
        chart = {"config": {"displayModeBar": False}}
        return html.Div([
            html.Div(t("alerts.s.range", lang, days=STATS_DAYS), className="muted"),
            html.Div([
                html.Section([html.H2(t("alerts.s.per_day_category", lang), className="panel-title"),
                              dcc.Graph(figure=daily_chart(daily_counts(hourly, cfg.timezone, "category"),
                                                           "category", lang), **chart)], className="panel"),
                html.Section([html.H2(t("alerts.s.per_day_level", lang), className="panel-title"),
                              dcc.Graph(figure=daily_chart(daily_counts(hourly, cfg.timezone, "level"),
                                                           "level", lang), **chart)], className="panel"),
                html.Section([html.H2(t("alerts.s.by_county", lang), className="panel-title"),
                              response_table(response_times(combined, "county"), "county", names, lang)],
                             className="panel"),
                html.Section([html.H2(t("alerts.s.by_dept", lang), className="panel-title"),
                              response_table(response_times(combined, "dept_code"), "dept_code", depts, lang)],
                             className="panel"),
            ], className="alerts-stats-grid"),
            html.Div(t("alerts.s.note", lang), className="muted"),
        ])

    return guarded(render, lang)


clientside_callback(ClientsideFunction("alerts", "announce"), Output("alerts-notified", "data"),
                    Output("alerts-flash", "children"), Output("alerts-flash", "className"),
                    Input("alerts-feed", "data"), State("alerts-notified", "data"), State("alerts-muted", "data"),
                    State("alerts-texts", "data"), prevent_initial_call=True)
clientside_callback(ClientsideFunction("alerts", "connect"), Output("alerts-tick", "interval"),
                    Input("alerts-live", "data"))
clientside_callback(ClientsideFunction("alerts", "toggleMute"), Output("alerts-muted", "data"),
                    Input("alerts-mute", "n_clicks"), State("alerts-muted", "data"), prevent_initial_call=True)
clientside_callback(ClientsideFunction("alerts", "muteLabel"), Output("alerts-mute", "children"),
                    Input("alerts-muted", "data"), State("alerts-texts", "data"))
clientside_callback(ClientsideFunction("alerts", "syncUrl"), Output("alerts-url-sync", "data"),
                    Input("alerts-level", "value"), Input("alerts-category", "value"),
                    Input("alerts-county", "value"), Input("alerts-status", "value"),
                    Input("alerts-since", "value"), Input("alert-detail-id", "data"))
