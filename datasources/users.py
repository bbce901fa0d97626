"""Cockpit accounts in the application database: create, change, verify, list.

Every change to what a session rests on (role, region scope, the disabled flag, the password)
adds one to the user's `session_version`, so that sessions signed in before it can be ended.
The password policy (core/passwords.py) is the caller's: these functions store any non-empty
password, so tests and migrations can use short ones.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from core.permissions import ROLES
from core.regions import is_region_code
from datasources.appdb import UtcDateTime, utc_now

_USERNAME = re.compile(r"[\w.@-]{1,64}")
# What a change may name; the first four end the user's sessions (session_version + 1).
SESSION_FIELDS = ("role", "region_scope", "disabled", "password")
CHANGEABLE = (*SESSION_FIELDS, "display_name", "personal_data")

# Query-side view of the table (the DDL lives in datasources/appdb.py's migrations).
_app_user = sa.table("app_user", sa.column("username", sa.String), sa.column("password_hash", sa.Text),
                     sa.column("role", sa.String), sa.column("region_scope", sa.String),
                     sa.column("display_name", sa.String), sa.column("disabled", sa.Boolean),
                     sa.column("personal_data", sa.Boolean), sa.column("session_version", sa.Integer),
                     sa.column("auth_source", sa.String),
                     sa.column("created_at", UtcDateTime), sa.column("updated_at", UtcDateTime))
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


class UserExists(Exception):
    """create_user for a name that is taken."""


def _user(row: Any) -> User:
    return User(row.username, row.role, row.region_scope, row.display_name, bool(row.disabled),
                bool(row.personal_data), int(row.session_version or 0), str(row.auth_source or "local"))


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def _check(field: str, value: Any) -> None:
    """ValueError with a message naming `field` unless `value` may be stored in it."""
    if field == "username" and not (isinstance(value, str) and _USERNAME.fullmatch(value)):
        raise ValueError(f"invalid username {value!r:.80}: use 1–64 letters, digits, '.', '_', '-' or '@'")
    if field == "role" and value not in ROLES:
        raise ValueError(f"invalid role {value!r:.80}: expected one of {', '.join(ROLES)}")
    if field == "password" and not (isinstance(value, str) and value):
        raise ValueError("the password must not be empty")
    if field == "region_scope" and value is not None and not (isinstance(value, str) and is_region_code(value)):
        raise ValueError(f"invalid region scope {value!r:.80}: expected a 6, 9 or 12 digit region code")
    if field in ("disabled", "personal_data") and not isinstance(value, bool):
        raise ValueError(f"{field} must be true or false")
    if field == "display_name" and value is not None and not (isinstance(value, str) and len(value) <= 128
                                                              and value.isprintable()):
        raise ValueError("display_name must be a printable text of at most 128 characters")


# Called inside the transaction of a change that did something, with the user as it now is and
# the fields that changed (("created",) for a new account): the audit log is written with it.
AlsoRecord = Callable[[Connection, "User", tuple[str, ...]], None]


def _read(conn: Connection, username: str) -> User:
    return _user(conn.execute(sa.select(*_USER_COLUMNS).where(_app_user.c.username == username)).one())


def create_user(engine: Engine, username: str, password: str, role: str, region_scope: str | None = None,
                display_name: str | None = None, personal_data: bool = False, *, auth_source: str = "local",
                also: AlsoRecord | None = None) -> User:
    """Create an account; UserExists when the name is taken, ValueError for bad input.

    `auth_source` says where it signs in: "local" (its password) or a single sign-on's name.
    """
    values = {"username": username, "password": password, "role": role, "region_scope": region_scope,
              "display_name": display_name, "personal_data": personal_data}
    for field, value in values.items():
        _check(field, value)
    if not (isinstance(auth_source, str) and re.fullmatch(r"[a-z0-9_-]{1,16}", auth_source)):
        raise ValueError(f"invalid auth_source {auth_source!r:.40}: 1–16 lower-case letters, digits, '_' or '-'")
    now = utc_now()
    row = {**values, "password_hash": generate_password_hash(password), "disabled": False,
           "session_version": 0, "auth_source": auth_source, "created_at": now, "updated_at": now}
    del row["password"]
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(_app_user).values(row))
            user = _read(conn, username)
            if also is not None:
                also(conn, user, ("created",))
    except IntegrityError:
        raise UserExists(username) from None
    return user


def update_user(engine: Engine, username: str, changes: Mapping[str, Any], *,
                also: AlsoRecord | None = None) -> tuple[User, tuple[str, ...]]:
    """Apply `changes` (fields of CHANGEABLE) to a user: (the user now, the fields that changed).

    A value equal to the stored one is no change (a password is compared with its hash). When a
    field of SESSION_FIELDS changed, session_version goes up by one. LookupError for an unknown
    user, ValueError for a bad value or field.
    """
    for field, value in changes.items():
        if field not in CHANGEABLE:
            raise ValueError(f"{field} cannot be changed")
        _check(field, value)
    with engine.connect() as conn:
        conn = conn.execution_options(cockpit_begin_immediate=True)
        with conn.begin():
            row = conn.execute(sa.select(*_USER_COLUMNS, _app_user.c.password_hash)
                               .where(_app_user.c.username == username).with_for_update()).first()
            if row is None:
                raise LookupError(f"no such user: {username}")
            values: dict[str, Any] = {}
            for field, value in changes.items():
                if field == "password":
                    if not check_password_hash(row.password_hash, value):
                        values["password_hash"] = generate_password_hash(value)
                elif value != getattr(row, field):
                    values[field] = value
            changed = tuple(f for f in CHANGEABLE if f in values or (f == "password" and "password_hash" in values))
            if changed:
                values["updated_at"] = utc_now()
                if set(changed) & set(SESSION_FIELDS):
                    values["session_version"] = _app_user.c.session_version + 1
                conn.execute(sa.update(_app_user).where(_app_user.c.username == username).values(values))
            user = _read(conn, username)
            if changed and also is not None:
                also(conn, user, changed)
    return user, changed


def upsert_user(engine: Engine, username: str, password: str, role: str,
                region_scope: str | None = None, display_name: str | None = None) -> User:
    """Create the user, or reset an existing one's password, role and region scope.

    A `display_name` of None keeps the existing one; the disabled flag is left unchanged.
    """
    for field, value in (("username", username), ("role", role), ("password", password),
                         ("region_scope", region_scope)):
        _check(field, value)
    if get_user(engine, username) is None:
        try:
            return create_user(engine, username, password, role, region_scope, display_name)
        except UserExists:
            pass  # another process created it in between (two workers at start): change theirs
    changes: dict[str, Any] = {"password": password, "role": role, "region_scope": region_scope}
    if display_name is not None:
        changes["display_name"] = display_name
    return update_user(engine, username, changes)[0]


def set_disabled(engine: Engine, username: str, disabled: bool) -> None:
    """Disable or re-enable a user; LookupError when there is no such user."""
    update_user(engine, username, {"disabled": disabled})


def verify_password(engine: Engine, username: str, password: str) -> User | None:
    """The user if the password is right and the account enabled, else None.

    An unknown name still costs one hash check, so timing does not reveal which names exist.
    """
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_USER_COLUMNS, _app_user.c.password_hash)
                           .where(_app_user.c.username == username)).first()
    if row is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not password or not check_password_hash(row.password_hash, password) or row.disabled:
        return None
    return _user(row)


def get_user(engine: Engine, username: str) -> User | None:
    """The user named `username`, or None."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_USER_COLUMNS).where(_app_user.c.username == username)).first()
    return None if row is None else _user(row)


def list_users(engine: Engine) -> list[User]:
    """All users, by name."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*_USER_COLUMNS).order_by(_app_user.c.username)).all()
    return [_user(row) for row in rows]


def count_admins(engine: Engine) -> int:
    """How many enabled accounts have the admin role."""
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(_app_user)
                            .where(_app_user.c.role == "admin", sa.not_(_app_user.c.disabled))).scalar_one()
