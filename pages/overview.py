"""Overview `/`: headline indicators, open alerts by level, key projects by state."""
from __future__ import annotations

from datetime import UTC, datetime

import dash
from dash import Input, Output, callback, dcc, html

from components.alerts import overdue_notice
from components.cards import alert_level_tiles, kpi_card, project_state_tiles, quality_summary, skipped_note
from components.panels import guarded
from core.i18n import current_language, t
from core.permissions import VIEW_SCREEN
from datasources.indicators import latest_values
from datasources.projects import count_by_state, project_status
from datasources.quality import data_quality
from services.alerts import count_by_level, live_alerts
from web.access import home_region, user_scope
from web.runtime import current_runtime

dash.register_page(__name__, path="/", nav_key="nav.overview", nav_order=0, access=VIEW_SCREEN)

REFRESH_MS = 60_000
# Component IDs, prefixed by page and defined once.
REFRESH, KPIS, ALERTS, PROJECTS, QUALITY = (
    "overview-refresh", "overview-kpis", "overview-alerts", "overview-projects", "overview-quality")


def layout(**_query: str) -> html.Div:
    """The overview with its panels filled from the (prewarmed) cache; a timer refreshes them.

    Filling them here rather than by an initial callback saves the LED wall one round trip.
    """
    lang = current_language()
    kpis, alerts, projects, quality = overview_panels()
    return html.Div([
        dcc.Interval(id=REFRESH, interval=REFRESH_MS),
        html.Section([
            html.H2(t("overview.headline", lang), className="panel-title"),
            html.Div(kpis, id=KPIS, className="kpi-grid"),
        ], className="panel"),
        html.Div([
            html.Section([
                html.H2(t("overview.alerts", lang), className="panel-title"),
                html.Div(alerts, id=ALERTS, className="tile-row"),
            ], className="panel"),
            html.Section([
                html.H2(t("overview.projects", lang), className="panel-title"),
                html.Div(projects, id=PROJECTS, className="tile-row"),
            ], className="panel"),
        ], className="overview-row"),
        html.Section([
            html.H2(t("quality.title", lang), className="panel-title"),
            html.Div(quality, id=QUALITY),
        ], className="panel panel-quiet"),
    ], className="overview")


@callback(Output(KPIS, "children"), Output(ALERTS, "children"),
          Output(PROJECTS, "children"), Output(QUALITY, "children"),
          Input(REFRESH, "n_intervals"), prevent_initial_call=True)
def refresh_overview(_tick: int) -> tuple[object, object, object, object]:
    """Every panel again, in one response."""
    return overview_panels()


def overview_panels() -> tuple[object, object, object, object]:
    """The four panels' contents; a failing panel shows its message and leaves the others alone."""
    lang = current_language()
    rt = current_runtime()

    def kpis() -> list:
        region = home_region()
        values = latest_values(rt.warehouse, region)
        cards = [kpi_card(row, f"/economy/{region}?indicator={row['indicator_code']}", lang, rt.config.colour_rules)
                 for row in values.to_dict("records")]
        note = skipped_note(values.attrs.get("skipped", {}), lang)
        return cards + ([note] if note else [])

    def alerts() -> list:
        # Open by the combined status (warehouse and duty-console actions), overdue ones named.
        frame = live_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min, datetime.now(UTC),
                            user_scope())
        extra = [overdue_notice(frame, lang), skipped_note(frame.attrs.get("skipped", {}), lang)]
        return alert_level_tiles(count_by_level(frame), lang) + [e for e in extra if e is not None]

    def projects() -> list:
        frame = project_status(rt.warehouse, user_scope(), rt.today().isoformat(),
                               rt.config.lagging_pts, rt.config.seriously_lagging_pts)
        note = skipped_note(frame.attrs.get("skipped", {}), lang)
        return project_state_tiles(count_by_state(frame), lang) + ([note] if note else [])

    def quality() -> object:
        return quality_summary(data_quality(rt.warehouse), lang)

    return guarded(kpis, lang), guarded(alerts, lang), guarded(projects, lang), guarded(quality, lang)
