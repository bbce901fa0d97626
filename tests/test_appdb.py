"""The application database on SQLite and on a throwaway PostgreSQL database."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from conftest import throwaway_pg_database
from sqlalchemy.exc import IntegrityError

from datasources import appdb as appdb_module
from datasources.appdb import MIGRATIONS, AppDB, Migration, UtcDateTime
from datasources.audit import audit
from datasources.users import User, get_user, list_users, set_disabled, upsert_user, verify_password


@pytest.fixture(scope="module")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this module (skips, or fails under CI=true, without one)."""
    with throwaway_pg_database("cockpit_test_appdb") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty application database URL, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/nested/app.db"
        return
    server_url = request.getfixturevalue("pg_server_url")
    yield server_url
    # Tests share the module's database; leave it empty for the next one.
    engine = sa.create_engine(server_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[AppDB]:
    """A migrated AppDB."""
    appdb = AppDB(db_url)
    appdb.migrate()
    yield appdb
    appdb.engine.dispose()


def test_sqlite_creates_folder_and_sets_pragmas(tmp_path) -> None:
    appdb = AppDB(f"sqlite:///{tmp_path}/a/b/app.db")
    appdb.migrate()
    assert (tmp_path / "a" / "b" / "app.db").is_file()
    with appdb.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    appdb.engine.dispose()


def test_migrate_is_idempotent(db_url: str) -> None:
    appdb = AppDB(db_url)
    assert appdb.schema_version() == 0
    assert appdb.migrate() == len(MIGRATIONS)
    assert appdb.migrate() == len(MIGRATIONS)
    assert appdb.schema_version() == len(MIGRATIONS)
    with appdb.engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT version FROM schema_version ORDER BY version").scalars().all()
        tables = set(sa.inspect(conn).get_table_names())
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert {"schema_version", "app_user", "audit_log", "app_setting", "alert_action",
            "dispatch_order"} <= tables
    assert appdb.ping()
    appdb.engine.dispose()


def test_concurrent_migrate(db_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            AppDB(db_url).migrate()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AppDB(db_url).schema_version() == len(MIGRATIONS)


def test_upgrade_keeps_data(db: AppDB, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    upsert_user(db.engine, "alice", "s3cret", "leader", "110105", "Alice")
    audit(db.engine, "alice", "login")

    def add_phone(conn: sa.Connection) -> None:
        conn.exec_driver_sql("ALTER TABLE app_user ADD COLUMN phone VARCHAR(32)")

    fake = Migration(len(MIGRATIONS) + 1, "fake: user phone", add_phone)
    monkeypatch.setattr(appdb_module, "MIGRATIONS", [*MIGRATIONS, fake])
    upgraded = AppDB(db_url)
    assert upgraded.migrate() == fake.version
    assert upgraded.migrate() == fake.version
    assert verify_password(upgraded.engine, "alice", "s3cret") == User("alice", "leader", "110105", "Alice", False)
    with upgraded.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT phone FROM app_user").scalar() is None
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() == 1
    upgraded.engine.dispose()


def test_failed_migration_rolls_back(db: AppDB, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    monkeypatch.setattr(appdb_module, "MIGRATIONS",
                        [*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "broken", broken)])
    with pytest.raises(RuntimeError, match="boom"):
        AppDB(db_url).migrate()
    assert db.schema_version() == len(MIGRATIONS)
    with db.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("half_done")


def test_database_newer_than_code_is_refused(db: AppDB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appdb_module, "MIGRATIONS", MIGRATIONS[:-1] if len(MIGRATIONS) > 1 else [])
    with pytest.raises(RuntimeError, match="newer than this cockpit"):
        db.migrate()


def test_users(db: AppDB) -> None:
    created = upsert_user(db.engine, "alice", "first-pw", "analyst", display_name="Alice")
    assert created == User("alice", "analyst", None, "Alice", False)
    assert verify_password(db.engine, "alice", "first-pw") == created
    assert verify_password(db.engine, "alice", "wrong") is None
    assert verify_password(db.engine, "alice", "") is None
    assert verify_password(db.engine, "nobody", "first-pw") is None

    reset = upsert_user(db.engine, "alice", "second-pw", "duty_officer", "110105")
    # A new password, role and scope end the sessions signed in before (one step for the change).
    assert reset == User("alice", "duty_officer", "110105", "Alice", False, session_version=1)
    assert verify_password(db.engine, "alice", "first-pw") is None
    assert verify_password(db.engine, "alice", "second-pw") == reset
    assert upsert_user(db.engine, "alice", "second-pw", "duty_officer", "110105") == reset  # nothing changed

    set_disabled(db.engine, "alice", True)
    assert get_user(db.engine, "alice").disabled
    assert verify_password(db.engine, "alice", "second-pw") is None
    set_disabled(db.engine, "alice", False)
    assert verify_password(db.engine, "alice", "second-pw") == User("alice", "duty_officer", "110105", "Alice", False,
                                                             session_version=3)

    upsert_user(db.engine, "bob", "pw", "admin")
    assert [u.username for u in list_users(db.engine)] == ["alice", "bob"]
    assert get_user(db.engine, "carol") is None
    with pytest.raises(LookupError, match="carol"):
        set_disabled(db.engine, "carol", True)
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM app_user WHERE username = 'bob'").scalar()
    assert stored != "pw" and ":" in stored


@pytest.mark.parametrize("kwargs, message", [
    ({"role": "mayor"}, "invalid role 'mayor'"),
    ({"password": ""}, "password must not be empty"),
    ({"username": ""}, "invalid username"),
    ({"username": "a b"}, "invalid username"),
    ({"region_scope": "11"}, "invalid region scope"),
])
def test_bad_user_input(db: AppDB, kwargs: dict, message: str) -> None:
    values = {"username": "alice", "password": "pw", "role": "leader", **kwargs}
    with pytest.raises(ValueError, match=message):
        upsert_user(db.engine, **values)
    assert list_users(db.engine) == []


def test_audit(db: AppDB) -> None:
    before = datetime.now(UTC)
    audit(db.engine, "alice", "login", ip="10.0.0.7")
    audit(db.engine, None, "login_failed", "unknown user")
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT username, action, detail, ip FROM audit_log ORDER BY id").all()
        at = conn.execute(sa.select(sa.column("at", UtcDateTime()))
                          .select_from(sa.table("audit_log"))).scalars().first()
    assert [tuple(r) for r in rows] == [("alice", "login", "", "10.0.0.7"),
                                       (None, "login_failed", "unknown user", None)]
    assert at.tzinfo is not None and before <= at <= datetime.now(UTC)


def test_shared_secret_is_stable(db: AppDB, db_url: str) -> None:
    other = AppDB(db_url)
    first = db.shared_secret("session_secret")
    assert len(first) >= 32
    assert other.shared_secret("session_secret") == first
    assert db.shared_secret("another") != first
    other.engine.dispose()


def test_shared_secret_concurrent_first_calls(db: AppDB, db_url: str) -> None:
    results: list[str] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        appdb = AppDB(db_url)
        barrier.wait()
        results.append(appdb.shared_secret("race"))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1


def test_alert_action_request_id_is_unique(db: AppDB) -> None:
    upsert_user(db.engine, "duty", "pw", "duty_officer")
    insert = sa.text("INSERT INTO alert_action (alert_id, action, username, at, request_id) "
                     "VALUES (:alert_id, 'ack', 'duty', :at, :request_id)"
                     ).bindparams(sa.bindparam("at", type_=UtcDateTime()))
    values = {"alert_id": "A1", "at": datetime.now(UTC), "request_id": "req-1"}
    with db.engine.begin() as conn:
        conn.execute(insert, values)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(insert, {**values, "alert_id": "A2"})
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alert_action").scalar() == 1


def test_alert_action_needs_a_known_user(db: AppDB) -> None:
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO alert_action (alert_id, action, username, at, request_id) "
                             "VALUES ('A1', 'ack', 'ghost', :at, 'r')"
                             ).bindparams(sa.bindparam("at", type_=UtcDateTime())),
                     {"at": datetime.now(UTC)})


def test_ping_false_when_unreachable() -> None:
    assert AppDB("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2").ping() is False
