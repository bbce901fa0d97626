"""Message lookup: every user-visible string comes from the catalogue in `messages.py`."""
from __future__ import annotations

from flask import current_app, has_app_context

from cockpit.messages import CATALOGUE

LANGUAGES = ("zh", "en")


def current_language() -> str:
    """The configured UI language of the running app ('zh' outside an app)."""
    if has_app_context() and "cockpit" in current_app.extensions:
        return current_app.extensions["cockpit"].config.language
    return "zh"


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in `lang` (default: the configured language), formatted with `values`.

    An unknown key shows as itself, so a gap is visible on screen instead of crashing a page.
    """
    texts = CATALOGUE.get(key)
    if texts is None:
        return key
    text = texts[LANGUAGES.index(lang or current_language())]
    return text.format(**values) if values else text
