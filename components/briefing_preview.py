"""The briefing's preview on the page: the same blocks as the files, as Dash components.

Charts are the PDF's SVG as an image (a data: URL, allowed by the page's img-src), so the
preview shows exactly what prints.
"""
from __future__ import annotations

import base64

from dash import html

from components.briefing_blocks import Chart, Document, Heading, Paragraph, Table
from components.briefing_charts import chart_svg


def _table(block: Table) -> html.Table:
    head = html.Thead(html.Tr([html.Th(h) for h in block.header]))
    body = html.Tbody([html.Tr([html.Td(c, className="num" if i in block.numeric else None)
                                for i, c in enumerate(row)]) for row in block.rows])
    return html.Table([head, body], className="briefing-table")


def _chart(block: Chart) -> html.Figure:
    svg = base64.b64encode(chart_svg(block).encode("utf-8")).decode("ascii")
    return html.Figure([html.Figcaption(block.title),
                        html.Img(src=f"data:image/svg+xml;base64,{svg}", alt=block.title, className="briefing-chart")],
                       className="briefing-figure")


def preview(doc: Document) -> html.Article:
    """The whole briefing as one article, laid out like its printed page."""
    children = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            children.append(html.H1(block.text) if block.level == 1 else html.H2(block.text))
        elif isinstance(block, Paragraph):
            children.append(html.P(block.text, className=f"briefing-{block.style}"))
        elif isinstance(block, Table):
            children.append(_table(block))
        else:
            children.append(_chart(block))
    return html.Article(children, className="briefing-paper", lang="zh-CN" if doc.lang == "zh" else "en")
