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

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import dash
import pandas as pd
from cachelib import BaseCache
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly

from components.alerts import (
    alert_row,
    alerts_map,
    daily_chart,
    detail_frame,
    level_counts,
    level_key,
    new_token,
    response_table,
    with_borders,
)
from components.cards import LEVEL_KEYS, panel_message, skipped_note
from components.formatting import format_timestamp
from components.list_patch import list_patch
from components.panels import failure_panel, guarded
from core.alert_lifecycle import STATUSES
from core.contract import ALERT_CATEGORIES
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from datasources.alert_states import alert_states
from datasources.alerts import alerts_since, hourly_counts
from datasources.appdb import AppDatabaseError
from datasources.boundaries import BoundaryFileError, collection_bounds, fit_view, region_boundaries
from datasources.regions import children, find_region, top_region_code
from services.alerts import combine, console_alerts, daily_counts, live_from, live_inputs, response_times
from services.lookups import dept_options, region_names
from services.runtime import Runtime
from web.runtime import current_runtime

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/alerts", nav_key="nav.alerts", nav_order=20,
                   title=lambda **_: t("alerts.title"))

SINCE = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7),
         "30d": timedelta(days=30), "all": None}
STATUS_CHOICES = ("open", "all", *STATUSES)
MAX_ROWS = 300
# How long a console render is kept for other consoles with the same signature.
RENDER_KEEP_S = 30
RENDER_LOCK_S = 5
STATS_DAYS = 30
# The console map's size on a 1920×1080 screen, to fit the counties into it.
MAP_VIEW_PX = (680, 640)
DEFAULT_MAP_ZOOM = 7.0
# Ages and overdue marks move in steps of this; it is also the tick while the stream is up.
AGEING_STEP_S = 15


def _choice(value: str | None, allowed: tuple[str, ...] | list[str], default: str | None = None) -> str | None:
    return value if value in allowed else default


def _counties(rt: Runtime, lang: str) -> list[dict[str, str]]:
    try:
        kids = children(rt.warehouse, top_region_code(rt.warehouse, rt.config.city_region_code))
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


def _city_center(rt: Runtime) -> tuple[float, float]:
    region = find_region(rt.warehouse, top_region_code(rt.warehouse, rt.config.city_region_code))
    if region is None or region.isna()[["lon", "lat"]].any():
        return 111.14, 37.52
    return float(region["lon"]), float(region["lat"])


def _county_borders(rt: Runtime) -> dict[str, Any] | None:
    """The city's counties for the map (memoized with the boundaries); None when unavailable."""
    try:
        return region_boundaries(rt.warehouse, rt.config.boundaries_file,
                                 top_region_code(rt.warehouse, rt.config.city_region_code))
    except (BoundaryFileError, MissingSchema, WarehouseUnavailable) as exc:
        # The economy page names the boundary problem; the console still shows its markers.
        log.warning("no county borders for the alerts map: %s", exc)
        return None


def _signature(*parts: Any) -> str:
    """A digest of what a console shows; DataFrames count by their content (`attrs["digest"]` if known)."""
    digest = [(p.attrs.get("digest") or int(pd.util.hash_pandas_object(p, index=False).sum()))
              if isinstance(p, pd.DataFrame) else p for p in parts]
    return hashlib.sha1(repr(digest).encode()).hexdigest()


def _feed(live: Any) -> dict[str, Any]:
    """What the browser needs to announce new alerts: every open id, level, title, status."""
    return {"unack": int((live["status"] == "new").sum()),
            "alerts": [[str(r["alert_id"]), level_key(r["level"]), str(r["title"]), str(r["status"])]
                       for r in live[["alert_id", "level", "title", "status"]].to_dict("records")]}


@callback(Output("alerts-list", "children"), Output("alerts-counts", "children"), Output("alerts-map", "figure"),
          Output("alerts-feed", "data"), Output("alerts-sig", "data"), Output("alerts-note", "children"),
          Input("alerts-tick", "n_intervals"), Input("alerts-push", "data"), Input("alerts-level", "value"),
          Input("alerts-category", "value"), Input("alerts-county", "value"), Input("alerts-status", "value"),
          Input("alerts-since", "value"), Input("alert-detail-version", "data"), State("alerts-sig", "data"))
def refresh(_tick: int | None, _pushed: str | None, level: str | None, category: str | None, county: str | None,
            status: str | None, since: str | None, _version: int | None, shown: str | None) -> tuple[Any, ...]:
    """The live list, counts, map and feed: nothing when nothing visible changed, else only the changes."""
    rt = current_runtime()
    lang = current_language()
    cfg = rt.config
    step = int(time.time() // AGEING_STEP_S)
    # Ages and overdue marks are computed at the start of the step, so a view is one per signature.
    now = datetime.fromtimestamp(step * AGEING_STEP_S, tz=UTC)
    filters = {"status": status or "open", "since": _since_iso(since, now), "region_code": county,
               "level": level, "category": category}
    cache = rt.warehouse.cache
    try:
        alerts, states = live_inputs(rt.warehouse, rt.appdb.engine)
        # Most ticks and pushes change nothing for this view: tell from the inputs, before any work on them.
        sig = _signature(alerts, states, filters, step, lang, alerts.attrs.get("stale"))
        unchanged = ctx.triggered_id in ("alerts-tick", "alerts-push")
        if filters["status"] == "open" and sig == shown and unchanged:
            raise PreventUpdate

        def views() -> tuple[pd.DataFrame, pd.DataFrame]:
            live = live_from(alerts, states, now, cfg.alert_ack_limit_min)
            return live, console_alerts(rt.warehouse, rt.appdb.engine, cfg.alert_ack_limit_min, now, live=live,
                                        **filters)

        if filters["status"] == "open":
            # Consoles showing the same view need the same changes: worked out once, then shared.
            changes_key = _render_key(rt, f"{shown}>{sig}")
            changes = cache.get(changes_key)
            if changes is None:
                view = _shared_render(cache, _render_key(rt, sig), lambda: _render(rt, lang, *views(), now))
                before = cache.get(_render_key(rt, shown)) if shown else None
                changes = _changes(rt, before, view)
                cache.set(changes_key, changes, timeout=RENDER_KEEP_S)
        else:
            # Other statuses come from a query of their own: their rows belong in the signature.
            live, rows = views()
            sig = _signature(rows[["alert_id", "status", "level"]], sig)
            if sig == shown and unchanged:
                raise PreventUpdate
            changes = _changes(rt, None, _render(rt, lang, live, rows, now))
    except (MissingSchema, WarehouseUnavailable) as exc:
        return failure_panel(exc, lang), None, no_update, no_update, None, None
    except AppDatabaseError as exc:
        # The app database is down: keep showing the last list, and say why it is not moving.
        log.warning("app database unreadable for the duty console: %s", exc)
        return no_update, no_update, no_update, no_update, None, panel_message(t("alerts.appdb_down", lang))
    return (*changes[:4], sig, changes[4])


def _render_key(rt: Runtime, sig: str) -> str:
    return f"ck:{rt.warehouse.cache_id}:alerts-console:{sig}"


def _changed(before: dict[str, Any] | None, view: dict[str, Any], part: str) -> Any:
    """`view[part]`, or no_update when the console already shows it."""
    if before is not None and before["digests"][part] == view["digests"][part]:
        return no_update
    return view[part]


def _changes(rt: Runtime, before: dict[str, Any] | None, view: dict[str, Any]) -> tuple[Any, ...]:
    """List, counts, map, feed and notes for a console that shows `before` (None: unknown, send all).

    A new alert costs each console one row and the map's markers, not the page again; the
    county borders go with a whole map only, and later patches leave them in place.
    """
    notes = _changed(before, view, "notes")
    if before is None:
        return view["rows"], view["counts"], with_borders(view["figure"], _county_borders(rt)), view["feed"], notes
    rows = list_patch(before["row_keys"], view["row_keys"], view["rows"])
    feed = no_update if before["feed"] == view["feed"] else view["feed"]
    return rows, _changed(before, view, "counts"), _map_changes(rt, before, view), feed, notes


def _map_changes(rt: Runtime, before: dict[str, Any], view: dict[str, Any]) -> Any:
    """The map for a console that shows `before`: nothing, the changed traces, or (layout changed) all."""
    if before["digests"]["figure"] == view["digests"]["figure"]:
        return no_update
    if before["digests"]["layout"] != view["digests"]["layout"]:
        return with_borders(view["figure"], _county_borders(rt))
    patch = Patch()
    old_traces, new_traces = before["digests"]["traces"], view["digests"]["traces"]
    if len(old_traces) != len(new_traces):
        patch["data"] = view["figure"]["data"]
        return patch
    for index, (old, new) in enumerate(zip(old_traces, new_traces)):
        if old != new:
            patch["data"][index] = view["figure"]["data"][index]
    return patch


def _shared_render(cache: BaseCache, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Consoles showing the same thing share one render, made by one of them at a time.

    Without the lock, every console polling while the first one renders would render too, and
    on a busy server those renders slow each other down until the polls pile up. The render
    stays cached for RENDER_KEEP_S: it is also what later changes are computed against.
    """
    rendered = cache.get(key)
    if rendered is not None:
        return rendered
    if not cache.add(key + ":lock", 1, timeout=RENDER_LOCK_S):
        deadline = time.monotonic() + RENDER_LOCK_S
        while time.monotonic() < deadline:
            time.sleep(0.05)
            rendered = cache.get(key)
            if rendered is not None:
                return rendered
    try:
        rendered = build()
        cache.set(key, rendered, timeout=RENDER_KEEP_S)
    finally:
        cache.delete(key + ":lock")
    return rendered


def _digest(value: Any) -> str:
    """A digest of what the browser receives for `value`."""
    return hashlib.sha1(to_json_plotly(value, engine="json").encode()).hexdigest()


def _render(rt: Runtime, lang: str, live: pd.DataFrame, view: pd.DataFrame, now: datetime) -> dict[str, Any]:
    """List rows (and a key per row), counts, map figure, browser feed and notes for one view."""
    cfg = rt.config
    names = region_names(rt.warehouse, lang)
    rows = [alert_row(r, names, lang, cfg.timezone, now) for r in view.head(MAX_ROWS).to_dict("records")]
    notes = []
    if view.empty:
        rows = [panel_message(t("alerts.none", lang), "info")]
    if len(view) > MAX_ROWS:
        notes.append(html.Div(t("alerts.truncated", lang, n=MAX_ROWS)))
    unplaced = int(view[["lon", "lat"]].isna().any(axis=1).sum())
    if unplaced:
        notes.append(html.Div(t("alerts.no_position", lang, n=unplaced)))
    if live.attrs.get("stale"):
        notes.append(html.Div(t("alerts.stale", lang, time=format_timestamp(live.attrs.get("fetched_at"),
                                                                           cfg.timezone)), className="stale"))
    quality = skipped_note(view.attrs.get("skipped", {}), lang)
    if quality:
        notes.append(quality)
    borders = _county_borders(rt)
    bounds = collection_bounds(borders) if borders else None
    if bounds:
        centre, zoom = fit_view(bounds, *MAP_VIEW_PX)
        center = (centre["lon"], centre["lat"])
    else:
        center, zoom = _city_center(rt), DEFAULT_MAP_ZOOM
    figure = alerts_map(view, center, lang, cfg.timezone, cfg.tile_url, zoom=zoom).to_plotly_json()
    counts = level_counts(view, lang)
    layout, traces = _digest(figure["layout"]), [_digest(trace) for trace in figure["data"]]
    return {"rows": rows, "row_keys": [_digest(row) for row in rows], "counts": counts, "figure": figure,
            "feed": _feed(live), "notes": notes,
            "digests": {"counts": _digest(counts), "notes": _digest(notes), "layout": layout, "traces": traces,
                        "figure": hashlib.sha1(repr((layout, traces)).encode()).hexdigest()}}


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
        points = (click_data or {}).get("points") or []
        alert_id = points[0].get("customdata") if points else None
    elif isinstance(trigger, dict) and any(item.get("value") for item in ctx.triggered):
        alert_id = trigger["id"]
    else:
        raise PreventUpdate  # rows re-rendered, nothing clicked
    if not alert_id:
        raise PreventUpdate
    return alert_id, "alerts-drawer is-open", f"/alerts/{alert_id}", False


@callback(Output("alerts-stats", "children"), Input("alerts-tabs", "value"), Input("alerts-county", "value"))
def show_stats(tab: str, county: str | None) -> Any:
    """Alerts per day by category and level; response times by county and department (last 30 days)."""
    if tab != "stats":
        raise PreventUpdate
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
