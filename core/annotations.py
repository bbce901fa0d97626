"""What a valid annotation is: a `YYYY-MM` period and a short printable text (pure checks).

Used by the API (web/api/annotations.py) and the economy page's form alike, so a note is
refused for the same reasons wherever it comes from. Whether the indicator exists and the
region is in the author's scope is checked against the warehouse and the session by the caller.
"""
from __future__ import annotations

from core.periods import is_period

MAX_TEXT = 500


def check_period(raw: object) -> str:
    """The period as sent, when it is `YYYY-MM`; ValueError with a message otherwise."""
    if not is_period(raw):
        raise ValueError(f"period must be a month YYYY-MM, got {str(raw)[:40]!r}")
    return str(raw)


def check_text(raw: object) -> str:
    """The note's text without surrounding blanks: 1 to MAX_TEXT characters, no control
    characters but line breaks; ValueError with a message otherwise."""
    if not isinstance(raw, str):
        raise ValueError("text must be a string")
    text = raw.strip()
    if not 1 <= len(text) <= MAX_TEXT:
        raise ValueError(f"text must have 1 to {MAX_TEXT} characters, got {len(text)}")
    if any(not (c.isprintable() or c in "\n\t") for c in text):
        raise ValueError("text must not contain control characters")
    return text
