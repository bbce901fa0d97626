"""The region breadcrumb of the drill-down pages (economy, poverty): city › county › township."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import dcc, html

from components.economy import region_label


def region_breadcrumb(family: pd.DataFrame, top: str | None, lang: str, *, href: Callable[[str], str],
                      page: str) -> html.Nav:
    """This region and those above it, up to `top` (the user's top region), each above it a link to
    `href(code)`; ids `{page}-breadcrumb` and `{"type": "{page}-crumb", "code": …}`."""
    chain: list[dict[str, Any]] = []
    for row in family[family["relation"] != "child"].to_dict("records"):
        chain.append(row)
        if row["region_code"] == top:
            break
    items: list[Any] = []
    for i, row in enumerate(reversed(chain)):
        if i:
            items.append(html.Span("›", className="economy-crumb-sep"))
        name = region_label(row, lang)
        items.append(html.Span(name, className="economy-crumb current") if i == len(chain) - 1 else
                     dcc.Link(name, href=href(row["region_code"]), className="economy-crumb",
                              id={"type": f"{page}-crumb", "code": row["region_code"]}))
    return html.Nav(items, className="economy-breadcrumb", id=f"{page}-breadcrumb")
