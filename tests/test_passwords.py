"""The password policy (core/passwords.py) and where it applies: CLI, COCKPIT_ADMIN_PASSWORD at start."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config_checks import ConfigError
from core.i18n import t
from core.passwords import COMMON_PASSWORDS, MIN_LENGTH, WeakPassword, check_password
from datasources.appdb import AppDB
from datasources.users import get_user, verify_password
from tests.conftest import ADMIN_PASSWORD
from web.auth import ensure_admin

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("password, username", [
    (ADMIN_PASSWORD, "admin"),            # the tests' admin password: contains "admin", but is not built on it
    ("Cockpit-Demo-2026", "admin"),       # the README's example
    ("ALICE-river-1987", "alice"),
    ("长城-Great-Wall-8", "wang"),
    ("correct horse battery", "staple"),  # spaces are printable
    ("x" * 128, "bob"),
])
def test_good_passwords_pass(password: str, username: str) -> None:
    check_password(password, username)


@pytest.mark.parametrize("password, username, key", [
    ("", "bob", "password.too_short"),
    ("Short-pw1", "bob", "password.too_short"),          # 9 characters
    ("change-me", "admin", "password.too_short"),        # the README's old example
    ("x" * 129, "bob", "password.too_long"),
    ("Alice2024!!", "alice", "password.contains_name"),  # case-insensitive
    ("li12345678", "li", "password.contains_name"),      # only digits left without the name
    ("wang-password123", "wang", "password.contains_name"),
    ("admin12345", "admin", "password.contains_name"),
    ("password123", "bob", "password.common"),
    ("12345678910", "bob", "password.common"),
    ("admin12345", "bob", "password.common"),
    ("QWERTYUIOP", "bob", "password.common"),            # case-insensitive
    ("tab\tin-the-middle", "bob", "password.unprintable"),
    ("lone-\ud800-surrogate", "bob", "password.unprintable"),
])
def test_weak_passwords_are_refused_with_a_reason(password: str, username: str, key: str) -> None:
    with pytest.raises(WeakPassword) as caught:
        check_password(password, username)
    assert caught.value.key == key
    assert str(caught.value) == t(key, "en", **caught.value.values)
    assert caught.value.text("zh") != caught.value.text("en")


def test_non_text_is_refused() -> None:
    with pytest.raises(WeakPassword):
        check_password(None, "bob")


def test_the_common_list() -> None:
    assert len(COMMON_PASSWORDS) >= 50
    assert {"password123", "12345678910", "admin12345", "qwertyuiop"} <= COMMON_PASSWORDS
    assert all(p == p.casefold() for p in COMMON_PASSWORDS)
    assert MIN_LENGTH == 10


def test_readme_example_passes_the_policy() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "COCKPIT_ADMIN_PASSWORD=" in line)
    password = line.split("COCKPIT_ADMIN_PASSWORD=", 1)[1].split()[0].strip("'\"")
    check_password(password, "admin")


def test_weak_admin_password_stops_ensure_admin(tmp_path: Path) -> None:
    appdb = AppDB(f"sqlite:///{tmp_path}/app.db")
    appdb.migrate()
    with pytest.raises(ConfigError, match="COCKPIT_ADMIN_PASSWORD") as caught:
        ensure_admin(appdb, "short")
    assert "10" in str(caught.value)
    assert get_user(appdb.engine, "admin") is None


def test_weak_admin_password_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    config_file = tmp_path / "empty.yaml"
    config_file.write_text("", encoding="utf-8")
    env = {**os.environ, "COCKPIT_CONFIG": str(config_file), "COCKPIT_ADMIN_PASSWORD": "admin123",
           "COCKPIT_APP_DB_URL": f"sqlite:///{tmp_path}/app.db",
           "COCKPIT_WAREHOUSE_URL": f"sqlite:///{tmp_path}/none.db"}  # not the demo default: nothing is built
    result = subprocess.run([sys.executable, "app.py"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "COCKPIT_ADMIN_PASSWORD" in result.stderr
    assert "at least 10 characters" in result.stderr and "Traceback" not in result.stderr


def run_users(tmp_path: Path, *args: str, password: str) -> subprocess.CompletedProcess:
    config_file = tmp_path / "empty.yaml"
    config_file.write_text("", encoding="utf-8")
    env = {**os.environ, "COCKPIT_APP_DB_URL": f"sqlite:///{tmp_path}/app.db", "COCKPIT_CONFIG": str(config_file),
           "COCKPIT_NEW_USER_PASSWORD": password}
    return subprocess.run([sys.executable, "-m", "cli.users", *args], cwd=PROJECT_DIR, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                          start_new_session=True)


def test_cli_applies_the_policy(tmp_path: Path) -> None:
    weak = run_users(tmp_path, "add", "wang", "--role", "leader", password="wang123456")
    assert weak.returncode == 2
    assert t("password.contains_name", "zh", rest=8) in weak.stderr
    assert run_users(tmp_path, "add", "wang", "--role", "leader", password="Yellow-River-9").returncode == 0
    common = run_users(tmp_path, "passwd", "wang", password="password123")
    assert common.returncode == 2 and t("password.common", "zh") in common.stderr
    assert run_users(tmp_path, "passwd", "wang", password="Fen-River-2026").returncode == 0
    appdb = AppDB(f"sqlite:///{tmp_path}/app.db")
    assert verify_password(appdb.engine, "wang", "Fen-River-2026") is not None
    assert get_user(appdb.engine, "wang").session_version == 1
