"""The warehouse contract (docs/warehouse.md) as data: tables, required and optional columns."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TableContract:
    """Columns a contract table must have, and those it may lack (read as NULL)."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


CONTRACT: dict[str, TableContract] = {
    "dim_region": TableContract(("region_code", "name", "level"),
                                ("name_en", "parent_code", "lon", "lat")),
    "geo_region": TableContract(("region_code", "geometry_wkt")),
    "dim_indicator": TableContract(
        ("indicator_code", "name", "category", "unit", "frequency", "cumulative", "higher_is_better"),
        ("name_en", "headline", "display_order", "comparison", "decimals")),
    "fact_indicator": TableContract(("indicator_code", "region_code", "period"),
                                    ("value", "target", "yoy_pct", "updated_at")),
    # Optional: fact_indicator's rows of the regions at county level and above (6-digit codes),
    # pre-aggregated where the raw scan is slow; read instead of fact_indicator when present.
    "agg_indicator_county_month": TableContract(("indicator_code", "region_code", "period"),
                                                ("value", "target", "yoy_pct", "updated_at")),
    "fact_alert": TableContract(
        ("alert_id", "category", "level", "title", "region_code", "occurred_at", "status"),
        ("description", "lon", "lat", "source", "updated_at")),
    "dim_project": TableContract(
        ("project_code", "name", "category", "region_code", "start_date", "planned_end_date",
         "total_investment"),
        ("level", "lon", "lat", "owner_dept")),
    "fact_project_progress": TableContract(
        ("project_code", "period", "planned_progress_pct", "actual_progress_pct",
         "planned_investment_cum", "actual_investment_cum"),
        ("note",)),
    "fact_project_milestone": TableContract(("project_code", "seq", "name", "planned_date"),
                                            ("actual_date",)),
    "fact_household": TableContract(
        ("household_code", "region_code", "head_name", "members", "income_per_capita",
         "monitor_status"),
        ("id_number", "risk_type", "measures", "updated_at")),
    "dim_camera": TableContract(("camera_id", "name", "region_code", "lon", "lat", "kind", "status"),
                                ("stream_url", "owner_dept")),
    "dim_department": TableContract(("dept_code", "name"), ("phone", "conference_url")),
    "dim_resource": TableContract(("resource_id", "kind", "name", "region_code", "lon", "lat"),
                                  ("capacity", "dept_code")),
}

ALERT_CATEGORIES = ("fire", "geological", "epidemic", "flood", "weather", "safety", "traffic", "other")
ALERT_LEVELS = (1, 2, 3, 4)
CLOSED_ALERT_STATUSES = ("resolved", "closed")
PROJECT_STATES = ("on_track", "lagging", "seriously_lagging", "overdue", "completed")
# Alert ids as the cockpit accepts them from a browser or a client: printable, no spaces, short.
ALERT_ID = re.compile(r"[\w.:-]{1,64}")


def is_alert_id(value: object) -> bool:
    """Whether `value` can be an alert id (checked before any lookup)."""
    return isinstance(value, str) and ALERT_ID.fullmatch(value) is not None
