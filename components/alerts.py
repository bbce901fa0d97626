"""Duty-console pieces as pure functions: alert rows, level counts, maps, the detail view, statistics."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.alert_nearby import camera_kind_label, camera_link, resource_kind_label
from components.cards import LEVEL_KEYS
from components.formatting import MISSING, format_number, format_timestamp
from components.maps import offline_map
from core.i18n import t
from core.values import is_missing

LEVEL_COLOURS = {"1": "#ff4d4f", "2": "#ff9c2a", "3": "#f5d223", "4": "#3d8bff", "other": "#8fa8cc"}
BORDER_COLOUR = "#3d7fd9"
# The alert maps' style is transparent: the page's theme colours the ground (assets/theme.css, --map-bg).
MAP_BACKGROUND = "rgba(0,0,0,0)"


def level_key(level: object) -> str:
    """'1'–'4', or 'other' for a missing or unknown level."""
    return "other" if is_missing(level) or str(int(level)) not in LEVEL_KEYS else str(int(level))  # type: ignore[call-overload]


def level_label(level: object, lang: str) -> str:
    """红色 · I级 … or 其他."""
    return t(f"alert.level.{level_key(level)}", lang)


def category_label(category: object, lang: str) -> str:
    """The category's name; unknown ones were already mapped to 'other' when read."""
    return t(f"alert.category.{category}", lang) if isinstance(category, str) else t("alert.category.other", lang)


def status_label(status: object, lang: str) -> str:
    """The status's name."""
    return t(f"alert.status.{status}", lang) if isinstance(status, str) else MISSING


def source_label(source: object, lang: str) -> str:
    """The source's name, or the raw value when the catalogue does not know it."""
    if is_missing(source):
        return MISSING
    text = t(f"alert.source.{source}", lang)
    return str(source) if text.startswith("alert.source.") else text


def age_label(occurred_at: object, now: datetime, lang: str) -> str:
    """How long ago: 12 分钟前, 3 小时前, 2 天前."""
    try:
        moment = datetime.fromisoformat(str(occurred_at).replace("Z", "+00:00"))
    except ValueError:
        return MISSING
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    minutes = max(int((now - moment).total_seconds() // 60), 0)
    if minutes < 120:
        return t("alerts.minutes_ago", lang, n=minutes)
    if minutes < 48 * 60:
        return t("alerts.hours_ago", lang, n=minutes // 60)
    return t("alerts.days_ago", lang, n=minutes // 1440)


def alert_row(row: Mapping[str, Any], region_names: Mapping[str, str], lang: str, tz: str,
              now: datetime, orders: Mapping[str, int] | None = None) -> html.Div:
    """One line of the live list, coloured by level; clicking it opens the detail drawer.

    `orders`: the alert's open dispatch orders ({"open", "overdue"}), shown as a badge."""
    key = level_key(row.get("level"))
    overdue = bool(row.get("overdue"))
    alert_id = str(row["alert_id"])
    code = str(row.get("region_code") or "")
    return html.Div([
        html.Span(level_label(row.get("level"), lang), className=f"alert-level-badge level-bg-{key}"),
        html.Div([
            html.Div(str(row.get("title") or alert_id), className="alert-title"),
            html.Div([html.Span(category_label(row.get("category"), lang)),
                      html.Span(region_names.get(code, code or MISSING)),
                      html.Span(format_timestamp(row.get("occurred_at"), tz)),
                      html.Span(age_label(row.get("occurred_at"), now, lang), className="alert-age")],
                     className="alert-meta"),
        ], className="alert-main"),
        html.Span(t("alerts.overdue", lang), className="alert-overdue") if overdue else None,
        html.Span(t("dispatch.open_count", lang, n=orders["open"]), className="alert-dispatch"
                  + (" is-overdue" if orders["overdue"] else "")) if orders else None,
        html.Span(status_label(row.get("status"), lang), className=f"alert-status status-{row.get('status')}"),
    ], id={"type": "alerts-row", "id": alert_id}, n_clicks=0, **{"data-alert-id": alert_id},
        className=f"alert-row level-{key}" + (" is-overdue" if overdue else ""), role="button")


def level_counts(alerts: pd.DataFrame, lang: str) -> list[html.Div]:
    """Open alerts per level (every level shown, zero included), then unacknowledged and overdue."""
    keys = alerts["level"].map(level_key) if not alerts.empty else pd.Series(dtype=str)
    chips = [html.Div([html.Span(str(int((keys == key).sum())), className="count-n"),
                       html.Span(t(f"alert.level.{key}", lang), className="count-label")],
                      className=f"count-chip level-{LEVEL_KEYS[key]}", id={"type": "alerts-count", "level": key})
             for key in LEVEL_KEYS]
    other = int((keys == "other").sum())
    if other:
        chips.append(html.Div([html.Span(str(other), className="count-n"),
                               html.Span(t("alert.level.other", lang), className="count-label")],
                              className="count-chip level-other", id={"type": "alerts-count", "level": "other"}))
    unack = int((alerts["status"] == "new").sum()) if not alerts.empty else 0
    overdue = int(alerts["overdue"].sum()) if not alerts.empty else 0
    chips.append(html.Div(t("alerts.unacknowledged", lang, n=unack), className="count-note"))
    chips.append(html.Div(t("alerts.overdue_count", lang, n=overdue),
                          className="count-note count-overdue" + (" is-active" if overdue else ""),
                          id="alerts-overdue-count"))
    return chips


def _map_layout(fig: go.Figure, center: tuple[float, float], zoom: float, tile_url: str | None) -> go.Figure:
    # The cockpit's inline offline style (components.maps), transparent; `tile_url`'s tiles beneath the markers.
    fig.update_layout(
        map=offline_map({"lon": center[0], "lat": center[1]}, zoom, tile_url, background=MAP_BACKGROUND),
        margin={"l": 0, "r": 0, "t": 0, "b": 0}, paper_bgcolor="rgba(0,0,0,0)", showlegend=False,
        uirevision="alerts-map")
    return fig


def alerts_map(alerts: pd.DataFrame, center: tuple[float, float], lang: str, tz: str,
               tile_url: str | None, zoom: float = 7.0) -> go.Figure:
    """Open alerts as markers coloured by level (no text labels: they would fetch fonts)."""
    fig = go.Figure()
    placed = alerts.dropna(subset=["lon", "lat"]) if not alerts.empty else alerts
    for key in ("4", "3", "other", "2", "1"):  # most severe drawn last, on top
        part = placed[placed["level"].map(level_key) == key] if not placed.empty else placed
        if part.empty:
            continue
        fig.add_trace(go.Scattermap(
            lon=part["lon"], lat=part["lat"], mode="markers", customdata=part["alert_id"],
            marker={"size": 16 if key in ("1", "2") else 11, "color": LEVEL_COLOURS[key], "opacity": 0.9},
            text=[f"{r['title']}<br>{level_label(r['level'], lang)} · {status_label(r['status'], lang)}<br>"
                  f"{format_timestamp(r['occurred_at'], tz)}" for r in part.to_dict("records")],
            hoverinfo="text", name=t(f"alert.level.{key}", lang)))
    return _map_layout(fig, center, zoom, tile_url)


def with_borders(figure: dict[str, Any], borders: dict[str, Any] | None) -> dict[str, Any]:
    """A map figure (as a dict) with the `borders` FeatureCollection drawn as lines under its markers.

    Kept apart from `alerts_map`, so a live map can be built, cached and compared without the
    borders, which are large and never change while it is open.
    """
    if not borders or not borders.get("features"):
        return figure
    layer = {"sourcetype": "geojson", "source": borders, "type": "line", "color": BORDER_COLOUR,
             "line": {"width": 1.2}, "below": "traces"}
    map_layout = figure["layout"].get("map", {})
    return {**figure, "layout": {**figure["layout"],
                                 "map": {**map_layout, "layers": [*map_layout.get("layers", []), layer]}}}


def position_map(alert: Mapping[str, Any], resources: pd.DataFrame, cameras: pd.DataFrame, lang: str,
                 tile_url: str | None, borders: dict[str, Any] | None = None) -> dict[str, Any]:
    """The alert at the centre, the resources and cameras around it, county borders and a legend."""
    fig = go.Figure()
    for frame, colour, symbol_size, key in ((resources, "#34d399", 9, "alerts.d.legend_resources"),
                                            (cameras, "#36d1ff", 8, "alerts.d.legend_cameras")):
        if not frame.empty:
            fig.add_trace(go.Scattermap(
                lon=frame["lon"], lat=frame["lat"], mode="markers", name=t(key, lang),
                marker={"size": symbol_size, "color": colour},
                text=[f"{r['name']} · {t('alerts.d.km', lang, km=format_number(r['distance_km'], 1))}"
                      for r in frame.to_dict("records")], hoverinfo="text"))
    key = level_key(alert.get("level"))
    fig.add_trace(go.Scattermap(lon=[alert["lon"]], lat=[alert["lat"]], mode="markers",
                                name=t("alerts.d.legend_alert", lang, level=level_label(alert.get("level"), lang)),
                                marker={"size": 20, "color": LEVEL_COLOURS[key]},
                                text=[str(alert.get("title"))], hoverinfo="text"))
    _map_layout(fig, (float(alert["lon"]), float(alert["lat"])), 9.5, tile_url)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "bottom",
                                               "bgcolor": "rgba(10,26,56,0.8)", "font": {"color": "#dce8ff"}},
                      uirevision=f"alert-{alert.get('alert_id')}")
    figure = with_borders(fig.to_plotly_json(), borders)
    if borders and borders.get("features"):  # the borders' legend entry: an empty line trace
        figure["data"] = [{"type": "scattermap", "mode": "lines", "lon": [None], "lat": [None],
                           "name": t("alerts.d.legend_borders", lang), "hoverinfo": "skip",
                           "line": {"color": BORDER_COLOUR, "width": 1.2}}, *figure["data"]]
    return figure


def _field(label: str, value: Any) -> html.Div:
    return html.Div([html.Div(label, className="detail-label"), html.Div(value, className="detail-value")],
                    className="detail-field")


def detail_view(alert: Mapping[str, Any], *, region_name: str, actions: pd.DataFrame,
                dept: Mapping[str, Any] | None, resources: pd.DataFrame | None, cameras: pd.DataFrame | None,
                lang: str, tz: str, radius_km: float, tile_url: str | None,
                stream_url_template: str | None, dept_names: Mapping[str, str],
                borders: dict[str, Any] | None = None, orders_block: Any = None) -> html.Div:
    """Everything about one alert: facts, position, responsible department, timeline (with its
    dispatch orders, `orders_block`), what is near."""
    key = level_key(alert.get("level"))
    status = alert.get("status")
    warehouse_status = alert.get("warehouse_status")
    status_text = [html.Span(status_label(status, lang), className=f"alert-status status-{status}")]
    if warehouse_status != status:
        status_text.append(html.Span(t("alerts.d.warehouse_status", lang,
                                       status=status_label(warehouse_status, lang)), className="muted"))
    if alert.get("overdue"):
        status_text.append(html.Span(t("alerts.overdue", lang), className="alert-overdue"))
    has_position = not (is_missing(alert.get("lon")) or is_missing(alert.get("lat")))
    dept_block: list = [html.Div(t("alerts.d.no_dept", lang), className="muted")]
    if dept is not None:
        dept_block = [html.Div(str(dept.get("name") or dept.get("dept_code")), className="detail-dept-name"),
                      _field(t("alerts.d.phone", lang), html.A(str(dept["phone"]), href=f"tel:{dept['phone']}")
                             if not is_missing(dept.get("phone")) else MISSING)]
        if not is_missing(dept.get("conference_url")):
            dept_block.append(html.A(t("alerts.d.conference", lang), href=str(dept["conference_url"]),
                                     target="_blank", className="app-button"))
    sections: list = [
        html.Div([html.Span(level_label(alert.get("level"), lang), className=f"alert-level-badge level-bg-{key}"),
                  html.H2(str(alert.get("title") or alert.get("alert_id")), className="detail-title")],
                 className="detail-head"),
        html.Div([
            _field(t("alerts.d.status", lang), status_text),
            _field(t("alerts.f.category", lang), category_label(alert.get("category"), lang)),
            _field(t("alerts.d.occurred", lang), format_timestamp(alert.get("occurred_at"), tz)),
            _field(t("alerts.d.region", lang), region_name),
            _field(t("alerts.d.source", lang), source_label(alert.get("source"), lang)),
            _field("ID", str(alert.get("alert_id"))),
        ], className="detail-grid"),
        _field(t("alerts.d.description", lang), str(alert.get("description") or MISSING)),
        html.Section([html.H3(t("alerts.d.dept", lang)), *dept_block], className="detail-section"),
        html.Section([html.H3(t("alerts.d.timeline", lang)),
                      timeline_list(alert, actions, lang, tz, dept_names), orders_block], className="detail-section"),
    ]
    if not has_position:
        sections.append(html.Div(t("alerts.d.no_position", lang), className="panel-message"))
    else:
        sections.append(html.Section([
            html.H3(t("alerts.d.position", lang)),
            dcc.Graph(figure=position_map(alert, resources if resources is not None else pd.DataFrame(),
                                          cameras if cameras is not None else pd.DataFrame(), lang, tile_url,
                                          borders),
                      config={"displayModeBar": False}, className="detail-map"),
        ], className="detail-section"))
        sections.append(html.Section([html.H3(t("alerts.d.resources", lang, km=format_number(radius_km, 0))),
                                      nearby_list(resources, lang, "resource")], className="detail-section"))
        sections.append(html.Section([html.H3(t("alerts.d.cameras", lang)),
                                      nearby_list(cameras, lang, "camera", stream_url_template)],
                                     className="detail-section"))
    return html.Div(sections, className="detail-view", **{"data-alert-id": str(alert.get("alert_id"))})


def timeline_list(alert: Mapping[str, Any], actions: pd.DataFrame, lang: str, tz: str,
                  dept_names: Mapping[str, str]) -> html.Ol:
    """The alert's report, then every action with who and when."""
    items = [html.Li([html.Span(format_timestamp(alert.get("occurred_at"), tz), className="tl-time"),
                      html.Span(t("alerts.d.reported", lang), className="tl-action"),
                      html.Span(source_label(alert.get("source"), lang), className="tl-user")])]
    for act in actions.to_dict("records"):
        detail = []
        if not is_missing(act.get("dept_code")):
            detail.append(dept_names.get(str(act["dept_code"]), str(act["dept_code"])))
        if not is_missing(act.get("level")):
            detail.append(level_label(act["level"], lang))
        if not is_missing(act.get("note")):
            detail.append(str(act["note"]))
        items.append(html.Li([
            html.Span(format_timestamp(act["at"].isoformat() if hasattr(act["at"], "isoformat") else act["at"], tz),
                      className="tl-time"),
            html.Span(t(f"alerts.a.{act['action']}", lang), className=f"tl-action tl-{act['action']}"),
            html.Span(str(act["username"]), className="tl-user"),
            html.Span(" · ".join(detail), className="tl-detail"),
        ], className="tl-item"))
    return html.Ol(items, className="timeline")


def nearby_list(frame: pd.DataFrame | None, lang: str, kind: str,
                stream_url_template: str | None = None) -> html.Div:
    """Resources or cameras with their distance, nearest first."""
    if frame is None or frame.empty:
        return html.Div(t("alerts.d.none_near", lang), className="muted")
    rows = []
    for r in frame.to_dict("records"):
        if kind == "resource":
            what = resource_kind_label(r.get("kind"), lang)
            extra = "" if is_missing(r.get("capacity")) else str(r["capacity"])
            link = None
        else:
            what = camera_kind_label(r.get("kind"), lang)
            extra = ""
            link = camera_link(r, lang, stream_url_template)
        rows.append(html.Tr([html.Td(str(r["name"])), html.Td(what, className="muted"), html.Td(extra),
                             html.Td(t("alerts.d.km", lang, km=format_number(r["distance_km"], 1)),
                                     className="num"), html.Td(link)]))
    return html.Div(html.Table(html.Tbody(rows), className="nearby-table"), className="nearby")


def daily_chart(daily: pd.DataFrame, by: str, lang: str) -> go.Figure:
    """Stacked bars of alerts per day, by category or by level."""
    fig = go.Figure()
    keys = (list(LEVEL_COLOURS) if by == "level" else
            sorted(daily[by].unique(), key=lambda c: (c == "other", c)))
    for key in keys:
        part = daily[daily[by].astype(str) == key]
        if part.empty:
            continue
        name = t(f"alert.level.{key}", lang) if by == "level" else category_label(key, lang)
        fig.add_trace(go.Bar(x=part["day"], y=part["n"], name=name,
                             marker_color=LEVEL_COLOURS.get(key) if by == "level" else None))
    fig.update_layout(barmode="stack", margin={"l": 40, "r": 10, "t": 10, "b": 30}, height=300,
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      font={"color": "#8fa8cc"}, legend={"orientation": "h", "y": -0.2},
                      xaxis={"type": "date", "tickformat": "%m-%d", "gridcolor": "rgba(128,128,128,0.2)"},
                      yaxis={"gridcolor": "rgba(128,128,128,0.2)"})
    return fig


def response_table(stats: pd.DataFrame, by: str, labels: Mapping[str, str], lang: str) -> html.Table | html.Div:
    """Mean and p90 minutes to acknowledge and to resolve, one row per county or department."""
    if stats.empty:
        return html.Div(t("alerts.s.none", lang), className="muted")
    cols = ["n", "ack_mean", "ack_p90", "resolve_mean", "resolve_p90"]
    head = html.Tr([html.Th("")] + [html.Th(t(f"alerts.s.col.{c}", lang)) for c in cols])
    body = [html.Tr([html.Td(labels.get(str(r[by]), str(r[by])))] +
                    [html.Td(format_number(r[c], 0 if c == "n" else 1), className="num") for c in cols])
            for r in stats.to_dict("records")]
    return html.Table([html.Thead(head), html.Tbody(body)], className="stats-table")


ACTION_BUTTONS = ("acknowledge", "assign", "escalate", "note", "resolve", "close")


def detail_frame(alert_id: str | None, token: str, dept_options: list[dict[str, str]], lang: str,
                 refresh_ms: int) -> html.Div:
    """The detail drawer's and page's frame: the body fills in by callback, the action form stays.

    Both the console's drawer and `/alerts/<alert_id>` hold this frame, so one set of callbacks
    (pages/alert_detail.py) serves both. `token` seeds the request ids that make an action
    count once however often it is submitted.
    """
    return html.Div([
        dcc.Store(id="alert-detail-id", data=alert_id),
        dcc.Store(id="alert-detail-sig"),
        dcc.Store(id="alert-detail-version", data=0),
        dcc.Store(id="alert-action-token", data=token),
        dcc.Interval(id="alert-detail-tick", interval=refresh_ms, disabled=not alert_id),
        html.Div(id="alert-detail-body"),
        html.Div([
            html.Div([
                dcc.Dropdown(id="alert-action-dept", options=dept_options, placeholder=t("alerts.a.dept", lang),
                             className="action-dept"),
                dcc.Dropdown(id="alert-action-level", placeholder=t("alerts.a.level", lang), className="action-level",
                             options=[{"label": t(f"alert.level.{k}", lang), "value": int(k)} for k in LEVEL_KEYS]),
            ], className="action-selects"),
            dcc.Textarea(id="alert-action-text", placeholder=t("alerts.a.note_placeholder", lang),
                         className="action-text", maxLength=2000),
            html.Div([html.Button(t(f"alerts.a.{a}", lang), id=f"alert-action-{a}", n_clicks=0,
                                  className=f"action-button action-{a}") for a in ACTION_BUTTONS],
                     className="action-buttons"),
            html.Div(id="alert-action-message", role="status"),
        ], id="alert-action-form", className="action-form", style={"display": "none"}),
    ], className="alert-detail-frame")


def overdue_notice(alerts: pd.DataFrame, lang: str) -> html.A | None:
    """A red link to the console naming the overdue alerts (at most three), or None when none is."""
    overdue = alerts[alerts["overdue"]] if not alerts.empty else alerts
    if overdue.empty:
        return None
    sep, colon = ("、", "：") if lang == "zh" else ("; ", ": ")
    titles = sep.join(str(v) for v in overdue["title"].head(3)) + ("…" if len(overdue) > 3 else "")
    return html.A(f"{t('overview.overdue', lang, n=len(overdue))}{colon}{titles}", href="/alerts?status=new",
                  className="overview-overdue", id="overview-overdue")


def new_token() -> str:
    """A fresh seed for request ids: one per form submission that succeeded or was refused."""
    return secrets.token_urlsafe(12)
