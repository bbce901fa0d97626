"""The cockpit's own application database: users, audit log, settings, alert actions, dispatch orders.

Separate from the warehouse, which the cockpit only reads. Works on SQLite (one file, for a
single host) and PostgreSQL (for several hosts). The schema is changed only by appending a
`Migration` to `MIGRATIONS`; never edit one that has shipped.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from core.permissions import ROLES
from core.regions import is_region_code
from datasources.engines import create_appdb_engine, lock_migrations

# What callers catch when the application database fails: they need not know it is SQLAlchemy.
AppDatabaseError = SQLAlchemyError


_USERNAME = re.compile(r"[\w.@-]{1,64}")


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


MIGRATIONS: list[Migration] = [
    Migration(1, "users, audit log, settings, alert actions, dispatch orders", _migration_1),
    Migration(2, "alert state for the duty console", _migration_2),
    Migration(3, "access control: personal data, session version, account source, audit object",
              _migration_3),
]

# Query-side views of the tables this module uses (the DDL lives in the migrations).
_schema_version = sa.table("schema_version", sa.column("version", sa.Integer),
                           sa.column("description", sa.Text), sa.column("applied_at", UtcDateTime))
_app_user = sa.table("app_user", sa.column("username", sa.String), sa.column("password_hash", sa.Text),
                     sa.column("role", sa.String), sa.column("region_scope", sa.String),
                     sa.column("display_name", sa.String), sa.column("disabled", sa.Boolean),
                     sa.column("personal_data", sa.Boolean), sa.column("session_version", sa.Integer),
                     sa.column("auth_source", sa.String),
                     sa.column("created_at", UtcDateTime), sa.column("updated_at", UtcDateTime))
_audit_log = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", UtcDateTime),
                      sa.column("username", sa.String), sa.column("action", sa.String),
                      sa.column("object", sa.String), sa.column("detail", sa.Text), sa.column("ip", sa.String))
_app_setting = sa.table("app_setting", sa.column("key", sa.String), sa.column("value", sa.Text))
_USER_COLUMNS = (_app_user.c.username, _app_user.c.role, _app_user.c.region_scope,
                 _app_user.c.display_name, _app_user.c.disabled, _app_user.c.personal_data,
                 _app_user.c.session_version, _app_user.c.auth_source)


@dataclass(frozen=True)
class User:
    """A cockpit account as pages and the API see it (never carries the password hash)."""

    username: str
    role: str
    region_scope: str | None
    display_name: str | None
    disabled: bool
    personal_data: bool = False
    session_version: int = 0
    auth_source: str = "local"


def _user(row: Any) -> User:
    return User(row.username, row.role, row.region_scope, row.display_name, bool(row.disabled),
                bool(row.personal_data), int(row.session_version or 0), str(row.auth_source or "local"))


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


class AppDB:
    """Access to the application database through one pooled SQLAlchemy engine."""

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

    def upsert_user(self, username: str, password: str, role: str,
                    region_scope: str | None = None, display_name: str | None = None) -> User:
        """Create the user, or reset an existing one's password, role and region scope.

        A `display_name` of None keeps the existing one; the disabled flag is left unchanged.
        """
        if not isinstance(username, str) or not _USERNAME.fullmatch(username):
            raise ValueError(f"invalid username {username!r}: use 1–64 letters, digits, '.', '_', '-' or '@'")
        if role not in ROLES:
            raise ValueError(f"invalid role {role!r}: expected one of {', '.join(ROLES)}")
        if not password:
            raise ValueError("the password must not be empty")
        if region_scope is not None and not is_region_code(region_scope):
            raise ValueError(f"invalid region scope {region_scope!r}: expected a 6, 9 or 12 digit region code")
        now = utc_now()
        changes: dict[str, Any] = {"password_hash": generate_password_hash(password), "role": role,
                                   "region_scope": region_scope, "updated_at": now}
        if display_name is not None:
            changes["display_name"] = display_name
        update = sa.update(_app_user).where(_app_user.c.username == username).values(**changes)
        with self.engine.begin() as conn:
            updated = conn.execute(update).rowcount
        if not updated:
            try:
                with self.engine.begin() as conn:
                    conn.execute(sa.insert(_app_user).values(
                        {"display_name": display_name, **changes, "username": username,
                         "disabled": False, "created_at": now}))
            except IntegrityError:
                # Another process created the same user in between (e.g. two workers running
                # ensure_admin at start); apply our values on top of theirs.
                with self.engine.begin() as conn:
                    conn.execute(update)
        user = self.get_user(username)
        assert user is not None
        return user

    def verify_password(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account enabled, else None.

        An unknown name still costs one hash check, so timing does not reveal which names exist.
        """
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS, _app_user.c.password_hash)
                               .where(_app_user.c.username == username)).first()
        if row is None:
            check_password_hash(_dummy_hash(), password or "")
            return None
        if not password or not check_password_hash(row.password_hash, password) or row.disabled:
            return None
        return _user(row)

    def get_user(self, username: str) -> User | None:
        """The user named `username`, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_USER_COLUMNS).where(_app_user.c.username == username)).first()
        return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        """All users, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*_USER_COLUMNS).order_by(_app_user.c.username)).all()
        return [_user(row) for row in rows]

    def set_disabled(self, username: str, disabled: bool) -> None:
        """Disable or re-enable a user; LookupError when there is no such user."""
        with self.engine.begin() as conn:
            result = conn.execute(sa.update(_app_user).where(_app_user.c.username == username)
                                  .values(disabled=disabled, updated_at=utc_now()))
        if not result.rowcount:
            raise LookupError(f"no such user: {username}")

    def audit(self, username: str | None, action: str, detail: str = "", ip: str | None = None,
              object_: str | None = None) -> None:
        """Append one row to the audit log, stamped with the current UTC time (never updated)."""
        with self.engine.begin() as conn:
            conn.execute(sa.insert(_audit_log).values(
                at=utc_now(), username=username, action=action, object=object_, detail=detail, ip=ip))

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
