"""A small fake GB/T 28181 media gateway for the tests, in the shape of WVP's play API.

`GET /api/play/start/<device_id>/<channel_id>` answers like WVP-GB28181-pro:
{"code": 0, "msg": "成功", "data": {"flv", "ws_flv", "fmp4", "hls", "rtc", "rtsp", "rtmp", …}},
with the HTTP-FLV and fMP4 URLs pointing at this server's own `/live/<n>.flv|.mp4` (the demo clips).
It records each play request with the token header it carried. Special channels:
`SLOW` answers after 3 s (a timeout), `REFUSE` answers code 100 ("通道离线"), `BROKEN` sends no JSON.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, jsonify, request, send_from_directory
from werkzeug.serving import make_server


@dataclass
class FakeGateway:
    """A running fake gateway: its base URL and the play requests it received (path, token)."""

    url: str
    requests: list[tuple[str, str | None]] = field(default_factory=list)


def _app(gateway: FakeGateway, media_dir: Path) -> Flask:
    app = Flask("fake_gateway")

    @app.get("/api/play/start/<device_id>/<channel_id>")
    def play(device_id: str, channel_id: str) -> Response:
        gateway.requests.append((request.path, request.headers.get("access-token")))
        if channel_id == "SLOW":
            time.sleep(3)
        if channel_id == "REFUSE":
            return jsonify({"code": 100, "msg": "通道离线"})
        if channel_id == "BROKEN":
            return Response("<html>gateway error</html>", mimetype="text/html")
        base, stream = gateway.url, f"{device_id}_{channel_id}"
        return jsonify({"code": 0, "msg": "成功", "data": {
            "app": "rtp", "stream": stream, "mediaServerId": "fake",
            "flv": f"{base}/live/1.flv", "ws_flv": f"ws://{base.split('//', 1)[1]}/live/1.flv",
            "fmp4": f"{base}/live/1.mp4", "hls": f"{base}/live/{stream}/hls.m3u8",
            "rtc": f"{base}/index/api/webrtc?stream={stream}", "rtsp": f"rtsp://fake/{stream}",
            "rtmp": f"rtmp://fake/{stream}"}})

    @app.get("/live/<name>")
    def live(name: str) -> Response:
        response = send_from_directory(media_dir, name, conditional=True)
        response.headers["Access-Control-Allow-Origin"] = "*"  # mpegts.js fetches across origins
        return response

    return app


@contextmanager
def running_gateway(media_dir: Path) -> Iterator[FakeGateway]:
    """Serve a fake gateway on a free local port for the duration of the block."""
    gateway = FakeGateway(url="")
    server = make_server("127.0.0.1", 0, _app(gateway, media_dir), threaded=True)
    gateway.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        thread.join(timeout=5)
