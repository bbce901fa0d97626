"""Manage cockpit accounts from the shell.

    python -m cli.users add NAME --role ROLE [--region CODE] [--display-name X]
    python -m cli.users list | passwd NAME | disable NAME | enable NAME

Passwords come from COCKPIT_NEW_USER_PASSWORD when set (for scripts), else are asked twice;
they must pass the password policy (core/passwords.py). Changes are audited as user_created /
user_changed with the actor `cli:<login name>`. Exit codes: 0 done, 1 database or configuration
trouble, 2 bad input.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from core.config import PROJECT_DIR, load_config
from core.config_checks import ConfigError
from core.i18n import t
from core.passwords import WeakPassword
from core.permissions import ROLES
from core.regions import is_region_code
from datasources.appdb import AppDB
from datasources.engines.sqlite import absolute_url
from datasources.users import UserExists, get_user, list_users
from services.accounts import LastAdmin, change_account, create_account

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
    operator, engine = _operator(), appdb.engine
    if args.command == "list":
        users = list_users(engine)
        if not users:
            print(t("users.none", lang))
            return
        print(t("users.header", lang))
        for user in users:
            status = t("users.inactive" if user.disabled else "users.active", lang)
            print("\t".join((user.username, user.role, user.region_scope or t("users.whole_city", lang),
                             user.display_name or "", status)))
        return
    existing = get_user(engine, args.name)
    if args.command == "add":
        if existing is not None:
            raise _BadInput(t("users.exists", lang, username=args.name))
        # Check the role before asking for a password the operator would then type in vain.
        if args.role not in ROLES:
            raise _BadInput(t("users.invalid", lang, error=f"invalid role {args.role!r}: "
                                                         f"expected one of {', '.join(ROLES)}"))
        if args.region is not None and not is_region_code(args.region):
            raise _BadInput(t("users.invalid", lang, error=f"invalid region scope {args.region!r}: "
                                                         "expected a 6, 9 or 12 digit region code"))
        try:
            user = create_account(engine, operator, None, args.name, _new_password(args.name, lang), args.role,
                                  args.region, args.display_name)
        except WeakPassword as exc:
            raise _BadInput(t("users.invalid", lang, error=exc.text(lang))) from None
        except ValueError as exc:
            raise _BadInput(t("users.invalid", lang, error=exc)) from None
        except UserExists:
            raise _BadInput(t("users.exists", lang, username=args.name)) from None
        print(t("users.added", lang, username=user.username, role=user.role))
        return
    if existing is None:
        raise _BadInput(t("users.unknown", lang, username=args.name))
    disable = args.command == "disable"
    changes = ({"password": _new_password(existing.username, lang)} if args.command == "passwd"
               else {"disabled": disable})
    try:
        change_account(engine, operator, None, existing.username, changes)
    except WeakPassword as exc:
        raise _BadInput(t("users.invalid", lang, error=exc.text(lang))) from None
    except LastAdmin:
        raise _BadInput(t("admin.msg.last_admin", lang, username=existing.username)) from None
    except ValueError as exc:
        raise _BadInput(t("users.invalid", lang, error=exc)) from None
    if args.command == "passwd":
        print(t("users.password_changed", lang, username=existing.username))
    else:
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
