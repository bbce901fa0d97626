"""Colours that mean something: the pure rules (core/colours.py) and the figures, table, map and
warnings that use them; panels with nothing to draw say so instead of showing empty axes."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from components.colours import legend_items, map_colouring
from components.economy import comparison_grid, ranking_figure
from components.economy_links import HIDDEN, children_view, warning_list
from components.maps import choropleth_figure
from core.colours import (
    BAD,
    BEHIND,
    GOOD,
    MIDPOINT,
    NEUTRAL,
    NO_DATA,
    ColourRules,
    diverging_colour,
    diverging_limit,
    diverging_scale,
    measure_colours,
    progress_tone,
    tone_class,
)
from core.config import load_config
from core.config_checks import ConfigError
from services.economy import compare

GDP = {"indicator_code": "GDP", "name": "地区生产总值", "name_en": "GDP", "unit": "亿元", "frequency": "month",
       "cumulative": 1, "higher_is_better": 1, "category": "economy", "headline": 1}
AIR = GDP | {"indicator_code": "AIR", "name": "空气质量优良天数比例", "unit": "%", "cumulative": 0}
UNEMP = GDP | {"indicator_code": "UNEMP", "name": "城镇调查失业率", "unit": "%", "cumulative": 0,
               "higher_is_better": 0}
RED_GREEN = {GOOD, BAD, BEHIND}


# --- the pure rules ---------------------------------------------------------------------------

def test_progress_tone_by_thresholds_not_rank() -> None:
    rules = ColourRules(behind_pts=0, far_behind_pts=5)
    assert progress_tone(80, 75, True, rules) == "ahead"
    assert progress_tone(75, 75, True, rules) == "ahead"
    assert progress_tone(72, 75, True, rules) == "behind"
    assert progress_tone(70, 75, True, rules) == "behind"        # exactly 5 points: not yet far
    assert progress_tone(69.9, 75, True, rules) == "far_behind"
    assert progress_tone(None, 75, True, rules) == "none"
    # A ceiling (lower is better): running ahead of time is what is behind.
    assert progress_tone(72, 75, False, rules) == "ahead"
    assert progress_tone(81, 75, False, rules) == "far_behind"
    # A tolerance: 2 points below time progress still counts as on pace.
    assert progress_tone(73, 75, True, ColourRules(behind_pts=2, far_behind_pts=10)) == "ahead"


def test_equal_values_always_get_the_same_colour() -> None:
    values = [87.3, 90.0, 87.3, 60.0, 87.3]
    for measure in ("value", "yoy_pct", "completion_pct"):
        colours = measure_colours(values, measure, True, progress=75.0)
        assert colours[0] == colours[2] == colours[4], measure
    assert measure_colours([87.3, 87.3], "completion_pct", True, progress=90.0) == [BEHIND, BEHIND]


def test_a_neutral_measure_is_one_neutral_hue() -> None:
    colours = measure_colours([1.0, 5.0, 1000.0, None], "value", True)
    assert colours == [NEUTRAL, NEUTRAL, NEUTRAL, NO_DATA]
    assert not set(colours) & RED_GREEN


def test_diverging_scale_is_centred_at_zero() -> None:
    assert diverging_colour(0.0, 10, True) == MIDPOINT == diverging_scale(True)[1][1]
    assert diverging_scale(True)[1][0] == 0.5
    assert diverging_colour(10, 10, True) == GOOD and diverging_colour(-10, 10, True) == BAD
    assert diverging_colour(25, 10, True) == GOOD  # beyond the range: the end colour
    assert diverging_limit([-3.0, 8.0, None]) == 8.0 and diverging_limit([None, 0.0]) == 1.0
    # Half way towards the end colour, each way.
    assert diverging_colour(5, 10, True) not in (MIDPOINT, GOOD)


def test_higher_is_better_false_inverts() -> None:
    assert diverging_colour(-4, 4, False) == GOOD and diverging_colour(4, 4, False) == BAD
    assert [c for _, c in diverging_scale(False)] == [c for _, c in diverging_scale(True)][::-1]
    falling_air = measure_colours([-5.0, 2.0], "yoy_pct", True)   # a falling good-air share is bad
    falling_unemp = measure_colours([-5.0, 2.0], "yoy_pct", False)  # falling unemployment is good
    assert falling_air[0] == BAD and falling_unemp[0] == GOOD


def test_tone_classes() -> None:
    assert tone_class("far_behind") == "tone-far-behind" and tone_class("none") == "tone-neutral"


def test_thresholds_are_configured_and_checked(tmp_path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("economy: {behind_pts: 1, far_behind_pts: 8}\n", encoding="utf-8")
    config = load_config({"COCKPIT_CONFIG": str(path)})
    assert config.colour_rules == ColourRules(1.0, 8.0)
    for bad in ("economy: {behind_pts: -1}", "economy: {behind_pts: 6, far_behind_pts: 5}",
                "economy: {far_behind_pts: x}"):
        path.write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="economy"):
            load_config({"COCKPIT_CONFIG": str(path)})


# --- figures, table, map, warnings --------------------------------------------------------------

def comparison(values: dict[str, tuple], indicator=GDP, measure: str = "completion_pct",
               period: str = "2026-09") -> pd.DataFrame:
    """Children named after their codes; `values`: code → (value, target, yoy)."""
    kids = pd.DataFrame({"region_code": list(values), "name": [f"地区{c}" for c in values],
                         "name_en": [f"Area {c}" for c in values]})
    rows = pd.DataFrame([{"region_code": c, "period": period, "value": v, "target": t, "yoy_pct": y}
                         for c, (v, t, y) in values.items() if v is not None])
    if rows.empty:
        rows = pd.DataFrame(columns=["region_code", "period", "value", "target", "yoy_pct"])
    return compare(kids, rows, period, indicator, measure)


def test_ranking_colours_by_value_not_rank() -> None:
    # Equal completions share a colour, whatever their rank (87.3 % against 75 %: ahead).
    frame = comparison({"141181": (87.3, 100, 1), "141182": (87.3, 100, 1), "141102": (90, 100, 2),
                        "141121": (60, 100, 3)})
    bars = ranking_figure(frame, "completion_pct", GDP, "zh")["data"][0]
    colours = dict(zip(bars["y"], bars["marker"]["color"]))
    assert colours["地区141181"] == colours["地区141182"] == colours["地区141102"] == GOOD
    assert colours["地区141121"] == BAD
    # Every county trails the 75 % time progress: none is green, however many there are.
    frame = comparison({code: (75 - i, 100, 1) for i, code in enumerate(
        ("141102", "141121", "141122", "141123", "141124", "141125", "141126", "141127"))})
    fig = ranking_figure(frame, "completion_pct", GDP, "zh")
    trailing = dict(zip(fig["data"][0]["y"], fig["data"][0]["marker"]["color"]))
    assert trailing["地区141102"] == GOOD  # exactly on time progress
    # 74 … 70 %: behind; 69 and 68 %: more than 5 points behind.
    assert {trailing[f"地区{c}"] for c in ("141121", "141122", "141123", "141124", "141125")} == {BEHIND}
    assert {trailing[f"地区{c}"] for c in ("141126", "141127")} == {BAD}
    assert fig["layout"]["shapes"][0]["x0"] == 75.0  # 时间进度 marked
    legend = fig["layout"]["annotations"][0]["text"]
    assert "落后时间进度" in legend and "时间进度 75.0%" in legend


def test_ranking_of_a_plain_value_is_neutral_and_of_growth_diverging() -> None:
    frame = comparison({"141181": (5, None, 2.0), "141182": (50, None, -2.0), "141102": (500, None, 0.0),
                        "141121": (1, None, 2.0)}, measure="value")
    fig = ranking_figure(frame, "value", GDP, "zh")
    assert set(fig["data"][0]["marker"]["color"]) == {NEUTRAL}
    assert "不表示好坏" in fig["layout"]["annotations"][0]["text"]
    frame = comparison({"141181": (5, None, 2.0), "141182": (50, None, -2.0), "141102": (500, None, 0.0),
                        "141121": (1, None, 2.0)}, measure="yoy_pct")
    fig = ranking_figure(frame, "yoy_pct", AIR, "zh")
    colours = dict(zip(fig["data"][0]["y"], fig["data"][0]["marker"]["color"]))
    assert colours["地区141181"] == colours["地区141121"] == GOOD
    assert colours["地区141182"] == BAD and colours["地区141102"] == MIDPOINT


def test_a_ranking_without_data_is_no_figure() -> None:
    frame = comparison({"141181": (None, None, None), "141182": (None, None, None)})
    assert ranking_figure(frame, "completion_pct", GDP, "zh") is None


def test_table_cells_coloured_by_meaning() -> None:
    frame = comparison({"141181": (87.3, 100, -1.0), "141182": (87.3, 100, -1.0), "141102": (50, 100, 0.0),
                        "141121": (None, None, None)})
    grid = comparison_grid(frame, GDP, "zh")
    rows = {r["region_code"]: r for r in grid.rowData}
    assert rows["141181"]["completion_colour"] == rows["141182"]["completion_colour"] == GOOD
    assert rows["141102"]["completion_colour"] == BAD and rows["141102"]["yoy_colour"] == MIDPOINT
    assert rows["141181"]["yoy_colour"] == BAD and rows["141121"]["yoy_colour"] is None
    styled = {c["field"]: c.get("cellStyle") for c in grid.columnDefs}
    assert "yoy_colour" in styled["yoy_pct"]["function"] and styled["value"] is None


def counties() -> dict:
    from demo.regions import COUNTIES_FILE
    return json.loads(COUNTIES_FILE.read_text(encoding="utf-8"))


def test_maps_colour_by_meaning() -> None:
    values = {"141102": 74.5, "141181": 75.5, "141182": 60.0}
    frame = pd.DataFrame({"region_code": list(values), "v": list(values.values())})
    # Completion: three steps named on the colour bar; the hover keeps the value.
    colouring = map_colouring(values, "completion_pct", True, "zh", progress=75.0)
    fig = choropleth_figure(counties(), frame, "v", unit="%", colouring=colouring)
    coloured = fig.data[-1]
    assert dict(zip(coloured.locations, coloured.z)) == {"141102": 1, "141181": 0, "141182": 2}
    assert not coloured.showscale and "达到时间进度" in fig.layout.annotations[0].text  # a legend, not a bar
    hover = {code: c[1] for code, c in zip(coloured.locations, coloured.customdata)}
    assert hover["141102"].startswith("74.5") and hover["141182"].startswith("60")
    # Growth: symmetric about zero.
    growth = map_colouring({"141102": -2.0, "141181": 6.0}, "yoy_pct", True, "zh")
    assert growth["zmin"] == -growth["zmax"] == -6.0 and growth["colorscale"][1] == [0.5, MIDPOINT]
    assert growth["colorbar"]["ticktext"][0].endswith("向差")
    assert map_colouring({"141102": -2.0}, "yoy_pct", False, "zh")["colorbar"]["ticktext"][0].endswith("向好")
    # A plain value: one hue from zero, no red or green.
    plain = map_colouring({"141102": 74.5, "141181": 75.5}, "value", True, "zh")
    assert plain["zmin"] == 0 and not {c for _, c in plain["colorscale"]} & RED_GREEN


def test_legends_say_what_colours_mean() -> None:
    assert [label for _, label in legend_items("completion_pct", False, "en")][0] == "Within the ceiling's pace"
    assert legend_items("value", True, "en") == [(NEUTRAL, "The shade shows size only, not good or bad")]


def test_children_view_without_boundaries_shows_ranking_and_table_only() -> None:
    frame = comparison({"141181": (80, 100, 1.0), "141182": (70, 100, 1.0)})
    ranking, ranking_style, _map, map_style, rows, _note, map_note = children_view(
        frame, {"type": "FeatureCollection", "features": []}, GDP, "completion_pct", "zh")
    assert ranking["data"] and ranking_style != HIDDEN and len(rows) == 2
    assert map_style == HIDDEN and "暂无下级区域的边界数据" in map_note.children


def test_children_view_without_data_says_so_once_per_panel() -> None:
    frame = comparison({"141181": (None, None, None), "141182": (None, None, None)})
    ranking, ranking_style, _map, map_style, rows, note, map_note = children_view(
        frame, counties(), UNEMP, "yoy_pct", "zh")
    assert ranking_style == map_style == HIDDEN and rows == []
    assert note.children == map_note.children == "下级地区暂无“城镇调查失业率”数据"
    none = children_view(frame.iloc[0:0], None, GDP, "value", "zh", region="石楼县")
    assert none[1] == none[3] == HIDDEN and "石楼县没有下一级地区" in none[5].children


def test_warnings_coloured_by_meaning() -> None:
    cat = pd.DataFrame([GDP])
    warnings = pd.DataFrame([
        {"kind": "trailing", "indicator_code": "GDP", "region_code": "141100", "period": "2026-09",
         "completion_pct": 72.0, "time_progress_pct": 75.0},
        *({"kind": "bottom", "indicator_code": "GDP", "region_code": code, "period": "2026-09",
           "measure": "value", "rank": rank, "of": 13, "measure_value": 10.0} for code, rank in
          (("141126", 11), ("141127", 12), ("141128", 13))),
    ])
    items = warning_list(warnings, cat, {}, "zh")[0].children
    assert "tone-behind" in items[0].className
    assert "tone-neutral" in items[1].className
    assert {link.className for link in items[1].children[1:] if hasattr(link, "className")} == {"tone-neutral"}


def _trend_frame(values: dict[str, float], yoy: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"period": list(values), "value": list(values.values()),
                         "target": [None] * len(values), "yoy_pct": [yoy.get(p) for p in values]})


def test_the_trend_yoy_line_is_coloured_by_meaning() -> None:
    from components.economy_notes import yoy_line
    from core.colours import BAD, GOOD, MIDPOINT

    amount = {"unit": "亿元", "higher_is_better": True}
    line = yoy_line(_trend_frame({"2026-08": 10, "2026-09": 11, "2026-10": 12},
                                 {"2026-08": 2.0, "2026-09": -1.0, "2026-10": 0.0}), amount, "zh")
    assert line is not None and line["marker"]["color"] == [GOOD, BAD, MIDPOINT]
    # Lower is better (a ceiling): growth is bad, a fall good.
    ceiling = yoy_line(_trend_frame({"2026-08": 10, "2026-09": 11}, {"2026-08": 2.0, "2026-09": -1.0}),
                       amount | {"higher_is_better": False}, "zh")
    assert ceiling is not None and ceiling["marker"]["color"] == [BAD, GOOD]
    # A rate: points against twelve months before (5.3 − 5.2 = +0.1, lower is better: bad), not its YoY %.
    rate = {"unit": "%", "higher_is_better": False, "decimals": 1}
    points = yoy_line(_trend_frame({"2025-09": 5.2, "2026-09": 5.3}, {"2025-09": 9.0, "2026-09": 1.9}), rate, "zh")
    assert points is not None and points["y"][0] is None and points["y"][1] == pytest.approx(0.1)
    assert points["marker"]["color"][1] == BAD
    assert yoy_line(_trend_frame({"2026-09": 5.3}, {}), rate, "zh") is None  # nothing to draw: no line


def test_notes_fall_on_the_axis_with_their_text_in_the_hover() -> None:
    from components.economy_notes import note_layer

    notes = [{"period": "2026-05", "text": "<b>政策</b>", "created_by": "ana"},
             {"period": "2026-06", "text": "暴雨", "created_by": "bob"},
             {"period": "2027-01", "text": "未来", "created_by": "bob"}]
    shapes, trace = note_layer(notes, ["2026-03", "2026-06", "2026-09"], "zh")
    # 2026-05 and 2026-06 fall on the quarter 2026-06; 2027-01 is past the axis and not drawn.
    assert [s["x0"] for s in shapes] == ["2026-06"] and trace is not None and trace["x"] == ["2026-06"]
    assert "&lt;b&gt;政策&lt;/b&gt;" in trace["hovertext"][0] and "暴雨" in trace["hovertext"][0]
    assert note_layer([], ["2026-09"], "zh") == ([], None)
