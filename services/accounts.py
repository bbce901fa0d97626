"""Account administration for people: the admin API, the /admin page and `python -m cli.users`.

Each use case checks the password policy (core/passwords.py), stores the change
(datasources/users.py) and writes it to the audit log in the same transaction, with who did it
and from where: no change without its audit row, no audit row without its change.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection, Engine

from core.audit import USER_CHANGED, USER_CREATED
from core.passwords import check_password
from datasources.audit import audit_in
from datasources.users import User, count_admins, create_user, get_user, update_user


class LastAdmin(Exception):
    """The change would leave the cockpit without an enabled administrator."""


def _detail(user: User, changed: tuple[str, ...]) -> str:
    """What changed, for the audit log: the new values, never a password."""
    parts = []
    for field in changed:
        value = getattr(user, field, None)
        if field == "password":
            parts.append("password")
        elif isinstance(value, bool):
            parts.append(f"{field}={str(value).lower()}")
        else:
            parts.append(f"{field}={value or '-'}")
    return " ".join(parts)


def create_account(engine: Engine, actor: str | None, address: str | None, username: str, password: str,
                   role: str, region_scope: str | None = None, display_name: str | None = None,
                   personal_data: bool = False) -> User:
    """Create a local account: WeakPassword or ValueError for bad input, UserExists for a taken name."""
    if not isinstance(username, str):
        raise ValueError("username must be a text")
    check_password(password, username)

    def record(conn: Connection, user: User, _changed: tuple[str, ...]) -> None:
        audit_in(conn, actor, USER_CREATED, _detail(user, ("role", "region_scope", "personal_data")), address,
                 user.username)

    return create_user(engine, username, password, role, region_scope, display_name, personal_data, also=record)


def change_account(engine: Engine, actor: str | None, address: str | None, username: str,
                   changes: Mapping[str, Any]) -> tuple[User, tuple[str, ...]]:
    """Change an account: (the user now, what changed). LookupError for an unknown user,
    WeakPassword or ValueError for bad input, LastAdmin when no enabled admin would be left."""
    existing = get_user(engine, username)
    if existing is None:
        raise LookupError(f"no such user: {username}")
    if "password" in changes:
        if existing.auth_source != "local":
            raise ValueError(f"{username} signs in through single sign-on ({existing.auth_source}) "
                             "and has no local password")
        check_password(changes["password"], username)
    stays_admin = changes.get("role", existing.role) == "admin" and not changes.get("disabled", existing.disabled)
    if existing.role == "admin" and not existing.disabled and not stays_admin and count_admins(engine) <= 1:
        raise LastAdmin(username)

    def record(conn: Connection, user: User, changed: tuple[str, ...]) -> None:
        audit_in(conn, actor, USER_CHANGED, _detail(user, changed), address, user.username)

    return update_user(engine, username, changes, also=record)
