"""The app shell: header (city, navigation, live clock, data-as-of), outage banner, page area."""
from __future__ import annotations

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, dcc, html

from components.formatting import format_timestamp
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import t
from core.permissions import VIEW
from core.values import localized_name
from datasources.regions import find_region, top_region_code
from datasources.status import warehouse_status
from web.access import user_may
from web.auth import current_user
from web.runtime import current_runtime


def _city_name(lang: str) -> str:
    rt = current_runtime()
    try:
        code = top_region_code(rt.warehouse, rt.config.city_region_code)
        region = find_region(rt.warehouse, code)
    except (WarehouseUnavailable, MissingSchema):
        return t("app.city_unknown", lang)
    if region is None:
        return code
    return localized_name(region.to_dict(), lang)


def _nav(lang: str) -> html.Nav:
    # Only the pages this user may open: a wall-screen account sees the overview alone.
    pages = sorted((p for p in dash.page_registry.values() if "nav_key" in p and user_may(p.get("access", VIEW))),
                   key=lambda p: p.get("nav_order", 99))
    return html.Nav([dcc.Link(t(p["nav_key"], lang), href=p["relative_path"], className="nav-link",
                              id={"type": "app-nav", "page": p["module"].rsplit(".", 1)[-1]})
                     for p in pages], className="app-nav", id="app-nav")


def shell_layout() -> html.Div:
    """The whole-window layout; the current page renders inside `dash.page_container`."""
    rt = current_runtime()
    lang = rt.config.language
    user = current_user()
    return html.Div([
        dcc.Store(id="app-settings", data={"tz": rt.config.timezone, "lang": lang,
                                           "theme": rt.config.theme}),
        dcc.Store(id="app-theme", storage_type="local"),
        dcc.Interval(id="app-clock-tick", interval=1000),
        dcc.Interval(id="app-status-tick", interval=rt.config.status_refresh_s * 1000),
        html.Header([
            html.Div([html.Span(_city_name(lang), id="app-city-name", className="app-city"),
                      html.Span(t("app.title", lang), className="app-title")], className=f"app-brand lang-{lang}"),
            # On a phone the navigation and the buttons fold into this menu (assets/cockpit.js).
            html.Button(t("app.menu", lang), id="app-menu-toggle", className="app-button app-menu-toggle",
                        **{"aria-expanded": "false", "aria-controls": "app-nav"}),
            _nav(lang),
            html.Div([
                html.Div([html.Span(id="app-clock", className="app-clock"),
                          html.Span(id="app-data-as-of", className="app-as-of")], className="app-time"),
                html.Button(t("app.theme_toggle", lang), id="app-theme-toggle", className="app-button",
                            title=t("app.theme_toggle_hint", lang)),
                html.Span(user.display_name or user.username if user else "", className="app-user"),
                html.A(t("app.logout", lang), href="/logout", className="app-button app-logout"),
            ], className="app-meta"),
        ], className="app-header"),
        html.Div(id="app-banner", role="alert"),
        html.Main(dash.page_container, className="app-main"),
    ], id="app-root", className=f"theme-{rt.config.theme}")


def register_shell_callbacks(app: dash.Dash) -> None:
    """The shell's callbacks, bound to this app (the shell is not a page)."""
    app.clientside_callback(ClientsideFunction("cockpit", "clock"), Output("app-clock", "children"),
                            Input("app-clock-tick", "n_intervals"), State("app-settings", "data"))
    app.clientside_callback(ClientsideFunction("cockpit", "toggleTheme"), Output("app-theme", "data"),
                            Input("app-theme-toggle", "n_clicks"), State("app-theme", "data"),
                            State("app-settings", "data"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("cockpit", "applyTheme"), Output("app-root", "className"),
                            Input("app-theme", "data"), State("app-settings", "data"))
    app.clientside_callback(ClientsideFunction("cockpit", "markActiveNav"),
                            Output({"type": "app-nav", "page": ALL}, "className"),
                            Input("_pages_location", "pathname"),
                            State({"type": "app-nav", "page": ALL}, "href"))

    @app.callback(Output("app-data-as-of", "children"), Output("app-banner", "children"),
                  Output("app-banner", "className"), Input("app-status-tick", "n_intervals"))
    def show_status(_tick: int | None) -> tuple[str, object, str]:
        rt = current_runtime()
        lang = rt.config.language
        status = warehouse_status(rt.warehouse)
        as_of = t("app.data_as_of", lang, time=format_timestamp(status.data_as_of, rt.config.timezone))
        if status.reachable and not status.stale:
            return as_of, None, "banner-hidden"
        message = (t("app.banner_stale", lang, time=format_timestamp(status.data_as_of, rt.config.timezone))
                   if status.data_as_of else t("app.banner_unreachable", lang))
        return as_of, message, "banner banner-error"
