"""`jiuye console add-user NAME [--password-stdin] [--display-name 名字] [--reset]`."""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Callable, Optional, TextIO


def read_password(from_stdin: bool, stdin: TextIO = sys.stdin,
                  prompt: Callable[[str], str] = getpass.getpass) -> Optional[str]:
    """One line from stdin (for scripts), or typed twice at a prompt that does not echo."""
    if from_stdin:
        line = stdin.readline()
        return line.rstrip("\r\n") if line else None
    first = prompt("密码：")
    if prompt("再次输入密码：") != first:
        print("jiuye: 两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def add_user(args: argparse.Namespace) -> int:
    from console import auth
    from console.config import ConsoleConfig
    from jiuye.settings import Settings
    from registry.db import engine_for, session_factory

    password = read_password(args.password_stdin)
    if password is None:
        print("jiuye: no password given", file=sys.stderr)
        return 2
    config = ConsoleConfig.from_env()
    sessions = session_factory(engine_for(Settings.from_env().database_url))
    try:
        with sessions.begin() as session:
            auth.add_user(session, args.username, password, config, display_name=args.display_name, reset=args.reset)
    except auth.AccountError as exc:
        print(f"jiuye: {exc}", file=sys.stderr)
        return 1
    print(f"staff account {args.username} {'updated' if args.reset else 'created'}", file=sys.stderr)
    return 0


def add_parser(sub: "argparse._SubParsersAction") -> None:
    console = sub.add_parser("console", help="hotline staff console: accounts")
    console_sub = console.add_subparsers(dest="console_command", required=True)
    add = console_sub.add_parser("add-user", help="create a staff account (password prompted, or --password-stdin)")
    add.add_argument("username")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add.add_argument("--display-name", help="name shown in the console (default: the user name)")
    add.add_argument("--reset", action="store_true", help="set a new password for an existing account")
    add.set_defaults(console_func=add_user)
