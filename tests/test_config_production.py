"""The production section of the configuration: cache bounds, the WSGI server's threads, list paging."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.config_checks import ConfigError
from core.config_production import ProductionSettings


def _load(tmp_path: Path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config({"COCKPIT_CONFIG": str(path)})


def test_defaults() -> None:
    assert load_config({}).production == ProductionSettings(
        cache_max_entries=2000, last_good_per_input_s=3600, cache_retry_s=5.0, server_threads=16,
        api_page_size=100, api_max_page_size=500)


def test_values_from_the_file(tmp_path: Path) -> None:
    config = _load(tmp_path, "cache:\n  max_entries: 50\n  last_good_per_input_s: 0\n  retry_s: 0.5\n"
                             "server:\n  threads: 4\napi:\n  page_size: 20\n  max_page_size: 40\n")
    assert config.production == ProductionSettings(50, 0, 0.5, 4, 20, 40)
    assert config.stale_keep_s == 7 * 86400  # the core's key beside them is untouched


@pytest.mark.parametrize(("text", "key"), [
    ("cache:\n  max_entries: 5\n", "cache.max_entries"),
    ("cache:\n  max_entries: yes\n", "cache.max_entries"),
    ("cache:\n  last_good_per_input_s: -1\n", "cache.last_good_per_input_s"),
    ("cache:\n  retry_s: 0\n", "cache.retry_s"),
    ("server:\n  threads: 0\n", "server.threads"),
    ("api:\n  max_page_size: 0\n", "api.max_page_size"),
    ("api:\n  page_size: 600\n", "api.page_size"),  # above the default maximum of 500
    ("api:\n  page_size: 10\n  max_page_size: 5\n", "api.page_size"),
    ("api:\n  cursor: true\n", "api.cursor"),
])
def test_bad_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        _load(tmp_path, text)
