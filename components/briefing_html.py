"""The briefing as print HTML and, through WeasyPrint, as an A4 PDF with its fonts embedded.

Charts go in as inline SVG (vector, text kept as text in WenQuanYi Zen Hei), so the PDF prints
sharp at any size and its text, charts' included, can be searched and copied. Nothing is
fetched: the HTML names no external resource.
"""
from __future__ import annotations

from html import escape

from components.briefing_blocks import Block, Chart, Document, Heading, Paragraph, Table
from components.briefing_charts import FONT, chart_svg

CSS = f"""
@page {{ size: A4; margin: 20mm 20mm 18mm 20mm;
        @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }} }}
html {{ font-family: "{FONT}", sans-serif; font-size: 10.5pt; line-height: 1.6; color: #111; }}
h1 {{ font-size: 17pt; text-align: center; margin: 0 0 4mm; font-weight: bold; }}
h2 {{ font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 0.4pt solid #999; padding-bottom: 1mm;
      break-after: avoid; }}
p {{ margin: 0 0 2.2mm; text-align: justify; }}
p.body {{ text-indent: 2em; }}
p.meta {{ text-align: center; color: #444; font-size: 9pt; margin-bottom: 1mm; }}
p.note {{ color: #555; font-size: 8.5pt; }}
table {{ width: 100%; border-collapse: collapse; font-size: 8.5pt; margin: 1mm 0 3mm; }}
th, td {{ border: 0.4pt solid #888; padding: 1mm 1.5mm; vertical-align: top; }}
th {{ background: #eee; font-weight: bold; }}
td.num {{ text-align: right; white-space: nowrap; }}
tr {{ break-inside: avoid; }}
figure {{ margin: 2mm 0 4mm; break-inside: avoid; }}
figcaption {{ font-weight: bold; font-size: 9.5pt; text-align: center; margin-bottom: 1mm; }}
figure svg {{ width: 100%; height: auto; }}
"""


def _table(block: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{escape(c)}</td>' if i in block.numeric else f"<td>{escape(c)}</td>"
        for i, c in enumerate(row)) + "</tr>" for row in block.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(block: Chart) -> str:
    return f"<figure><figcaption>{escape(block.title)}</figcaption>{chart_svg(block)}</figure>"


def block_html(block: Block) -> str:
    """One block as HTML (charts as inline SVG)."""
    if isinstance(block, Heading):
        tag = "h1" if block.level == 1 else "h2"
        return f"<{tag}>{escape(block.text)}</{tag}>"
    if isinstance(block, Paragraph):
        return f'<p class="{escape(block.style)}">{escape(block.text)}</p>'
    if isinstance(block, Table):
        return _table(block)
    return _chart(block)


def to_html(doc: Document) -> str:
    """The whole briefing as a standalone HTML page laid out for A4 print."""
    lang = "zh-CN" if doc.lang == "zh" else "en"
    body = "\n".join(block_html(b) for b in doc.blocks)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def to_pdf(doc: Document) -> bytes:
    """The briefing as an A4 PDF (WeasyPrint; fonts subset and embedded, charts as vectors)."""
    # Imported on use: WeasyPrint loads Debian's Pango (~0.7 s), which only printing needs.
    from weasyprint import HTML

    return HTML(string=to_html(doc)).write_pdf()
