"""One app per process, and engines that survive a fork (gunicorn --preload)."""
from __future__ import annotations

import os
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
