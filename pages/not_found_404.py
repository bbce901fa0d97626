"""Any path no page answers: a friendly message and a way back."""
from __future__ import annotations

import dash
from dash import dcc, html

from core.i18n import current_language, t

dash.register_page(__name__, access=None)


def layout(**_query: str) -> html.Div:
    """Not-found page with a link to the overview."""
    lang = current_language()
    return html.Section([
        html.H2(t("notfound.title", lang), className="panel-title"),
        html.P(t("notfound.text", lang)),
        dcc.Link(t("notfound.back", lang), href="/", className="app-button"),
    ], className="panel", id="notfound-panel")
