"""The duty console's view as data, and the edits that bring a console from one view to the next.

`console_view` renders what one console shows (list rows, counts, map, browser feed, notes)
together with digests of each part; `console_changes` compares two such views and returns
only what differs: inserted/replaced/deleted rows (`list_patch`), the map traces that
changed, the counts and notes only when they changed. Pure functions: the page supplies the
data, the cache and the locking.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd
from dash import Patch, html, no_update
from plotly.io.json import to_json_plotly

from components.alerts import alert_row, alerts_map, level_counts, level_key, with_borders
from components.cards import panel_message, skipped_note
from components.formatting import format_timestamp
from components.list_patch import list_patch
from core.geo import collection_bounds, fit_view, points_bounds
from core.i18n import t

MAX_ROWS = 300
# The console map's size on a 1920×1080 screen, to fit the counties into it.
MAP_VIEW_PX = (680, 640)
# With nothing to fit (no borders, no placed alert): the whole country.
COUNTRY_VIEW = ((104.0, 35.0), 3.0)


def digest(value: Any) -> str:
    """A digest of what the browser receives for `value`."""
    return hashlib.sha1(to_json_plotly(value, engine="json").encode()).hexdigest()


def signature(*parts: Any) -> str:
    """A digest of what a console shows; DataFrames count by their content (`attrs["digest"]` if known)."""
    digests = [(p.attrs.get("digest") or int(pd.util.hash_pandas_object(p, index=False).sum()))
               if isinstance(p, pd.DataFrame) else p for p in parts]
    return hashlib.sha1(repr(digests).encode()).hexdigest()


def feed(live: pd.DataFrame) -> dict[str, Any]:
    """What the browser needs to announce new alerts: every open id, level, title, status."""
    return {"unack": int((live["status"] == "new").sum()),
            "alerts": [[str(r["alert_id"]), level_key(r["level"]), str(r["title"]), str(r["status"])]
                       for r in live[["alert_id", "level", "title", "status"]].to_dict("records")]}


def map_view(borders: dict[str, Any] | None, alerts: pd.DataFrame,
             region_point: tuple[float, float] | None) -> tuple[tuple[float, float], float]:
    """Centre and zoom: fitted to the borders, else around the region's own point, else fitted
    to the placed alerts, else the whole country. The first two stay put as alerts come and go,
    so a new alert changes the markers only, not the layout."""
    bounds = collection_bounds(borders) if borders else None
    if bounds is None and region_point is not None:
        return region_point, 7.0
    if bounds is None:
        placed = alerts.dropna(subset=["lon", "lat"])
        bounds = points_bounds(placed["lon"].astype(float).tolist(), placed["lat"].astype(float).tolist())
        if bounds is not None:
            bounds = (bounds[0] - 0.25, bounds[1] - 0.25, bounds[2] + 0.25, bounds[3] + 0.25)
    if bounds is None:
        return COUNTRY_VIEW
    centre, zoom = fit_view(bounds, *MAP_VIEW_PX)
    return (centre["lon"], centre["lat"]), zoom


def console_view(live: pd.DataFrame, view: pd.DataFrame, now: datetime, *, lang: str, tz: str,
                 region_names: Mapping[str, str], borders: dict[str, Any] | None,
                 region_point: tuple[float, float] | None, tile_url: str | None,
                 orders: Mapping[str, Mapping[str, int]] | None = None) -> dict[str, Any]:
    """List rows (and a key per row), counts, map figure, browser feed and notes for one view
    (`orders`: open dispatch orders per alert id, shown on their rows)."""
    orders = orders or {}
    rows: list[Any] = [alert_row(r, region_names, lang, tz, now, orders.get(str(r["alert_id"])))
                       for r in view.head(MAX_ROWS).to_dict("records")]
    notes: list[Any] = []
    if view.empty:
        rows = [panel_message(t("alerts.none", lang), "info")]
    if len(view) > MAX_ROWS:
        notes.append(html.Div(t("alerts.truncated", lang, n=MAX_ROWS)))
    unplaced = int(view[["lon", "lat"]].isna().any(axis=1).sum())
    if unplaced:
        notes.append(html.Div(t("alerts.no_position", lang, n=unplaced)))
    if live.attrs.get("stale"):
        notes.append(html.Div(t("alerts.stale", lang, time=format_timestamp(live.attrs.get("fetched_at"), tz)),
                              className="stale"))
    quality = skipped_note(view.attrs.get("skipped", {}), lang)
    if quality:
        notes.append(quality)
    center, zoom = map_view(borders, view, region_point)
    figure = alerts_map(view, center, lang, tz, tile_url, zoom=zoom).to_plotly_json()
    counts = level_counts(view, lang)
    layout, traces = digest(figure["layout"]), [digest(trace) for trace in figure["data"]]
    return {"rows": rows, "row_keys": [digest(row) for row in rows], "counts": counts, "figure": figure,
            "feed": feed(live), "notes": notes,
            "digests": {"counts": digest(counts), "notes": digest(notes), "layout": layout, "traces": traces,
                        "figure": hashlib.sha1(repr((layout, traces)).encode()).hexdigest()}}


def _changed(before: dict[str, Any] | None, view: dict[str, Any], part: str) -> Any:
    """`view[part]`, or no_update when the console already shows it."""
    if before is not None and before["digests"][part] == view["digests"][part]:
        return no_update
    return view[part]


def console_changes(before: dict[str, Any] | None, view: dict[str, Any],
                    borders: dict[str, Any] | None) -> tuple[Any, ...]:
    """List, counts, map, feed and notes for a console that shows `before` (None: unknown, send all).

    A new alert costs each console one row and the map's markers, not the page again; the
    county borders go with a whole map only, and later patches leave them in place.
    """
    notes = _changed(before, view, "notes")
    if before is None:
        return view["rows"], view["counts"], with_borders(view["figure"], borders), view["feed"], notes
    rows = list_patch(before["row_keys"], view["row_keys"], view["rows"])
    feed_now = no_update if before["feed"] == view["feed"] else view["feed"]
    return rows, _changed(before, view, "counts"), _map_changes(before, view, borders), feed_now, notes


def _map_changes(before: dict[str, Any], view: dict[str, Any], borders: dict[str, Any] | None) -> Any:
    """The map for a console that shows `before`: nothing, the changed traces, or (layout changed) all."""
    if before["digests"]["figure"] == view["digests"]["figure"]:
        return no_update
    if before["digests"]["layout"] != view["digests"]["layout"]:
        return with_borders(view["figure"], borders)
    patch = Patch()
    old_traces, new_traces = before["digests"]["traces"], view["digests"]["traces"]
    if len(old_traces) != len(new_traces):
        patch["data"] = view["figure"]["data"]
        return patch
    for index, (old, new) in enumerate(zip(old_traces, new_traces)):
        if old != new:
            patch["data"][index] = view["figure"]["data"][index]
    return patch
