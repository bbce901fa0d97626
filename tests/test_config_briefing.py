"""The `briefing` section: the schedule (a cron line), the output folder, regions, formats (core/config_briefing.py)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from core.config import load_config
from core.config_briefing import cron_matches, cron_sets
from core.config_checks import ConfigError


def _load(tmp_path: Path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COCKPIT_CONFIG": str(path)})


def test_defaults_are_8_am_on_the_first_into_data_briefings(tmp_path: Path) -> None:
    briefing = _load(tmp_path, "").briefing
    assert (briefing.schedule, briefing.output_dir, briefing.regions, briefing.formats, briefing.language) == (
        "0 8 1 * *", "data/briefings", (), ("pdf", "docx"), None)


def test_a_city_sets_its_own(tmp_path: Path) -> None:
    text = ("briefing:\n  schedule: '30  7 2,3 * 1-5'\n  output_dir: /srv/jianbao\n"
            "  regions: ['141100', '141102', '141100']\n  formats: [docx]\n  language: en\n")
    briefing = _load(tmp_path, text).briefing
    assert (briefing.schedule, briefing.output_dir, briefing.regions, briefing.formats, briefing.language) == (
        "30 7 2,3 * 1-5", "/srv/jianbao", ("141100", "141102"), ("docx",), "en")


@pytest.mark.parametrize(("text", "key"), [
    ("briefing:\n  schedule: '0 8 1 *'\n", "briefing.schedule"),
    ("briefing:\n  schedule: '60 8 1 * *'\n", "briefing.schedule"),
    ("briefing:\n  schedule: '0 8 0 * *'\n", "briefing.schedule"),
    ("briefing:\n  schedule: '*/0 8 1 * *'\n", "briefing.schedule"),
    ("briefing:\n  schedule: 8\n", "briefing.schedule"),
    ("briefing:\n  output_dir: ''\n", "briefing.output_dir"),
    ("briefing:\n  regions: '141100'\n", "briefing.regions"),
    ("briefing:\n  regions: [141100]\n", "briefing.regions.0"),
    ("briefing:\n  formats: [pdf, html]\n", "briefing.formats"),
    ("briefing:\n  formats: []\n", "briefing.formats"),
    ("briefing:\n  language: fr\n", "briefing.language"),
    ("briefing:\n  when: monthly\n", "briefing.when"),
])
def test_a_bad_value_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=f"^{key}:"):
        _load(tmp_path, text)


def test_cron_fields_by_hand() -> None:
    minute, hour, dom, month, dow = cron_sets("*/15 8-9 1,15 * 0")  # type: ignore[misc]
    assert minute == {0, 15, 30, 45} and hour == {8, 9} and dom == {1, 15} and len(month) == 12 and dow == {0}


def test_the_schedule_names_minutes_as_cron_does() -> None:
    assert cron_matches("0 8 1 * *", datetime(2026, 12, 1, 8, 0))
    assert not cron_matches("0 8 1 * *", datetime(2026, 12, 1, 8, 1))
    assert not cron_matches("0 8 1 * *", datetime(2026, 12, 2, 8, 0))
    # Both day fields restricted: either one will do (1 December 2026 is a Tuesday, the 7th a Monday).
    assert cron_matches("0 8 1 * 1", datetime(2026, 12, 7, 8, 0))
    assert cron_matches("0 8 1 * 1", datetime(2026, 12, 1, 8, 0))
    assert not cron_matches("0 8 1 * 1", datetime(2026, 12, 8, 8, 0))
    # Only the day of the week restricted: Sunday is 0.
    assert cron_matches("0 8 * * 0", datetime(2026, 12, 6, 8, 0))
    assert not cron_matches("0 8 * * 0", datetime(2026, 12, 7, 8, 0))
