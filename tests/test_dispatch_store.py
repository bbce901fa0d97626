"""Dispatch orders in the app database (datasources/dispatch.py) on SQLite and PostgreSQL, and their rules."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import throwaway_pg_database

from core.dispatch_rules import UnknownDispatch, check_order, check_step, is_overdue, next_statuses, parse_deadline
from core.errors import InvalidAction
from datasources.appdb import AppDB
from datasources.dispatch import events, issue_order, orders, set_status, targets
from datasources.users import upsert_user

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_steps_follow_one_another_or_cancel() -> None:
    assert next_statuses("issued") == ("received", "cancelled")
    assert next_statuses("on_site") == ("done", "cancelled")
    assert next_statuses("done") == next_statuses("cancelled") == next_statuses("bogus") == ()
    check_step("en_route", "on_site")
    with pytest.raises(InvalidAction) as conflict:
        check_step("done", "en_route")
    assert conflict.value.conflict and conflict.value.values == {"current": "done", "status": "en_route"}
    with pytest.raises(InvalidAction) as bad:
        check_step("issued", "teleported")
    assert not bad.value.conflict


def test_overdue_and_the_order_input() -> None:
    due = NOW + timedelta(minutes=30)
    assert not is_overdue("issued", due, NOW) and is_overdue("issued", due, NOW + timedelta(minutes=31))
    assert not is_overdue("done", due, NOW + timedelta(days=1)) and not is_overdue("issued", None, NOW)
    assert check_order(["A", "A", "B"], None, " go ", due, NOW) == (["A", "B"], [], "go", due)
    for args in ((["A"], [], "go", NOW), ([], [], "go", due), (["A"], [], "", due), (["A b"], [], "go", due)):
        with pytest.raises(InvalidAction):
            check_order(*args, now=NOW)
    assert parse_deadline("2026-12-01T18:00:00+08:00") == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert parse_deadline("2026-12-01T18:00") is None and parse_deadline(5) is None


@pytest.fixture(scope="module")
def pg_server_url() -> Iterator[str]:
    with throwaway_pg_database("cockpit_test_dispatch") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.Engine]:
    """A migrated app database with the user `wang`."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/app.db"
    else:
        url = request.getfixturevalue("pg_server_url")
    db = AppDB(url)
    db.migrate()
    upsert_user(db.engine, "wang", "Yellow-River-2026", "duty_officer")
    yield db.engine
    if request.param == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    db.engine.dispose()


def _issue(engine: sa.Engine, request_id: str = "req-00000001", alert_id: str = "A1"):
    return issue_order(engine, alert_id=alert_id, departments=[("XFZD", "消防救援支队"), ("WJW", "卫健委")],
                       resources=[("R0", "救援队")], instruction="赶赴现场", deadline=NOW + timedelta(hours=1),
                       username="wang", request_id=request_id, address="10.0.0.5")


def test_an_order_is_stored_whole_and_once(engine: sa.Engine) -> None:
    first = _issue(engine)
    assert not first.duplicate and _issue(engine).dispatch_id == first.dispatch_id and _issue(engine).duplicate
    row = orders(engine, alert_ids=["A1"]).iloc[0]
    assert (row["status"], row["dept_code"], row["created_by"], row["deadline"]) == \
        ("issued", "XFZD", "wang", NOW + timedelta(hours=1))
    assert targets(engine, [first.dispatch_id])[["kind", "code", "name"]].values.tolist() == [
        ["dept", "XFZD", "消防救援支队"], ["dept", "WJW", "卫健委"], ["resource", "R0", "救援队"]]
    with pytest.raises(InvalidAction):  # the same request id for another alert
        _issue(engine, alert_id="A2")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM dispatch_order").scalar() == 1


def test_steps_are_recorded_with_who_and_when(engine: sa.Engine) -> None:
    oid = _issue(engine).dispatch_id
    for n, step in enumerate(("received", "en_route", "on_site", "done")):
        assert not set_status(engine, oid, step, "wang", request_id=f"step-{n:06d}").duplicate
    assert set_status(engine, oid, "done", "wang", request_id="step-000003").duplicate  # a replay
    with pytest.raises(InvalidAction):
        set_status(engine, oid, "en_route", "wang", request_id="step-000009")
    with pytest.raises(UnknownDispatch):
        set_status(engine, 999, "received", "wang", request_id="step-000010")
    history = events(engine, [oid])
    assert history["status"].tolist() == ["issued", "received", "en_route", "on_site", "done"]
    assert history["at"].is_monotonic_increasing and set(history["username"]) == {"wang"}
    assert orders(engine, dispatch_id=oid, open_only=True).empty


def test_two_officers_taking_the_same_step_at_once_record_it_once(engine: sa.Engine) -> None:
    oid = _issue(engine).dispatch_id
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def take(n: int) -> None:
        barrier.wait()
        try:
            set_status(engine, oid, "received", "wang", request_id=f"race-{n:06d}")
            outcomes.append("ok")
        except InvalidAction as exc:
            outcomes.append("conflict" if exc.conflict else "bad")

    threads = [threading.Thread(target=take, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert events(engine, [oid])["status"].tolist() == ["issued", "received"]
