"""The economy page's links to other views: the breadcrumb, the way up from an unknown region, the warnings."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import dcc, html

from components.cards import panel_message
from components.economy import indicator_name, region_label
from components.formatting import format_pct
from core.economy_view import EconomyView, view_href
from core.i18n import t


def separator(lang: str) -> str:
    """Between listed names: the Chinese enumeration comma, or a comma in English."""
    return "、" if lang == "zh" else ", "


def breadcrumb(family: pd.DataFrame, top: str | None, view: EconomyView, lang: str) -> html.Nav:
    """City › county › township (up to the configured top region), each a link keeping the query."""
    chain: list[dict[str, Any]] = []
    for row in family[family["relation"] != "child"].to_dict("records"):
        chain.append(row)
        if row["region_code"] == top:
            break
    items: list[Any] = []
    for i, row in enumerate(reversed(chain)):
        name = region_label(row, lang)
        if i:
            items.append(html.Span("›", className="economy-crumb-sep"))
        items.append(html.Span(name, className="economy-crumb current") if i == len(chain) - 1 else
                     dcc.Link(name, href=view.href(row["region_code"]), className="economy-crumb",
                              id={"type": "economy-crumb", "code": row["region_code"]}))
    return html.Nav(items, className="economy-breadcrumb", id="economy-breadcrumb")


def not_found(code_text: str, up: Mapping[str, Any] | None, lang: str) -> html.Section:
    """An unknown region code (`code_text`, safe to show) and a link up to `up`, the nearest known region."""
    link = (dcc.Link(t("economy.up_to", lang, name=region_label(up, lang)), href=f"/economy/{up['region_code']}",
                     className="app-button", id="economy-up-link") if up is not None else None)
    return html.Section([html.H2(t("economy.not_found_title", lang), className="panel-title"),
                         html.P(t("economy.not_found_text", lang, code=code_text)), link],
                        className="panel", id="economy-not-found")


def _warning_text(w: Mapping[str, Any], name: str, ceiling: str, lang: str) -> str:
    if w["kind"] == "yoy_turned":
        return t(f"economy.warn.yoy_turned{ceiling}", lang, indicator=name,
                 previous=format_pct(w["yoy_previous_pct"], signed=True), now=format_pct(w["yoy_pct"], signed=True))
    if w["kind"] == "trailing":
        return t("economy.warn.trailing", lang, indicator=name, completion=format_pct(w["completion_pct"]),
                 progress=format_pct(w["time_progress_pct"]))
    pct = format_pct(w["projected"] / w["target"] * 100)
    key = "economy.warn.projected_miss" + ("" if not ceiling else "_ceiling")
    return t(key, lang, indicator=name, pct=pct)


def warning_list(warnings: pd.DataFrame, catalogue: pd.DataFrame, region_names: Mapping[str, str],
                 lang: str) -> list:
    """Early warnings (services.economy.economy_warnings rows), each a link to the view that explains it."""
    cat = catalogue.set_index("indicator_code")
    names = {c: indicator_name(r | {"indicator_code": c}, lang) for c, r in cat.to_dict("index").items()}
    items: list[Any] = []
    bottom: dict[str, list[dict]] = {}
    for w in warnings.to_dict("records"):
        code, href = w["indicator_code"], view_href(w["region_code"], w["indicator_code"])
        if w["kind"] == "bottom":
            bottom.setdefault(code, []).append(w)
            continue
        text = _warning_text(w, names[code], "" if cat.at[code, "higher_is_better"] else "_bad", lang)
        items.append(html.Li(dcc.Link(text, href=href, id={"type": "economy-warning", "kind": w["kind"],
                                                          "code": code}), className=f"warn-{w['kind']}"))
    for code, rows in bottom.items():
        links: list[Any] = [t("economy.warn.bottom", lang, indicator=names[code],
                              measure=t(f"economy.measure.{rows[0]['measure']}", lang))]
        for i, w in enumerate(rows):
            links += ([separator(lang)] if i else []) + [
                dcc.Link(region_names.get(w["region_code"], w["region_code"]), href=view_href(w["region_code"], code))]
        items.append(html.Li(links, className="warn-bottom"))
    return [html.Ul(items, className="economy-warning-list")] if items else [
        panel_message(t("economy.warn.none", lang), "info")]
