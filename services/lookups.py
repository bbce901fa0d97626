"""Names and choices the duty console's pages share: region names, departments to assign."""
from __future__ import annotations

from core.errors import MissingSchema, WarehouseUnavailable
from datasources.alerts import departments
from datasources.regions import regions
from datasources.warehouse import Warehouse


def dept_options(wh: Warehouse) -> list[dict[str, str]]:
    """The departments an alert can be assigned to (none when the warehouse lacks the table)."""
    try:
        rows = departments(wh)
    except (MissingSchema, WarehouseUnavailable):
        return []
    return [{"label": str(r["name"]), "value": str(r["dept_code"])} for r in rows.to_dict("records")]


def region_names(wh: Warehouse, lang: str) -> dict[str, str]:
    """Region code → name in the UI language (empty when regions cannot be read)."""
    try:
        table = regions(wh)
    except (MissingSchema, WarehouseUnavailable):
        return {}
    names = table["name_en"].where(table["name_en"].notna(), table["name"]) if lang == "en" else table["name"]
    return dict(zip(table["region_code"].astype(str), names.astype(str)))
