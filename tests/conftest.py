"""Shared fixtures: real PostgreSQL and Redis, demo warehouses, a signed-in app, Chromium options.

A service test that cannot reach its service skips with the reason, except with CI=true,
where it fails: CI must run them for real.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from selenium.webdriver.chrome.options import Options

from core.config import Config
from datasources.users import upsert_user

PG_ADMIN_URL = os.environ.get("COCKPIT_TEST_PG_ADMIN_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# MariaDB stands in for the MySQL-protocol warehouses (Apache Doris, StarRocks): each run builds
# its warehouses in throwaway databases of its own, dropped afterwards.
MYSQL_ADMIN_URL = os.environ.get("COCKPIT_TEST_MYSQL_ADMIN_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
REDIS_URL = os.environ.get("COCKPIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEMO_END_PERIOD = "2026-10"
ADMIN_PASSWORD = "test-admin-pw"


def service_unavailable(reason: str) -> None:
    """Skip, or fail under CI=true, when a real service is not there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


@contextmanager
def _throwaway_database(admin_url: str, service: str, prefix: str, create: str, drop: str,
                        url_suffix: str = "") -> Iterator[str]:
    """A fresh database on the server of `admin_url` for the block (`create`/`drop` take the
    name as {name}); dropped afterwards. Unreachable server: service_unavailable."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"{prefix}_{secrets.token_hex(5)}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(create.format(name=name))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        service_unavailable(f"{service} not reachable at {admin_url}: {exc.orig}")
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}{url_suffix}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(drop.format(name=name))
        admin.dispose()


def throwaway_pg_database(prefix: str):
    """A fresh PostgreSQL database for the duration of the block; dropped afterwards."""
    return _throwaway_database(PG_ADMIN_URL, "PostgreSQL", prefix, "CREATE DATABASE {name}",
                               "DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def throwaway_mysql_database(prefix: str):
    """A fresh MariaDB/MySQL database (utf8mb4) for the duration of the block; dropped afterwards."""
    return _throwaway_database(MYSQL_ADMIN_URL, "MariaDB", prefix,
                               "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                               "DROP DATABASE IF EXISTS {name}", url_suffix="?charset=utf8mb4")


ENGINES = ("sqlite", "postgresql")
# Warehouses are also read over the MySQL protocol (the app database is SQLite or PostgreSQL only).
WAREHOUSE_ENGINES = (*ENGINES, "mysql")


@contextmanager
def built_warehouse(engine: str, build: Callable[[str], None], tmp_path_factory: pytest.TempPathFactory,
                    name: str) -> Iterator[str]:
    """A warehouse filled by `build(url)` on SQLite or on a throwaway PostgreSQL or MariaDB database."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(name)}/wh.db"
        build(url)
        yield url
        return
    throwaway = throwaway_mysql_database if engine == "mysql" else throwaway_pg_database
    with throwaway(f"cockpit_test_{name}") as url:
        build(url)
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis database for tests (db 15), emptied first."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        service_unavailable(f"Redis not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo warehouse (fixed seed and end period) in a SQLite file, built once per run."""
    from demo.generate import build_demo_warehouse

    path = tmp_path_factory.mktemp("warehouse") / "demo.db"
    build_demo_warehouse(f"sqlite:///{path}", end_period=DEMO_END_PERIOD)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def demo_pg_url() -> Iterator[str]:
    """The same demo warehouse in a throwaway PostgreSQL database."""
    from demo.generate import build_demo_warehouse

    with throwaway_pg_database("cockpit_test_wh") as url:
        build_demo_warehouse(url, end_period=DEMO_END_PERIOD)
        yield url


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Config]:
    """Config for a test app: the given warehouse, a fresh SQLite app database, no demo build."""

    def factory(warehouse_url: str, **overrides: object) -> Config:
        values: dict[str, object] = {
            "warehouse_url": warehouse_url, "build_demo_if_missing": False,
            "app_db_url": f"sqlite:///{tmp_path}/app.db", "admin_password": ADMIN_PASSWORD,
            "secret_key": "test-secret", "statement_timeout_s": 10, "prewarm_cache": False,
        }
        values.update(overrides)
        return Config(**values)  # type: ignore[arg-type]

    return factory


def pytest_setup_options() -> Options:
    """Chromium flags for a closed network (dash.testing's documented hook)."""
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1920,1080", "--lang=zh-CN",
                 # Software WebGL: without it headless Chromium draws no map polygons here.
                 "--enable-unsafe-swiftshader"):
        options.add_argument(flag)
    return options


@pytest.fixture
def alerts_url(tmp_path: Path) -> str:
    """A fresh SQLite copy of the hand-made alerts warehouse (tests/alerts_warehouse.py)."""
    from tests.alerts_warehouse import build_alerts_warehouse

    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    build_alerts_warehouse(url)
    return url



def sign_in_as(client: FlaskClient, role: str, region_scope: str | None = None, *,
               username: str | None = None) -> str:
    """Create (or reset) a user of `role` in the client's app and sign the client in as them."""
    name = username or (role if region_scope is None else f"{role}-{region_scope}")
    upsert_user(client.application.extensions["cockpit"].appdb.engine, name, ADMIN_PASSWORD, role, region_scope)
    response = client.post("/login", data={"username": name, "password": ADMIN_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return name
