"""One app per process, and engines that survive a fork (gunicorn --preload)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

import app as app_module
from datasources.engines import create_appdb_engine, create_warehouse_engine
from tests.conftest import throwaway_pg_database


def test_app_server_is_built_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_WAREHOUSE_URL", f"sqlite:///{tmp_path}/absent-warehouse.db")
    monkeypatch.setenv("COCKPIT_APP_DB_URL", f"sqlite:///{tmp_path}/app.db")
    monkeypatch.setenv("COCKPIT_SECRET_KEY", "test-secret")
    app_module.process_app.cache_clear()
    try:
        first = app_module.server
        assert app_module.server is first
        assert app_module.process_app().server is first
    finally:
        app_module.process_app.cache_clear()


def _pooled_connection_id(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        return id(conn.connection.dbapi_connection)


def _child_reuses_parent_connection(engine: sa.Engine) -> bool:
    """Fork; the child checks out a connection and reports whether it is the parent's pooled one."""
    parent_conn = _pooled_connection_id(engine)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, then leave without running pytest's teardown
        try:
            reused = _pooled_connection_id(engine) == parent_conn
            os.write(write, b"reused" if reused else b"fresh")
        except Exception as exc:  # any failure is the answer
            os.write(write, f"error {exc}".encode()[:200])
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 256).decode()
    os.waitpid(pid, 0)
    assert answer in ("reused", "fresh"), answer
    # The parent's own connection is untouched and still works.
    assert _pooled_connection_id(engine) == parent_conn
    return answer == "reused"


def test_a_forked_child_opens_its_own_sqlite_connections(tmp_path: Path) -> None:
    engine = create_appdb_engine(f"sqlite:///{tmp_path}/app.db")
    assert not _child_reuses_parent_connection(engine)


def test_a_forked_child_opens_its_own_postgresql_connections() -> None:
    with throwaway_pg_database("cockpit_test_fork") as url:
        warehouse = create_warehouse_engine(url, statement_timeout_s=5, pool_size=2)
        appdb = create_appdb_engine(url)
        try:
            assert not _child_reuses_parent_connection(warehouse)
            assert not _child_reuses_parent_connection(appdb)
        finally:
            warehouse.dispose()
            appdb.dispose()


ARENA_PROBE = """
import ctypes, ctypes.util, os, sys, tempfile, threading
from web.memory import limit_malloc_arenas
capped = limit_malloc_arenas(int(sys.argv[1]))
start = threading.Barrier(12)

def churn():
    start.wait()  # all at once, so glibc hands out arenas under contention
    for _ in range(3000):
        blocks = [bytearray(2048) for _ in range(64)]
        del blocks

threads = [threading.Thread(target=churn) for _ in range(12)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
libc.fclose.argtypes = (ctypes.c_void_p,)
path = tempfile.NamedTemporaryFile(delete=False).name
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
print(capped, open(path).read().count("<heap nr="))
"""


def _arenas_after_threads(cap: int, env: dict[str, str]) -> tuple[str, int]:
    done = subprocess.run([sys.executable, "-c", ARENA_PROBE, str(cap)], cwd=Path(__file__).resolve().parent.parent,
                          env=env, capture_output=True, text=True, check=True, timeout=120)
    capped, heaps = done.stdout.split()
    return capped, int(heaps)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc arenas are glibc's")
def test_a_server_process_caps_malloc_arenas_unless_the_operator_set_a_number() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    # Twelve threads allocating at once: capped at 2, glibc keeps to two heaps (main arena + 1).
    capped, heaps = _arenas_after_threads(2, env)
    assert capped == "True" and heaps <= 2
    # The operator's MALLOC_ARENA_MAX stands: the cockpit leaves the number alone.
    capped, heaps = _arenas_after_threads(2, {**env, "MALLOC_ARENA_MAX": "3"})
    assert capped == "False" and heaps <= 3
    # Uncapped, the same threads take more arenas than that: the cap is what made the difference.
    _, uncapped = _arenas_after_threads(64, env)
    assert uncapped > 2


def test_dash_is_set_up_before_the_first_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COCKPIT_WAREHOUSE_URL", f"sqlite:///{tmp_path}/absent-warehouse.db")
    monkeypatch.setenv("COCKPIT_APP_DB_URL", f"sqlite:///{tmp_path}/app.db")
    monkeypatch.setenv("COCKPIT_SECRET_KEY", "test-secret")
    app = app_module.create_app()
    # The pages' callbacks are the app's as soon as it exists: no request has to set Dash up
    # (a fresh worker's first concurrent requests had got 404 for the bundles while one did).
    outputs = " ".join(app.callback_map)
    assert "alerts-list.children" in outputs and "screen-sig.data" in outputs
