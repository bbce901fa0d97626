"""Names and choices the duty console's pages share: region names, departments to assign."""
from __future__ import annotations

from core.errors import MissingSchema, WarehouseUnavailable
from core.values import localized_name
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
    return {str(row["region_code"]): localized_name(row, lang) for row in table.to_dict("records")}
