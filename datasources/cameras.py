"""What video dispatch looks up in the warehouse by id: a camera, cameras without a position, resources.

Cameras near a point are `datasources.alerts.cameras_near` (nearest first, any status).
Memoized on the "regions" TTL: cameras and resources are dimensions that change rarely.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from datasources.cache import dataset
from datasources.regions import within
from datasources.warehouse import Warehouse

CAMERA_COLUMNS = ["camera_id", "name", "region_code", "lon", "lat", "kind", "status", "stream_url", "owner_dept"]


@dataset("regions")
def find_camera(wh: Warehouse, camera_id: str) -> pd.DataFrame:
    """The camera with this id (one row, or none)."""
    c = wh.table("dim_camera")
    stmt = sa.select(*[wh.col(c, n) for n in CAMERA_COLUMNS]).where(c.c.camera_id == sa.bindparam("id"))
    return wh.read(stmt, {"id": camera_id}).head(1)


@dataset("regions")
def cameras_without_position(wh: Warehouse, region_code: str | None, limit: int = 50) -> pd.DataFrame:
    """Cameras in the region (and below; None: all) that have no lon or lat, by id; `attrs["total"]` counts all."""
    c = wh.table("dim_camera")
    where = [sa.or_(c.c.lon.is_(None), c.c.lat.is_(None))]
    if region_code:
        where.append(within(c.c.region_code, region_code))
    total = wh.read(sa.select(sa.func.count().label("n")).select_from(c).where(*where))
    rows = wh.read(sa.select(*[wh.col(c, n) for n in CAMERA_COLUMNS]).where(*where)
                   .order_by(c.c.camera_id).limit(limit))
    rows.attrs["total"] = int(total["n"].iloc[0]) if not total.empty else 0
    return rows


@dataset("regions")
def find_resources(wh: Warehouse, resource_ids: Sequence[str]) -> pd.DataFrame:
    """The resources with these ids: resource_id, name, kind, dept_code (unknown ids are absent)."""
    r = wh.table("dim_resource")
    stmt = (sa.select(*[wh.col(r, n) for n in ("resource_id", "name", "kind", "dept_code")])
            .where(r.c.resource_id.in_(sa.bindparam("ids", expanding=True))))
    return wh.read(stmt, {"ids": list(resource_ids)})
