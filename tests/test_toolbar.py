"""Plotly's chart toolbar: no action that sends a chart to an internet service; Chinese labels."""
from __future__ import annotations

from pathlib import Path

import pytest

from components.economy import graph_config
from core.i18n import use_language
from tests.browser import console_errors, start_signed_in, wait_live
from tests.economy_warehouse import build_economy_warehouse


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_config_offers_no_cloud_action(lang: str) -> None:
    use_language(lang)
    try:
        config = graph_config("file")
    finally:
        use_language("zh")
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert {"sendChartToCloud", "sendDataToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])
    assert config["displaylogo"] is False
    assert config["locale"] == {"zh": "zh-CN", "en": "en"}[lang]


@pytest.mark.browser
def test_no_toolbar_in_the_browser_offers_a_cloud_action(dash_duo, make_config, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/econ.db"
    build_economy_warehouse(url)
    start_signed_in(dash_duo, make_config(url), "/economy/141100?indicator=GDP", role="leader")
    driver = dash_duo.driver
    dash_duo.wait_for_element(".economy-graph .modebar", timeout=30)

    def titles(d) -> list[str]:
        found = d.execute_script(
            "return [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
        return found if found else False

    labels = wait_live(driver, titles, 20)
    assert not [t for t in labels if t and ("cloud" in t.lower() or "share" in t.lower() or "studio" in t.lower())]
    # plotly's own zh-CN locale, served from assets/, words the toolbar in Chinese.
    assert "下载图表为PNG格式" in labels or "下载图表" in labels, labels
    assert console_errors(dash_duo) == []
