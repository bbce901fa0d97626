"""Hostile requests to the scenario and annotation API as an analyst (who may annotate): never a 500.

test_fuzz_api.py fuzzes every route as roles that may not annotate, so their bodies are refused
before they are read; here the bodies and parameters reach the checks.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from werkzeug.test import TestResponse

from app import create_app
from core.annotations import check_text
from core.economy_view import echo
from tests.conftest import sign_in_as
from tests.economy_warehouse import build_economy_warehouse
from tests.fuzzing import server_errors
from tests.test_fuzz_api import HOSTILE_TEXT, WRONG_TYPES, _deep_json
from tests.test_fuzz_economy import (
    HOSTILE,
    VIEW,
    WRONG_VIEWS,
    Fuzzer,
    hostile_views,
    refused,
    signed_in_fuzzer,
)
from tests.tiny_warehouse import build_tiny_warehouse

LIMIT_S = 15
GOOD_NOTE = {"indicator_code": "GDP", "region_code": "141100", "period": "2026-06", "text": "政策"}


def _requests() -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = []
    for value in HOSTILE_TEXT:
        text = quote(value, safe="", errors="surrogatepass")
        for name in ("region", "period", "growth_pct"):
            found.append(("GET", f"/api/v1/indicators/GDP/scenario?{name}={text}", None))
        found.append(("GET", f"/api/v1/indicators/{text}/scenario", None))
        for name in ("indicator", "region"):
            found.append(("GET", f"/api/v1/annotations?{name}={text}", None))
        found.append(("PATCH", f"/api/v1/annotations/{text}", json.dumps({"text": "x"})))
    bodies = ["", "not json", "[]", "null", '"x"', _deep_json(50_000)]
    for key in GOOD_NOTE:
        for value in [*WRONG_TYPES, *HOSTILE_TEXT]:
            if value == "\ud800":
                bodies.append(json.dumps(GOOD_NOTE)[:-1] + f', "{key}": "\\ud800"}}')
            else:
                bodies.append(json.dumps(GOOD_NOTE | {key: value}))
    found += [("POST", "/api/v1/annotations", body) for body in bodies]
    found += [("PATCH", "/api/v1/annotations/1", body) for body in bodies]
    return found


@pytest.fixture
def client(tmp_path, make_config):
    url = f"sqlite:///{tmp_path}/tiny.db"
    build_tiny_warehouse(url)
    test_client = create_app(make_config(url)).server.test_client()
    sign_in_as(test_client, "analyst")
    assert test_client.post("/api/v1/annotations", json=GOOD_NOTE).status_code == 201  # note 1, to edit
    return test_client


def test_scenario_and_annotations_answer_hostile_input_with_4xx(client, caplog) -> None:
    caplog.set_level(logging.ERROR)

    def send(method: str, url: str, body: str | None) -> Callable[[], TestResponse]:
        kwargs: dict = {} if body is None else {"data": body.encode("utf-8", "surrogatepass"),
                                                "content_type": "application/json"}
        return lambda: client.open(url, method=method, **kwargs)

    requests = _requests()
    assert len(requests) > 300
    failures = server_errors(((f"{m} {u[:150]} {(b or '')[:100]}", send(m, u, b)) for m, u, b in requests), LIMIT_S)
    assert failures == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Fuzzer:
    """The economy page's callbacks on the hand-made warehouse, signed in as an analyst."""
    folder = tmp_path_factory.mktemp("fuzz_decisions")
    build_economy_warehouse(f"sqlite:///{folder}/wh.db")
    fuzzer = signed_in_fuzzer(f"sqlite:///{folder}/wh.db", str(folder))
    sign_in_as(fuzzer.client, "analyst")
    return fuzzer


def scenario_request(page: Fuzzer, view: Any, growth: Any, changed: str) -> TestResponse:
    return page.callback("economy-scenario-line.children",
                         [{"id": "economy-view", "property": "data", "value": view},
                          {"id": "economy-scenario-growth", "property": "value", "value": growth}], [], [changed])


def test_scenario_callback_refuses_hostile_values(page: Fuzzer) -> None:
    good = scenario_request(page, VIEW, 10, "economy-scenario-growth.value")
    assert page.expect("valid", good, 200)
    assert "123.0" in json.dumps(good.get_json(), ensure_ascii=False)  # 90 + 30 × 1.1 (test_scenario.py)
    for label, view, status in hostile_views(HOSTILE) + [(f"wrong {i}", v, 204) for i, v in enumerate(WRONG_VIEWS)]:
        page.expect(label, scenario_request(page, view, 10, "economy-view.data"), status)
    for value in [*HOSTILE, True, -1e308, 1e308, 41, -21]:
        # A growth out of range or not a number falls back to the growth so far: still an answer.
        page.expect(f"growth={echo(value)}", scenario_request(page, VIEW, value, "economy-scenario-growth.value"),
                    refused(value, 200))
    page.check()


def note_request(page: Fuzzer, clicks: Any, period: Any, text: Any, view: Any) -> TestResponse:
    return page.callback("economy-note-message.children",
                         [{"id": "economy-note-add", "property": "n_clicks", "value": clicks}],
                         [{"id": "economy-note-period", "property": "value", "value": period},
                          {"id": "economy-note-text", "property": "value", "value": text},
                          {"id": "economy-view", "property": "data", "value": view}], ["economy-note-add.n_clicks"])


def test_note_callback_refuses_hostile_values(page: Fuzzer) -> None:
    assert page.expect("valid", note_request(page, 1, "2026-06", "政策", VIEW), 200)
    for value in HOSTILE:
        # A bad month or text is answered with a message (200) and stores nothing.
        page.expect(f"period={echo(value)}", note_request(page, 1, value, "政策", VIEW), refused(value, 200))
        page.expect(f"text={echo(value)}", note_request(page, 1, "2026-06", value, VIEW), refused(value, 200))
        page.expect(f"clicks={echo(value)}", note_request(page, value, "2026-06", "政策", VIEW),
                    refused(value, 204 if not value else 200))
    for label, view, status in hostile_views(HOSTILE[:6]):
        page.expect(label, note_request(page, 1, "2026-06", "政策", view), status)
    page.check()
    stored = page.client.get("/api/v1/annotations?indicator=GDP").get_json()["annotations"]
    sent = {"政策"} | {v for v in HOSTILE if isinstance(v, str) and _valid_text(v)}
    assert {n["text"] for n in stored} <= sent and "x" * 100_000 not in sent  # too long: refused


def _valid_text(text: str) -> bool:
    try:
        check_text(text)
    except ValueError:
        return False
    return True
