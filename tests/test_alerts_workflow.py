"""The alert lifecycle in the app database: transitions, idempotency, concurrency, combined status."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pandas as pd
import pytest
import sqlalchemy as sa
from conftest import throwaway_pg_database

from core.alert_lifecycle import check_action, combine_level, combine_status
from core.errors import InvalidAction
from datasources.alert_states import alert_action, alert_states, record_action, timeline
from datasources.appdb import AppDB
from datasources.users import upsert_user
from services.alerts import combine


@pytest.fixture(params=["sqlite", "postgresql"])
def appdb(request: pytest.FixtureRequest, tmp_path) -> Iterator[AppDB]:
    """A migrated app database with two officers, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        db = AppDB(f"sqlite:///{tmp_path}/app.db")
        context = None
    else:
        context = throwaway_pg_database("cockpit_test_alerts")
        db = AppDB(context.__enter__())
    db.migrate()
    for name in ("li", "wang"):
        upsert_user(db.engine, name, "pw", "duty_officer")
    yield db
    db.engine.dispose()
    if context is not None:
        context.__exit__(None, None, None)


def act(db: AppDB, action: str, request_id: str, user: str = "li", *, alert_id: str = "A1",
        warehouse_status: str = "new", warehouse_level: object = 2, **kwargs: object):
    return record_action(db.engine, alert_id, action, user, request_id=request_id,
                         warehouse_status=warehouse_status, warehouse_level=warehouse_level, **kwargs)


def test_combined_status_is_the_further_along() -> None:
    assert combine_status("new", None) == "new"
    assert combine_status("new", "acknowledged") == "acknowledged"
    assert combine_status("resolved", "acknowledged") == "resolved"
    assert combine_status("closed", "resolved") == "closed"
    assert combine_status("bogus", None) == "new"
    assert combine_level(3, 1) == 1
    assert combine_level(9, None) is None
    assert combine_level(pd.NA, 2) == 2


@pytest.mark.parametrize("action,status,kwargs,key", [
    ("acknowledge", "acknowledged", {}, "alerts.err.already_acknowledged"),
    ("resolve", "closed", {}, "alerts.err.not_from"),
    ("resolve", "resolved", {}, "alerts.err.not_from"),
    ("close", "closed", {}, "alerts.err.not_from"),
    ("assign", "resolved", {"dept_code": "XFZD"}, "alerts.err.not_from"),
    ("escalate", "new", {"new_level": 3}, "alerts.err.escalate_not_higher"),
    ("assign", "new", {}, "alerts.err.need_dept"),
    ("note", "new", {"note": "  "}, "alerts.err.need_note"),
    ("escalate", "new", {"new_level": 7}, "alerts.err.need_level"),
    ("dance", "new", {}, "alerts.err.unknown_action"),
])
def test_invalid_transitions_and_input_are_refused(action: str, status: str, kwargs: dict, key: str) -> None:
    with pytest.raises(InvalidAction) as caught:
        check_action(action, status, 2, **kwargs)
    assert caught.value.key == key
    assert caught.value.conflict == (key in {"alerts.err.already_acknowledged", "alerts.err.not_from",
                                             "alerts.err.escalate_not_higher"})


def test_lifecycle_is_stored_with_user_and_time(appdb: AppDB) -> None:
    before = datetime.now(UTC)
    assert act(appdb, "acknowledge", "req-ack").state["status"] == "acknowledged"
    escalated = act(appdb, "escalate", "req-esc", "wang", level=1).state
    assert escalated["level"] == 1 and escalated["status"] == "acknowledged"
    assigned = act(appdb, "assign", "req-assign", dept_code="XFZD", note="消防支队出动").state
    assert (assigned["status"], assigned["dept_code"]) == ("dispatched", "XFZD")
    act(appdb, "note", "req-note", "wang", note="现场已控制")
    resolved = act(appdb, "resolve", "req-resolve").state
    assert resolved["status"] == "resolved" and resolved["resolved_at"] >= before
    with pytest.raises(InvalidAction) as caught:
        act(appdb, "resolve", "req-resolve-again")
    assert caught.value.key == "alerts.err.not_from"
    assert act(appdb, "close", "req-close").state["status"] == "closed"

    steps = timeline(appdb.engine, "A1")
    assert steps["action"].tolist() == ["acknowledge", "escalate", "assign", "note", "resolve", "close"]
    assert steps["username"].tolist() == ["li", "wang", "li", "wang", "li", "li"]
    assert steps["note"].tolist()[2:4] == ["消防支队出动", "现场已控制"]
    assert all(at >= before for at in steps["at"])
    state = alert_states(appdb.engine, ["A1"]).iloc[0]
    assert (state["status"], state["level"], state["dept_code"], state["acknowledged_by"]) == \
        ("closed", 1, "XFZD", "li")


def test_warehouse_status_counts_in_validation(appdb: AppDB) -> None:
    with pytest.raises(InvalidAction):
        act(appdb, "resolve", "r-closed", warehouse_status="closed")
    # The refused action left nothing behind, not even an empty state row.
    assert alert_states(appdb.engine, ["A1"]).empty
    assert timeline(appdb.engine, "A1").empty


def test_same_request_id_counts_once(appdb: AppDB) -> None:
    first = act(appdb, "note", "req-double", note="一次")
    again = act(appdb, "note", "req-double", note="一次")
    assert (first.duplicate, again.duplicate) == (False, True)
    assert len(timeline(appdb.engine, "A1")) == 1
    with pytest.raises(InvalidAction) as caught:
        act(appdb, "note", "req-double", alert_id="A2", note="别的预警")
    assert caught.value.key == "alerts.err.request_reused"


def test_parallel_actions_on_one_alert(appdb: AppDB) -> None:
    """16 officers at once: 8 acknowledge, 8 add notes; then 8 replays of one request id."""
    start = threading.Barrier(16)

    def worker(i: int) -> str:
        start.wait()
        try:
            if i % 2:
                act(appdb, "note", f"note-{i}", "wang", note=f"第{i}条")
            else:
                act(appdb, "acknowledge", f"ack-{i}", "li")
            return "ok"
        except InvalidAction as exc:
            return exc.key

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(worker, range(16)))
    acks = [o for i, o in enumerate(outcomes) if i % 2 == 0]
    assert acks.count("ok") == 1
    assert acks.count("alerts.err.already_acknowledged") == 7
    assert [o for i, o in enumerate(outcomes) if i % 2] == ["ok"] * 8
    steps = timeline(appdb.engine, "A1")
    assert (steps["action"] == "acknowledge").sum() == 1
    assert sorted(steps.loc[steps["action"] == "note", "note"]) == sorted(f"第{i}条" for i in range(1, 16, 2))
    assert alert_states(appdb.engine, ["A1"]).iloc[0]["version"] == 9

    replay = threading.Barrier(8)

    def resend(_i: int) -> bool:
        replay.wait()
        return act(appdb, "resolve", "resolve-once").duplicate

    with ThreadPoolExecutor(8) as pool:
        duplicates = list(pool.map(resend, range(8)))
    assert duplicates.count(False) == 1
    with appdb.engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(alert_action)
                         .where(alert_action.c.request_id == "resolve-once")).scalar()
    assert n == 1


def test_combine_marks_overdue_by_level_limit() -> None:
    now = datetime(2026, 11, 21, 1, 10, tzinfo=UTC)
    alerts = pd.DataFrame({
        "alert_id": ["red-old", "red-young", "orange-old", "orange-acked", "yellow-old", "none"],
        "level": pd.array([1, 1, 2, 2, 3, pd.NA], dtype="Int64"),
        "status": ["new", "new", "new", "new", "new", "new"],
        # ages: 10 min, 4 min, 16 min, 16 min, 3 h, 3 h
        "occurred_at": ["2026-11-21T01:00:00Z", "2026-11-21T01:06:00Z", "2026-11-21T00:54:00Z",
                        "2026-11-21T00:54:00Z", "2026-11-20T22:10:00Z", "2026-11-20T22:10:00Z"],
    })
    states = pd.DataFrame({"alert_id": ["orange-acked"], "status": ["acknowledged"], "level": [None],
                           "dept_code": [None], "acknowledged_at": [now], "resolved_at": [None]})
    combined = combine(alerts, states, now, {1: 5, 2: 15}).set_index("alert_id")
    assert combined["overdue"].to_dict() == {"red-old": True, "red-young": False, "orange-old": True,
                                             "orange-acked": False, "yellow-old": False, "none": False}
    assert combined.loc["orange-acked", "status"] == "acknowledged"
    assert combined.loc["orange-acked", "warehouse_status"] == "new"
