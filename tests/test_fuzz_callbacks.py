"""Every server callback, fed what a hostile browser could send in each of its inputs and states.

The callbacks are read from the running app's `/_dash-dependencies`, so a new callback is
fuzzed without touching this file. Each request must answer below 500 within a time limit,
and the server log must hold no traceback: a value the page never sends is refused at the
callback's boundary, before it reaches a loop or a query.
"""
from __future__ import annotations

import json
import logging
import random
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.fuzzing import server_errors

REQUEST_LIMIT_S = 15
MAX_REQUESTS = 3000


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = {"a": value}
    return value


# Raw JSON text for each value, so a lone surrogate reaches the server as the browser would send it.
HOSTILE_JSON = [
    "null", '""', '"NaN"', '"9999-99"', '"0000-00"', json.dumps("1" * 5000), json.dumps("x" * 100_000),
    json.dumps("' OR 1=1; --"), json.dumps("141102'; DROP TABLE fact_alert; --"), json.dumps("\u0000"),
    '"\\ud800"', json.dumps("../../etc/passwd"), "[]", "[1, 2, 3]", "{}", json.dumps(_deep(50)), "1e308",
    "-1", "true", "1.5", str(10**30), json.dumps({"points": "x"}), json.dumps({"points": [{"location": "'; x"}]}),
    json.dumps({"points": [{"customdata": {"a": 1}}]}), json.dumps({"rowId": ["x"]}),
    json.dumps({"region": "999999", "indicator": "NOPE", "period": "NaN", "measure": "x", "query": []}),
    json.dumps({"region": "141100", "indicator": "GDP", "period": "9999-99", "measure": "value",
                "query": {"period": "1" * 3000}}),
]


def _concrete(id_text: str) -> tuple[Any, bool]:
    """A concrete component id for a dependency's id, and whether it is an ALL wildcard."""
    if not id_text.startswith("{"):
        return id_text, False
    parsed = json.loads(id_text)
    wildcard_all = any(v == ["ALL"] for v in parsed.values())
    return {k: ("x" if isinstance(v, list) else v) for k, v in parsed.items()}, wildcard_all


def _slot(spec: dict[str, str], value_json: str) -> str:
    component, is_all = _concrete(spec["id"])
    item = f'{{"id": {json.dumps(component)}, "property": {json.dumps(spec["property"])}, "value": {value_json}}}'
    return f"[{item}]" if is_all else item


def _outputs(output: str) -> list[dict[str, Any]] | None:
    """The request's outputs for a dependency's output string; None for wildcard outputs."""
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    outputs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        if component.startswith("{") and ("ALL" in component or "MATCH" in component):
            return None
        outputs.append({"id": json.loads(component) if component.startswith("{") else component,
                        "property": prop})
    return outputs


def _requests(dependencies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(callback name, raw request body) pairs: one hostile value in one slot at a time."""
    bodies = []
    for dep in dependencies:
        if dep.get("clientside_function"):
            continue
        outputs = _outputs(dep["output"])
        if outputs is None:
            continue
        slots = [("inputs", i) for i in range(len(dep["inputs"]))] + [("state", i) for i in range(len(dep["state"]))]
        for kind, index in slots:
            for value_json in HOSTILE_JSON:
                parts = {}
                for group in ("inputs", "state"):
                    parts[group] = "[" + ", ".join(
                        _slot(spec, value_json if (group, i) == (kind, index) else "null")
                        for i, spec in enumerate(dep[group])) + "]"
                changed = dep["inputs"][index if kind == "inputs" else 0]
                component, _ = _concrete(changed["id"])
                changed_id = (json.dumps(component, separators=(",", ":")) if isinstance(component, dict)
                              else component) + "." + changed["property"]
                body = (f'{{"output": {json.dumps(dep["output"])}, '
                        f'"outputs": {json.dumps(outputs if len(outputs) > 1 else outputs[0])}, '
                        f'"inputs": {parts["inputs"]}, "state": {parts["state"]}, '
                        f'"changedPropIds": {json.dumps([changed_id])}}}')
                bodies.append((dep["output"][:60], body))
    return bodies


@pytest.fixture(params=["leader", "duty_officer"])
def client(request: pytest.FixtureRequest, demo_sqlite_url: str, make_config) -> FlaskClient:
    """Signed in as a leader (exports) and as a duty officer (alert actions): between them every
    callback runs past its permission check."""
    client = create_app(make_config(demo_sqlite_url)).server.test_client()
    sign_in_as(client, request.param)
    return client


def test_no_callback_answers_500_or_hangs_on_hostile_values(client: FlaskClient, caplog) -> None:
    dependencies = client.get("/_dash-dependencies").json
    bodies = _requests(dependencies)
    fuzzed = {name for name, _ in bodies}
    assert any("alerts-list" in name for name in fuzzed) and any("economy" in name for name in fuzzed)
    sample = random.Random(20261201).sample(bodies, min(MAX_REQUESTS, len(bodies)))
    caplog.set_level(logging.ERROR)

    def send(body: str):
        return lambda: client.post("/_dash-update-component", data=body.encode("utf-8", "surrogatepass"),
                                   content_type="application/json")

    failures = server_errors(((f"{name}: {body[:200]}", send(body)) for name, body in sample), REQUEST_LIMIT_S)
    assert failures == []
    assert [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR] == []
