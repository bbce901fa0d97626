"""The hand-made warehouse (tiny_warehouse) plus what the duty console needs: an alert with
coordinates (A6), departments, and resources and cameras at distances known by hand."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from demo.schema import metadata
from tests.tiny_warehouse import build_tiny_warehouse

LON, LAT = 111.78, 37.14  # A6, in 孝义市


def insert(conn: sa.Connection, table: str, rows: list[dict]) -> None:
    """Insert rows, missing columns as NULL (an executemany wants the same keys in every row)."""
    columns = [c.name for c in metadata.tables[table].columns]
    conn.execute(metadata.tables[table].insert(), [{c: row.get(c) for c in columns} for row in rows])


def add_rows(url: str) -> None:
    """A6 with coordinates, departments, resources and cameras at known distances from it."""
    engine = sa.create_engine(url)
    occurred = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with engine.begin() as conn:
        insert(conn, "fact_alert", [
            {"alert_id": "A6", "category": "geological", "level": 2, "title": "山体滑坡隐患",
             "description": "坡体裂缝", "region_code": "141181001", "lon": LON, "lat": LAT,
             "source": "sensor", "occurred_at": occurred, "status": "new"}])
        insert(conn, "dim_department", [
            {"dept_code": "XFZD", "name": "消防救援支队", "phone": "0358-119"},
            {"dept_code": "ZRZYJ", "name": "自然资源局", "phone": None}])
        insert(conn, "dim_resource", [
            {"resource_id": "R0", "kind": "rescue_team", "name": "就地救援队", "region_code": "141181",
             "lon": LON, "lat": LAT, "capacity": "30人", "dept_code": "XFZD"},
            {"resource_id": "R1", "kind": "shelter", "name": "北面避难所", "region_code": "141181",
             "lon": LON, "lat": LAT + 0.1},
            # Inside the bounding box, outside the 30 km circle (≈ 35 km to the north-east).
            {"resource_id": "R3", "kind": "medical", "name": "角上医院", "region_code": "141181",
             "lon": LON + 0.25, "lat": LAT + 0.25},
            {"resource_id": "R2", "kind": "supply_depot", "name": "远处仓库", "region_code": "141181",
             "lon": LON + 0.3, "lat": LAT + 0.3}])
        insert(conn, "dim_camera", [
            {"camera_id": "C1", "name": "北坡监控", "region_code": "141181", "lon": LON, "lat": LAT + 0.05,
             "kind": "forest_fire", "status": "online"},
            {"camera_id": "C2", "name": "坏掉的监控", "region_code": "141181", "lon": LON, "lat": LAT,
             "kind": "city", "status": "offline"}])
    engine.dispose()


def build_alerts_warehouse(url: str) -> None:
    """build_tiny_warehouse, then add_rows."""
    build_tiny_warehouse(url)
    add_rows(url)


def insert_alert(url: str, alert_id: str, level: int, title: str, **values: object) -> None:
    """One new alert that occurred now, as a source system would insert it."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        insert(conn, "fact_alert", [{
            "alert_id": alert_id, "category": "fire", "level": level, "title": title, "region_code": "141102",
            "lon": 111.15, "lat": 37.52, "source": "sensor", "status": "new",
            "occurred_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), **values}])
    engine.dispose()
