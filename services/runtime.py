"""The per-process runtime: validated config, the warehouse, the app database.

It lives on the Flask app (`server.extensions["cockpit"]`, see `web/runtime.py`), not in a
module global, so two apps in one process (as in tests) stay apart and gunicorn workers
share nothing but the databases and the cache.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.config import Config
from datasources.appdb import AppDB
from datasources.warehouse import Warehouse


@dataclass(frozen=True)
class Runtime:
    """What every request of one app needs: config, warehouse reader and app database."""

    config: Config
    warehouse: Warehouse
    appdb: AppDB

    def today(self) -> date:
        """Today's date in the cockpit's time zone (it decides whether a project is overdue)."""
        return datetime.now(ZoneInfo(self.config.timezone)).date()
