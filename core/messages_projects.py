"""Messages of Key projects (`/projects`, `/projects/<code>`).

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

PROJECT_MESSAGES: dict[str, tuple[str, str]] = {
}
