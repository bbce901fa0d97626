"""A corrupted, emptied or replaced SQLite warehouse: the last good data with the stale badge, no 500s;
a file replaced under the running cockpit is noticed (pooled connections to the old one dropped)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from tests.browser import console_errors, start_signed_in
from tests.conftest import ADMIN_PASSWORD
from tests.tiny_warehouse import build_tiny_warehouse

FAST_TTL = {"regions": 1, "indicators": 1, "alerts": 1, "projects": 1, "quality": 1, "status": 1}


def signed_in(app) -> FlaskClient:
    client = app.server.test_client()
    assert client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD}).status_code == 303
    return client


def expire_fresh_entries(app) -> None:
    """As if every time-to-live had run out: only the last-good copies stay."""
    cache = app.server.extensions["cockpit"].warehouse.cache
    for key in [k for k in cache._cache if not k.endswith(":last-good")]:
        cache.delete(key)


def gdp(summary: dict) -> float:
    return next(i["value"] for i in summary["indicators"] if i["indicator_code"] == "GDP")


def test_corrupted_then_emptied_file_serves_the_last_good_data(tmp_path: Path, make_config) -> None:
    path = tmp_path / "wh.db"
    build_tiny_warehouse(f"sqlite:///{path}")
    app = create_app(make_config(f"sqlite:///{path}"))
    client = signed_in(app)
    before = client.get("/api/v1/summary").json
    assert gdp(before) == 1500.0
    assert client.get("/api/v1/health").json["status"] == "ok"
    for size in (path.stat().st_size // 2, 100, 0):  # truncated in place: half, a torn header, nothing
        with path.open("r+b") as handle:
            handle.truncate(size)
        expire_fresh_entries(app)
        summary = client.get("/api/v1/summary")
        assert summary.status_code == 200 and summary.json == before, size
        health = client.get("/api/v1/health").json
        assert health["status"] == "degraded" and health["warehouse"] == "unreachable", size
        assert health["data_as_of"] == "2026-11-21T04:00:00Z"  # the last one seen
        assert client.get("/api/v1/indicators/GDP/values").status_code in (200, 503)  # never a 500
    build_tiny_warehouse(f"sqlite:///{tmp_path / 'fresh.db'}")
    os.replace(tmp_path / "fresh.db", path)  # a good copy put back: recovers without a restart
    expire_fresh_entries(app)
    assert client.get("/api/v1/health").json["warehouse"] == "ok"
    assert client.get("/api/v1/summary").json == before


def test_a_replaced_file_is_noticed(tmp_path: Path, make_config) -> None:
    path = tmp_path / "wh.db"
    build_tiny_warehouse(f"sqlite:///{path}")
    app = create_app(make_config(f"sqlite:///{path}"))
    client = signed_in(app)
    assert gdp(client.get("/api/v1/summary").json) == 1500.0  # a pooled connection now holds the file open
    replacement = tmp_path / "new.db"
    build_tiny_warehouse(f"sqlite:///{replacement}")
    engine = sa.create_engine(f"sqlite:///{replacement}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE fact_indicator SET value = 1600 WHERE indicator_code = 'GDP' "
                             "AND region_code = '141100' AND period = '2026-09' AND value = 1500"))
    engine.dispose()
    os.replace(replacement, path)  # the nightly load's new file moved into place: a new inode
    expire_fresh_entries(app)
    assert gdp(client.get("/api/v1/summary").json) == 1600.0


def test_corrupted_file_in_the_browser_keeps_data_with_the_stale_badge(dash_duo, tmp_path: Path,
                                                                      make_config) -> None:
    path = tmp_path / "wh.db"
    build_tiny_warehouse(f"sqlite:///{path}")
    good = tmp_path / "good.db"
    shutil.copy(path, good)
    start_signed_in(dash_duo, make_config(f"sqlite:///{path}", status_refresh_s=1, cache_ttl_s=FAST_TTL))
    dash_duo.wait_for_contains_text("#app-data-as-of", "2026-11-21 12:00", timeout=20)
    with path.open("r+b") as handle:  # truncated in place, the pool's connections still open on it
        handle.truncate(path.stat().st_size // 2)
    dash_duo.wait_for_contains_text("#app-banner", "数据仓库无法连接", timeout=15)
    assert "2026-11-21 12:00" in dash_duo.find_element("#app-banner").text  # the last good time
    assert dash_duo.find_element("#overview-kpis .kpi-value").text == "1,500.0"  # data still shown
    os.replace(good, path)
    dash_duo.wait_for_class_to_equal("#app-banner", "banner-hidden", timeout=15)
    assert console_errors(dash_duo) == []
