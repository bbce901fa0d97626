"""The `poverty` section: the monitoring threshold and the income histogram's bins (core/config_poverty.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.config_checks import ConfigError


def _load(tmp_path: Path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COCKPIT_CONFIG": str(path)})


def test_defaults_are_7000_yuan_and_bins_of_1000_up_to_30000(tmp_path: Path) -> None:
    poverty = _load(tmp_path, "").poverty
    assert (poverty.threshold_yuan_per_person, poverty.histogram_bin_yuan, poverty.histogram_max_yuan) == (
        7000, 1000, 30000)


def test_a_city_sets_its_own_threshold(tmp_path: Path) -> None:
    poverty = _load(tmp_path, "poverty:\n  threshold_yuan_per_person: 7300\n  histogram_bin_yuan: 500\n").poverty
    assert poverty.threshold_yuan_per_person == 7300 and poverty.histogram_bin_yuan == 500


@pytest.mark.parametrize(("text", "key"), [
    ("poverty:\n  threshold_yuan_per_person: 0\n", "poverty.threshold_yuan_per_person"),
    ("poverty:\n  threshold_yuan_per_person: '7000'\n", "poverty.threshold_yuan_per_person"),
    ("poverty:\n  threshold_yuan_per_person: true\n", "poverty.threshold_yuan_per_person"),
    ("poverty:\n  histogram_bin_yuan: -5\n", "poverty.histogram_bin_yuan"),
    ("poverty:\n  histogram_max_yuan: 500\n", "poverty.histogram_max_yuan"),  # below one bin
    ("poverty:\n  histogram_bin_yuan: 10\n", "poverty.histogram_max_yuan"),  # 3,000 bins
    ("poverty:\n  threshold: 7000\n", "poverty.threshold"),  # unknown key
])
def test_a_bad_value_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        _load(tmp_path, text)
