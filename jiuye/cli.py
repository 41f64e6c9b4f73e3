"""The `jiuye` command: ask, train, run, validate-kb (and more as the project grows)."""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from typing import Any, Dict, List, Optional

from jiuye.settings import Settings


def _quiet_libraries() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    import warnings

    warnings.filterwarnings("ignore")


def _configure_logging(level: str) -> None:
    logging.basicConfig(stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("rasa", "tensorflow", "absl", "sanic", "apscheduler", "jieba", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


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
    from bot.local_assistant import LocalAssistant

    async with LocalAssistant(settings) as assistant:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = _parse_jsonl_line(line)
            except ValueError as exc:
                print(json.dumps({"error": str(exc)}, ensure_ascii=False), flush=True)
                continue
            region = request.get("region")
            metadata = {"region": region} if region else {}
            sender = request.get("sender") or None
            reply = await assistant.ask(request.get("text", ""), str(sender) if sender else None, metadata)
            print(json.dumps(reply.as_json(), ensure_ascii=False), flush=True)
    return 0


async def _ask_once(settings: Settings, text: str, region: Optional[str], sender: Optional[str]) -> int:
    from bot.local_assistant import LocalAssistant

    async with LocalAssistant(settings) as assistant:
        reply = await assistant.ask(text, sender, {"region": region} if region else {})
    print(reply.text)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    _quiet_libraries()
    _configure_logging(os.environ.get("JIUYE_LOG_LEVEL", "WARNING").upper())
    if args.jsonl:
        return asyncio.run(_ask_jsonl(settings))
    if not args.text:
        print("用法：jiuye ask \"您的问题\"  或  jiuye ask --jsonl < questions.jsonl", file=sys.stderr)
        return 2
    return asyncio.run(_ask_once(settings, " ".join(args.text), args.region, args.sender))


def cmd_train(args: argparse.Namespace) -> int:
    from jiuye.training import train

    train(Settings.from_env().model_path, force=args.force)
    return 0


def cmd_validate_kb(args: argparse.Namespace) -> int:
    from policies_kb.validate import main as validate

    return validate([args.data_dir] if args.data_dir else [])


def cmd_run(args: argparse.Namespace) -> int:
    from jiuye.runner import run

    return run(Settings.from_env())


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
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except FileNotFoundError as exc:
        print(f"jiuye: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
