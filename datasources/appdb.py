"""The cockpit's own application database: the engine, the schema and its migrations, settings.

Separate from the warehouse, which the cockpit only reads. Works on SQLite (one file, for a
single host) and PostgreSQL (for several hosts). The schema is changed only by appending a
`Migration` to `MIGRATIONS`; never edit one that has shipped. What is stored in it is read and
written by its own modules: users (`datasources/users.py`), the audit log
(`datasources/audit.py`), alert actions (`datasources/alert_states.py`).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from datasources.engines import create_appdb_engine, lock_migrations

# What callers catch when the application database fails: they need not know it is SQLAlchemy.
AppDatabaseError = SQLAlchemyError


def utc_now() -> datetime:
    """The current time as an aware UTC datetime, the only kind the app database stores."""
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone, so without this the same column would read naive on SQLite
    and aware on PostgreSQL.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime for a UTC column; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@dataclass(frozen=True)
class Migration:
    """One schema change: `apply` runs inside the transaction that records `version`."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _migration_1(conn: Connection) -> None:
    # The schema of version 1, frozen here: later changes go in later migrations.
    md = sa.MetaData()
    sa.Table("schema_version", md,
             sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("description", sa.Text, nullable=False),
             sa.Column("applied_at", UtcDateTime, nullable=False))
    sa.Table("app_user", md,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("username", sa.String(64), nullable=False, unique=True),
             sa.Column("password_hash", sa.Text, nullable=False),
             sa.Column("role", sa.String(32), nullable=False),
             sa.Column("region_scope", sa.String(12)),
             sa.Column("display_name", sa.String(128)),
             sa.Column("disabled", sa.Boolean, nullable=False, default=False),
             sa.Column("created_at", UtcDateTime, nullable=False),
             sa.Column("updated_at", UtcDateTime, nullable=False))
    sa.Table("audit_log", md,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("at", UtcDateTime, nullable=False, index=True),
             # No foreign key: failed logins record names that are not users.
             sa.Column("username", sa.String(64), index=True),
             sa.Column("action", sa.String(64), nullable=False),
             sa.Column("detail", sa.Text, nullable=False, default=""),
             sa.Column("ip", sa.String(64)))
    sa.Table("app_setting", md,
             sa.Column("key", sa.String(128), primary_key=True),
             sa.Column("value", sa.Text, nullable=False))
    sa.Table("alert_action", md,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("alert_id", sa.String(64), nullable=False, index=True),
             sa.Column("action", sa.String(32), nullable=False),
             sa.Column("username", sa.String(64), sa.ForeignKey("app_user.username"), nullable=False),
             sa.Column("at", UtcDateTime, nullable=False),
             sa.Column("dept_code", sa.String(64)),
             sa.Column("level", sa.Integer),
             sa.Column("note", sa.Text),
             sa.Column("request_id", sa.String(64), nullable=False, unique=True))
    sa.Table("dispatch_order", md,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("alert_id", sa.String(64), index=True),
             sa.Column("dept_code", sa.String(64), nullable=False),
             sa.Column("camera_id", sa.String(64)),
             sa.Column("instruction", sa.Text, nullable=False),
             sa.Column("status", sa.String(32), nullable=False, index=True),
             sa.Column("created_by", sa.String(64), sa.ForeignKey("app_user.username"), nullable=False),
             sa.Column("created_at", UtcDateTime, nullable=False),
             sa.Column("updated_at", UtcDateTime, nullable=False),
             sa.Column("request_id", sa.String(64), nullable=False, unique=True))
    md.create_all(conn)


def _migration_2(conn: Connection) -> None:
    # One row per alert the cockpit has acted on: the state its actions produced, and the row
    # an action locks so that concurrent actions on one alert are validated one after another.
    md = sa.MetaData()
    sa.Table("alert_state", md,
             sa.Column("alert_id", sa.String(64), primary_key=True),
             sa.Column("status", sa.String(16)),
             sa.Column("level", sa.Integer),
             sa.Column("dept_code", sa.String(64)),
             sa.Column("acknowledged_at", UtcDateTime),
             sa.Column("acknowledged_by", sa.String(64)),
             sa.Column("resolved_at", UtcDateTime),
             sa.Column("closed_at", UtcDateTime),
             sa.Column("updated_at", UtcDateTime, nullable=False),
             sa.Column("version", sa.Integer, nullable=False, default=0))
    md.create_all(conn)


def _migration_3(conn: Connection) -> None:
    # Access control: the personal-data permission, a session version that ends every session
    # of a user at once, where an account comes from (local or single sign-on), and the object
    # an audited action was about.
    for statement in (
            "ALTER TABLE app_user ADD COLUMN personal_data BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE app_user ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE app_user ADD COLUMN auth_source VARCHAR(16) NOT NULL DEFAULT 'local'",
            "ALTER TABLE audit_log ADD COLUMN object VARCHAR(256)"):
        conn.exec_driver_sql(statement)


def _migration_4(conn: Connection) -> None:
    # The login throttle's counts: failed sign-ins per (user name, client address) pair, stored
    # as a hash of the pair (datasources/login_throttle.py), shared by every worker and host.
    md = sa.MetaData()
    sa.Table("login_failure", md,
             sa.Column("pair", sa.String(64), primary_key=True),
             sa.Column("failures", sa.Integer, nullable=False),
             sa.Column("last_failure_at", UtcDateTime, nullable=False, index=True))
    md.create_all(conn)


def _migration_5(conn: Connection) -> None:
    # Video dispatch (issue 10, datasources/dispatch.py): an order's deadline; the departments
    # and resources it names (one order may name several; their names as they were then); and
    # each status it went through, with who, when and the request that set it (replays count once).
    conn.exec_driver_sql("ALTER TABLE dispatch_order ADD COLUMN deadline "
                         + sa.DateTime(timezone=True).compile(dialect=conn.dialect))
    md = sa.MetaData()
    sa.Table("dispatch_order", md, sa.Column("id", sa.Integer, primary_key=True))  # exists: only for the keys
    target = sa.Table("dispatch_target", md,
                      sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("dispatch_id", sa.Integer, sa.ForeignKey("dispatch_order.id"), nullable=False,
                                index=True),
                      sa.Column("kind", sa.String(16), nullable=False),
                      sa.Column("code", sa.String(64), nullable=False),
                      sa.Column("name", sa.String(256)))
    event = sa.Table("dispatch_event", md,
                     sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("dispatch_id", sa.Integer, sa.ForeignKey("dispatch_order.id"), nullable=False,
                               index=True),
                     sa.Column("status", sa.String(32), nullable=False),
                     sa.Column("username", sa.String(64), nullable=False),
                     sa.Column("at", UtcDateTime, nullable=False),
                     sa.Column("note", sa.Text),
                     sa.Column("request_id", sa.String(64), nullable=False, unique=True))
    md.create_all(conn, tables=[target, event])


def _migration_6(conn: Connection) -> None:
    # Annotations: notes pinned to a month of an indicator, for one region or (no region) all,
    # with who wrote them and when (datasources/annotations.py); only the author edits one.
    md = sa.MetaData()
    sa.Table("app_user", md, sa.Column("username", sa.String(64), primary_key=True))  # exists: for the key
    note = sa.Table("annotation", md,
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("indicator_code", sa.String(64), nullable=False),
                    sa.Column("region_code", sa.String(12)),
                    sa.Column("period", sa.String(7), nullable=False),
                    sa.Column("text", sa.Text, nullable=False),
                    sa.Column("created_by", sa.String(64), sa.ForeignKey("app_user.username"), nullable=False),
                    sa.Column("created_at", UtcDateTime, nullable=False),
                    sa.Column("updated_at", UtcDateTime, nullable=False),
                    sa.Index("ix_annotation_indicator_region", "indicator_code", "region_code"))
    md.create_all(conn, tables=[note])


MIGRATIONS: list[Migration] = [
    Migration(1, "users, audit log, settings, alert actions, dispatch orders", _migration_1),
    Migration(2, "alert state for the duty console", _migration_2),
    Migration(3, "access control: personal data, session version, account source, audit object",
              _migration_3),
    Migration(4, "login throttle: failed sign-ins per user name and client address", _migration_4),
    Migration(5, "video dispatch: order deadline, targets and status history", _migration_5),
    Migration(6, "annotations: notes on an indicator's time axis, with author and time", _migration_6),
]

# Query-side views of the tables this module uses (the DDL lives in the migrations).
_schema_version = sa.table("schema_version", sa.column("version", sa.Integer),
                           sa.column("description", sa.Text), sa.column("applied_at", UtcDateTime))
_app_setting = sa.table("app_setting", sa.column("key", sa.String), sa.column("value", sa.Text))
# Only what ending a user's sessions needs; the rest of app_user is datasources/users.py's.
_user_sessions = sa.table("app_user", sa.column("username", sa.String), sa.column("session_version", sa.Integer))


class AppDB:
    """Access to the application database through one pooled SQLAlchemy engine.

    The user and audit methods at the end are shorthands for `datasources/users.py` and
    `datasources/audit.py` (which import this module, hence the imports inside them).
    """

    def __init__(self, url: str) -> None:
        """Create the engine; for SQLite also the folder of the database file."""
        self.engine: Engine = create_appdb_engine(url)

    def migrate(self) -> int:
        """Apply pending migrations in order, one transaction each; return the version now.

        Safe to run from several processes at once: migrators are serialised by a lock.
        """
        expected = list(range(1, len(MIGRATIONS) + 1))
        if [m.version for m in MIGRATIONS] != expected:
            raise RuntimeError("MIGRATIONS must be numbered 1, 2, 3 … in order")
        for migration in MIGRATIONS:
            with self.engine.connect() as conn:
                conn = conn.execution_options(cockpit_begin_immediate=True)
                with conn.begin():
                    lock_migrations(conn)
                    if self._version(conn) >= migration.version:
                        continue
                    migration.apply(conn)
                    conn.execute(sa.insert(_schema_version).values(
                        version=migration.version, description=migration.description,
                        applied_at=utc_now()))
        version = self.schema_version()
        if version > len(MIGRATIONS):
            raise RuntimeError(f"the application database is at schema version {version}, newer "
                               f"than this cockpit knows ({len(MIGRATIONS)}); upgrade the cockpit")
        return version

    @staticmethod
    def _version(conn: Connection) -> int:
        if not sa.inspect(conn).has_table("schema_version"):
            return 0
        return conn.execute(sa.select(sa.func.max(_schema_version.c.version))).scalar() or 0

    def schema_version(self) -> int:
        """The latest applied migration (0 for an empty database)."""
        with self.engine.connect() as conn:
            return self._version(conn)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def bump_session_version(self, username: str) -> None:
        """End every session of `username` at once: sessions carry the version they started with.

        LookupError when there is no such user.
        """
        with self.engine.begin() as conn:
            result = conn.execute(sa.update(_user_sessions).where(_user_sessions.c.username == username)
                                  .values(session_version=_user_sessions.c.session_version + 1))
        if not result.rowcount:
            raise LookupError(f"no such user: {username}")

    def shared_secret(self, name: str) -> str:
        """A random secret created on first use and then the same for every process."""
        select = sa.select(_app_setting.c.value).where(_app_setting.c.key == name)
        with self.engine.connect() as conn:
            value = conn.execute(select).scalar()
        if value is not None:
            return value
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(_app_setting).values(key=name, value=secrets.token_urlsafe(48)))
        except IntegrityError:
            pass  # another process won the race; read its value below
        with self.engine.connect() as conn:
            return conn.execute(select).scalar_one()
