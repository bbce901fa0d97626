"""Bounded lists and production serving: /api/v1/alerts paged, `python app.py` on waitress, compressed
responses and cacheable static bundles."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import sign_in_as
from tests.private_services import free_port, wait_for_port
from tests.tiny_warehouse import build_tiny_warehouse

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def officer(alerts_url: str, make_config) -> FlaskClient:
    client = create_app(make_config(alerts_url)).server.test_client()
    sign_in_as(client, "duty_officer")
    return client


def test_alerts_list_is_paged_with_total(officer: FlaskClient) -> None:
    everything = officer.get("/api/v1/alerts?status=all&limit=500").json
    total = everything["total"]
    assert total == len(everything["alerts"]) >= 5 and everything["next_offset"] is None
    pages, offset = [], 0
    while offset is not None:
        body = officer.get(f"/api/v1/alerts?status=all&limit=2&offset={offset}").json
        assert body["total"] == total and body["limit"] == 2 and len(body["alerts"]) <= 2
        pages += body["alerts"]
        offset = body["next_offset"]
    assert pages == everything["alerts"]  # the same order, nothing twice, nothing left out
    beyond = officer.get(f"/api/v1/alerts?status=all&offset={total + 10}").json
    assert beyond["alerts"] == [] and beyond["total"] == total and beyond["next_offset"] is None


def test_alerts_list_default_page_and_maximum(alerts_url: str, make_config) -> None:
    from dataclasses import replace

    config = make_config(alerts_url)
    config = replace(config, production=replace(config.production, api_page_size=2, api_max_page_size=3))
    client = create_app(config).server.test_client()
    sign_in_as(client, "duty_officer")
    body = client.get("/api/v1/alerts?status=all").json
    assert body["limit"] == 2 and len(body["alerts"]) == 2 and body["next_offset"] == 2
    assert client.get("/api/v1/alerts?status=all&limit=3").status_code == 200
    for bad in ("limit=4", "limit=0", "limit=-1", "limit=two", "offset=-3", "offset=1e3", "limit=%EF%BC%92"):
        response = client.get(f"/api/v1/alerts?status=all&{bad}")
        assert response.status_code == 400, bad
        assert ("limit" if bad.startswith("limit") else "offset") in response.json["error"]["message"]


def test_python_app_py_serves_with_waitress_compressed_and_cacheable(tmp_path: Path) -> None:
    warehouse = tmp_path / "tiny.db"
    build_tiny_warehouse(f"sqlite:///{warehouse}")
    port = free_port()
    env = {**os.environ, "COCKPIT_WAREHOUSE_URL": f"sqlite:///{warehouse}",
           "COCKPIT_APP_DB_URL": f"sqlite:///{tmp_path}/app.db", "COCKPIT_PORT": str(port),
           "COCKPIT_ADMIN_PASSWORD": "Cockpit-Test-2026", "COCKPIT_SECRET_KEY": "test-secret",
           "COCKPIT_CONFIG": str(tmp_path / "config.yaml")}
    (tmp_path / "config.yaml").write_text("cache:\n  prewarm: false\n", encoding="utf-8")
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT, env=env, stdout=log, stderr=log)
    try:
        wait_for_port(port, 60)
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        login = session.get(f"{base}/login", timeout=10)
        assert login.status_code == 200 and login.headers["Server"] == "city-cockpit"  # waitress, not Werkzeug
        assert session.post(f"{base}/login", data={"username": "admin", "password": "Cockpit-Test-2026"},
                            timeout=10, allow_redirects=False).status_code == 303
        page = session.get(f"{base}/", timeout=30, headers={"Accept-Encoding": "gzip"})
        assert page.headers.get("Content-Encoding") == "gzip"
        bundle = re.search(r'src="(/_dash-component-suites/dash/[^"]+\.js)"', page.text).group(1)
        script = session.get(base + bundle, timeout=30, headers={"Accept-Encoding": "gzip"})
        assert script.status_code == 200 and script.headers.get("Content-Encoding") == "gzip"
        assert "max-age=31536000" in script.headers.get("Cache-Control", "")  # fingerprinted: cached a year
        health = session.get(f"{base}/api/v1/health", timeout=10).json()
        assert health["warehouse"] == "ok" and health["app_db"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    text = (tmp_path / "server.log").read_text()
    assert "Serving on" in text and "development server" not in text, text[-2000:]
    assert "Cockpit-Test-2026" not in text  # the password is never logged
