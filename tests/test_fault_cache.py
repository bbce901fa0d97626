"""Redis stopped: the cockpit keeps working without its shared cache, and uses it again when it returns.

Also the cache's bounds: one key per input however it is passed, last-good copies of distinct
inputs kept an hour, not a week, and at most `max_entries` memoized entries in Redis.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import redis
from flask.testing import FlaskClient
from flask_caching.backends import SimpleCache

from app import create_app
from core.config_production import ProductionSettings
from datasources.cache import dataset
from datasources.cache_backends import KEY_PREFIX, BoundedRedisCache, SweptSimpleCache
from datasources.warehouse import Warehouse
from tests.conftest import ADMIN_PASSWORD
from tests.private_services import private_redis
from tests.tiny_warehouse import build_tiny_warehouse

RETRY_S = 0.3


@pytest.fixture
def tiny_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    build_tiny_warehouse(url)
    return url


def sign_in(client: FlaskClient) -> int:
    return client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD}).status_code


def memoized_keys(url: str) -> int:
    return len(redis.Redis.from_url(url).keys(KEY_PREFIX + "ck:*"))


def test_redis_stopped_keeps_sign_in_health_and_reads_working(tiny_url: str, make_config,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    with private_redis() as server:
        config = make_config(tiny_url, cache_url=server.url,
                             production=ProductionSettings(cache_retry_s=RETRY_S))
        app = create_app(config)
        client = app.server.test_client()
        assert sign_in(client) == 303
        before = client.get("/api/v1/summary").json
        assert client.get("/api/v1/health").json["cache"] == "ok"
        assert memoized_keys(server.url) > 0  # the reads went to Redis

        server.stop()
        with caplog.at_level(logging.WARNING, logger="datasources.cache_backends"):
            fresh = app.server.test_client()
            assert sign_in(fresh) == 303  # sign-in works without Redis
            assert fresh.get("/api/v1/summary").json == before
            assert client.get("/api/v1/summary").json == before
            assert fresh.get("/").status_code == 200
            assert fresh.get("/_dash-layout").status_code == 200
            health = fresh.get("/api/v1/health")
            assert health.status_code == 200
            assert health.json == {"status": "degraded", "warehouse": "ok", "app_db": "ok",
                                   "cache": "unreachable", "data_as_of": "2026-11-21T04:00:00Z"}
            # The login throttle (counts in the app database) still holds: 5 free failures, then 429.
            guesser = app.server.test_client()
            codes = [guesser.post("/login", data={"username": "admin", "password": "wrong"}).status_code
                     for _ in range(6)]
            assert codes == [401] * 5 + [429]
        warnings = [r for r in caplog.records if "shared cache unavailable" in r.getMessage()]
        assert len(warnings) == 1  # once per outage, not once per request

        server.start()  # back, empty
        time.sleep(RETRY_S + 0.1)
        assert fresh.get("/api/v1/health").json["cache"] == "ok"
        assert fresh.get("/api/v1/summary").json == before
        assert memoized_keys(server.url) > 0  # used again


def test_redis_down_at_start_still_serves(tiny_url: str, make_config) -> None:
    with private_redis() as server:
        server.stop()
        app = create_app(make_config(tiny_url, cache_url=server.url,
                                     production=ProductionSettings(cache_retry_s=RETRY_S)))
        client = app.server.test_client()
        assert sign_in(client) == 303
        summary = client.get("/api/v1/summary")
        assert summary.status_code == 200 and summary.json["region_code"] == "141100"
        assert client.get("/api/v1/health").json["cache"] == "unreachable"


def test_redis_holds_at_most_max_entries_newest_kept() -> None:
    with private_redis() as server:
        cache = BoundedRedisCache.from_url(server.url, max_entries=10)
        for i in range(30):
            cache.set(f"ck:w:f:{i:02d}", i, timeout=600)
        assert cache.entries() == 10
        kept = sorted(k.decode().removeprefix(KEY_PREFIX) for k in redis.Redis.from_url(server.url).keys(
            KEY_PREFIX + "ck:*"))
        assert kept == [f"ck:w:f:{i:02d}" for i in range(20, 30)]
        assert cache.get("ck:w:f:29") == 29 and cache.get("ck:w:f:05") is None


CALLS: list[tuple] = []


@dataset("regions")
def _probe(wh: Warehouse, region: str = "141100", limit: int = 5) -> pd.DataFrame:
    CALLS.append((region, limit))
    return pd.DataFrame({"region": [region], "limit": [limit]})


def _warehouse(tiny_url: str) -> Warehouse:
    return Warehouse(tiny_url, cache=SimpleCache(), ttl_s={"regions": 600}, stale_keep_s=7 * 86400,
                     last_good_per_input_s=3600)


def test_one_key_per_input_however_passed(tiny_url: str) -> None:
    wh = _warehouse(tiny_url)
    CALLS.clear()
    for call in (lambda: _probe(wh), lambda: _probe(wh, "141100"), lambda: _probe(wh, region="141100", limit=5),
                 lambda: _probe(wh, "141100", np.int64(5))):
        assert call().iloc[0]["limit"] == 5
    _probe(wh, "141102")
    assert CALLS == [("141100", 5), ("141102", 5)]


def test_last_good_of_distinct_inputs_kept_an_hour_not_a_week(tiny_url: str) -> None:
    wh = _warehouse(tiny_url)
    _probe(wh)
    _probe(wh, "141102")
    expiries = {key: expires for key, (expires, _value) in wh.cache._cache.items()}
    last_good = sorted(expires - time.time() for key, expires in expiries.items() if key.endswith(":last-good"))
    fresh = [expires - time.time() for key, expires in expiries.items() if not key.endswith(":last-good")]
    assert [round(s, -1) for s in last_good] == [3600, 7 * 86400]  # the distinct input, the default call
    assert [round(s, -1) for s in fresh] == [600, 600]  # the dataset's TTL as configured


def test_no_last_good_copy_when_keep_is_zero(tiny_url: str) -> None:
    wh = _warehouse(tiny_url)
    wh.stale_keep_s = 0
    _probe(wh, "141181")
    assert not [k for k in wh.cache._cache if k.endswith(":last-good")]


def test_in_process_cache_bounded(tiny_url: str, make_config) -> None:
    config = make_config(tiny_url)
    app = create_app(replace(config, production=ProductionSettings(cache_max_entries=20)))
    cache = app.server.extensions["cockpit"].warehouse.cache
    for i in range(100):
        cache.set(f"ck:x:{i}", i, timeout=600)
    assert len(cache._cache) <= 21  # cachelib prunes to the threshold before adding one
    assert cache.get("ck:x:99") == 99 and cache.get("ck:x:0") is None


def test_pages_in_the_browser_keep_working_without_redis(dash_duo, tiny_url: str, make_config) -> None:
    from tests.browser import console_errors, start_signed_in

    with private_redis() as server:
        config = make_config(tiny_url, cache_url=server.url, production=ProductionSettings(cache_retry_s=RETRY_S))
        start_signed_in(dash_duo, config)
        dash_duo.wait_for_text_to_equal("#overview-kpis .kpi-value", "1,500.0", timeout=20)
        server.stop()
        dash_duo.driver.refresh()  # every callback of a fresh page load, with Redis gone
        dash_duo.wait_for_text_to_equal("#overview-kpis .kpi-value", "1,500.0", timeout=20)
        dash_duo.wait_for_contains_text("#app-data-as-of", "2026-11-21 12:00", timeout=20)
        assert "banner-hidden" in dash_duo.find_element("#app-banner").get_attribute("class")  # nothing stale
        server.start()
        time.sleep(RETRY_S + 0.1)
        dash_duo.driver.refresh()
        dash_duo.wait_for_text_to_equal("#overview-kpis .kpi-value", "1,500.0", timeout=20)
        assert memoized_keys(server.url) > 0  # the page's reads went to Redis again
        assert console_errors(dash_duo) == []


def test_in_process_cache_drops_expired_entries_while_under_its_bound() -> None:
    cache = SweptSimpleCache(2000, sweep_s=0.0)
    for n in range(300):  # a duty console's rendered views: short-lived, a new key for every change
        cache.set(f"view-{n}", b"x" * 1000, timeout=1)
    cache.set("kept", "for an hour", timeout=3600)
    cache.add("lock", 1, timeout=1)
    time.sleep(2.1)  # cachelib's expiry is in whole seconds of wall time
    cache.set("next-view", "y", timeout=30)
    # Far under the 2,000-entry bound, the expired views are gone all the same; live ones stay.
    assert sorted(cache._cache) == ["kept", "next-view"]
    assert cache.get("kept") == "for an hour"


def test_the_in_process_cache_sweeps_no_more_often_than_asked() -> None:
    cache = SweptSimpleCache(2000, sweep_s=3600.0)
    cache.set("short", 1, timeout=1)
    time.sleep(2.1)
    cache.set("other", 2, timeout=60)
    assert "short" in cache._cache  # not swept yet (and cachelib's own get still says expired)
    assert cache.get("short") is None
