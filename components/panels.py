"""Panel guard: a data failure shows a message in its panel and leaves the other panels alone."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from dash.development.base_component import Component

from components.cards import panel_message
from core.errors import MissingSchema, WarehouseUnavailable
from core.i18n import t

log = logging.getLogger(__name__)


def guarded(render: Callable[[], Component | list[Component]], lang: str) -> Component | list[Component]:
    """`render()`, or a message naming what is missing or saying the warehouse is unreachable."""
    try:
        return render()
    except MissingSchema as exc:
        log.warning("panel without data: %s", exc)
        return panel_message(t("error.missing_schema", lang, name=exc.missing))
    except WarehouseUnavailable as exc:
        log.warning("warehouse unreachable: %s", exc)
        return panel_message(t("error.unreachable", lang))


def _raise(exc: Exception) -> Any:
    raise exc


def failure_panel(exc: MissingSchema | WarehouseUnavailable, lang: str) -> Any:
    """The panel message `guarded` shows for this failure (missing table, unreachable warehouse)."""
    return guarded(partial(_raise, exc), lang)
