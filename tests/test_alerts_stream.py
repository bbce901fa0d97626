"""Server push for duty consoles: `/api/v1/alerts/stream` on the hand-made alerts warehouse."""
from __future__ import annotations

from collections.abc import Iterator

from flask.testing import FlaskClient

from app import create_app
from tests.alerts_warehouse import insert_alert
from tests.conftest import sign_in_as
from web.api.alert_stream import events

STREAM = "/api/v1/alerts/stream"


def signed_in(config) -> FlaskClient:
    client = create_app(config).server.test_client()
    sign_in_as(client, "duty_officer")
    return client


def data_events(chunks: Iterator[str | bytes]) -> Iterator[str]:
    """The `data:` payloads of a server-sent-events body, skipping retry and heartbeat lines."""
    for chunk in chunks:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for line in text.splitlines():
            if line.startswith("data: "):
                yield line.removeprefix("data: ")


def test_stream_tells_of_new_alerts_and_new_actions(alerts_url: str, make_config) -> None:
    client = signed_in(make_config(alerts_url, alerts_push=True, alerts_refresh_s=0.5, cache_ttl_s={"alerts": 0}))
    response = client.get(STREAM, buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    versions = data_events(response.response)
    try:
        first = next(versions)  # at once, so a reconnecting console catches up
        insert_alert(alerts_url, "LIVE-1", 1, "新发森林火情")
        after_insert = next(versions)
        assert after_insert != first
        acted = client.post("/api/v1/alerts/A1/actions", json={"action": "acknowledge"})
        assert acted.status_code == 200
        after_action = next(versions)
        assert after_action not in (first, after_insert)
    finally:
        response.close()


def test_unchanged_alerts_send_one_event_then_heartbeats(alerts_url: str, make_config) -> None:
    app = create_app(make_config(alerts_url, alerts_push=True, alerts_refresh_s=0.5))
    with app.server.app_context():
        from web.runtime import current_runtime

        lines = list(events(current_runtime(), lifetime_s=1.0))
    assert lines[0] == "retry: 1000\n\n"
    assert sum(line.startswith("data: ") for line in lines) == 1


def test_stream_needs_a_signed_in_user(alerts_url: str, make_config) -> None:
    client = create_app(make_config(alerts_url, alerts_push=True)).server.test_client()
    response = client.get(STREAM)
    assert response.status_code == 401
    assert response.json["error"]["status"] == 401


def test_stream_switched_off_is_a_clear_404(alerts_url: str, make_config) -> None:
    response = signed_in(make_config(alerts_url)).get(STREAM)  # push is off by default
    assert response.status_code == 404
    assert "alerts.push" in response.json["error"]["message"]


def test_streams_share_one_version_check_per_interval(alerts_url: str, make_config, monkeypatch) -> None:
    import web.api.alert_stream as stream_module
    from web.runtime import current_runtime

    calls = []
    monkeypatch.setattr(stream_module, "live_version", lambda wh, appdb: calls.append(1) or "v1")
    app = create_app(make_config(alerts_url, alerts_push=True))
    with app.server.app_context():
        rt = current_runtime()
        # Many consoles' streams checking within one interval: the app database is asked once.
        versions = {stream_module._shared_version(rt, check_s=3600) for _ in range(20)}
    assert versions == {"v1"}
    assert len(calls) == 1
