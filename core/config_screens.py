"""The wall screens (`/screen`, issue 11): canvases, panels, carousel, kiosk and stale-data limits.

A section of the configuration: `DEFAULTS` adds its keys to the tree of core/config.py (which
rejects keys no section knows), `parse` checks them and returns the frozen settings that
`Config.screens` holds. Keys are documented in docs/configuration.md and docs/screen.md.

A screen is a fixed design canvas (`canvas: [width, height]` in design pixels) with panels
placed on it in those units; the browser scales the canvas as a whole to the wall.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from core.config_checks import ConfigError, check, is_int, is_number

# What a panel can show (components/screen_panels.py draws each).
PANEL_KINDS = ("header", "kpis", "levels", "map", "ticker", "projects", "trend", "poverty")
# Panel keys besides the kind and its box: the trend's indicator, the most rows of a list.
_PANEL_KEYS = frozenset({"panel", "x", "y", "w", "h", "indicator", "limit"})
_SCREEN_KEYS = frozenset({"canvas", "panels", "rotate_s", "title"})
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
# The smallest and largest canvas side, in design pixels.
MIN_SIDE, MAX_SIDE = 320, 16384


def _box(panel: str, x: int, y: int, w: int, h: int, **extra: Any) -> dict[str, Any]:
    return {"panel": panel, "x": x, "y": y, "w": w, "h": h, **extra}


# 16:9 for one screen or a 4K wall; 32:9 for a wide wall of two 16:9 screens side by side.
_MAIN = {"canvas": [1920, 1080], "rotate_s": None, "title": None, "panels": [
    _box("header", 0, 0, 1920, 90),
    _box("kpis", 20, 100, 1880, 340),
    _box("map", 20, 450, 620, 550),
    _box("trend", 660, 450, 620, 300),
    _box("poverty", 660, 760, 620, 240),
    _box("levels", 1300, 450, 600, 160),
    _box("projects", 1300, 620, 600, 380),
    _box("ticker", 20, 1010, 1880, 60),
]}
_WALL = {"canvas": [3840, 1080], "rotate_s": None, "title": None, "panels": [
    _box("header", 0, 0, 3840, 90),
    # Three KPI cards a row, each wide enough for a growth rate's "▼ 比1—9月回落0.1个百分点".
    _box("kpis", 20, 100, 1420, 500),
    _box("levels", 20, 610, 1420, 180),
    _box("poverty", 20, 800, 1420, 200),
    _box("map", 1460, 100, 1100, 900),
    _box("trend", 2580, 100, 1240, 440),
    _box("projects", 2580, 550, 1240, 450),
    _box("ticker", 20, 1010, 3800, 60),
]}

# Top-level section → its keys and default values.
DEFAULTS: dict[str, dict[str, Any]] = {"screens": {
    "start": "main",            # the screen /screen shows
    "carousel": [],             # screen names to rotate through; [] or one name: no rotation
    "rotate_s": 30,             # seconds on each screen of the carousel (a screen may set its own)
    "idle_return_s": 60,        # after a touch: seconds without one until the carousel resumes
    "refresh_s": 10,            # seconds between panel refreshes
    "alarm_refresh_s": 2,       # seconds between checks for a new red alert (the banner within 5 s)
    "alarm_window_min": 120,    # a red alert younger than this and unacknowledged takes the banner
    "sound": True,              # beep (WebAudio) for a new red alert when the browser allows it
    "stale_after_min": 180,     # data older than this: the stale-data badge
    "kiosk_session": True,      # a `screen` account's session has no idle or absolute limit
    "layouts": {"main": _MAIN, "wall": _WALL},
}}
# Dotted keys whose value is a mapping of names the user chooses (not checked against DEFAULTS).
FREE_KEYS: tuple[str, ...] = ("screens.layouts",)


@dataclass(frozen=True)
class Panel:
    """One panel on a canvas: its kind and its box in design pixels."""

    panel: str
    x: int
    y: int
    w: int
    h: int
    indicator: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Layout:
    """One screen: its canvas, its panels, its own carousel time (None: the section's)."""

    name: str
    canvas: tuple[int, int]
    panels: tuple[Panel, ...]
    rotate_s: float | None = None
    title: str | None = None


def _layout(name: str, raw: Any) -> Layout:
    """One entry of screens.layouts, checked; ConfigError names the dotted key."""
    key = f"screens.layouts.{name}"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ConfigError(f"{key}: expected a screen name of lower-case letters, digits, - and _")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{key}: expected a mapping with canvas and panels, got {raw!r}")
    unknown = set(raw) - _SCREEN_KEYS
    if unknown:
        raise ConfigError(f"{key}.{sorted(map(str, unknown))[0]}: unknown configuration key")
    canvas = raw.get("canvas")
    if not (isinstance(canvas, (list, tuple)) and len(canvas) == 2
            and all(is_int(n) and MIN_SIDE <= n <= MAX_SIDE for n in canvas)):
        raise ConfigError(f"{key}.canvas: expected [width, height] in design pixels, "
                          f"{MIN_SIDE}–{MAX_SIDE}, got {canvas!r}")
    width, height = canvas
    rotate = raw.get("rotate_s")
    if rotate is not None and not (is_number(rotate) and 5 <= rotate <= 3600):
        raise ConfigError(f"{key}.rotate_s: expected null or seconds between 5 and 3600, got {rotate!r}")
    title = raw.get("title")
    if title is not None and not (isinstance(title, str) and 0 < len(title) <= 40):
        raise ConfigError(f"{key}.title: expected null or a text of at most 40 characters, got {title!r}")
    panels = raw.get("panels")
    if not isinstance(panels, list) or not panels:
        raise ConfigError(f"{key}.panels: expected a list of panels {{panel, x, y, w, h}}")
    placed = [_panel(f"{key}.panels.{i}", item, width, height) for i, item in enumerate(panels)]
    for i, a in enumerate(placed):
        for j, b in enumerate(placed[:i]):
            if a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h:
                raise ConfigError(f"{key}.panels.{i}: overlaps panel {j} ({b.panel})")
    return Layout(name, (width, height), tuple(placed), None if rotate is None else float(rotate), title)


def _panel(key: str, raw: Any, width: int, height: int) -> Panel:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{key}: expected a mapping {{panel, x, y, w, h}}, got {raw!r}")
    unknown = set(raw) - _PANEL_KEYS
    if unknown:
        raise ConfigError(f"{key}.{sorted(map(str, unknown))[0]}: unknown configuration key")
    if raw.get("panel") not in PANEL_KINDS:
        raise ConfigError(f"{key}.panel: expected one of {', '.join(PANEL_KINDS)}, got {raw.get('panel')!r}")
    for name in ("x", "y", "w", "h"):
        value = raw.get(name)
        low = 1 if name in ("w", "h") else 0
        if not (is_int(value) and value >= low):
            raise ConfigError(f"{key}.{name}: expected an integer ≥ {low} (design pixels), got {value!r}")
    if raw["x"] + raw["w"] > width:
        raise ConfigError(f"{key}.w: the panel ends at x={raw['x'] + raw['w']}, outside the canvas width {width}")
    if raw["y"] + raw["h"] > height:
        raise ConfigError(f"{key}.h: the panel ends at y={raw['y'] + raw['h']}, outside the canvas height {height}")
    indicator, limit = raw.get("indicator"), raw.get("limit")
    if indicator is not None and not (isinstance(indicator, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", indicator)):
        raise ConfigError(f"{key}.indicator: expected null or an indicator code, got {indicator!r}")
    if limit is not None and not (is_int(limit) and 1 <= limit <= 50):
        raise ConfigError(f"{key}.limit: expected null or an integer 1–50, got {limit!r}")
    return Panel(raw["panel"], raw["x"], raw["y"], raw["w"], raw["h"], indicator, limit)


@dataclass(frozen=True)
class ScreenSettings:
    """The checked settings of this section."""

    start: str = "main"
    carousel: tuple[str, ...] = ()
    rotate_s: float = 30
    idle_return_s: float = 60
    refresh_s: float = 10
    alarm_refresh_s: float = 2
    alarm_window_min: float = 120
    sound: bool = True
    stale_after_min: float = 180
    kiosk_session: bool = True
    layouts: Mapping[str, Layout] = field(default_factory=lambda: MappingProxyType(
        {name: _layout(name, raw) for name, raw in DEFAULTS["screens"]["layouts"].items()}))


def parse(tree: Mapping[str, Any]) -> ScreenSettings:
    """Check this section's keys in the merged tree; ConfigError names a bad key."""
    raw_layouts = check(tree, "screens.layouts", lambda v: isinstance(v, Mapping) and len(v) > 0,
                        "a mapping of screen names to {canvas, panels}")
    layouts = {name: _layout(name, raw) for name, raw in raw_layouts.items()}
    start = check(tree, "screens.start", lambda v: v in layouts, f"one of the screens: {', '.join(layouts)}")
    carousel = check(tree, "screens.carousel", lambda v: isinstance(v, list) and all(n in layouts for n in v),
                     f"a list of screen names among {', '.join(layouts)}")

    def seconds(name: str, low: float, high: float) -> float:
        return float(check(tree, f"screens.{name}", lambda v: is_number(v) and low <= v <= high,
                           f"seconds between {low:g} and {high:g}"))

    def flag(name: str) -> bool:
        return check(tree, f"screens.{name}", lambda v: isinstance(v, bool), "true or false")

    return ScreenSettings(
        start=start, carousel=tuple(carousel),
        rotate_s=seconds("rotate_s", 5, 3600), idle_return_s=seconds("idle_return_s", 5, 3600),
        refresh_s=seconds("refresh_s", 2, 600), alarm_refresh_s=seconds("alarm_refresh_s", 0.5, 4),
        alarm_window_min=float(check(tree, "screens.alarm_window_min", lambda v: is_number(v) and 1 <= v <= 7 * 1440,
                                     "minutes between 1 and 10080")),
        sound=flag("sound"),
        stale_after_min=float(check(tree, "screens.stale_after_min", lambda v: is_number(v) and v >= 1,
                                    "minutes ≥ 1")),
        kiosk_session=flag("kiosk_session"),
        layouts=MappingProxyType(layouts))
