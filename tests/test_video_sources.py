"""Where a tile's stream comes from (services/video.py), against a fake WVP-style gateway, and the demo clips' route."""
from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app import create_app
from core.config import Config
from core.config_video import VideoSettings
from demo.media import CLIP_DIR, ensure_clips
from services.video import TOKEN_ENV, demo_clip_url, gateway_request_url, stream_for, streams_for, wall_link_template
from tests.conftest import sign_in_as
from tests.fake_gateway import FakeGateway, running_gateway

ONLINE = {"camera_id": "34020000001320000001", "status": "online", "stream_url": None}


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    ensure_clips()
    with running_gateway(CLIP_DIR) as gw:
        yield gw


def gateway_config(gw: FakeGateway, field: str = "data.flv", timeout_s: float = 1) -> Config:
    return Config(video=VideoSettings(
        gateway_url_template=gw.url + "/api/play/start/{device_id}/{channel_id}", gateway_field=field,
        gateway_timeout_s=timeout_s, demo_clips="off"))


def test_a_camera_s_own_address_comes_first_and_offline_never_plays() -> None:
    config = Config(stream_url_template="https://gw.example/{camera_id}.m3u8")
    assert stream_for({**ONLINE, "stream_url": "http://nvr.example/live/1.flv"}, config).player == "flv"
    own = stream_for({**ONLINE, "stream_url": " https://cam.example/a.m3u8 "}, config)
    assert (own.url, own.player, own.reason) == ("https://cam.example/a.m3u8", "native", None)
    assert stream_for(ONLINE, config).url == "https://gw.example/34020000001320000001.m3u8"
    assert stream_for({**ONLINE, "status": "offline", "stream_url": "https://x/1.m3u8"}, config).reason == \
        "video.reason.offline"
    assert stream_for({**ONLINE, "stream_url": "ftp://x/1"}, config).reason == "video.reason.bad_url"
    assert stream_for(ONLINE, Config(video=VideoSettings(demo_clips="off"))).reason == "video.reason.no_source"


def test_demo_clips_are_chosen_by_the_camera_id() -> None:
    on = Config(video=VideoSettings(demo_clips="on"))
    url = stream_for(ONLINE, on).url
    assert url == demo_clip_url(ONLINE["camera_id"]) and url.startswith("/media/demo/") and url.endswith(".mp4")
    assert {demo_clip_url(f"C{i}") for i in range(40)} == {f"/media/demo/{n}.mp4" for n in (1, 2, 3, 4)}
    # "auto": only on the embedded demo warehouse.
    assert stream_for(ONLINE, Config(warehouse_url="sqlite:///elsewhere.db")).reason == "video.reason.no_source"
    assert wall_link_template(on) == "/dispatch?camera={camera_id}"
    assert wall_link_template(Config(warehouse_url="sqlite:///x.db")) is None


def test_the_play_api_url() -> None:
    template = "http://wvp:18080/api/play/start/{device_id}/{channel_id}"
    assert gateway_request_url(template, "34020000001320000001:34020000001310000001") == \
        "http://wvp:18080/api/play/start/34020000001320000001/34020000001310000001"
    assert gateway_request_url(template, "3402") == "http://wvp:18080/api/play/start/3402/3402"
    assert gateway_request_url("http://gw/{camera_id}", "a/b c") == "http://gw/a%2Fb%20c"


def test_the_server_asks_the_gateway_with_the_token_from_the_environment(gateway: FakeGateway,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "secret-token-1")
    stream = stream_for({**ONLINE, "camera_id": "DEV1:CH1"}, gateway_config(gateway))
    assert (stream.url, stream.player, stream.reason) == (gateway.url + "/live/1.flv", "flv", None)
    assert gateway.requests[-1] == ("/api/play/start/DEV1/CH1", "secret-token-1")
    hls = stream_for({**ONLINE, "camera_id": "DEV1:CH1"}, gateway_config(gateway, "data.hls"))
    assert (hls.url, hls.player) == (gateway.url + "/live/DEV1_CH1/hls.m3u8", "native")
    assert stream_for({**ONLINE, "camera_id": "D:C"}, gateway_config(gateway, "data.fmp4")).player == "native"


@pytest.mark.parametrize("channel,field,reason,detail", [
    ("SLOW", "data.flv", "video.reason.gateway_unreachable", "timed out"),
    ("REFUSE", "data.flv", "video.reason.gateway_error", "通道离线"),
    ("BROKEN", "data.flv", "video.reason.gateway_error", "not JSON"),
    ("CH1", "data.nothing", "video.reason.gateway_no_field", "data.nothing"),
    ("CH1", "data.rtsp", "video.reason.gateway_no_field", "data.rtsp"),  # rtsp:// cannot play in a browser
])
def test_gateway_faults_are_reasons(gateway: FakeGateway, channel: str, field: str, reason: str, detail: str) -> None:
    stream = stream_for({**ONLINE, "camera_id": f"DEV1:{channel}"}, gateway_config(gateway, field))
    assert (stream.url, stream.reason) == (None, reason) and detail in stream.detail


def test_an_unreachable_gateway_is_a_reason_and_the_other_tiles_still_play() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config(stream_url_template=None, video=VideoSettings(
        gateway_url_template=f"http://127.0.0.1:{port}/api/play/start/{{device_id}}/{{channel_id}}"))
    streams = streams_for([ONLINE, {**ONLINE, "stream_url": "https://cam.example/a.m3u8"},
                           {**ONLINE, "status": "offline"}], config)
    assert [s.reason for s in streams] == ["video.reason.gateway_unreachable", None, "video.reason.offline"]
    assert streams[1].url == "https://cam.example/a.m3u8"


def test_demo_clips_are_served_to_signed_in_readers_with_ranges(demo_sqlite_url: str, make_config) -> None:
    ensure_clips()
    app = create_app(make_config(demo_sqlite_url, video=VideoSettings(demo_clips="on")))
    client = app.server.test_client()
    assert client.get("/media/demo/1.mp4").status_code in (302, 401)
    sign_in_as(client, "analyst")
    whole = client.get("/media/demo/1.mp4")
    assert (whole.status_code, whole.mimetype) == (200, "video/mp4") and whole.data[4:8] == b"ftyp"
    part = client.get("/media/demo/2.flv", headers={"Range": "bytes=0-2"})
    assert (part.status_code, part.data) == (206, b"FLV")
    for name in ("9.mp4", "1.mkv", "..%2Fdemo_warehouse.db", "1.mp4.part.mp4"):
        assert client.get(f"/media/demo/{name}").status_code == 404
    off = create_app(make_config(demo_sqlite_url, video=VideoSettings(demo_clips="off"))).server.test_client()
    sign_in_as(off, "analyst")
    assert off.get("/media/demo/1.mp4").status_code == 404
