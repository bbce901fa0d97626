"""Start-up and deployment: demo bootstrap rules, and several gunicorn workers sharing state."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

import demo.bootstrap as bootstrap
from core.config import DEMO_WAREHOUSE_URL, Config

PROJECT = Path(__file__).resolve().parent.parent


def test_first_start_builds_the_missing_demo_warehouse(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(bootstrap, "PROJECT_DIR", tmp_path)
    calls: list[str] = []

    def fake_build(url: str, progress) -> dict[str, int]:
        calls.append(url)
        progress("fact_indicator", 0.5)
        Path(url.removeprefix("sqlite:///")).write_bytes(b"")
        return {"fact_indicator": 1}

    monkeypatch.setattr("demo.generate.build_demo_warehouse", fake_build)
    bootstrap.ensure_demo_warehouse(Config(warehouse_url=DEMO_WAREHOUSE_URL))
    assert (tmp_path / "data" / "demo_warehouse.db").exists()
    assert len(calls) == 1 and "50.0%" in capsys.readouterr().err
    bootstrap.ensure_demo_warehouse(Config(warehouse_url=DEMO_WAREHOUSE_URL))
    assert len(calls) == 1  # present now: not built again


@pytest.mark.parametrize("config", [
    Config(warehouse_url="postgresql+psycopg://reader@dw/warehouse"),
    Config(warehouse_url="sqlite:///data/other.db"),
    Config(warehouse_url=DEMO_WAREHOUSE_URL, build_demo_if_missing=False),
])
def test_never_builds_into_another_warehouse(config: Config, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bootstrap, "PROJECT_DIR", tmp_path)
    monkeypatch.setattr("demo.generate.build_demo_warehouse",
                        lambda *a, **k: pytest.fail("must not build into this warehouse"))
    bootstrap.ensure_demo_warehouse(config)
    assert not (tmp_path / "data").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_workers_share_sessions_and_cache(tmp_path: Path, demo_sqlite_url: str, redis_url: str) -> None:
    port = free_port()
    push_config = tmp_path / "push.yaml"
    push_config.write_text("alerts:\n  push: true\n", encoding="utf-8")
    env = os.environ | {
        "COCKPIT_WAREHOUSE_URL": demo_sqlite_url, "COCKPIT_APP_DB_URL": f"sqlite:///{tmp_path}/app.db",
        "COCKPIT_CACHE_URL": redis_url, "COCKPIT_ADMIN_PASSWORD": "pw-gunicorn",
        "COCKPIT_CONFIG": str(push_config),
    }
    env.pop("COCKPIT_SECRET_KEY", None)  # workers must agree on the key stored in the app database
    # As the README deploys it: threaded workers, so open alert streams do not take whole workers.
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "3", "-k", "gthread", "--threads", "8",
                               "-b", f"127.0.0.1:{port}",
                               "--access-logfile", "-", "--access-logformat", "worker=%(p)s %(s)s %(U)s",
                               "app:server"], cwd=PROJECT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(f"{base}/api/v1/health", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        session = requests.Session()
        login = session.post(f"{base}/login", data={"username": "admin", "password": "pw-gunicorn"},
                             allow_redirects=False)
        assert login.status_code == 303

        # Six duty consoles (alerts.push: true) hold their alert streams open meanwhile.
        streams = [session.get(f"{base}/api/v1/alerts/stream", stream=True, timeout=(5, 30),
                               headers={"Connection": "close"}) for _ in range(6)]

        def summary(_: int) -> dict:
            response = session.get(f"{base}/api/v1/summary", headers={"Connection": "close"})
            assert response.status_code == 200
            return response.json()

        # Concurrent clients keep workers busy, so the others must take connections too.
        with ThreadPoolExecutor(max_workers=6) as pool:
            bodies = list(pool.map(summary, range(60)))
        assert all(body == bodies[0] for body in bodies)
        # Every stream told its console the current version of the alerts at once.
        versions = set()
        for stream in streams:
            assert stream.status_code == 200
            versions.add(next(line for line in stream.iter_lines(decode_unicode=True) if line.startswith("data: ")))
            stream.close()
        assert len(versions) == 1, versions
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode(errors="replace")
    assert "Traceback" not in output, output
    workers = {line.split()[0] for line in output.splitlines()
               if line.startswith("worker=") and "/api/v1/summary" in line and " 200 " in line}
    assert len(workers) >= 2, f"the requests should have reached more than one worker: {output[-2000:]}"


def test_prewarm_fills_the_overview_cache(tiny_warehouse_url: str, make_config) -> None:
    from app import create_app
    from datasources.alerts import open_alerts
    from datasources.boundaries import region_boundaries
    from datasources.indicators import latest_values
    from datasources.quality import data_quality
    from services.prewarm import prewarm_overview

    runtime = create_app(make_config(tiny_warehouse_url)).server.extensions["cockpit"]
    prewarm_overview(runtime)

    def no_queries(*_args, **_kwargs):
        raise AssertionError("served from the cache, the warehouse is not asked")

    runtime.warehouse.read = no_queries
    assert len(region_boundaries(runtime.warehouse, None, "141100")["features"]) == 2
    assert latest_values(runtime.warehouse, "141100").shape[0] == 2
    assert len(open_alerts(runtime.warehouse)) == 4
    assert not data_quality(runtime.warehouse).empty


@pytest.fixture
def tiny_warehouse_url(tmp_path: Path) -> str:
    from tests.tiny_warehouse import build_tiny_warehouse

    url = f"sqlite:///{tmp_path}/tiny.db"
    build_tiny_warehouse(url)
    return url
