"""Messages of The economy briefing (`/briefing`), scenarios and annotations.

Part of the one catalogue: `core/messages.py` merges this dict into CATALOGUE. Each key maps
to its (Chinese, English) text.
"""
from __future__ import annotations

BRIEFING_MESSAGES: dict[str, tuple[str, str]] = {
}
