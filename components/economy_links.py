"""The economy page's links to other views: the breadcrumb, the way up from an unknown region, the warnings."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from dash import dcc, html

from components.cards import panel_message, skipped_note
from components.colours import map_colouring
from components.economy import EMPTY_FIGURE, comparison_grid, indicator_name, ranking_figure, region_label
from components.formatting import format_pct
from components.maps import boundaries_notes, choropleth_dict
from core.colours import DEFAULT_RULES, ColourRules, growth_tone, progress_tone, tone_class
from core.comparison import change_figure, indicator_decimals, indicator_kind, measure_column
from core.economy_view import view_href
from core.frames import records
from core.i18n import t
from core.rules import time_progress_pct
from core.values import localized_unit


def separator(lang: str) -> str:
    """Between listed names: the Chinese enumeration comma, or a comma in English."""
    return "、" if lang == "zh" else ", "


def not_found(code_text: str, up: Mapping[str, Any] | None, lang: str) -> html.Section:
    """An unknown region code (`code_text`, safe to show) and a link up to `up`, the nearest known region."""
    link = (dcc.Link(t("economy.up_to", lang, name=region_label(up, lang)), href=f"/economy/{up['region_code']}",
                     className="app-button", id="economy-up-link") if up is not None else None)
    return html.Section([html.H2(t("economy.not_found_title", lang), className="panel-title"),
                         html.P(t("economy.not_found_text", lang, code=code_text)), link],
                        className="panel", id="economy-not-found")


def _change(value: object, change_kind: object, decimals: int, lang: str) -> str:
    """A change over the year as its indicator compares: +1.2% (percent), +0.1个百分点 (points), +1.2 (index)."""
    if change_kind in ("pp", "index"):
        return change_figure(str(change_kind), value, lang, decimals)
    return format_pct(value, signed=True)  # type: ignore[arg-type]


def _warning_text(w: Mapping[str, Any], name: str, ceiling: str, lang: str, decimals: int = 1) -> str:
    if w["kind"] == "yoy_turned":
        kind = w.get("change_kind")
        return t(f"economy.warn.yoy_turned{ceiling}", lang, indicator=name,
                 previous=_change(w["yoy_previous_pct"], kind, decimals, lang),
                 now=_change(w["yoy_pct"], kind, decimals, lang))
    if w["kind"] == "trailing":
        return t("economy.warn.trailing", lang, indicator=name, completion=format_pct(w["completion_pct"]),
                 progress=format_pct(w["time_progress_pct"]))
    pct = format_pct(w["projected"] / w["target"] * 100)
    key = "economy.warn.projected_miss" + ("" if not ceiling else "_ceiling")
    return t(key, lang, indicator=name, pct=pct)


def _warning_tone(w: Mapping[str, Any], higher_is_better: object, rules: ColourRules) -> str:
    """The tone of one warning row: what its value means, never its rank."""
    if w["kind"] == "trailing":
        return progress_tone(w["completion_pct"], w["time_progress_pct"], bool(higher_is_better), rules)
    if w["kind"] != "bottom":
        return "bad"
    if w["measure"] == "yoy_pct":
        return growth_tone(w["measure_value"], bool(higher_is_better))
    if w["measure"] == "completion_pct":
        return progress_tone(w["measure_value"], time_progress_pct(str(w["period"])), bool(higher_is_better), rules)
    return "neutral"


def warning_list(warnings: pd.DataFrame, catalogue: pd.DataFrame, region_names: Mapping[str, str],
                 lang: str, rules: ColourRules = DEFAULT_RULES) -> list:
    """Early warnings (services.economy.economy_warnings rows), each a link to the view that explains it,
    coloured by meaning: a turn for the worse and a projected miss bad, trailing behind or far behind
    time progress, each of the bottom three by its own value (a plain value neutral)."""
    cat = catalogue.set_index("indicator_code")
    names = {c: indicator_name(r | {"indicator_code": c}, lang) for c, r in cat.to_dict("index").items()}
    items: list[Any] = []
    bottom: dict[str, list[dict]] = {}
    for w in records(warnings):
        code, href = w["indicator_code"], view_href(w["region_code"], w["indicator_code"])
        if w["kind"] == "bottom":
            bottom.setdefault(code, []).append(w)
            continue
        text = _warning_text(w, names[code], "" if cat.at[code, "higher_is_better"] else "_bad", lang,
                             indicator_decimals(cat.loc[code].to_dict()))
        tone = tone_class(_warning_tone(w, cat.at[code, "higher_is_better"], rules))
        items.append(html.Li(dcc.Link(text, href=href, id={"type": "economy-warning", "kind": w["kind"],
                                                          "code": code}), className=f"warn-{w['kind']} {tone}"))
    for code, rows in bottom.items():
        links: list[Any] = [t("economy.warn.bottom", lang, indicator=names[code],
                              measure=t(f"economy.measure.{rows[0]['measure']}", lang))]
        for i, w in enumerate(rows):
            tone = tone_class(_warning_tone(w, cat.at[code, "higher_is_better"], rules))
            links += ([separator(lang)] if i else []) + [
                dcc.Link(region_names.get(w["region_code"], w["region_code"]), href=view_href(w["region_code"], code),
                         className=tone)]
        items.append(html.Li(links, className="warn-bottom tone-neutral"))
    return [html.Ul(items, className="economy-warning-list")] if items else [
        panel_message(t("economy.warn.none", lang), "info")]


# A graph's style: shown (the map at its layout height) or hidden when its panel has nothing to draw.
MAP_SHOWN = {"height": "400px"}
HIDDEN = {"display": "none"}


def children_view(comparison: pd.DataFrame, geojson: Mapping[str, Any] | None, indicator: Mapping[str, Any],
                  measure: str, lang: str, *, rules: ColourRules = DEFAULT_RULES, tile_url: str | None = None,
                  map_error: str | None = None, region: str = "") -> tuple:
    """The children panels of a view: (ranking figure, its style, map figure, its style, table rows,
    ranking note, map note). A panel with nothing to draw hides its graph and says why, once, calmly:
    no areas below, no boundaries for them (ranking and table only), or no data for any of them
    (no ranking axes, no table of "—" rows). `geojson` None with `map_error`: an unusable boundaries file.
    """
    if comparison.empty:
        return _nothing(t("economy.no_children", lang, region=region))
    ranking = ranking_figure(comparison, measure, indicator, lang, rules)
    if ranking is None:
        return _nothing(t("economy.children_none_have_data", lang, indicator=indicator_name(indicator, lang)))
    notes: list[Any] = []
    unranked = comparison[comparison["rank"].isna()]
    if not unranked.empty:
        names = separator(lang).join(region_label(r, lang) for r in records(unranked))
        notes.append(html.Div(t("economy.children_no_data", lang, n=len(unranked), names=names),
                              className="skipped-note"))
    skipped = skipped_note(comparison.attrs.get("skipped", {}), lang)
    rows = comparison_grid(comparison, indicator, lang, rules).rowData
    # The graph as tall as its figure: without a height a one-column (phone) layout collapses it.
    ranking_out = (ranking, {"height": f"{ranking['layout']['height']}px"}, rows,
                   notes + ([skipped] if skipped else []))
    if geojson is None or not geojson.get("features"):
        message = map_error or t("map.no_boundaries_level", lang)
        return ranking_out[:2] + (EMPTY_FIGURE, HIDDEN) + ranking_out[2:] + (panel_message(message, "info"),)
    frame = comparison.assign(region_name=[region_label(r, lang) for r in records(comparison)])
    progress = time_progress_pct(str(comparison["period"].iloc[0]))
    points = measure == "yoy_pct" and indicator_kind(indicator) == "pp"  # a rate's change: points, not %
    unit = (t("compare.pp.unit", lang) if points else "%" if measure != "value"
            else localized_unit(indicator["unit"], lang))
    column = measure_column(measure)
    values = dict(zip(comparison["region_code"], comparison[column]))
    colouring = map_colouring(values, measure, bool(indicator["higher_is_better"]), lang, progress, rules, unit)
    if points:  # the colour bar's ends name points, not percent
        colouring["colorbar"]["ticktext"] = [
            text.replace("%", " " + unit) if i != 1 else text
            for i, text in enumerate(colouring["colorbar"]["ticktext"])]
    figure = choropleth_dict(dict(geojson), frame, column, lang=lang, tile_url=tile_url, unit=unit,
                               title=t(f"economy.measure.{measure}", lang), view_px=(560, 400), colouring=colouring)
    note = "；".join(boundaries_notes(dict(geojson), lang)) or None
    return ranking_out[:2] + (figure, MAP_SHOWN) + ranking_out[2:] + (note,)


def _nothing(text: str) -> tuple:
    """`children_view` with nothing to draw: both graphs hidden, no rows, `text` once in each panel."""
    return (EMPTY_FIGURE, HIDDEN, EMPTY_FIGURE, HIDDEN, [], panel_message(text, "info"), panel_message(text, "info"))
