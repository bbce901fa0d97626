"""Keep a demo warehouse's alert feed moving: insert new open alerts every few seconds."""
from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, insert, select, update

from demo import schema
from demo.alerts import CATEGORIES, alert_places, alert_row, iso


def insert_live_alerts(url: str, *, interval_s: float = 5.0, count: int | None = None, seed: int | None = None) -> int:
    """Keep inserting new open alerts (random category/level/county, occurred_at = now UTC) into fact_alert.
    Stops after `count` alerts (never when None, until interrupted); returns how many were inserted."""
    rng = np.random.default_rng(seed)
    engine = create_engine(url)
    inserted = 0
    try:
        with engine.connect() as conn:
            regions = pd.DataFrame(conn.execute(
                select(schema.dim_region.c.region_code, schema.dim_region.c.name, schema.dim_region.c.level,
                       schema.dim_region.c.lon, schema.dim_region.c.lat)).mappings().all())
        places = alert_places(regions)
        while count is None or inserted < count:
            now = datetime.now(UTC).replace(microsecond=0)
            # Ids carry a random part so several feeds (or restarts) never collide.
            alert_id = f"LIVE-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
            category = str(rng.choice(CATEGORIES))
            level = int(rng.choice([1, 2, 3, 4], p=[0.05, 0.15, 0.35, 0.45]))
            row = alert_row(rng, places, category, level,
                            now, "new", alert_id, now)
            with engine.begin() as conn:
                conn.execute(insert(schema.fact_alert), [row])
            inserted += 1
            if count is None or inserted < count:
                time.sleep(interval_s)
    finally:
        engine.dispose()
    return inserted


def close_oldest_live_alert(url: str) -> bool:
    """Close the oldest alert that `insert_live_alerts` opened and nobody closed; False when none is left.

    A soak that only opens alerts measures a list growing tenfold, not the cockpit's memory; one
    that closes as many as it opens keeps the open list steady, as a staffed command centre does.
    """
    alerts = schema.fact_alert
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            oldest = conn.execute(select(alerts.c.alert_id)
                                  .where(alerts.c.status == "new", alerts.c.alert_id.like("LIVE-%"))
                                  .order_by(alerts.c.occurred_at, alerts.c.alert_id).limit(1)).scalar()
            if oldest is None:
                return False
            now = datetime.now(UTC).replace(microsecond=0)
            conn.execute(update(alerts).where(alerts.c.alert_id == oldest)
                         .values(status="closed", updated_at=iso(now)))
            return True
    finally:
        engine.dispose()
