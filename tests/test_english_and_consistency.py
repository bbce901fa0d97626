"""The English UI's words (place names, units, singulars, punctuation), the alert detail's map and
nearby lists, the season of the demo's alerts, and the summary API counting what the console counts."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
import pytest

from app import create_app
from components.alert_nearby import camera_kind_label, camera_link, resource_kind_label
from components.alerts import BORDER_COLOUR, position_map
from components.projects import project_rows
from core.i18n import t
from core.messages import CATALOGUE
from core.romanize import romanize_place
from core.values import localized_name, localized_unit, place_name_en
from demo.alerts import CATEGORIES, alerts_frame, templates_for
from services.alerts import console_alerts, count_by_level
from tests.conftest import ADMIN_PASSWORD

CHINESE_PUNCTUATION = re.compile(r"[、，：；（）。！？【】]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("name_en", "expected"), [
    ("Lüliang Shi", "Lüliang"), ("Lishi Qu", "Lishi"), ("Xing Xian", "Xing"), ("Fenyang Shi", "Fenyang"),
    ("Lishi", "Lishi"), ("Shi", "Shi"), ("Xinzhou Diqu", "Xinzhou"), ("Wenshui", "Wenshui"),
])
def test_place_names_drop_their_administrative_tail(name_en: str, expected: str) -> None:
    assert place_name_en(name_en) == expected
    assert localized_name({"name": "某地", "name_en": name_en}, "en") == expected


def test_a_name_without_english_stays_and_chinese_is_untouched() -> None:
    assert localized_name({"name": "离石区", "name_en": "Lishi Qu"}, "zh") == "离石区"
    # A row that is not a region (no region_code, e.g. an indicator) keeps its Chinese name.
    assert localized_name({"name": "离石区", "name_en": None}, "en") == "离石区"
    assert localized_name({"name": "地区生产总值", "indicator_code": "GDP", "region_code": "141100"}, "en") == \
        "地区生产总值"


@pytest.mark.parametrize(("name", "expected"), [
    ("离石区", "Lishi"), ("孝义市", "Xiaoyi"), ("汾阳市", "Fenyang"), ("吕梁市", "Lüliang"), ("文水县", "Wenshui"),
    # One syllable without its tail would not name the place: the tail stays, in one word.
    ("兴县", "Xingxian"), ("岚县", "Lanxian"), ("临县", "Linxian"),
    ("莲花池街道", "Lianhuachi"), ("西安市", "Xi'an"), ("Lishi", "Lishi"), ("", ""),
])
def test_a_region_without_english_is_romanised_without_its_tail(name: str, expected: str) -> None:
    assert romanize_place(name) == expected
    for name_en in (None, "  ", float("nan")):
        row = {"region_code": "141102", "name": name, "name_en": name_en}
        assert localized_name(row, "en") == expected and localized_name(row, "zh") == name


@pytest.mark.parametrize(("unit", "english"), [
    ("亿元", "100 million yuan"), ("万元", "10,000 yuan"), ("元", "yuan"), ("%", "%"), ("件", "cases"),
    ("万人", "10,000 persons"), ("furlongs", "furlongs"),
])
def test_units_in_english(unit: str, english: str) -> None:
    assert localized_unit(unit, "en") == english
    assert localized_unit(unit, "zh") == unit
    assert localized_unit(None, "en") == ""


def test_one_is_singular_in_english_only() -> None:
    assert t("quality.duplicate", "en", n=1) == "1 duplicate row dropped"
    assert t("quality.duplicate", "en", n=2) == "2 duplicate rows dropped"
    assert t("quality.duplicate", "zh", n=1) == t("quality.duplicate", "zh", n=2).replace("2", "1")
    assert t("projects.count", "en", n=1) == "1 project" and t("projects.count", "en", n=3) == "3 projects"
    for key in [k for k in CATALOGUE if k.endswith(".one")]:
        assert "{n}" in CATALOGUE[key][1] and not re.search(r"\{n\} \w+s\b", CATALOGUE[key][1]), key


def test_no_english_text_has_chinese_characters_or_punctuation() -> None:
    bad = {key: en for key, (_zh, en) in CATALOGUE.items() if HAN.search(en) or CHINESE_PUNCTUATION.search(en)}
    assert bad == {}


def test_camera_and_resource_kinds_are_words_not_codes() -> None:
    for lang in ("zh", "en"):
        for kind in ("forest_fire", "public_security", "traffic", "city", "water", "other", "spaceship", None):
            label = camera_kind_label(kind, lang)
            assert "_" not in label and "." not in label and label
        for kind in ("rescue_team", "supply_depot", "shelter", "medical", "vehicle", "tank"):
            assert "_" not in resource_kind_label(kind, lang) and "." not in resource_kind_label(kind, lang)
    assert camera_kind_label("forest_fire", "en") == "Forest fire watch"


def _text(component) -> str:
    return str(component.children)


def test_a_camera_that_cannot_play_says_why() -> None:
    camera = {"camera_id": "C1", "stream_url": None, "status": "online"}
    assert "video.stream_url_template" in _text(camera_link(camera, "en", None))
    assert camera_link(camera, "en", "https://gw.example/{camera_id}.m3u8").href == "https://gw.example/C1.m3u8"
    assert "Offline" in _text(camera_link({**camera, "status": "offline"}, "en", "https://gw/{camera_id}"))
    assert camera_link({**camera, "stream_url": "https://cam/1"}, "zh", None).href == "https://cam/1"


def test_the_alert_detail_map_has_borders_a_legend_and_the_alert_at_its_centre() -> None:
    near = pd.DataFrame({"name": ["北面避难所"], "lon": [111.78], "lat": [37.24], "distance_km": [11.1]})
    alert = {"alert_id": "A6", "level": 2, "title": "山体滑坡隐患", "lon": 111.78, "lat": 37.14}
    borders = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[111.5, 37.0], [112.0, 37.0], [112.0, 37.3], [111.5, 37.0]]]}}]}
    figure = position_map(alert, near, near.assign(name="路口摄像头"), "en", None, borders)
    layout = figure["layout"]
    assert layout["showlegend"] is True
    assert (layout["map"]["center"]["lon"], layout["map"]["center"]["lat"]) == (111.78, 37.14)
    assert [layer["source"] for layer in layout["map"]["layers"] if layer.get("type") == "line"] == [borders]
    names = [trace["name"] for trace in figure["data"]]
    assert names[0] == "County borders" and figure["data"][0]["line"]["color"] == BORDER_COLOUR
    assert {"Resources", "Cameras"} <= set(names) and names[-1].startswith("This alert")
    # Without borders: no border layer, no border legend entry.
    plain = position_map(alert, near, near, "zh", None, None)
    assert all(layer.get("type") != "line" for layer in plain["layout"]["map"].get("layers", []))
    assert "县区边界" not in [trace["name"] for trace in plain["data"]]


def test_project_rows_name_counties_in_english_and_keep_numbers_sortable() -> None:
    projects = pd.DataFrame([{
        "project_code": "P1", "name": "Road", "region_code": "141102", "category": "transport",
        "actual_progress_pct": 40.0, "planned_progress_pct": 50.0, "lag_pts": 10.0,
        "actual_investment_cum": 500.0, "total_investment": 1000.0, "planned_end_date": "2027-06-30",
        "state": "lagging"}])
    [row] = project_rows(projects, {"141102": "Lishi"}, "en")
    assert (row["county"], row["category"], row["state"], row["lag"]) == ("Lishi", "Transport", "Lagging", 10.0)
    assert not HAN.search(" ".join(str(v) for v in row.values()))


def _regions() -> pd.DataFrame:
    return pd.DataFrame([{"region_code": "141102", "name": "离石区", "level": "county", "lon": 111.15, "lat": 37.52}])


@pytest.mark.parametrize("month", range(1, 13))
def test_every_category_has_a_template_for_every_month(month: int) -> None:
    assert all(templates_for(category, month) for category in CATEGORIES)


def test_no_heat_wave_in_winter_and_no_cold_wave_in_summer() -> None:
    december = datetime(2026, 12, 1, 10, tzinfo=UTC)
    frame = alerts_frame(7, _regions(), december, n_history=600, n_open=40)
    occurred = pd.to_datetime(frame["occurred_at"], utc=True)
    winter = frame[occurred.dt.month.isin([11, 12, 1, 2])]
    summer = frame[occurred.dt.month.isin([6, 7, 8])]
    assert not winter["title"].str.contains("高温|暴雨|冰雹|山洪|汛限").any()
    assert not summer["title"].str.contains("寒潮|结冰|凌汛|供热").any()
    assert not frame.tail(40)["title"].str.contains("高温").any()  # the open alerts: the last days of November
    # Deterministic: the same seed and clock give the same alerts.
    pd.testing.assert_frame_equal(frame, alerts_frame(7, _regions(), december, n_history=600, n_open=40))


def test_the_summary_counts_what_the_duty_console_counts(demo_sqlite_url: str, make_config) -> None:
    app = create_app(make_config(demo_sqlite_url))
    client = app.server.test_client()
    assert client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 303
    body = client.get("/api/v1/summary").json
    rt = app.server.extensions["cockpit"]
    with app.server.app_context():
        shown = console_alerts(rt.warehouse, rt.appdb.engine, rt.config.alert_ack_limit_min, datetime.now(UTC))
    assert "ALT-BAD-002" in set(shown["alert_id"])  # the alert with an unknown region code is on the console
    assert body["alerts_open_by_level"] == count_by_level(shown)
    # A county's summary counts only that county's alerts, and never the unknown region's.
    county = client.get("/api/v1/summary?region=141102").json["alerts_open_by_level"]
    expected = count_by_level(shown[shown["region_code"].astype(str).str.startswith("141102")])
    assert county == expected
