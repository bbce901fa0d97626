"""Annotations (issue 14): the app-database module, and the API with its permissions, scope and audit."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from core.annotations import MAX_TEXT, check_period, check_text
from core.audit import ANNOTATION_ADDED, ANNOTATION_CHANGED
from core.config import Config
from datasources.annotations import NotAuthor, add_annotation, edit_annotation, list_annotations
from datasources.appdb import AppDB
from datasources.audit import search_audit
from datasources.users import upsert_user
from tests.conftest import ADMIN_PASSWORD, ENGINES, sign_in_as, throwaway_pg_database
from tests.economy_warehouse import CITY, LISHI, XIAOYI, build_economy_warehouse

URL = "/api/v1/annotations"


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """A migrated app database on SQLite and on a throwaway PostgreSQL database, with two analysts."""
    with ExitStack() as stack:
        url = (f"sqlite:///{tmp_path}/app.db" if request.param == "sqlite"
               else stack.enter_context(throwaway_pg_database("cockpit_test_notes")))
        appdb = AppDB(url)
        appdb.migrate()
        for name in ("ana", "bob"):
            upsert_user(appdb.engine, name, ADMIN_PASSWORD, "analyst", None)
        yield appdb.engine
        appdb.engine.dispose()


def test_store_list_and_edit_by_author_only(engine: sa.Engine) -> None:
    first = add_annotation(engine, indicator_code="GDP", region_code=None, period="2026-06", text="政策出台",
                           author="ana", address="10.0.0.1")
    add_annotation(engine, indicator_code="GDP", region_code=LISHI, period="2026-03", text="暴雨", author="bob")
    add_annotation(engine, indicator_code="GDP", region_code=XIAOYI, period="2026-04", text="别处", author="bob")
    add_annotation(engine, indicator_code="RETAIL", region_code=None, period="2026-01", text="另一个指标",
                   author="ana")
    assert first["created_by"] == "ana" and first["period"] == "2026-06" and first["region_code"] is None
    # 离石区 sees its own note and the one for every region, oldest period first.
    mine = list_annotations(engine, indicator_code="GDP", region_code=LISHI)
    assert [n["text"] for n in mine] == ["暴雨", "政策出台"]
    assert len(list_annotations(engine, indicator_code="GDP")) == 3 and len(list_annotations(engine)) == 4
    changed = edit_annotation(engine, first["id"], editor="ana", text="政策出台（修订）", period="2026-07")
    assert (changed["text"], changed["period"]) == ("政策出台（修订）", "2026-07")
    with pytest.raises(NotAuthor):
        edit_annotation(engine, first["id"], editor="bob", text="不是我的")
    with pytest.raises(LookupError):
        edit_annotation(engine, 9999, editor="ana", text="x")
    events = search_audit(engine, actor="ana")
    assert [e.action for e in events] == [ANNOTATION_CHANGED, ANNOTATION_ADDED, ANNOTATION_ADDED]
    added = next(e for e in events if e.action == ANNOTATION_ADDED and e.object == f"annotation:{first['id']}")
    assert added.address == "10.0.0.1" and "政策出台" in added.detail
    assert not [e for e in search_audit(engine, actor="bob") if e.action == ANNOTATION_CHANGED]


def test_checks() -> None:
    assert check_period("2026-09") == "2026-09" and check_text("  note ") == "note"
    for bad in ("2026-13", "2026-9", None, 202609):
        with pytest.raises(ValueError):
            check_period(bad)
    for bad in ("", "   ", "x" * (MAX_TEXT + 1), None, 5, "a\x00b"):
        with pytest.raises(ValueError):
            check_text(bad)
    assert check_text("x" * MAX_TEXT) == "x" * MAX_TEXT


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("annotations")
    url = f"sqlite:///{folder}/wh.db"
    build_economy_warehouse(url)
    config = Config(warehouse_url=url, build_demo_if_missing=False, app_db_url=f"sqlite:///{folder}/app.db",
                    admin_password=ADMIN_PASSWORD, secret_key="test-secret", statement_timeout_s=10,
                    prewarm_cache=False)
    return create_app(config).server.test_client()


def test_api_add_list_edit_and_audit(client) -> None:
    sign_in_as(client, "analyst")
    response = client.post(URL, json={"indicator_code": "GDP", "region_code": CITY, "period": "2026-06",
                                      "text": " 出台稳增长政策 "})
    assert response.status_code == 201, response.get_json()
    note = response.get_json()
    assert (note["text"], note["created_by"], note["region_code"]) == ("出台稳增长政策", "analyst", CITY)
    listed = client.get(f"{URL}?indicator=GDP&region={CITY}").get_json()["annotations"]
    assert note["id"] in [n["id"] for n in listed]
    # A note on the city is not one of 离石区's.
    below = client.get(f"{URL}?indicator=GDP&region={LISHI}").get_json()["annotations"]
    assert note["id"] not in [n["id"] for n in below]
    edited = client.patch(f"{URL}/{note['id']}", json={"text": "稳增长政策出台"})
    assert edited.status_code == 200 and edited.get_json()["text"] == "稳增长政策出台"
    engine = client.application.extensions["cockpit"].appdb.engine
    actions = {(e.action, e.object) for e in search_audit(engine, actor="analyst")}
    assert {(ANNOTATION_ADDED, f"annotation:{note['id']}"), (ANNOTATION_CHANGED, f"annotation:{note['id']}")} <= actions
    # Another analyst may read it but not change it.
    sign_in_as(client, "analyst", username="other-analyst")
    assert client.patch(f"{URL}/{note['id']}", json={"text": "改"}).status_code == 403
    assert client.patch(f"{URL}/99999", json={"text": "改"}).status_code == 404


@pytest.mark.parametrize(("body", "words"), [
    ({"indicator_code": "NOPE", "period": "2026-06", "text": "x"}, "unknown indicator"),
    ({"indicator_code": "GDP", "period": "2026-13", "text": "x"}, "period"),
    ({"indicator_code": "GDP", "period": "2026-06", "text": ""}, "text"),
    ({"indicator_code": "GDP", "period": "2026-06", "text": "x" * 501}, "text"),
    ({"indicator_code": "GDP", "period": "2026-06", "text": "x", "region_code": "12"}, "region_code"),
    ({"indicator_code": "GDP", "period": "2026-06", "text": "x", "region_code": "141199"}, "unknown region"),
    ({"indicator_code": ["GDP"], "period": "2026-06", "text": "x"}, "indicator_code"),
    ([1, 2], "JSON object"),
])
def test_api_refuses_bad_notes(client, body: object, words: str) -> None:
    sign_in_as(client, "analyst")
    response = client.post(URL, json=body)
    assert response.status_code == 400, response.get_json()
    assert words in response.get_json()["error"]["message"]


def test_api_permissions_and_scope(client) -> None:
    note = {"indicator_code": "GDP", "period": "2026-06", "text": "x"}
    for role in ("duty_officer", "admin"):
        sign_in_as(client, role)
        assert client.post(URL, json=note).status_code == 403
        assert client.get(f"{URL}?indicator=GDP").status_code == 200
    sign_in_as(client, "leader")  # leaders and analysts mark events (issue 14)
    assert client.post(URL, json=note).status_code == 201
    sign_in_as(client, "screen")
    assert client.get(f"{URL}?indicator=GDP").status_code == 403
    # A county analyst writes for their county only; without a region the note is theirs.
    sign_in_as(client, "analyst", XIAOYI)
    assert client.post(URL, json=note | {"region_code": LISHI}).status_code == 403
    mine = client.post(URL, json=note)
    assert mine.status_code == 201 and mine.get_json()["region_code"] == XIAOYI
    assert client.get(f"{URL}?region={LISHI}").status_code == 403
    assert client.get(f"{URL}?indicator=NOPE").status_code == 404
