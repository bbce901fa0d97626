"""The login throttle's store (datasources/login_throttle.py) on SQLite and PostgreSQL: exact counts
under concurrent workers, forgetting, and what it costs per sign-in."""
from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from datasources.appdb import AppDB, utc_now
from datasources.login_throttle import add_failure, clear_failures, failures, pair_key
from tests.conftest import ENGINES, throwaway_pg_database


@pytest.fixture(params=ENGINES)
def appdb(request, tmp_path: Path) -> Iterator[AppDB]:
    """A migrated app database on each engine."""
    if request.param == "sqlite":
        db = AppDB(f"sqlite:///{tmp_path}/app.db")
        db.migrate()
        yield db
        db.engine.dispose()
        return
    with throwaway_pg_database("cockpit_test_throttle") as url:
        db = AppDB(url)
        db.migrate()
        yield db
        db.engine.dispose()


def test_pair_key_ignores_case_of_the_name_only() -> None:
    assert pair_key("Leader1", "10.0.0.1") == pair_key("leader1", "10.0.0.1")
    assert pair_key("leader1", "10.0.0.1") != pair_key("leader1", "10.0.0.2")
    assert len(pair_key("\ud800" * 10_000, "::1")) == 64  # any input, even a lone surrogate: a short key


def test_concurrent_failures_are_all_counted(appdb: AppDB) -> None:
    pair = pair_key("leader1", "10.0.0.1")
    since = utc_now() - timedelta(days=1)
    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(lambda _: add_failure(appdb.engine, pair, utc_now(), since), range(40)))
    assert sorted(counts) == list(range(1, 41))
    assert failures(appdb.engine, pair, since)[0] == 40


def test_an_old_count_starts_again_and_is_deleted(appdb: AppDB) -> None:
    old, new = pair_key("leader1", "10.0.0.1"), pair_key("leader1", "10.0.0.2")
    long_ago = utc_now() - timedelta(days=2)
    for _ in range(3):
        add_failure(appdb.engine, old, long_ago, long_ago - timedelta(days=1))
        add_failure(appdb.engine, new, long_ago, long_ago - timedelta(days=1))
    since = utc_now() - timedelta(days=1)
    assert failures(appdb.engine, old, since) is None
    assert add_failure(appdb.engine, old, utc_now(), since) == 1
    with appdb.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM login_failure").scalar_one() == 1  # `new` forgotten
    clear_failures(appdb.engine, old)
    assert failures(appdb.engine, old, since) is None


def test_a_failure_costs_milliseconds(appdb: AppDB) -> None:
    """Measured for docs/security.md: the throttle's reads and writes beside a password check
    (werkzeug's scrypt, tens of milliseconds) and the audit row every sign-in writes anyway."""
    since = utc_now() - timedelta(days=1)
    for n in range(20):  # warm the pool
        add_failure(appdb.engine, pair_key(f"warm{n}", "10.0.0.1"), utc_now(), since)
    started = time.perf_counter()
    for n in range(200):
        pair = pair_key(f"user{n % 50}", "10.0.0.1")
        failures(appdb.engine, pair, since)
        add_failure(appdb.engine, pair, utc_now(), since)
    per_attempt_ms = (time.perf_counter() - started) / 200 * 1000
    print(f"{appdb.engine.dialect.name}: {per_attempt_ms:.2f} ms per failed sign-in (read + count)")
    assert per_attempt_ms < 50
