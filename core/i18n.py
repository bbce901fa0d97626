"""Message lookup: every user-visible string comes from the catalogue in `messages.py`.

The language of the current request is a context variable: the web side sets it from the
config at the start of each request (`app.py`), so components and services that
word something need no Flask.
"""
from __future__ import annotations

from contextvars import ContextVar

from core.messages import CATALOGUE

LANGUAGES = ("zh", "en")
_language: ContextVar[str] = ContextVar("cockpit_language", default="zh")


def use_language(lang: str) -> None:
    """Word this request (this thread or task) in `lang`."""
    _language.set(lang if lang in LANGUAGES else "zh")


def current_language() -> str:
    """The language of the current request ('zh' when none was set)."""
    return _language.get()


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The message `key` in `lang` (default: the current request's), formatted with `values`.

    An unknown key shows as itself, so a gap is visible on screen instead of crashing a page.
    """
    texts = CATALOGUE.get(key)
    if values.get("n") == 1 and f"{key}.one" in CATALOGUE:  # "1 row", not "1 rows"
        texts = CATALOGUE[f"{key}.one"]
    if texts is None:
        return key
    text = texts[LANGUAGES.index(lang or current_language())]
    return text.format(**values) if values else text
