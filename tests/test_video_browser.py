"""The video wall in headless Chromium: streams play (their time advances), faults show "no signal"
with the reason while the other tiles keep playing, and a gateway's HTTP-FLV URL reaches the player."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from core.config_video import VideoSettings
from demo.media import CLIP_DIR, ensure_clips
from services.video import TOKEN_ENV
from tests.alerts_warehouse import LAT, LON, insert
from tests.browser import console_errors, start_signed_in, wait_live
from tests.fake_gateway import FakeGateway, running_gateway

MISSING_CLIP = "/media/demo/99.mp4"  # a clip name the route accepts but that was never generated


@pytest.fixture
def wall_url(alerts_url: str) -> str:
    """The alerts warehouse plus C7, an online camera 0.01° east of A6 whose stream does not exist."""
    ensure_clips()
    engine = sa.create_engine(alerts_url)
    with engine.begin() as conn:
        insert(conn, "dim_camera", [{"camera_id": "C7", "name": "断流监控", "region_code": "141181",
                                     "lon": LON + 0.01, "lat": LAT, "kind": "city", "status": "online",
                                     "stream_url": MISSING_CLIP}])
    engine.dispose()
    return alerts_url


def tile_time(driver, camera_id: str) -> float:
    """The current playback time of a camera's tile (-1 while it has no video element)."""
    return driver.execute_script(
        "const v = document.querySelector(`.video-tile[data-camera-id='${arguments[0]}'] video`);"
        "return v ? v.currentTime : -1;", camera_id)


def assert_advances(driver, camera_id: str) -> None:
    """The tile's video time grows: playback is running, not just loaded."""
    wait_live(driver, lambda d: tile_time(d, camera_id) > 0.5, 30, f"{camera_id} never started")
    start = tile_time(driver, camera_id)
    wait_live(driver, lambda d: tile_time(d, camera_id) > start + 0.5, 15, f"{camera_id} stopped at {start}")


def tile(driver, camera_id: str):
    return driver.find_element(By.CSS_SELECTOR, f".video-tile[data-camera-id='{camera_id}']")


def test_the_wall_plays_and_a_failing_tile_says_why(dash_duo, make_config, wall_url: str) -> None:
    config = make_config(wall_url, video=VideoSettings(demo_clips="on"))
    start_signed_in(dash_duo, config, "/dispatch?alert=A6&radius_km=10&tiles=4", "duty_officer")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".video-wall.wall-2", timeout=30)
    # Nearest first: C2 (offline, on the alert), C7 (0.9 km), C1 (5.6 km); one tile left blank.
    names = [e.get_attribute("data-camera-id") for e in driver.find_elements(By.CSS_SELECTOR, ".video-tile")]
    assert names == ["C2", "C7", "C1", None]
    assert tile(driver, "C2").get_attribute("class").endswith("is-nosignal")
    assert "摄像头离线" in tile(driver, "C2").text and "无信号" in tile(driver, "C2").text
    assert tile(driver, "C1").find_element(By.TAG_NAME, "video").get_attribute("data-src").startswith("/media/demo/")
    assert_advances(driver, "C1")
    # C7's stream cannot be fetched: its tile turns to "no signal" with the reason, in the browser.
    wait_live(driver, lambda d: "is-nosignal" in tile(d, "C7").get_attribute("class"), 20)
    assert "视频流无法播放" in tile(driver, "C7").text
    assert_advances(driver, "C1")  # and the other tile kept playing
    assert "5.6 公里" in tile(driver, "C1").text and "0.9 公里" in tile(driver, "C7").text
    # The camera list: nearest first, those on the wall marked.
    rows = driver.find_elements(By.CSS_SELECTOR, ".dispatch-cameras .dispatch-camera")
    assert [r.get_attribute("data-camera-id") for r in rows] == ["C2", "C7", "C1"]
    errors = [e for e in console_errors(dash_duo) if MISSING_CLIP not in e.get("message", "")]
    assert errors == []


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    ensure_clips()
    with running_gateway(CLIP_DIR) as gw:
        yield gw


def test_a_gateway_flv_stream_reaches_the_player_and_plays(dash_duo, make_config, alerts_url: str,
                                                           gateway: FakeGateway,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "gw-token-42")
    config = make_config(alerts_url, video=VideoSettings(
        gateway_url_template=gateway.url + "/api/play/start/{device_id}/{channel_id}", gateway_field="data.flv",
        media_origins=(gateway.url,), demo_clips="off"))
    start_signed_in(dash_duo, config, "/dispatch?camera=C1&tiles=1", "leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".video-wall.wall-1 .video-tile[data-camera-id='C1']", timeout=30)
    video = tile(driver, "C1").find_element(By.TAG_NAME, "video")
    # The server asked the gateway (with the token from its environment); the browser got only the stream URL.
    assert (video.get_attribute("data-src"), video.get_attribute("data-player")) == (gateway.url + "/live/1.flv", "flv")
    assert ("/api/play/start/C1/C1", "gw-token-42") in gateway.requests
    assert "gw-token-42" not in driver.page_source
    assert_advances(driver, "C1")  # mpegts.js, served by the app, plays the HTTP-FLV stream
    # ...loaded by the first FLV tile, not by every page (app.py keeps *.lazy.js off them).
    assert driver.execute_script(
        "return [...document.scripts].filter(s => s.src.includes('video-mpegts')).length") == 1
    assert driver.execute_script("return document.querySelector('video').src").startswith("blob:")
    assert console_errors(dash_duo) == []
