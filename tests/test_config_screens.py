"""The `screens` section: defaults, a city's own layouts, and every bad value named by its key."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Config, load_config
from core.config_checks import ConfigError


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COCKPIT_CONFIG": str(path)})


def test_defaults_give_a_16_9_main_screen_and_a_32_9_wall(tmp_path: Path) -> None:
    screens = _load(tmp_path, "{}\n").screens
    assert screens.start == "main" and screens.carousel == ()
    assert screens.layouts["main"].canvas == (1920, 1080)
    assert screens.layouts["wall"].canvas == (3840, 1080)
    kinds = {p.panel for p in screens.layouts["main"].panels}
    assert kinds == {"header", "kpis", "levels", "map", "ticker", "projects", "trend", "poverty"}
    assert (screens.rotate_s, screens.idle_return_s, screens.alarm_refresh_s) == (30, 60, 2)
    assert screens.kiosk_session is True
    # The dataclass's own defaults are the same as the parsed ones (Config() without a file).
    assert Config().screens == screens


def test_a_city_configures_its_own_screens_and_carousel(tmp_path: Path) -> None:
    screens = _load(tmp_path, """
screens:
  start: hall
  carousel: [hall, side]
  rotate_s: 20
  layouts:
    hall:
      canvas: [3840, 1080]
      title: 应急指挥
      rotate_s: 45
      panels:
        - {panel: header, x: 0, y: 0, w: 3840, h: 100}
        - {panel: map, x: 0, y: 100, w: 1920, h: 980}
        - {panel: trend, x: 1920, y: 100, w: 1920, h: 980, indicator: GDP}
    side:
      canvas: [1920, 1080]
      panels:
        - {panel: projects, x: 0, y: 0, w: 1920, h: 1080, limit: 12}
""").screens
    assert screens.start == "hall" and screens.carousel == ("hall", "side") and screens.rotate_s == 20
    hall = screens.layouts["hall"]
    assert (hall.canvas, hall.title, hall.rotate_s) == ((3840, 1080), "应急指挥", 45.0)
    assert hall.panels[2].indicator == "GDP" and hall.panels[1].w == 1920
    assert screens.layouts["side"].panels[0].limit == 12
    assert set(screens.layouts) == {"hall", "side"}  # the city's layouts replace the defaults


ONE = "{panel: header, x: 0, y: 0, w: 100, h: 100}"


@pytest.mark.parametrize(("text", "key"), [
    ("screens: {start: nope}", "screens.start"),
    ("screens: {carousel: [main, nope]}", "screens.carousel"),
    ("screens: {rotate_s: 1}", "screens.rotate_s"),
    ("screens: {idle_return_s: true}", "screens.idle_return_s"),
    ("screens: {alarm_refresh_s: 10}", "screens.alarm_refresh_s"),
    ("screens: {kiosk_session: 'yes'}", "screens.kiosk_session"),
    ("screens: {sound: 1}", "screens.sound"),
    ("screens: {stale_after_min: 0}", "screens.stale_after_min"),
    ("screens: {colour: red}", "screens.colour"),
    ("screens: {layouts: {}}", "screens.layouts"),
    ("screens: {start: Main, layouts: {Main: {canvas: [1920, 1080], panels: [" + ONE + "]}}}", "screens.layouts.Main"),
    ("screens: {layouts: {main: {canvas: [1920], panels: [" + ONE + "]}}}", "screens.layouts.main.canvas"),
    ("screens: {layouts: {main: {canvas: [100, 1080], panels: [" + ONE + "]}}}", "screens.layouts.main.canvas"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: []}}}", "screens.layouts.main.panels"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], size: 2, panels: [" + ONE + "]}}}", "screens.layouts.main.size"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], rotate_s: 1, panels: [" + ONE + "]}}}",
     "screens.layouts.main.rotate_s"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: video, x: 0, y: 0, w: 9, h: 9}]}}}",
     "screens.layouts.main.panels.0.panel"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: map, x: -1, y: 0, w: 9, h: 9}]}}}",
     "screens.layouts.main.panels.0.x"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: map, x: 0, y: 0, w: 0, h: 9}]}}}",
     "screens.layouts.main.panels.0.w"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: map, x: 1000, y: 0, w: 921, h: 9}]}}}",
     "screens.layouts.main.panels.0.w"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: map, x: 0, y: 1000, w: 9, h: 81}]}}}",
     "screens.layouts.main.panels.0.h"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: map, x: 0, y: 0, w: 9, h: 9, z: 1}]}}}",
     "screens.layouts.main.panels.0.z"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: projects, x: 0, y: 0, w: 9, h: 9, "
     "limit: 0}]}}}", "screens.layouts.main.panels.0.limit"),
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: trend, x: 0, y: 0, w: 9, h: 9, "
     "indicator: 'a b'}]}}}", "screens.layouts.main.panels.0.indicator"),
    # Panels 0 and 1 share the square 50–100 × 50–100.
    ("screens: {layouts: {main: {canvas: [1920, 1080], panels: [{panel: map, x: 0, y: 0, w: 100, h: 100}, "
     "{panel: kpis, x: 50, y: 50, w: 100, h: 100}]}}}", "screens.layouts.main.panels.1"),
])
def test_bad_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text + "\n")
    assert str(caught.value).startswith(key + ":"), str(caught.value)


def test_touching_panels_do_not_overlap(tmp_path: Path) -> None:
    text = ("screens: {layouts: {main: {canvas: [1920, 1080], panels: ["
            "{panel: map, x: 0, y: 0, w: 960, h: 1080}, {panel: kpis, x: 960, y: 0, w: 960, h: 1080}]}}}\n")
    screens = _load(tmp_path, text).screens
    assert [p.x for p in screens.layouts["main"].panels] == [0, 960]
