"""Messages of comparisons: how a change is worded by kind of indicator (core/comparison.py).

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE (kept apart so
that neither file passes 400 lines). Each key maps to its (Chinese, English) text.
"""
from __future__ import annotations

NUMBER_MESSAGES: dict[str, tuple[str, str]] = {
    "compare.none": ("无可比数据", "Nothing to compare"),
    "compare.previous": ("上期", "the previous period"),
    "compare.pp.short": ("{x}个百分点", "{x} pts"),
    "compare.pp.unit": ("个百分点", "pts"),
    "compare.flat.short": ("持平", "unchanged"),
    "compare.pct.up": ("同比增长{x}%", "Up {x}% year on year"),
    "compare.pct.down": ("同比下降{x}%", "Down {x}% year on year"),
    "compare.pct.flat": ("与上年同期持平", "Unchanged year on year"),
    "compare.pp.up": ("比上年同期上升{x}个百分点", "Up {x} pts on the same period a year before"),
    "compare.pp.down": ("比上年同期下降{x}个百分点", "Down {x} pts on the same period a year before"),
    "compare.pp.flat": ("与上年同期持平", "Unchanged on the same period a year before"),
    "compare.growth.up": ("比{previous}加快{x}个百分点", "{x} pts faster than {previous}"),
    "compare.growth.down": ("比{previous}回落{x}个百分点", "{x} pts slower than {previous}"),
    "compare.growth.flat": ("与{previous}持平", "Unchanged on {previous}"),
    "compare.index.up": ("同比上涨{x}%", "Up {x}% year on year"),
    "compare.index.down": ("同比下降{x}%", "Down {x}% year on year"),
    "compare.index.flat": ("与上年同期持平", "Unchanged year on year"),
    "compare.vs_previous": ("较上期", "On the previous period"),
    "export.change_pp": ("比上年同期（个百分点）", "Change on a year before (pts)"),
}
