"""Manage cockpit accounts from the shell.

    python -m cli.users add NAME --role ROLE [--region CODE] [--display-name X]
    python -m cli.users list | passwd NAME | disable NAME | enable NAME

Passwords come from COCKPIT_NEW_USER_PASSWORD when set (for scripts), else are asked twice.
Exit codes: 0 done, 1 database or configuration trouble, 2 bad input.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from core.config import PROJECT_DIR, ConfigError, load_config
from core.i18n import t
from core.permissions import ROLES
from datasources.appdb import AppDB
from datasources.engines.sqlite import absolute_url

BAD_INPUT = 2


class _BadInput(Exception):
    """A message for the operator; the command exits with code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cli.users", description="Manage cockpit users.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=f"one of {', '.join(ROLES)}")
    add.add_argument("--region", help="region code the user is limited to (default: the whole city)")
    add.add_argument("--display-name")
    commands.add_parser("list", help="list users")
    for command, text in (("passwd", "set a new password"), ("disable", "disable a user"),
                          ("enable", "re-enable a user")):
        commands.add_parser(command, help=text).add_argument("name")
    return parser


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _new_password(username: str, lang: str) -> str:
    from_env = os.environ.get("COCKPIT_NEW_USER_PASSWORD")
    if from_env:
        return from_env
    try:
        first = getpass.getpass(t("users.password_prompt", lang, username=username))
        second = getpass.getpass(t("users.password_repeat", lang))
    except EOFError:
        # The prompt is still open on its line; end it before the message.
        raise _BadInput("\n" + t("users.no_password", lang)) from None
    if not first:
        raise _BadInput(t("users.no_password", lang))
    if first != second:
        raise _BadInput(t("users.password_mismatch", lang))
    return first


def _run(args: argparse.Namespace, appdb: AppDB, lang: str) -> None:
    operator = _operator()
    if args.command == "list":
        users = appdb.list_users()
        if not users:
            print(t("users.none", lang))
            return
        print(t("users.header", lang))
        for user in users:
            status = t("users.inactive" if user.disabled else "users.active", lang)
            print("\t".join((user.username, user.role, user.region_scope or t("users.whole_city", lang),
                             user.display_name or "", status)))
        return
    existing = appdb.get_user(args.name)
    if args.command == "add":
        if existing is not None:
            raise _BadInput(t("users.exists", lang, username=args.name))
        # Check the role before asking for a password the operator would then type in vain.
        if args.role not in ROLES:
            raise _BadInput(t("users.invalid", lang, error=f"invalid role {args.role!r}: "
                                                         f"expected one of {', '.join(ROLES)}"))
        try:
            user = appdb.upsert_user(args.name, _new_password(args.name, lang), args.role,
                                     args.region, args.display_name)
        except ValueError as exc:
            raise _BadInput(t("users.invalid", lang, error=exc)) from None
        appdb.audit(operator, "user_add", f"{user.username} role={user.role} region={user.region_scope}")
        print(t("users.added", lang, username=user.username, role=user.role))
        return
    if existing is None:
        raise _BadInput(t("users.unknown", lang, username=args.name))
    if args.command == "passwd":
        try:
            appdb.upsert_user(existing.username, _new_password(existing.username, lang), existing.role,
                              existing.region_scope, existing.display_name)
        except ValueError as exc:
            raise _BadInput(t("users.invalid", lang, error=exc)) from None
        appdb.audit(operator, "user_passwd", existing.username)
        print(t("users.password_changed", lang, username=existing.username))
    else:
        disable = args.command == "disable"
        appdb.set_disabled(existing.username, disable)
        appdb.audit(operator, "user_disable" if disable else "user_enable", existing.username)
        print(t("users.disabled" if disable else "users.enabled", lang, username=existing.username))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one user command; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(t("users.config_error", error=exc), file=sys.stderr)
        return 1
    lang = config.language
    try:
        # Same file as the app's, whatever folder the command is run from.
        appdb = AppDB(absolute_url(config.app_db_url, PROJECT_DIR))
        appdb.migrate()
        _run(args, appdb, lang)
    except _BadInput as exc:
        print(exc, file=sys.stderr)
        return BAD_INPUT
    except (SQLAlchemyError, RuntimeError) as exc:
        print(t("users.db_error", lang, error=exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
