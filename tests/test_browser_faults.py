"""Faults seen in a real browser: a missing table, and a warehouse that goes away and comes back."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.browser import console_errors, start_signed_in
from tests.tiny_warehouse import build_tiny_warehouse

pytestmark = pytest.mark.browser

FAST_TTL = {"regions": 1, "indicators": 1, "alerts": 1, "projects": 1, "quality": 1, "status": 1}


def test_missing_table_is_named_and_other_panels_work(dash_duo, tmp_path: Path, make_config) -> None:
    url = f"sqlite:///{tmp_path}/no-alerts.db"
    build_tiny_warehouse(url, without=("fact_alert",))
    start_signed_in(dash_duo, make_config(url))
    dash_duo.wait_for_contains_text("#overview-alerts", "fact_alert", timeout=20)
    assert "数据仓库缺少 fact_alert" in dash_duo.find_element("#overview-alerts").text
    dash_duo.wait_for_text_to_equal("#overview-kpis .kpi-value", "1,500.0", timeout=20)
    dash_duo.wait_for_contains_text("#overview-projects", "正常推进")
    assert console_errors(dash_duo) == []


def test_outage_banner_shows_last_data_and_recovers(dash_duo, tmp_path: Path, make_config) -> None:
    path = tmp_path / "wh.db"
    build_tiny_warehouse(f"sqlite:///{path}")
    app = start_signed_in(dash_duo, make_config(f"sqlite:///{path}", status_refresh_s=1, cache_ttl_s=FAST_TTL))
    dash_duo.wait_for_contains_text("#app-data-as-of", "2026-11-21 12:00", timeout=20)
    assert "banner-hidden" in dash_duo.find_element("#app-banner").get_attribute("class")
    # Pooled connections would keep the moved file open; a real outage breaks them too.
    app.server.extensions["cockpit"].warehouse.engine.dispose()
    shutil.move(path, tmp_path / "away.db")
    dash_duo.wait_for_contains_text("#app-banner", "数据仓库无法连接", timeout=15)
    assert "2026-11-21 12:00" in dash_duo.find_element("#app-banner").text  # the last good time
    assert dash_duo.find_element("#overview-kpis .kpi-value").text == "1,500.0"  # data still shown
    shutil.move(tmp_path / "away.db", path)
    dash_duo.wait_for_class_to_equal("#app-banner", "banner-hidden", timeout=15)
