"""The `video` and `dispatch` keys: the media gateway, stream hosts, demo clips, the wall (core/config_video.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.config_checks import ConfigError


def _load(tmp_path: Path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COCKPIT_CONFIG": str(path)})


def test_defaults(tmp_path: Path) -> None:
    config = _load(tmp_path, "")
    video = config.video
    assert (video.gateway_url_template, video.gateway_field, video.gateway_timeout_s) == (None, "data.hls", 3.0)
    assert (video.media_origins, video.demo_clips, video.wall_tiles, video.radius_km, video.deadline_min) == \
        ((), "auto", 4, 5.0, 60)
    assert config.stream_url_template is None  # the older key keeps working beside the section


def test_a_wvp_gateway(tmp_path: Path) -> None:
    config = _load(tmp_path, """
video:
  stream_url_template: null
  gateway:
    url_template: "http://wvp.example.gov:18080/api/play/start/{device_id}/{channel_id}"
    field: data.flv
    timeout_s: 5
  media_origins: ["http://ZLM.example.gov:8080"]
  demo_clips: off
  wall_tiles: 9
dispatch:
  deadline_min: 30
""")
    video = config.video
    assert video.gateway_url_template.endswith("/{device_id}/{channel_id}")
    assert (video.gateway_field, video.gateway_timeout_s, video.media_origins, video.demo_clips, video.wall_tiles,
            video.deadline_min) == ("data.flv", 5.0, ("http://zlm.example.gov:8080",), "off", 9, 30)


@pytest.mark.parametrize("text,key", [
    ("video: {gateway: {url_template: 'ftp://wvp/{camera_id}'}}", "video.gateway.url_template"),
    ("video: {gateway: {url_template: 'http://wvp/api/play/start'}}", "video.gateway.url_template"),
    ("video: {gateway: {field: 'data..hls'}}", "video.gateway.field"),
    ("video: {gateway: {field: data.rtc}}", "video.gateway.field"),
    ("video: {gateway: {timeout_s: 0}}", "video.gateway.timeout_s"),
    ("video: {gateway: {token_header: 'a b'}}", "video.gateway.token_header"),
    ("video: {gateway: {password: x}}", "video.gateway.password"),
    ("video: {media_origins: 'http://a'}", "video.media_origins"),
    ("video: {media_origins: ['http://a/path']}", "video.media_origins"),
    ("video: {demo_clips: sometimes}", "video.demo_clips"),
    ("video: {wall_tiles: 6}", "video.wall_tiles"),
    ("video: {radius_km: 0}", "video.radius_km"),
    ("dispatch: {deadline_min: 0}", "dispatch.deadline_min"),
])
def test_bad_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        _load(tmp_path, text)
