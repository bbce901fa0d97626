"""The briefing's document model: a title and a list of blocks (heading, paragraph, table, chart).

One model, several renderers (components/briefing_html.py → PDF, components/briefing_docx.py →
Word, components/briefing_preview.py → the page), so every format says the same. Blocks hold
finished text and plain numbers only: no renderer words or computes anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1: the title, 2: a section)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `style` is body, meta (the lines under the title) or note (small print)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Table:
    """A table of text cells; `numeric` names the columns aligned right."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart's data, drawn by components/briefing_charts.py.

    kind `trend`: `rows` are (label, values aligned with `periods`); `marks` (period, mark, y)
    flag the notes on the record. kind `progress`: rows (label, completion %, time progress %).
    kind `forecast`: rows (label, projected %, low %, high %) of the target, `reference` 100.
    """

    kind: str
    title: str
    rows: tuple[tuple[Any, ...], ...]
    periods: tuple[str, ...] = ()
    marks: tuple[tuple[str, str, float], ...] = ()
    reference: float | None = None
    reference_label: str = ""
    legend: tuple[str, ...] = ()


Block = Heading | Paragraph | Table | Chart


@dataclass(frozen=True)
class Document:
    """A whole briefing: its title, its blocks in order, its language and a file name without extension."""

    title: str
    blocks: tuple[Block, ...]
    lang: str
    filename: str
