"""The Telegram channel for Rasa 3.6, served at /webhooks/telegram/webhook.

Every update must carry ``X-Telegram-Bot-Api-Secret-Token``; it is acknowledged at once and
answered through the Bot API, so Telegram never redelivers for slowness. Redeliveries after a
failure are recognised by update_id (the same store as WeChat's MsgIds).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional, Set

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import ChatMemberUpdated, Message
from telegram.error import TelegramError

from bot import texts
from bot.channel_base import ChannelBase
from bot.compare import same
from bot.dedupe import DEFERRED, OutcomeStore
from bot.reachability import Reachability
from bot.reply_split import split
from bot.telegram.inbound import chat_of, parse_update, usable_message
from platforms.errors import classify_telegram
from platforms.telegram import TelegramClient
from registry.identity import TELEGRAM
from settings.channels import TelegramConfig

logger = logging.getLogger(__name__)

CHANNEL = TELEGRAM  # conversations are telegram:<chat id> (registry/identity.py)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_LIMIT_CHARS = 4096

START_TEXT = "您好，我是就业助手！\n" + texts.CAPABILITIES + "\n发送 /subscribe 订阅招聘会提醒，/help 查看说明。"
HELP_TEXT = texts.HELP + "\n命令：/subscribe 订阅招聘会提醒，/unsubscribe 停止所有提醒。"


def command_of(text: str) -> Optional[str]:
    """``/start@JiuyeBot arg`` → ``start``; None for ordinary text."""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""


class TelegramInput(ChannelBase[TelegramClient]):
    CHANNEL = CHANNEL
    CONFIG = TelegramConfig
    config: TelegramConfig

    def __init__(self, config: TelegramConfig, store: Optional[OutcomeStore] = None,
                 client: Optional[TelegramClient] = None, reach: Optional[Reachability] = None):
        if not config.token:
            raise ValueError("TELEGRAM_TOKEN is required for the Telegram channel")
        if not config.secret:
            logger.error("TELEGRAM_SECRET is not set: every Telegram update will be refused")
        super().__init__(config, store, client, reach)
        self._tasks: Set[asyncio.Task] = set()

    def _new_client(self) -> TelegramClient:
        return TelegramClient(self.config.api_base, self.config.token, self.config.http_timeout)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = self.base_blueprint("telegram_webhook")

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.secret or not same(self.config.secret, request.headers.get(SECRET_HEADER)):
                logger.warning("telegram update refused: secret token missing or wrong")
                return response.text("forbidden", status=403)
            try:
                update = parse_update(request.json)
            except Exception as exc:  # BadUpdate, or a body that is not JSON: only the kind is logged
                logger.warning("telegram update unreadable: %s", type(exc).__name__)
                return response.text("bad request", status=400)
            chat = update.effective_chat
            if not await self.store.claim(f"tg:update:{update.update_id}", str(chat.id) if chat else None):
                logger.info("telegram update %s already taken", update.update_id)
                return response.json({})
            if update.my_chat_member is not None and chat_of(update.my_chat_member) is not None:
                self._membership(update.my_chat_member)
            message = update.message
            if message is not None and not usable_message(message):
                logger.warning("telegram update %s ignored: message without a usable chat or text", update.update_id)
            elif message is not None:
                self.reach.inbound(CHANNEL, str(message.chat.id))
                task = asyncio.create_task(self._handle(message, update.update_id, on_new_message))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return response.json({})

        return hook

    def _membership(self, change: ChatMemberUpdated) -> None:
        """A private chat's user blocked the bot (``kicked``) or unblocked it (``member``)."""
        status, chat = getattr(change.new_chat_member, "status", None), str(change.chat.id)
        if status in ("kicked", "left"):
            self.reach.unreachable(CHANNEL, chat, "bot_blocked")
        elif status == "member":
            self.reach.inbound(CHANNEL, chat, resumed=True)

    async def _handle(self, message: Message, update_id: int, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        chat_id = message.chat.id
        try:
            text = await self._reply(message, on_new_message)
            for part in split(text, TELEGRAM_LIMIT_CHARS, len):
                await self.client.send_message(chat_id, part)
        except TelegramError as exc:
            logger.error("telegram update %s: reply not sent: %s", update_id, exc)
            self.gone(str(chat_id), classify_telegram(exc).block_reason)
        except Exception:
            logger.exception("telegram update %s failed", update_id)
        finally:
            await self.store.settle(f"tg:update:{update_id}", DEFERRED)

    async def _reply(self, message: Message, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> str:
        text, user = message.text or "", str(message.chat.id)
        if not message.text:
            return texts.UNSUPPORTED
        command = command_of(text)
        if command == "start":
            return START_TEXT
        if command == "help":
            return HELP_TEXT
        if command == "subscribe":
            return texts.SUBSCRIBED if await self.reach.subscribe(CHANNEL, user) else texts.BUSY
        if command == "unsubscribe":
            return texts.UNSUBSCRIBED if await self.reach.unsubscribe(CHANNEL, user) else texts.BUSY
        if command is not None:
            return HELP_TEXT
        return await self.converse(on_new_message, text, user, f"tg:{message.message_id}")
