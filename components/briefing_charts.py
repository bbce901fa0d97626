"""The briefing's charts drawn with matplotlib: SVG (text kept as text) for the PDF, PNG for Word.

Pure functions of a `Chart` block (components/briefing_model.py): the same block gives the
same picture in either format. matplotlib's object API (`Figure`, no pyplot) keeps no global
figure list, so concurrent requests do not share figures.
"""
from __future__ import annotations

import io
import math

import matplotlib
from matplotlib.figure import Figure

from components.briefing_blocks import Chart
from core.colours import BAD, NEUTRAL, TONE_COLOURS, progress_tone

FONT = "WenQuanYi Zen Hei"
# Settings read when a figure is drawn and saved. Set once, to the same values in every process,
# and never changed back: a per-call rc_context would restore them under a concurrent thread.
matplotlib.rcParams.update({
    "font.family": [FONT], "svg.fonttype": "none", "axes.unicode_minus": False,
    # The font has one weight (Medium, 500): asking for it spares a "weight normal" warning per text.
    "font.size": 8, "font.weight": 500, "axes.spines.top": False, "axes.spines.right": False,
    "svg.hashsalt": "briefing",
})
WIDTH_IN = 6.5  # the text width of an A4 page with 2 cm margins
LINE_COLOURS = ("#1565b0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#455a64")
INK, GRID = "#222222", "#d0d0d0"


def _figure(rows: int) -> Figure:
    return Figure(figsize=(WIDTH_IN, max(1.8, 0.34 * rows + 1.1)), layout="constrained")


def draw(chart: Chart) -> Figure:
    """The matplotlib figure of a chart block."""
    if chart.kind == "trend":
        return _trend(chart)
    return _bars(chart)


def _trend(chart: Chart) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, 3.1), layout="constrained")
    ax = fig.add_subplot()
    x = list(range(len(chart.periods)))
    for i, (label, values) in enumerate(chart.rows):
        points = [(xi, v) for xi, v in zip(x, values) if v is not None and not math.isnan(v)]
        if not points:
            continue
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=2.5, linewidth=1.3,
                color=LINE_COLOURS[i % len(LINE_COLOURS)], label=label)
    for period, mark, y in chart.marks:
        if period in chart.periods:
            xi = chart.periods.index(period)
            ax.annotate(mark, (xi, y), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=9,
                        color=BAD)
            ax.plot([xi], [y], marker="v", color=BAD, markersize=4)
    ax.axhline(0, color=GRID, linewidth=0.8)
    ax.set_xticks(x, [_short(p, first=i == 0) for i, p in enumerate(chart.periods)])
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.tick_params(colors=INK, length=2)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False, fontsize=7.5)
    return fig


def _short(period: str, first: bool) -> str:
    """An axis label: the month, with its year (2026.1) in January and on the first tick."""
    month = int(period[5:7])
    return f"{period[:4]}.{month}" if first or month == 1 else str(month)


def _bars(chart: Chart) -> Figure:
    """Horizontal bars of shares of the target, first row on top: completion with a tick at each
    row's time progress (`progress`), or the projection with its band and a line at 100 (`forecast`)."""
    rows = list(chart.rows)[::-1]
    fig = _figure(len(rows))
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    values = [float(row[1]) for row in rows]
    if chart.kind == "forecast":
        ax.barh(y, values, color=NEUTRAL, height=0.55)
        ax.errorbar(values, y, xerr=[[v - row[2] for v, row in zip(values, rows)],
                                     [row[3] - v for v, row in zip(values, rows)]],
                    fmt="none", ecolor=INK, elinewidth=0.8, capsize=2.5,
                    label=chart.legend[0] if chart.legend else None)
        ax.axvline(100.0, color=BAD, linestyle="--", linewidth=1, label=chart.reference_label)
        top = max([100.0, *[row[3] for row in rows]])
        ends = [row[3] for row in rows]
    else:
        ax.barh(y, values, color=[TONE_COLOURS[progress_tone(v, row[2])] for v, row in zip(values, rows)],
                height=0.55)
        for yi, row in zip(y, rows):
            ax.plot([row[2], row[2]], [yi - 0.4, yi + 0.4], color=INK, linewidth=1.6)
        ax.plot([], [], color=INK, linewidth=1.6, label=chart.reference_label)
        top = max([100.0, *values])
        ends = [max(v, row[2]) for v, row in zip(values, rows)]
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False, fontsize=7.5)
    for yi, v, end in zip(y, values, ends):
        ax.text(end + top * 0.015, yi, f"{v:.1f}%", va="center", fontsize=7.5, color=INK)
    ax.set_yticks(y, [row[0] for row in rows])
    ax.set_xlim(0, top * 1.12)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.tick_params(colors=INK, length=2)
    return fig


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document, its text as text (selectable, in the PDF's embedded font)."""
    buffer = io.StringIO()
    draw(chart).savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    """The chart as a PNG at print resolution (Word)."""
    buffer = io.BytesIO()
    draw(chart).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
