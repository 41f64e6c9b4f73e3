"""The `jiuye` command: ask, train, run, validate-kb (and more as the project grows)."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot import action_server
from console.cli import add_parser as add_console_parser
from jiuye import log_privacy
from jiuye.platform_cli import add_parsers as add_platform_parsers
from jiuye.preflight import problems
from jiuye.runner import prepare_rasa, run
from jiuye.scheduler_main import main as run_scheduler
from jiuye.topology import main as run_topology
from jiuye.training import train
from policies_kb.validate import main as validate
from registry import crypto
from registry.db import engine_for, make_engine, migrate, session_factory
from registry.runtime import get_store
from registry.store import RegistrationStore
from scheduler import commands
from scheduler.clock import SystemClock
from scheduler.service import is_running, scheduler_engine
from settings import EXIT_CODE as SETTINGS_EXIT_CODE
from settings import PROJECT_DIR, Settings, SettingsError, check_settings, load_settings, log_level
from settings.scheduler import SchedulerConfig


def _quiet_libraries() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    warnings.filterwarnings("ignore")


def _parse_jsonl_line(line: str) -> Dict[str, Any]:
    """One request of `ask --jsonl`; raises ValueError with a message for the error line."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(request, dict):
        raise ValueError("each line must be a JSON object")
    if not isinstance(request.get("text", ""), str):
        raise ValueError("'text' must be a string")
    return request


async def _ask_jsonl(settings: Settings) -> int:
    from jiuye.local_assistant import LocalAssistant  # local: Rasa's channel and agent code, 1+ s; `ask` only

    out = sys.stdout
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the JSON stream

    def emit(obj: Dict[str, Any]) -> None:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    try:
        async with LocalAssistant(settings) as assistant:
            for line in sys.stdin:
                if not line.strip():
                    continue
                try:
                    request = _parse_jsonl_line(line)
                except ValueError as exc:
                    emit({"error": str(exc)})
                    continue
                region = request.get("region")
                metadata = {"region": region} if region else {}
                sender = request.get("sender") or None
                try:
                    reply = await assistant.ask(request.get("text", ""), str(sender) if sender else None, metadata)
                except ValueError as exc:  # an unusable sender id
                    emit({"error": str(exc)})
                    continue
                emit(reply.as_json())
    finally:
        sys.stdout = out
    return 0


async def _ask_once(settings: Settings, text: str, region: Optional[str], sender: Optional[str]) -> int:
    from jiuye.local_assistant import LocalAssistant  # local: Rasa's channel and agent code, 1+ s; `ask` only

    async with LocalAssistant(settings) as assistant:
        reply = await assistant.ask(text, sender, {"region": region} if region else {})
    print(reply.text)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    settings = load_settings()
    problem = problems(settings)
    if problem:
        print(f"jiuye: {problem}", file=sys.stderr)
        return 1

    _quiet_libraries()
    # One level for this process and the action server it starts; `ask` is quiet by default.
    os.environ["JIUYE_LOG_LEVEL"] = log_level(default="WARNING")
    log_privacy.configure(os.environ["JIUYE_LOG_LEVEL"])
    if args.jsonl:
        return asyncio.run(_ask_jsonl(settings))
    if not args.text:
        print("用法：jiuye ask \"您的问题\"  或  jiuye ask --jsonl < questions.jsonl", file=sys.stderr)
        return 2
    return asyncio.run(_ask_once(settings, " ".join(args.text), args.region, args.sender))


def cmd_train(args: argparse.Namespace) -> int:
    train(load_settings().model_path, force=args.force)
    return 0


def cmd_validate_kb(args: argparse.Namespace) -> int:
    return validate([args.data_dir] if args.data_dir else [])


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    problem = problems(settings)
    if problem:
        print(f"jiuye: {problem}", file=sys.stderr)
        return 1
    return run(settings)


def cmd_registry(args: argparse.Namespace) -> int:
    """Registration ledger administration: migrate, rotate-key, show (ID always masked)."""
    url = load_settings().database_url
    if args.registry_command == "migrate":
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        print("registry schema is at the latest migration", file=sys.stderr)
        return 0
    if args.registry_command == "rotate-key":
        key_file = crypto.default_key_file(os.environ)
        from_env = bool(os.environ.get("JIUYE_ID_KEY"))
        if not args.reencrypt_only and not args.drop_old:
            if from_env:
                print("jiuye: JIUYE_ID_KEY is set: add a new v<N> entry there (keep the old ones), restart, "
                      "then run `jiuye registry rotate-key --reencrypt-only`", file=sys.stderr)
                return 2
            crypto.load_keyring(os.environ)  # creates the file on first use
            print(f"added key v{crypto.add_key_version(key_file)} to {key_file}", file=sys.stderr)
            if args.add_only:
                return 0
        store = RegistrationStore(engine_for(url), crypto.IdCipher.from_env())
        if not args.drop_old:
            print(f"re-encrypted {store.reencrypt()} ID numbers under key v{store.cipher.current}", file=sys.stderr)
        in_use = store.key_versions_in_use()
        print(f"key versions in use: {in_use or 'none'}", file=sys.stderr)
        if args.drop_old:
            if from_env or in_use not in ([], [store.cipher.current]):
                print("jiuye: not dropping old keys (still in use, or keys come from JIUYE_ID_KEY)", file=sys.stderr)
                return 1
            crypto.drop_old_versions(key_file, store.cipher.current)
            print(f"{key_file} now holds only v{store.cipher.current}", file=sys.stderr)
        return 0

    view = get_store().get(args.reg_no)
    if view is None:
        print(f"jiuye: no registration {args.reg_no}", file=sys.stderr)
        return 1
    shown: Dict[str, Any] = {k: (str(v) if v is not None else None) for k, v in view.__dict__.items()}
    shown["services"] = [{k: str(v) for k, v in s.items()} for s in get_store().services(args.reg_no)]
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    """Staff console administration (console/cli.py): add-user, list, disable, enable, set-role, unlock."""
    return args.console_func(args)


def cmd_scheduler(args: argparse.Namespace) -> int:
    """`jiuye scheduler` runs the scheduler process; `status` and `import-fairs` inspect and feed it."""
    if args.scheduler_command in (None, "run"):

        return run_scheduler()

    engine = scheduler_engine(load_settings().database_url)
    config = SchedulerConfig.from_env()
    if args.scheduler_command == "status":
        with session_factory(engine)() as session:
            data = commands.status_data(session, config, SystemClock().now(), is_running(engine))
        print(json.dumps(data, ensure_ascii=False, indent=1) if args.json else commands.status_text(data))
        return 0
    with session_factory(engine).begin() as session:
        ok, lines = commands.import_file(session, args.file, config)
    print("\n".join(lines), file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def cmd_broadcast(args: argparse.Namespace) -> int:
    """`jiuye broadcast preview FAIR`: who would get a fair's notice, and the exact message."""
    engine = scheduler_engine(load_settings().database_url)
    with session_factory(engine)() as session:
        text = commands.preview_text(session, SchedulerConfig.from_env(), args.fair, SystemClock().now(),
                                     show=args.limit)
    if text is None:
        print(f"jiuye: no job fair {args.fair!r} (give its code or id)", file=sys.stderr)
        return 1
    print(text)
    return 0


def _add_scheduler_parsers(sub: "argparse._SubParsersAction") -> None:
    scheduler = sub.add_parser("scheduler", help="job-fair notices and follow-ups (docs/scheduler.md)")
    scheduler_sub = scheduler.add_subparsers(dest="scheduler_command")
    scheduler_sub.add_parser("run", help="run the scheduler process (the default)")
    scheduler_status = scheduler_sub.add_parser("status", help="next runs, outbox counts by state")
    scheduler_status.add_argument("--json", action="store_true")
    scheduler_import = scheduler_sub.add_parser("import-fairs", help="import or update job fairs from YAML/CSV")
    scheduler_import.add_argument("file", type=Path)
    scheduler.set_defaults(func=cmd_scheduler)
    broadcast = sub.add_parser("broadcast", help="job-fair broadcasts")
    broadcast_sub = broadcast.add_subparsers(dest="broadcast_command", required=True)
    preview = broadcast_sub.add_parser("preview", help="recipients and the exact message of a fair's notices")
    preview.add_argument("fair", help="fair code or id")
    preview.add_argument("--limit", type=int, default=50, help="recipients to list (default 50)")
    broadcast.set_defaults(func=cmd_broadcast)


def _exec(command: List[str], env: Optional[Dict[str, str]] = None) -> int:
    """Replace this process with ``command``: in a container the server itself is then PID 1 and
    gets the orchestrator's SIGTERM, and a supervisor's SIGKILL reaches the real server."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(PROJECT_DIR)
    os.execvpe(command[0], command, env if env is not None else dict(os.environ))
    return 1  # not reached


def cmd_actions(args: argparse.Namespace) -> int:
    """`jiuye actions`: the action server alone on ACTION_PORT (the `actions` container)."""
    settings = load_settings()
    engine_for(settings.database_url).dispose()  # migrated, or a bad DATABASE_URL fails here
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])))
    return _exec(action_server.command(settings.action_port), env)


def cmd_rasa(args: argparse.Namespace) -> int:
    """`jiuye rasa`: one Rasa server with its channels on PORT, using the action server at
    ACTION_SERVER_URL (the `rasa` containers; run several behind a load balancer)."""
    settings = load_settings()
    problem = problems(settings)
    if not problem and not settings.action_server_url:
        problem = "ACTION_SERVER_URL is required (e.g. http://actions:5055/webhook)"
    if problem or not settings.action_server_url:
        print(f"jiuye: {problem}", file=sys.stderr)
        return 1
    return _exec(prepare_rasa(settings, settings.action_server_url))


def cmd_topology(args: argparse.Namespace) -> int:
    """`jiuye topology`: action server + several Rasa servers + a round-robin proxy, natively."""
    return run_topology(["--rasa-servers", str(args.rasa_servers)])


def _add_deployment_parsers(sub: "argparse._SubParsersAction") -> None:
    """Commands the production processes run (docker/compose.yaml, docs/deployment.md)."""
    actions = sub.add_parser("actions", help="the action server only (ACTION_PORT)")
    actions.set_defaults(func=cmd_actions)
    rasa = sub.add_parser("rasa", help="one Rasa server only (PORT), using ACTION_SERVER_URL")
    rasa.set_defaults(func=cmd_rasa)
    topology = sub.add_parser("topology", help="action server + N Rasa servers + proxy on this machine")
    topology.add_argument("--rasa-servers", type=int, default=2)
    topology.set_defaults(func=cmd_topology)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiuye", description="就业助手 Jiuye")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="ask a question through the full dialogue stack")
    ask.add_argument("text", nargs="*", help="the question")
    ask.add_argument("--jsonl", action="store_true", help="read JSON lines from stdin, write JSON lines")
    ask.add_argument("--region", help="province or city the asker is known to be in")
    ask.add_argument("--sender", help="conversation id (default: a new conversation)")
    ask.set_defaults(func=cmd_ask)
    train = sub.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=cmd_train)
    run = sub.add_parser("run", help="run the whole assistant locally")
    run.set_defaults(func=cmd_run)
    validate = sub.add_parser("validate-kb", help="check the knowledge-base files")
    validate.add_argument("data_dir", nargs="?")
    validate.set_defaults(func=cmd_validate_kb)
    registry = sub.add_parser("registry", help="registration ledger: migrate, rotate-key, show")
    registry_sub = registry.add_subparsers(dest="registry_command", required=True)
    registry_sub.add_parser("migrate", help="bring the ledger schema to the latest migration")
    rotate = registry_sub.add_parser("rotate-key", help="new ID-number key version, re-encrypt (docs/registration.md)")
    rotate.add_argument("--add-only", action="store_true", help="only add the new key version")
    rotate.add_argument("--reencrypt-only", action="store_true", help="only re-encrypt under the newest version")
    rotate.add_argument("--drop-old", action="store_true", help="remove old versions once none is in use")
    show = registry_sub.add_parser("show", help="one registration by number (ID masked)")
    show.add_argument("reg_no")
    registry.set_defaults(func=cmd_registry)

    add_console_parser(sub)
    sub.choices["console"].set_defaults(func=cmd_console)
    _add_scheduler_parsers(sub)
    _add_deployment_parsers(sub)
    add_platform_parsers(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    log_privacy.install()  # before anything logs; the processes it starts install their own
    args = build_parser().parse_args(argv)
    try:
        check_settings()  # a bad value stops here, with one line and exit code 2
        return args.func(args)
    except SettingsError as error:
        print(f"jiuye: {error}", file=sys.stderr)
        return SETTINGS_EXIT_CODE
    except KeyboardInterrupt:
        return 130
    except FileNotFoundError as exc:
        print(f"jiuye: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
