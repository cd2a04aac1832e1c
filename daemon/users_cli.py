"""`orderdesk user ...`: the review desk's users from the command line.

A new user, or a reset, gets a one-time password printed once on standard output; the desk
asks for a password of their own at the first sign-in. `--password-stdin` sets a chosen
password instead (read from standard input, for scripts). Passwords are never logged.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from daemon.cli_support import UsageError, add_settings_arguments, engine_for, settings_for
from review import auth
from store import users
from store.db import session_scope, utcnow

FIRST_ADMIN = "admin"


def add_commands(sub: Any) -> None:
    """Add `user add|passwd|disable|enable|list|init` to the top-level parser."""
    u = sub.add_parser("user", help="manage the review desk's users")
    usub = u.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help="add a user; prints a one-time password")
    add.add_argument("name")
    add.add_argument("--role", choices=users.ROLES, default="clerk")
    passwd = usub.add_parser("passwd", help="give a user a new password (one-time unless --password-stdin)")
    passwd.add_argument("name")
    for p in (add, passwd):
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of printing a one-time one")
    disable = usub.add_parser("disable", help="stop a user signing in (their sessions end)")
    enable = usub.add_parser("enable", help="let a disabled user sign in again")
    for p in (disable, enable):
        p.add_argument("name")
    listing = usub.add_parser("list", help="list the users")
    init = usub.add_parser("init", help=f"when there is no user yet, add {FIRST_ADMIN!r} (admin) "
                                        "with a one-time password printed once")
    for p, func in ((add, cmd_add), (passwd, cmd_passwd), (disable, cmd_disable), (enable, cmd_enable),
                    (listing, cmd_list), (init, cmd_init)):
        add_settings_arguments(p)
        p.set_defaults(func=func)


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, one_time): read from stdin when asked, else a fresh one-time password."""
    if not args.password_stdin:
        return auth.one_time_password(), True
    password = sys.stdin.readline().rstrip("\r\n")
    problem = auth.password_problem(password)
    if problem:
        raise UsageError(problem)
    return password, False


def _say_one_time(name: str, password: str) -> None:
    print(f"one-time password for {name} (shown only now; a new one is asked at the first sign-in): {password}")


@contextmanager
def _users(args: argparse.Namespace) -> Iterator[Session]:
    """A session on the configured database; a user error becomes one line on stderr."""
    engine = engine_for(settings_for(args))
    try:
        with session_scope(engine) as session:
            yield session
    except users.UserError as e:
        raise UsageError(str(e))
    finally:
        engine.dispose()


def cmd_add(args: argparse.Namespace) -> int:
    password, one_time = _password(args)
    with _users(args) as session:
        users.add_user(session, args.name, args.role, auth.hash_password(password), now=utcnow(),
                       one_time=one_time)
    print(f"added {args.role} {args.name}")
    if one_time:
        _say_one_time(args.name, password)
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    password, one_time = _password(args)
    with _users(args) as session:
        users.set_password(session, args.name, auth.hash_password(password), one_time=one_time)
    print(f"new password for {args.name}; their open sessions have ended")
    if one_time:
        _say_one_time(args.name, password)
    return 0


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    with _users(args) as session:
        users.set_disabled(session, args.name, disabled)
    print(f"{args.name} is {'disabled' if disabled else 'enabled'}")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    return _set_disabled(args, True)


def cmd_enable(args: argparse.Namespace) -> int:
    return _set_disabled(args, False)


def cmd_list(args: argparse.Namespace) -> int:
    with _users(args) as session:
        everyone = users.list_users(session)
    for account in everyone:
        print(f"{account.name:<24} {account.role:<6} {'disabled' if account.disabled else 'active'}")
    if not everyone:
        print("no users yet; add one with `orderdesk user add NAME --role admin`")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """The first admin, once: a database that has users is left alone."""
    password = auth.one_time_password()
    with _users(args) as session:
        if users.count_users(session):
            return 0
        users.add_user(session, FIRST_ADMIN, "admin", auth.hash_password(password), now=utcnow(),
                       one_time=True)
    print(f"the review desk's first user is {FIRST_ADMIN!r} (admin)")
    _say_one_time(FIRST_ADMIN, password)
    return 0

