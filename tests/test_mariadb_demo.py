"""The demo warehouse built into MariaDB (demo/ writes mysql URLs) reads as the SQLite one does.

Figures are compared with the SQLite demo (fixed seed and end period), so a MySQL-protocol
engine's types, collation or SQL differences would show as a different number.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from tests.conftest import DEMO_END_PERIOD, sign_in_as, throwaway_mysql_database

CODES = ("GDP", "RETAIL_SALES", "FISCAL_REVENUE", "UNEMPLOYMENT_RATE", "CPI")


@pytest.fixture(scope="module")
def demo_mariadb_url() -> Iterator[str]:
    from demo.generate import build_demo_warehouse

    with throwaway_mysql_database("cockpit_test_demo") as url:
        build_demo_warehouse(url, end_period=DEMO_END_PERIOD)
        yield url


def _client(url: str, make_config, tmp_path: Path, name: str) -> FlaskClient:
    client = create_app(make_config(url, app_db_url=f"sqlite:///{tmp_path}/{name}.db")).server.test_client()
    sign_in_as(client, "analyst")
    return client


def test_demo_on_mariadb_reads_as_on_sqlite(demo_mariadb_url: str, demo_sqlite_url: str, make_config,
                                            tmp_path: Path) -> None:
    maria = _client(demo_mariadb_url, make_config, tmp_path, "maria")
    lite = _client(demo_sqlite_url, make_config, tmp_path, "lite")
    catalogue = maria.get("/api/v1/indicators").json["indicators"]
    assert catalogue == lite.get("/api/v1/indicators").json["indicators"] and len(catalogue) >= 10
    codes = [c["indicator_code"] for c in catalogue if c["indicator_code"] in CODES] or \
        [c["indicator_code"] for c in catalogue[:4]]
    for code in codes:
        for query in ("", "?children=1"):
            path = f"/api/v1/indicators/{code}/values{query}"
            got, expected = maria.get(path).json, lite.get(path).json
            assert got == expected, path
            assert got["rows"], path
    summary, expected = maria.get("/api/v1/summary").json, lite.get("/api/v1/summary").json
    assert summary["indicators"] == expected["indicators"]
    assert summary["projects_by_state"] == expected["projects_by_state"]
    everything = maria.get("/api/v1/alerts?status=all&limit=5").json
    assert everything["total"] == lite.get("/api/v1/alerts?status=all&limit=5").json["total"] > 1000
    assert len(everything["alerts"]) == 5  # paged: five of the thousands, with their total
