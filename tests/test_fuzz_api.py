"""Every API route and the sign-in form, fed hostile paths, query strings and bodies.

Routes are read from the app's URL map, so a new route is fuzzed without touching this file.
Each request must answer below 500 within a time limit, and the server log must hold no
error: bad input gets a 4xx with a message, never a 500 or a hang.
"""
from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors
from tests.tiny_warehouse import build_tiny_warehouse

REQUEST_LIMIT_S = 15
MAX_REQUESTS = 1500
# The stream answers forever by design; its only parameter-free route is tested in test_alerts_stream.py.
NOT_FUZZED = {"/api/v1/alerts/stream"}
HOSTILE_TEXT = ["", "NaN", "9999-99", "0001-01-01T00:00:00+14:00", "1" * 5000, "x" * 100_000,
                "' OR 1=1; --", "141102'; DROP TABLE app_user; --", "\x00", "\ud800", "../../etc/passwd",
                "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "１４１１００", "<script>alert(1)</script>", "-1", "1e308",
                "{}", "[]", "null", "true"]
QUERY_NAMES = ["region", "since", "until", "status", "level", "category", "actor", "action", "start", "end",
               "children", "period", "next", "code", "limit", "offset", "format", "lang", "alert_id", "lon", "lat",
               "radius_km"]
BODY_KEYS = ["action", "dept_code", "level", "note", "request_id", "username", "password", "role",
             "region_scope", "personal_data", "disabled", "alert_id", "dept_codes", "resource_ids", "instruction",
             "deadline", "status"]
WRONG_TYPES = [None, 0, -1, 10**30, 1.5, True, "", "x" * 5000, [], [1, 2], {}, {"a": {"b": {}}}, "\ud800"]


def _deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def _bodies() -> list[str]:
    """Raw JSON texts (lone surrogates survive as the escape a browser would send)."""
    bodies = ["", "not json", "[]", "null", "1", '"text"', _deep_json(50_000), json.dumps({"a": "\\ud800"})]
    for key in BODY_KEYS:
        for value in WRONG_TYPES:
            text = json.dumps({key: value}) if value != "\ud800" else f'{{"{key}": "\\ud800"}}'
            bodies.append(text)
    bodies.append(json.dumps({"action": "acknowledge", "note": "x" * 100_000, "request_id": "r" * 65}))
    bodies.append(json.dumps({"username": "a" * 200, "password": "x" * 100_000, "role": "admin"}))
    return bodies


def _requests(client: FlaskClient) -> list[tuple[str, str, str | None]]:
    """(method, url, raw JSON body) for every route, one hostile value at a time."""
    found = []
    for rule in client.application.url_map.iter_rules():
        if not rule.rule.startswith(("/api/", "/login", "/logout")) or rule.rule in NOT_FUZZED:
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        paths = [rule.rule]
        for name in rule.arguments:
            paths = [p.replace(f"<{name}>", quote(v, safe="")).replace(f"<path:{name}>", quote(v, safe=""))
                     for p in paths for v in ("A1", *(t for t in HOSTILE_TEXT if t != "\ud800"))]
        for method in methods:
            for path in paths:
                found.append((method, path, None))
            base = paths[0]
            for name in QUERY_NAMES:
                for value in HOSTILE_TEXT:
                    found.append((method, f"{base}?{name}={quote(value, safe='', errors='surrogatepass')}", None))
            if method in ("POST", "PATCH", "PUT"):
                found += [(method, base, body) for body in _bodies()]
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz-api')}/tiny.db"
    build_tiny_warehouse(url)
    return url


@pytest.mark.parametrize("role", ["admin", "duty_officer", None])
def test_no_route_answers_500_or_hangs(role: str | None, warehouse: str, make_config, tmp_path: Path, caplog) -> None:
    client = create_app(make_config(warehouse)).server.test_client()
    if role:
        sign_in_as(client, role)
    # Signing out in the middle would leave the rest of a signed-in run to the sign-in guard.
    requests = [r for r in _requests(client) if not (role and r[1].startswith("/logout"))]
    assert len({url.split("?")[0] for _, url, _ in requests}) >= 10
    sample = random.Random(20261201).sample(requests, min(MAX_REQUESTS, len(requests)))
    caplog.set_level(logging.ERROR)
    def send(method: str, url: str, body: str | None) -> Callable[[], TestResponse]:
        kwargs: dict = {} if body is None else {"data": body.encode("utf-8", "surrogatepass"),
                                                "content_type": "application/json"}
        if url.startswith("/login") and method == "POST" and body is None:
            kwargs = {"data": {"username": url[-60:], "password": url[-60:]}}
        return lambda: client.open(url, method=method, **kwargs)

    failures = server_errors((((f"{method} {url[:150]} {(body or '')[:100]}"), send(method, url, body))
                              for method, url, body in sample), REQUEST_LIMIT_S)
    assert failures == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []
