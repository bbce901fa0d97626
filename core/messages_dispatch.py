"""Messages of Video dispatch (`/dispatch`): video wall, dispatch orders.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

DISPATCH_MESSAGES: dict[str, tuple[str, str]] = {
}
