"""Messages of Production serving and faults: cache, app database, paging.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

PRODUCTION_MESSAGES: dict[str, tuple[str, str]] = {
}
