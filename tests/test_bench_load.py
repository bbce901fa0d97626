"""bench/load.py's own logic: how recorded browser requests become replay steps, and Locust's figures read back."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from load import read_stats  # noqa: E402 (bench/ is a folder of scripts, not a package)
from load_record import classify  # noqa: E402


def _callback(output: str, inputs: list[dict], changed: list[str]) -> dict:
    body = {"output": output, "outputs": [], "inputs": inputs, "changedPropIds": changed,
            "parsedChangedPropsIds": changed}
    return {"method": "POST", "path": "/_dash-update-component?endId=x", "body": json.dumps(body),
            "resource": "Fetch"}


def test_a_full_page_load_is_split_into_shell_page_static_and_polls() -> None:
    status = _callback("..app-data-as-of.children..", [{"id": "app-status-tick", "property": "n_intervals"}], [])
    content = _callback(".._pages_content.children..", [{"id": "_pages_location", "property": "pathname",
                                                          "value": "/alerts"}], ["_pages_location.pathname"])
    tick = [{"id": "alerts-tick", "property": "n_intervals", "value": 1}]
    found = [
        {"method": "GET", "path": "/alerts", "body": None, "resource": "Document"},
        {"method": "GET", "path": "/assets/cockpit.css?m=1", "body": None, "resource": "Stylesheet"},
        {"method": "GET", "path": "/_dash-layout", "body": None, "resource": "Fetch"},
        status, content,
        _callback("..alerts-list.children..", tick, []),
        _callback("..alerts-list.children..", tick, ["alerts-tick.n_intervals"]),
        _callback("..alerts-list.children..", tick, ["alerts-tick.n_intervals"]),
    ]
    steps = classify(found, full_load=True)
    assert [s["kind"] for s in steps] == ["document", "static", "dash", "shell", "callback", "callback", "poll",
                                          "poll"]
    # One poll per callback; the header's status tick, seen only at its first call, polls too.
    status_poll = json.loads(steps[-1]["body"])
    assert status_poll["output"] == "..app-data-as-of.children.."
    assert status_poll["changedPropIds"] == ["app-status-tick.n_intervals"]


def test_a_click_on_a_link_is_all_the_page_s_own() -> None:
    steps = classify([_callback("economy-location.href", [], ["x.clickData"])], full_load=False)
    assert [s["kind"] for s in steps] == ["callback"]


def test_locust_csv_files_are_read_per_request_name(tmp_path: Path) -> None:
    header = ["Type", "Name", "Request Count", "Failure Count", "50%", "95%", "Max Response Time"]
    with open(tmp_path / "locust_stats.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerow(["GET", "GET /alerts", "30", "1", "210", "1300", "1498.04"])
        writer.writerow(["", "Aggregated", "30", "1", "210", "1300", "1498.04"])
    with open(tmp_path / "locust_failures.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["Method", "Name", "Error", "Occurrences"])
        writer.writerow(["GET", "GET /alerts", "HTTPError('500 Server Error')", "1"])
    stats, failures = read_stats(tmp_path / "locust")
    assert stats == {"GET /alerts": {"count": 30, "failures": 1, "p50_ms": 210.0, "p95_ms": 1300.0,
                                     "max_ms": 1498.0}}
    assert failures == [{"name": "GET /alerts", "error": "HTTPError('500 Server Error')", "occurrences": 1}]
