"""Key projects on the hand-made warehouse (tests/projects_warehouse.py), SQLite and PostgreSQL:
states, investment against plan, the red list, bad rows counted, one project's detail."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask_caching.backends import SimpleCache

from core.errors import OutOfScope
from core.projects import UnknownProject, days_late, is_project_code, milestone_status
from datasources.projects import count_by_state, project_milestones
from datasources.warehouse import Warehouse
from services.projects import Filters, load_projects, portfolio, project_detail, select_projects
from tests.conftest import ENGINES, built_warehouse
from tests.projects_warehouse import (
    EXPECTED_BY_CATEGORY,
    EXPECTED_BY_COUNTY,
    EXPECTED_BY_LEVEL,
    EXPECTED_INVESTMENT,
    EXPECTED_RED_LIST,
    EXPECTED_SKIPPED,
    EXPECTED_STATES,
    EXPECTED_STATES_LISHI,
    LATEST_NOTE,
    LISHI,
    XIAOYI,
    build_projects_warehouse,
)

TODAY = date(2026, 11, 22)
TTL = {"regions": 60, "indicators": 60, "alerts": 60, "projects": 60, "quality": 60, "status": 60}


@pytest.fixture(params=ENGINES, scope="module")
def wh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    with built_warehouse(request.param, build_projects_warehouse, tmp_path_factory, "projects") as url:
        warehouse = Warehouse(url, cache=SimpleCache(), ttl_s=TTL, stale_keep_s=3600, statement_timeout_s=10)
        yield warehouse
        warehouse.engine.dispose()


def _projects(wh: Warehouse, scope: str | None = None):
    return load_projects(wh, scope, TODAY, 5, 15)


def test_states_and_bad_rows_match_the_hand_count(wh: Warehouse) -> None:
    projects = _projects(wh)
    assert count_by_state(projects) == EXPECTED_STATES
    assert projects.attrs["skipped"] == EXPECTED_SKIPPED
    by_code = projects.set_index("project_code")
    assert by_code.loc["P03", "lag_pts"] == pytest.approx(30.0)
    assert by_code.loc["P08", "state"] is None or str(by_code.loc["P08", "state"]) == "<NA>"
    assert bool(by_code.loc["P07", "bad_dates"]) and not bool(by_code.loc["P01", "bad_dates"])
    assert list(projects.loc[projects["overdue"], "project_code"]) == ["P04"]
    assert count_by_state(_projects(wh, LISHI)) == EXPECTED_STATES_LISHI


def test_portfolio_investment_and_red_list(wh: Warehouse) -> None:
    folio = portfolio(_projects(wh), TODAY)
    inv = folio.investment
    assert (inv["planned_investment_cum"], inv["actual_investment_cum"], inv["projects"]) == (
        EXPECTED_INVESTMENT["planned"], EXPECTED_INVESTMENT["actual"], EXPECTED_INVESTMENT["projects"])
    assert inv["pct"] == pytest.approx(EXPECTED_INVESTMENT["pct"])
    for group, expected in (("category", EXPECTED_BY_CATEGORY), ("county", EXPECTED_BY_COUNTY),
                            ("level", EXPECTED_BY_LEVEL)):
        table = folio.groups[group].set_index("key")
        assert set(table.index) == set(expected), group
        for key, (planned, actual) in expected.items():
            assert table.loc[key, "planned_investment_cum"] == pytest.approx(planned)
            assert table.loc[key, "actual_investment_cum"] == pytest.approx(actual)
            assert table.loc[key, "pct"] == pytest.approx(actual / planned * 100)
    assert folio.groups["county"].set_index("key").loc[XIAOYI, "pct"] == pytest.approx(2260 / 2800 * 100)
    assert list(folio.red_list["project_code"]) == EXPECTED_RED_LIST
    assert list(folio.red_list["days_overdue"]) == [0, 0, (TODAY - date(2026, 6, 30)).days]


def test_filters(wh: Warehouse) -> None:
    projects = _projects(wh)

    def codes(**kw: str) -> list[str]:
        return sorted(select_projects(projects, Filters(**kw))["project_code"])
    assert codes(county=LISHI) == ["P01", "P02", "P06", "P07", "P09"]
    assert codes(category="industry") == ["P04", "P05"]
    assert codes(level="provincial") == ["P03", "P08"]
    assert codes(state="overdue") == ["P04"]
    assert codes(state="seriously_lagging", county=XIAOYI) == ["P03"]
    assert codes(dept="水利局") == ["P02", "P08"]
    assert codes(county=XIAOYI, category="water", level="provincial", dept="水利局") == ["P08"]


def test_project_detail_history_milestones_and_note(wh: Warehouse) -> None:
    detail = project_detail(wh, "P03", None, TODAY, 5, 15)
    assert detail.project["state"] == "seriously_lagging"
    assert list(detail.history["period"]) == ["2026-08", "2026-09", "2026-10"]
    assert list(detail.history["actual_progress_pct"]) == [30.0, 35.0, 40.0]
    assert (detail.note, detail.note_period) == (LATEST_NOTE[2], LATEST_NOTE[1])
    assert list(detail.milestones["status"]) == ["done", "done_late", "late", "open"]
    assert list(detail.milestones["days_late"])[:3] == [None, 15, (TODAY - date(2026, 9, 30)).days]
    plain = project_detail(wh, "P01", None, TODAY, 5, 15)  # no milestones, a history row below 0
    assert plain.milestones.empty and plain.note is None
    assert plain.skipped["out_of_range"] == 1
    assert list(plain.history["valid"]) == [False, True]
    assert project_detail(wh, "P07", None, TODAY, 5, 15).skipped["bad_dates"] == 1
    with pytest.raises(UnknownProject):
        project_detail(wh, "NOPE", None, TODAY, 5, 15)
    with pytest.raises(OutOfScope):
        project_detail(wh, "P03", LISHI, TODAY, 5, 15)
    assert project_milestones(wh, "P09").empty


def test_rules() -> None:
    assert milestone_status(date(2026, 1, 1), None, TODAY) == "late"
    assert milestone_status(date(2027, 1, 1), None, TODAY) == "open"
    assert milestone_status(date(2026, 1, 1), date(2026, 1, 1), TODAY) == "done"
    assert milestone_status(None, None, TODAY) == "open"
    assert days_late(date(2026, 11, 20), None, TODAY) == 2
    assert days_late(date(2026, 11, 20), date(2026, 11, 10), TODAY) is None
    for good in ("P01", "LLXM-001", "项目_1.a"):
        assert is_project_code(good)
    for bad in ("", "a b", "x" * 65, "1'; DROP", None, 1, "\u0000", "-a"):
        assert not is_project_code(bad)
