"""The wall screen `/screen` and `/screen/<name>`: a composed, scaled, rotating, unattended screen.

Which panels, where, on which canvas: `screens.layouts` (core/config_screens.py). The layout is
filled from the (prewarmed) cache so the first paint is complete; then `refresh` sends only the
panels that changed (charts as patches of their data), and `watch_alarms` checks every couple
of seconds for a new red alert and whether the data are stale. Scaling, the clock, the carousel,
touch pause, sound and self-recovery run in the browser (assets/screen.js).
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dash
import plotly
from dash import ALL, ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, ctx, no_update
from dash.exceptions import PreventUpdate

from components.cards import panel_message
from components.panels import guarded
from components.screen import GRAPH_KINDS, graph_size, missing_screen, panel_box, screen_frame
from components.screen_charts import city_map, map_patch, trend_figure, trend_patch
from components.screen_panels import (
    alarm_banner,
    as_of_text,
    header,
    kpi_grid,
    level_tiles,
    list_capacity,
    poverty_summary,
    red_list,
    ticker,
)
from core.config_screens import Layout, Panel
from core.errors import BoundaryFileError, MissingSchema, WarehouseUnavailable
from core.i18n import current_language, t
from core.permissions import VIEW_SCREEN
from core.values import localized_name, localized_unit
from datasources.appdb import AppDatabaseError
from datasources.boundaries import region_boundaries
from datasources.indicators import latest_values
from datasources.projects import project_status
from datasources.regions import find_region
from datasources.status import warehouse_status
from services import screen as data
from services.alerts import count_by_level, live_alerts
from services.lookups import region_names
from services.runtime import Runtime
from web.access import home_region, user_scope
from web.runtime import current_runtime

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/screen", path_template="/screen/<name>", access=VIEW_SCREEN,
                   title=lambda **_: t("screen.page_title"))


def _layout_named(name: object) -> Layout | None:
    settings = current_runtime().config.screens
    if name is None:
        name = settings.start
    return settings.layouts.get(name) if isinstance(name, str) else None


def layout(name: str | None = None, **_query: str) -> Any:
    """The screen `name` (default: `screens.start`) with every panel filled."""
    rt = current_runtime()
    lang = current_language()
    settings = rt.config.screens
    chosen = _layout_named(name)
    if chosen is None:
        return missing_screen(str(name), list(settings.layouts), lang)
    live = _live(rt)
    boxes = []
    # What the page shows now, by panel, so the first refresh sends only what changed since.
    sig: dict[str, str] = {}
    for index, panel in enumerate(chosen.panels):
        body = _panel_body(rt, chosen, panel, lang, live)
        figure = None
        if panel.panel in GRAPH_KINDS:
            figure = guarded(lambda p=panel: _figure(rt, p, lang, live), lang)
            if not isinstance(figure, plotly.graph_objects.Figure):  # the panel's message instead of a chart
                body, figure = figure, {}
            else:
                sig[f"g{index}"] = _digest(_patch_of(rt, panel, live).to_plotly_json())
        elif panel.panel != "header":
            sig[f"b{index}"] = _digest(body)
        boxes.append(panel_box(index, panel, body, lang, figure))
    carousel = settings.carousel or (settings.start,)
    client = {"carousel": [f"/screen/{n}" for n in carousel],
              "dwell": [settings.layouts[n].rotate_s or settings.rotate_s for n in carousel],
              "start": f"/screen/{settings.start}", "idle_s": settings.idle_return_s, "sound": settings.sound,
              "tz": rt.config.timezone, "lang": lang, "canvas": list(chosen.canvas)}
    return screen_frame(chosen, boxes, client, sig, refresh_ms=int(settings.refresh_s * 1000),
                        alarm_ms=int(settings.alarm_refresh_s * 1000), lang=lang)


def _live(rt: Runtime) -> Callable[[], Any]:
    """The live alerts of the user's scope, read when a panel first asks and then shared by the request's panels."""
    frames: dict[str, Any] = {}

    def read() -> Any:
        if "live" not in frames:
            frames["live"] = live_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min,
                                         datetime.now(UTC), user_scope())
        return frames["live"]
    return read


def _city(rt: Runtime, lang: str) -> str:
    region = find_region(rt.warehouse, home_region())
    return localized_name(region.to_dict(), lang) if region is not None else home_region()


def _panel_body(rt: Runtime, chosen: Layout, panel: Panel, lang: str, live: Callable[[], Any]) -> Any:
    """The content of a text panel; for a chart, what its title adds (the trend's indicator) or None."""
    cfg = rt.config

    def build() -> Any:
        kind = panel.panel
        if kind == "header":
            return header(_city(rt, lang), chosen.title or t("screen.title", lang),
                          warehouse_status(rt.warehouse).data_as_of, cfg.timezone, lang)
        if kind == "kpis":
            return kpi_grid(latest_values(rt.warehouse, home_region()), panel.w, panel.h, lang, cfg.colour_rules)
        if kind == "levels":
            return level_tiles(count_by_level(live()), lang)
        if kind == "ticker":
            return ticker(live(), region_names(rt.warehouse, lang), lang, cfg.timezone, panel.limit or 20)
        if kind == "projects":
            frame = project_status(rt.warehouse, user_scope(), rt.today().isoformat(),
                                   cfg.lagging_pts, cfg.seriously_lagging_pts)
            rows = data.red_list(frame, panel.limit or list_capacity(panel.h))
            return red_list(rows, rows.attrs["total"], region_names(rt.warehouse, lang), lang)
        if kind == "poverty":
            return poverty_summary(data.household_summary(rt.warehouse, user_scope()), lang, panel.w > 2.2 * panel.h)
        if kind == "trend":
            row = data.trend_indicator(rt.warehouse, panel.indicator)
            return None if row is None else localized_name(row.to_dict(), lang)
        return None  # the map has no note

    try:
        return guarded(build, lang)
    except AppDatabaseError:
        return panel_message(t("alerts.appdb_down", lang))


def _borders(rt: Runtime) -> dict[str, Any] | None:
    try:
        return region_boundaries(rt.warehouse, rt.config.boundaries_file, home_region())
    except (BoundaryFileError, MissingSchema, WarehouseUnavailable) as exc:
        log.warning("no county borders for the screen's map: %s", exc)
        return None


def _trend_data(rt: Runtime, panel: Panel) -> tuple[Any, int | None, Any]:
    row = data.trend_indicator(rt.warehouse, panel.indicator)
    if row is None:
        raise MissingSchema("dim_indicator")
    year, frame = data.year_on_year(rt.warehouse, str(row["indicator_code"]), home_region())
    return row, year, frame


def _figure(rt: Runtime, panel: Panel, lang: str, live: Callable[[], Any]) -> Any:
    """A chart panel's whole figure (on first paint)."""
    if panel.panel == "map":
        region = find_region(rt.warehouse, home_region())
        point = None if region is None or region.isna()[["lon", "lat"]].any() else (
            float(region["lon"]), float(region["lat"]))
        return city_map(_borders(rt), live(), graph_size(panel), point, lang)
    row, year, frame = _trend_data(rt, panel)
    return trend_figure(frame, year, localized_unit(row.get("unit"), lang), graph_size(panel), lang)


def _digest(value: Any) -> str:
    text = json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# The first output is a plain id: the callback guard names a callback's permission by it.
@callback(Output("screen-sig", "data"), Output({"type": "screen-body", "key": ALL}, "children"),
          Output({"type": "screen-graph", "key": ALL}, "figure"),
          Input("screen-tick", "n_intervals"), State("screen-name", "data"), State("screen-sig", "data"))
def refresh(_tick: int | None, name: object, shown: object) -> tuple[dict[str, str], list[Any], list[Any]]:
    """Every panel whose content changed since `shown` (digests by panel); the rest stay untouched."""
    chosen = _layout_named(name)
    if chosen is None or name is None:
        raise PreventUpdate  # not a screen this server knows: nothing to send
    before = shown if isinstance(shown, dict) else {}
    rt = current_runtime()
    lang = current_language()
    live = _live(rt)
    sig: dict[str, str] = {}

    def changed(key: str, value: Any) -> bool:
        sig[key] = _digest(value)
        return before.get(key) != sig[key]

    bodies = []
    for item in ctx.outputs_list[1]:
        key = _key_of(item)
        panel = _panel_at(chosen, key)
        if panel is None or panel.panel in GRAPH_KINDS:
            bodies.append(no_update)  # not a text panel of this screen
            continue
        body = _panel_body(rt, chosen, panel, lang, live)
        bodies.append(body if changed(f"b{key}", body) else no_update)
    graphs = []
    for item in ctx.outputs_list[2]:
        key = _key_of(item)
        panel = _panel_at(chosen, key)
        graphs.append(_graph_update(rt, panel, live, changed, str(key), f"g{key}" in before, lang)
                      if panel is not None and panel.panel in GRAPH_KINDS else no_update)
    return sig, bodies, graphs


def _key_of(output: object) -> object:
    """The panel key of a pattern-matching output as the browser named it (anything, unchecked)."""
    ident = output.get("id") if isinstance(output, dict) else None
    return ident.get("key") if isinstance(ident, dict) else None


def _panel_at(chosen: Layout, key: object) -> Panel | None:
    if not isinstance(key, str) or not (key.isascii() and key.isdigit()) or int(key) >= len(chosen.panels):
        return None
    return chosen.panels[int(key)]


def _patch_of(rt: Runtime, panel: Panel, live: Callable[[], Any]) -> Patch:
    """A chart's current data as a patch of the figure the page already shows."""
    return map_patch(live()) if panel.panel == "map" else trend_patch(_trend_data(rt, panel)[2])


def _graph_update(rt: Runtime, panel: Panel, live: Callable[[], Any], changed: Callable[[str, Any], bool],
                  key: str, shown: bool, lang: str) -> Any:
    """New data for a chart: a patch of the figure the page shows, the whole figure when it shows
    none (its data could not be read when the page was laid out: a patch of nothing is an error
    in the browser), or no_update when it is the same or cannot be read."""
    try:
        patch = _patch_of(rt, panel, live)
        figure = None if shown else _figure(rt, panel, lang, live)  # before its digest is recorded as shown
    except (MissingSchema, WarehouseUnavailable, AppDatabaseError) as exc:
        log.warning("screen chart not refreshed: %s", exc)
        return no_update  # the last figure stays; the stale badge says why
    if not changed("g" + key, patch.to_plotly_json()):
        return no_update
    return patch if shown else figure


@callback(Output("screen-alarm", "children"), Output("screen-alarm", "className"),
          Output("screen-alarm-ids", "data"), Output("screen-stale", "children"),
          Output("screen-stale", "className"), Output({"type": "screen-asof", "key": ALL}, "children"),
          Output("screen-heartbeat", "children"),
          Input("screen-alarm-tick", "n_intervals"), State("screen-alarm-ids", "data"))
def watch_alarms(_tick: int | None, shown: object) -> tuple[Any, ...]:
    """The red-alert banner (only when its alerts changed), the stale-data badge, and a heartbeat
    that tells assets/screen.js the server answers."""
    rt = current_runtime()
    lang = current_language()
    cfg = rt.config
    now = datetime.now(UTC)
    beat = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    status = warehouse_status(rt.warehouse)
    fresh = data.freshness(status, now, cfg.screens.stale_after_min)
    as_of = [as_of_text(status.data_as_of, cfg.timezone, lang)] * len(ctx.outputs_list[5])
    stale_text = t(f"screen.stale.{fresh.reason}", lang, time=as_of_text(fresh.as_of, cfg.timezone, lang)) \
        if fresh.stale else ""
    stale_class = "screen-badge-stale" + ("" if fresh.stale else " is-hidden")
    try:
        alarms = data.alarm_alerts(live_alerts(rt.warehouse, rt.appdb.engine, cfg.alert_ack_limit_min, now,
                                               user_scope()), now, cfg.screens.alarm_window_min)
    except (MissingSchema, WarehouseUnavailable, AppDatabaseError) as exc:
        log.warning("red alerts not checked: %s", exc)
        return no_update, no_update, no_update, stale_text, stale_class, as_of, beat
    ids = [str(a) for a in alarms["alert_id"]] if not alarms.empty else []
    if ids == shown:
        return no_update, no_update, no_update, stale_text, stale_class, as_of, beat
    children, class_name = alarm_banner(alarms, region_names(rt.warehouse, lang), lang, cfg.timezone)
    return children, class_name, ids, stale_text, stale_class, as_of, beat


# A new red alert beeps (WebAudio, assets/screen.js) when the configuration and the browser allow.
clientside_callback(ClientsideFunction("screen", "alarmSound"), Output("screen-sound", "data"),
                    Input("screen-alarm-ids", "data"), State("screen-sound", "data"))
