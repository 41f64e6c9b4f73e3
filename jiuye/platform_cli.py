"""`jiuye telegram set-webhook URL` and `jiuye wechat set-menu [FILE]`: the one-off set-up calls
each platform needs, through the same clients the channels use (platforms/)."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Dict

import yaml
from telegram.error import TelegramError

from bot.texts import MENU_HELP_KEY, MENU_QUESTIONS
from platforms.errors import WeChatAPIError
from platforms.telegram import TelegramClient
from platforms.wechat import WeChatClient, menu_problems
from platforms.wechat_token import token_store
from settings.channels import TelegramConfig, WeChatConfig

DEFAULT_MENU = Path(__file__).resolve().parent.parent / "bot" / "wechat" / "menu.yml"


def _fail(message: str) -> int:
    print(f"jiuye: {message}", file=sys.stderr)
    return 1


def cmd_telegram_set_webhook(args: argparse.Namespace) -> int:
    """setWebhook with our secret token and the updates we handle (``message`` and
    ``my_chat_member``, which says when a user blocks or unblocks the bot)."""
    config = TelegramConfig.from_env()
    if not config.token or not config.secret:
        return _fail("TELEGRAM_TOKEN and TELEGRAM_SECRET must be set (the secret is checked on every update)")
    if not args.url.startswith("https://"):
        return _fail(f"Telegram delivers updates to https:// URLs only, not {args.url!r}")

    async def register() -> Dict[str, Any]:
        client = TelegramClient(config.api_base, config.token, config.http_timeout)
        try:
            await client.set_webhook(args.url, config.secret)
            return await client.webhook_info()
        finally:
            await client.close()

    try:
        info = asyncio.run(register())
    except TelegramError as exc:  # PTB's messages carry no token
        return _fail(f"Telegram refused the webhook: {type(exc).__name__}: {exc.message}")
    print(json.dumps(info, ensure_ascii=False))
    return 0


def cmd_wechat_set_menu(args: argparse.Namespace) -> int:
    """Check a menu file (YAML or JSON, ``{"button": [...]}``) and make it the 公众号's menu."""
    config = WeChatConfig.from_env()
    if not config.appid or not config.app_secret:
        return _fail("WECHAT_APPID and WECHAT_APP_SECRET must be set")
    path = Path(args.file) if args.file else DEFAULT_MENU
    try:
        menu = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return _fail(f"{path}: {exc}")
    problems = menu_problems(menu, [*MENU_QUESTIONS, MENU_HELP_KEY])
    if problems:
        return _fail(f"{path}: menu not set:\n  " + "\n  ".join(problems))

    async def create() -> None:
        tokens = token_store(config.redis_url, config.redis_prefix, config.appid)  # shared with the channel
        client = WeChatClient(config.api_base, config.appid, config.app_secret, tokens, config.http_timeout)
        try:
            await client.create_menu(menu)
        finally:
            await client.close()

    try:
        asyncio.run(create())
    except WeChatAPIError as exc:
        return _fail(f"WeChat refused the menu: {exc.errcode} {exc.errmsg}")
    print(f"menu set from {path} ({len(menu['button'])} buttons)")
    return 0


def add_parsers(sub: "argparse._SubParsersAction") -> None:
    telegram = sub.add_parser("telegram", help="Telegram set-up: set-webhook")
    telegram_sub = telegram.add_subparsers(dest="telegram_command", required=True)
    webhook = telegram_sub.add_parser("set-webhook", help="register the webhook URL (message and my_chat_member)")
    webhook.add_argument("url", help="https://<host>/webhooks/telegram/webhook")
    webhook.set_defaults(func=cmd_telegram_set_webhook)
    wechat = sub.add_parser("wechat", help="WeChat set-up: set-menu")
    wechat_sub = wechat.add_subparsers(dest="wechat_command", required=True)
    menu = wechat_sub.add_parser("set-menu", help="set the 公众号 custom menu from a YAML/JSON file")
    menu.add_argument("file", nargs="?", help=f"menu file (default {DEFAULT_MENU.relative_to(DEFAULT_MENU.parents[2])})")
    menu.set_defaults(func=cmd_wechat_set_menu)
