"""Runtime-bound helpers shared by the duty console's pages (the console and the alert detail).

Kept out of the page modules because Dash executes each page file itself: one page importing
another would run it twice and register its callbacks twice.
"""
from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from cockpit.runtime import Runtime
from components.panels import guarded
from datasources.alerts import departments
from datasources.regions import regions
from datasources.warehouse import MissingSchema, WarehouseUnavailable


def new_token() -> str:
    """A fresh seed for request ids: one per form submission that succeeded or was refused."""
    return secrets.token_urlsafe(12)


def dept_options(rt: Runtime, lang: str) -> list[dict[str, str]]:
    """The departments an alert can be assigned to (none when the warehouse lacks the table)."""
    try:
        rows = departments(rt.warehouse)
    except (MissingSchema, WarehouseUnavailable):
        return []
    return [{"label": str(r["name"]), "value": str(r["dept_code"])} for r in rows.to_dict("records")]


def region_names(rt: Runtime, lang: str) -> dict[str, str]:
    """Region code → name in the UI language (empty when regions cannot be read)."""
    try:
        table = regions(rt.warehouse)
    except (MissingSchema, WarehouseUnavailable):
        return {}
    names = table["name_en"].where(table["name_en"].notna(), table["name"]) if lang == "en" else table["name"]
    return dict(zip(table["region_code"].astype(str), names.astype(str)))


def _raise(exc: Exception) -> Any:
    raise exc


def failure_panel(exc: MissingSchema | WarehouseUnavailable, lang: str) -> Any:
    """The panel message `guarded` shows for this failure (missing table, unreachable warehouse)."""
    return guarded(partial(_raise, exc), lang)
