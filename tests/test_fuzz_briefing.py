"""`GET /api/v1/briefing` fed hostile values by a user who may export (the general API fuzz signs in
as roles without EXPORT, who are refused before any parameter is read): 4xx with a message, never 500."""
from __future__ import annotations

import logging
from urllib.parse import quote

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors
from tests.test_fuzz_api import HOSTILE_TEXT

VALID = {"region": "141100", "period": "2026-10", "format": "pdf", "lang": "zh"}


def test_hostile_parameters_get_a_4xx(demo_sqlite_url: str, make_config, caplog) -> None:
    client = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(client, "analyst")
    caplog.set_level(logging.ERROR)
    statuses: dict[str, int] = {}

    def send(url: str):
        def call():
            response = client.get(url)
            statuses[url] = response.status_code
            return response
        return call

    requests = []
    for name in VALID:
        for value in HOSTILE_TEXT:
            query = {**VALID, name: value}
            url = "/api/v1/briefing?" + "&".join(f"{k}={quote(v, safe='', errors='surrogatepass')}"
                                                  for k, v in query.items())
            requests.append((url[:150], send(url)))
    assert server_errors(requests, 15) == []
    assert set(statuses.values()) <= {400, 403, 404}
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []
