"""The economy briefing `/briefing?region=…&period=…&lang=…`: preview it, download it as PDF or Word.

The preview is the same document model as the files (components/briefing_blocks.py); the
download links point at `GET /api/v1/briefing`, which needs EXPORT (a user without it sees
the preview only). A briefing takes a second or two: the preview sits in a `dcc.Loading`.
"""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from components.briefing_preview import preview
from components.formatting import format_number
from components.panels import failure_panel, guarded
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import LANGUAGES, current_language, t
from core.permissions import EXPORT, VIEW, in_scope
from core.regions import is_region_code
from datasources.regions import children, find_region
from services.briefing import briefing_periods
from services.lookups import region_names
from web.access import check_region, home_region, user_may, user_scope
from web.api.briefing import briefing_model
from web.runtime import current_runtime

dash.register_page(__name__, path="/briefing", nav_key="nav.briefing", nav_order=35, access=VIEW,
                   title=lambda **_: t("briefing.page.title"))

REGION, PERIOD, LANG = "briefing-region", "briefing-period", "briefing-lang"
PREVIEW, PDF, DOCX, TOOK = "briefing-preview", "briefing-pdf", "briefing-docx", "briefing-took"


def _regions(lang: str) -> dict[str, str]:
    """The regions a user may brief: their home region and the regions one level below it."""
    rt = current_runtime()
    home = home_region()
    names = region_names(rt.warehouse, lang)
    codes = [home, *(str(c) for c in children(rt.warehouse, home)["region_code"])]
    return {c: names.get(c, c) for c in codes}


def _known(region: object) -> bool:
    """A region code the warehouse knows, within the user's scope."""
    return (isinstance(region, str) and is_region_code(region) and in_scope(region, user_scope())
            and find_region(current_runtime().warehouse, region) is not None)


def layout(region: str | None = None, period: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    """Controls (region, month, language), download links and the preview."""
    ui = current_language()
    try:
        options = _regions(ui)
    except (MissingSchema, WarehouseUnavailable) as exc:
        return html.Div(failure_panel(exc, ui))
    chosen = region if region in options else next(iter(options))
    language = lang if lang in LANGUAGES else ui
    bad = (region is not None and region != chosen) or (lang is not None and lang != language)
    # The links are always there (the callback writes their addresses) but shown only to who may export.
    hidden = None if user_may(EXPORT) else {"display": "none"}
    links = [html.A(t("briefing.page.pdf", ui), id=PDF, className="app-button", href="", download="", style=hidden),
             html.A(t("briefing.page.docx", ui), id=DOCX, className="app-button", href="", download="", style=hidden)]
    return html.Div([html.Section([
        html.H2(t("briefing.page.title", ui), className="panel-title"),
        html.Div(t("briefing.page.bad", ui), className="panel-message") if bad else None,
        html.Div([
            html.Label([html.Span(t("briefing.page.region", ui), className="filter-label"),
                        dcc.Dropdown(id=REGION, options=[{"label": v, "value": k} for k, v in options.items()],
                                     value=chosen, clearable=False, className="filter-select")], className="filter"),
            html.Label([html.Span(t("briefing.page.period", ui), className="filter-label"),
                        dcc.Dropdown(id=PERIOD, options=[], value=period, clearable=False,
                                     className="filter-select")], className="filter"),
            html.Label([html.Span(t("briefing.page.language", ui), className="filter-label"),
                        dcc.RadioItems(id=LANG, options=[{"label": "中文", "value": "zh"},
                                                         {"label": "English", "value": "en"}],
                                       value=language, inline=True, className="briefing-lang")], className="filter"),
            html.Div([*links, html.Span(t("briefing.page.no_export", ui), className="muted") if hidden else None],
                     className="briefing-downloads"),
        ], className="filters briefing-filters"),
        html.P(t("briefing.page.hint", ui), className="muted"),
        html.Div(id=TOOK, className="muted", role="status"),
    ], className="panel"),
        dcc.Loading(html.Div(id=PREVIEW, className="briefing-sheet"), type="default", delay_show=200),
    ], className="briefing-page")


@callback(Output(PERIOD, "options"), Output(PERIOD, "value"), Input(REGION, "value"), State(PERIOD, "value"))
def choose_period(region: object, period: object) -> tuple[list[dict[str, str]], Any]:
    """The months the region has figures for, newest first; keeps a chosen month it has (no_update,
    so the preview is not drawn twice), else the latest."""
    if not _known(region):
        raise PreventUpdate  # a value no dropdown offers
    check_region(str(region))
    periods = briefing_periods(current_runtime().warehouse, str(region))
    options = [{"label": p, "value": p} for p in periods]
    return options, (dash.no_update if period in periods else (periods[0] if periods else None))


@callback(Output(PREVIEW, "children"), Output(PDF, "href"), Output(DOCX, "href"), Output(TOOK, "children"),
          Input(REGION, "value"), Input(PERIOD, "value"), Input(LANG, "value"))
def show_briefing(region: object, period: object, lang: object) -> tuple[Any, str, str, str]:
    """The preview of the chosen briefing and the links to its files."""
    if not _known(region) or lang not in LANGUAGES or not isinstance(period, str):
        raise PreventUpdate
    check_region(str(region))
    rt = current_runtime()
    if period not in briefing_periods(rt.warehouse, str(region)):
        raise PreventUpdate  # the month list answers first and sends a month the region has
    ui = current_language()
    started = time.perf_counter()
    sheet = guarded(lambda: preview(briefing_model(rt, str(region), period, str(lang))), ui)
    took = t("briefing.page.took", ui, s=format_number(time.perf_counter() - started, 1))
    query = {"region": region, "period": period, "lang": lang}
    return (sheet, "/api/v1/briefing?" + urlencode({**query, "format": "pdf"}),
            "/api/v1/briefing?" + urlencode({**query, "format": "docx"}), took)
