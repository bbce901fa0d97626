"""Fill the cache with the overview's datasets, and the city's county borders, when a process starts.

The first leader to open the wall screen after a restart should not wait for the warehouse,
nor the first analyst or duty officer for the boundaries to be read and simplified.
Runs in a daemon thread; failures are logged and left to the normal request path.
"""
from __future__ import annotations

import logging
import threading

from core.errors import BoundaryFileError, MissingSchema, WarehouseUnavailable
from datasources.alerts import open_alerts
from datasources.boundaries import region_boundaries
from datasources.indicators import latest_values
from datasources.projects import project_status
from datasources.quality import data_quality
from datasources.regions import top_region_code
from datasources.status import warehouse_status
from services.runtime import Runtime

log = logging.getLogger(__name__)


def prewarm_overview(rt: Runtime) -> None:
    """Compute (and so cache) every dataset the overview and the header need, then the borders
    of the city's counties (the economy map and the duty console's map)."""
    try:
        region = top_region_code(rt.warehouse, rt.config.city_region_code)
        latest_values(rt.warehouse, region)
        open_alerts(rt.warehouse)
        project_status(rt.warehouse, None, rt.today().isoformat(),
                       rt.config.lagging_pts, rt.config.seriously_lagging_pts)
        data_quality(rt.warehouse)
        warehouse_status(rt.warehouse)
        region_boundaries(rt.warehouse, rt.config.boundaries_file, region)
    except (WarehouseUnavailable, MissingSchema, BoundaryFileError) as exc:
        log.warning("cache prewarm stopped: %s", exc)


def start_prewarm(rt: Runtime) -> threading.Thread:
    """Prewarm in the background so the server starts serving at once."""
    thread = threading.Thread(target=prewarm_overview, args=(rt,), name="cockpit-prewarm", daemon=True)
    thread.start()
    return thread
