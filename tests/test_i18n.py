"""The message catalogue: both languages for every key, placeholders in step."""
from __future__ import annotations

import string

from core.i18n import t
from core.messages import CATALOGUE


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        assert _fields(zh) == _fields(en), key


def test_lookup_and_fallback() -> None:
    assert t("app.title", "zh") == "城市领导驾驶舱"
    assert t("app.title", "en") == "City Cockpit"
    assert t("app.data_as_of", "en", time="x") == "Data as of x"
    assert t("no.such.key", "zh") == "no.such.key"
