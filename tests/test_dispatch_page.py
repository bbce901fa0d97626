"""The /dispatch page's server side: what the URL may name, the wall and the camera lists (through Dash's HTTP)."""
from __future__ import annotations

import json

import pytest
from dash import dcc, html
from flask.testing import FlaskClient

from app import create_app
from components.dispatch_cameras import incident_picker
from core.config_video import VideoSettings
from tests.conftest import sign_in_as
from tests.test_dispatch_api import add_cameras


@pytest.fixture
def client(alerts_url: str, make_config) -> FlaskClient:
    add_cameras(alerts_url)
    app = create_app(make_config(alerts_url, cache_ttl_s={"alerts": 0, "regions": 0},
                                 video=VideoSettings(demo_clips="on")))
    client = app.server.test_client()
    sign_in_as(client, "duty_officer")
    return client


def page(client: FlaskClient, path: str) -> str:
    pathname, _, search = path.partition("?")
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": "?" + search if search else ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(response.json, ensure_ascii=False)


def wall(client: FlaskClient, centre: object, tiles: object = 4, radius: object = 10):
    names = ["dispatch-wall.children", "dispatch-cameras.children"]
    body = {"output": ".." + "...".join(names) + "..",
            "outputs": [{"id": n.split(".")[0], "property": n.split(".")[1]} for n in names],
            "inputs": [{"id": "dispatch-tiles", "property": "value", "value": tiles},
                       {"id": "dispatch-radius", "property": "value", "value": radius}],
            "state": [{"id": "dispatch-centre", "property": "data", "value": centre}],
            "changedPropIds": ["dispatch-tiles.value"]}
    return client.post("/_dash-update-component", json=body)


@pytest.mark.parametrize("path,text", [
    ("/dispatch", "请从告警、摄像头或地图打开视频调度"),
    ("/dispatch?lon=abc&lat=37", "地址参数无效"),
    ("/dispatch?alert=A6&tiles=6", "地址参数无效：tiles"),
    ("/dispatch?alert=A6&radius_km=-1", "地址参数无效：radius_km"),
    ("/dispatch?alert=NOPE", "NOPE"),
    ("/dispatch?camera=NOPE", "未找到摄像头 NOPE"),
    ("/dispatch?alert=A6", "dispatch-send"),
    ("/dispatch?camera=C4", "无坐标监控"),
])
def test_what_the_url_may_name(client: FlaskClient, path: str, text: str) -> None:
    assert text in page(client, path)


def test_the_wall_and_the_lists(client: FlaskClient) -> None:
    response = wall(client, {"alert": "A6"})
    assert response.status_code == 200
    text = json.dumps(response.json, ensure_ascii=False)
    tiles = [t["props"]["data-camera-id"] for t in response.json["response"]["dispatch-wall"]["children"]["props"]
             ["children"] if "data-camera-id" in t["props"]]
    assert tiles == ["C2", "C3", "C1"]  # nearest first, within 10 km; the fourth place left blank
    assert "无坐标的摄像头（1，未计距离）" in text and "无坐标监控" in text  # C4, listed apart
    assert "远处监控" not in text  # C5, 44 km away
    assert "/media/demo/" in text and "http://media.example/c3.m3u8" in text and "摄像头离线" in text


def test_a_camera_without_coordinates_is_its_own_wall(client: FlaskClient) -> None:
    text = json.dumps(wall(client, {"camera": "C4"}, tiles=1).json, ensure_ascii=False)
    assert "无坐标监控" in text and "距离未知" in text


@pytest.mark.parametrize("centre,tiles,radius", [
    ({"alert": "A6'; --"}, 4, 10), ({"lon": "nan", "lat": 1}, 4, 10), ({"alert": "A6"}, 5, 10),
    ({"alert": "A6"}, 4, True), ({"alert": "A6"}, 4, 1e9), ({"a": 1, "b": 2, "c": 3}, 4, 10), ("A6", 4, 10),
])
def test_values_the_page_never_sends_are_refused(client: FlaskClient, centre: object, tiles: object,
                                                 radius: object) -> None:
    assert wall(client, centre, tiles, radius).status_code == 204


def test_a_bare_dispatch_page_offers_the_open_incidents() -> None:
    alerts = [{"alert_id": "A/1", "title": "山体滑坡", "level": 1, "region_code": "141102"},
              {"alert_id": "A2", "title": None, "level": 9, "region_code": "999999"}]
    picker = incident_picker(alerts, {"141102": "离石区"}, "zh")
    links = [c for c in _walk(picker) if isinstance(c, dcc.Link)]
    assert [(link.children, link.href) for link in links] == [("山体滑坡", "/dispatch?alert=A%2F1"),
                                                              ("A2", "/dispatch?alert=A2")]
    cells = [c.children for c in _walk(picker) if isinstance(c, html.Td) and isinstance(c.children, str)]
    assert cells == ["离石区", "999999"]
    assert incident_picker([], {}, "en").children == "No open incidents now"


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def test_the_flv_player_is_not_on_every_page(client: FlaskClient) -> None:
    index = client.get("/").get_data(as_text=True)
    assert "video_wall.js" in index and "video-mpegts" not in index
    assert client.get("/assets/video-mpegts.lazy.js").status_code == 200
