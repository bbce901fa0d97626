"""Messages of colours and of empty levels: what a colour means (legends), calm notes for missing data.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE (kept apart so
that neither file passes 400 lines). Each key maps to its (Chinese, English) text.
"""
from __future__ import annotations

COLOUR_MESSAGES: dict[str, tuple[str, str]] = {
    "colour.ahead": ("达到时间进度", "On pace"),
    "colour.behind": ("落后时间进度", "Behind time elapsed"),
    "colour.far_behind": ("落后超 {pts} 个百分点", "Over {pts} pts behind"),
    "colour.ahead_ceiling": ("未超时间进度", "Within the ceiling's pace"),
    "colour.behind_ceiling": ("超出时间进度", "Above the ceiling's pace"),
    "colour.far_behind_ceiling": ("超出 {pts} 个百分点以上", "Over {pts} pts above its pace"),
    "colour.time_progress": ("┆ 时间进度 {progress}", "┆ time elapsed {progress}"),
    "colour.good": ("向好", "Better"),
    "colour.bad": ("向差", "Worse"),
    "colour.growth": ("以 0 为中点：绿色向好，红色向差", "Centred at 0: green better, red worse"),
    "colour.value": ("颜色只表示数值大小，不表示好坏", "The shade shows size only, not good or bad"),
    "economy.children_none_have_data": ("下级地区暂无“{indicator}”数据",
                                        "The areas below have no data for “{indicator}”"),
    "map.no_boundaries_level": ("暂无下级区域的边界数据，请查看排名和表格",
                                "No boundaries for the areas below: see the ranking and the table"),
}
