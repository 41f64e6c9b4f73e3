"""`jiuye console …`: staff accounts.

    add-user NAME [--role operator|supervisor] [--password-stdin] [--display-name 名字] [--reset]
    list                          name, display name, role, enabled, login lock (Beijing time)
    disable NAME | enable NAME    a disabled account cannot log in; its sessions end at once
    set-role NAME ROLE            operator (坐席) or supervisor (主管, full ID numbers, broadcasts)
    unlock NAME | unlock --address IP

Changes are audited (actor empty: the command line). Errors: a Chinese line on stderr, exit 1.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Callable, Optional, TextIO, TypeVar

from console import accounts, auth, throttle
from console.auth import AccountError
from console.models import OPERATOR, ROLES
from console.render import when
from registry.db import engine_for, session_factory
from settings import load_settings
from settings.console import ConsoleConfig

T = TypeVar("T")


def read_password(from_stdin: bool, stdin: Optional[TextIO] = None,
                  prompt: Callable[[str], str] = getpass.getpass) -> Optional[str]:
    """One line from stdin (for scripts), or typed twice at a prompt that does not echo."""
    if from_stdin:
        line = (stdin or sys.stdin).readline()
        return line.rstrip("\r\n") if line else None
    first = prompt("密码：")
    if prompt("再次输入密码：") != first:
        print("jiuye: 两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def _in_transaction(work: Callable[..., T]) -> T:
    """``work(session)`` in one transaction on DATABASE_URL (migrated first)."""
    with session_factory(engine_for(load_settings().database_url)).begin() as session:
        return work(session)


def _run(work: Callable[..., T], done: Callable[[T], str]) -> int:
    try:
        result = _in_transaction(work)
    except AccountError as exc:
        print(f"jiuye: {exc}", file=sys.stderr)
        return 1
    print(done(result), file=sys.stderr)
    return 0


def add_user(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    if password is None:
        print("jiuye: no password given", file=sys.stderr)
        return 2
    config = ConsoleConfig.from_env()
    return _run(lambda s: auth.add_user(s, args.username, password, config, display_name=args.display_name,
                                        reset=args.reset, role=args.role),
                lambda user: f"staff account {args.username} ({user.role}) {'updated' if args.reset else 'created'}")


def list_users(args: argparse.Namespace) -> int:
    found = _in_transaction(accounts.list_accounts)
    rows = [("NAME", "DISPLAY NAME", "ROLE", "ENABLED", "LOCKED UNTIL (UTC+8)")]
    rows += [(a.username, a.display_name, a.role, "yes" if a.active else "no", when(a.locked_until) or "-")
             for a in found]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())
    return 0


def _unchanged_or(changed: bool, message: str, username: str) -> str:
    return message if changed else f"staff account {username}: no change"


def disable(args: argparse.Namespace) -> int:
    return _run(lambda s: accounts.set_active(s, args.username, False),
                lambda changed: _unchanged_or(changed, f"staff account {args.username} disabled, sessions ended",
                                              args.username))


def enable(args: argparse.Namespace) -> int:
    return _run(lambda s: accounts.set_active(s, args.username, True),
                lambda changed: _unchanged_or(changed, f"staff account {args.username} enabled", args.username))


def set_role(args: argparse.Namespace) -> int:
    return _run(lambda s: accounts.set_role(s, args.username, args.role),
                lambda changed: _unchanged_or(changed, f"staff account {args.username} is now {args.role}",
                                              args.username))


def unlock(args: argparse.Namespace) -> int:
    if bool(args.username) == bool(args.address):
        print("jiuye: 请给出一个用户名，或用 --address 给出一个地址", file=sys.stderr)
        return 2
    scope, key = (throttle.ADDRESS, args.address) if args.address else (throttle.ACCOUNT, args.username)
    return _run(lambda s: accounts.unlock(s, scope, key),
                lambda done: f"{scope} {key} unlocked" if done else f"{scope} {key} was not locked")


def add_parser(sub: "argparse._SubParsersAction") -> None:
    console = sub.add_parser("console", help="hotline staff console: accounts")
    console_sub = console.add_subparsers(dest="console_command", required=True)
    add = console_sub.add_parser("add-user", help="create a staff account (password prompted, or --password-stdin)")
    add.add_argument("username")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("--display-name", help="name shown in the console (default: the user name)")
    add.add_argument("--reset", action="store_true", help="set a new password for an existing account")
    add.add_argument("--role", choices=list(ROLES),
                     help=f"new accounts: default {OPERATOR}; with --reset: unchanged unless given")
    add.set_defaults(console_func=add_user)
    console_sub.add_parser("list", help="accounts: name, role, enabled, locked until").set_defaults(console_func=list_users)
    for name, func, text in (("disable", disable, "refuse logins and end the account's sessions"),
                             ("enable", enable, "allow a disabled account to log in again")):
        command = console_sub.add_parser(name, help=text)
        command.add_argument("username")
        command.set_defaults(console_func=func)
    role = console_sub.add_parser("set-role", help="operator, or supervisor (full ID numbers, broadcasts)")
    role.add_argument("username")
    role.add_argument("role", choices=list(ROLES))
    role.set_defaults(console_func=set_role)
    lift = console_sub.add_parser("unlock", help="lift a login lock on a user name (or --address)")
    lift.add_argument("username", nargs="?")
    lift.add_argument("--address", help="a client address locked after too many failures")
    lift.set_defaults(console_func=unlock)
