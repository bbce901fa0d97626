"""The briefing as a Word document (python-docx): what government offices edit and forward.

The same blocks as the PDF (components/briefing_blocks.py); charts as 200 dpi PNG pictures,
which every Word and WPS version shows. East Asian text is set in the same font as the PDF's.
"""
from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from components.briefing_blocks import Chart, Document, Heading, Paragraph, Table
from components.briefing_charts import FONT, chart_png

_SIZES = {"body": 10.5, "meta": 9, "note": 8.5}


def _font(run_or_style: object, size: float | None = None, bold: bool | None = None) -> None:
    """Set the Latin and East Asian font (python-docx sets only the Latin one by itself)."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element  # type: ignore[attr-defined]
    properties = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT)


def _table(doc: object, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.header):
        _cell(cell, text, bold=True, right=False)
    for row in block.rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row)):
            _cell(cell, text, bold=False, right=i in block.numeric)
    doc.add_paragraph()  # type: ignore[attr-defined]


def _cell(cell: object, text: str, *, bold: bool, right: bool) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(paragraph.add_run(text), 8.5, bold)


def to_docx(document: Document) -> bytes:
    """The briefing as a .docx file's bytes (A4, 2 cm margins)."""
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    _font(doc.styles["Normal"], 10.5)
    doc.core_properties.title = document.title
    for block in document.blocks:
        if isinstance(block, Heading):
            # Word's own heading styles (the navigation pane, a table of contents), in the document's ink.
            par = doc.add_heading("", level=1 if block.level == 1 else 2)
            if block.level == 1:
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = par.add_run(block.text)
            _font(run, 17 if block.level == 1 else 12.5, True)
            run.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
        elif isinstance(block, Paragraph):
            par = doc.add_paragraph()
            if block.style == "meta":
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif block.style == "body":
                par.paragraph_format.first_line_indent = Pt(21)
            run = par.add_run(block.text)
            _font(run, _SIZES.get(block.style, 10.5))
            if block.style != "body":
                run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(caption.add_run(block.title), 9.5, True)
            doc.add_picture(io.BytesIO(chart_png(block)), width=Cm(16.5))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
