"""Config: defaults, YAML, environment overrides, and errors that name the bad key."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import DEMO_WAREHOUSE_URL, load_config
from core.config_checks import ConfigError


def write(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return {"COCKPIT_CONFIG": str(path)}


def test_defaults_run_the_embedded_demo(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.warehouse_url == DEMO_WAREHOUSE_URL
    assert config.uses_demo_warehouse
    assert config.language == "zh" and config.theme == "dark"
    assert config.cache_url is None
    assert config.alert_ack_limit_min == {1: 5.0, 2: 15.0}


def test_the_shipped_config_yaml_is_valid() -> None:
    config = load_config({})
    assert config.port == 8050


def test_environment_overrides_and_secrets(tmp_path: Path) -> None:
    env = write(tmp_path, "server: {port: 9000}\n") | {
        "COCKPIT_WAREHOUSE_URL": "postgresql+psycopg://u:secret@db/w",
        "COCKPIT_PORT": "9100", "COCKPIT_SECRET_KEY": "k", "COCKPIT_ADMIN_PASSWORD": "pw",
        "COCKPIT_CACHE_URL": "redis://127.0.0.1:6379/0"}
    config = load_config(env)
    assert config.port == 9100
    assert config.warehouse_url.endswith("@db/w") and not config.uses_demo_warehouse
    assert (config.secret_key, config.admin_password) == ("k", "pw")
    assert config.cache_url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(("text", "key"), [
    ("ui: {language: fr}\n", "ui.language"),
    ("ui: {colour: red}\n", "ui.colour"),
    ("server: {port: 70000}\n", "server.port"),
    ("city: {region_code: 141100}\n", "city.region_code"),
    ("warehouse: {url: 'postgresql://u:pw@h/db'}\n", "warehouse.url"),
    ("warehouse: {tables: {fact_x: y}}\n", "warehouse.tables.fact_x"),
    ("cache: {ttl_s: {alerts: -1}}\n", "cache.ttl_s.alerts"),
    ("rules: {project_lag_pts: {lagging: 20, seriously_lagging: 10}}\n", "rules.project_lag_pts.seriously_lagging"),
    ("rules: {alert_ack_limit_min: {7: 5}}\n", "rules.alert_ack_limit_min.7"),
    ("ui: {timezone: Mars/Olympus}\n", "ui.timezone"),
    ("ui: [1, 2]\n", "ui"),
])
def test_invalid_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert str(info.value).startswith(key)


def test_bad_port_from_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="COCKPIT_PORT"):
        load_config(write(tmp_path, "") | {"COCKPIT_PORT": "eighty"})


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="COCKPIT_CONFIG"):
        load_config({"COCKPIT_CONFIG": str(tmp_path / "nope.yaml")})
