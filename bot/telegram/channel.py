"""The Telegram channel for Rasa 3.6, served at /webhooks/telegram/webhook.

Every update must carry ``X-Telegram-Bot-Api-Secret-Token``; it is acknowledged at once and
answered through the Bot API, so Telegram never redelivers for slowness. Redeliveries after a
failure are recognised by update_id (the same store as WeChat's MsgIds).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Message, Update

from bot.telegram.api_client import TelegramAPIError, TelegramClient
from bot.telegram.config import TelegramConfig
from bot.wechat import texts
from bot.wechat.dedupe import DEFERRED, OutcomeStore, outcome_store
from bot.wechat.reply_split import split
from bot.wechat.signature import same
from bot.wechat.subscriptions import SqlSubscriptionSink, SubscriptionSink
from bot.wechat.turn import dialogue_reply

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_LIMIT_CHARS = 4096

START_TEXT = "您好，我是就业助手！\n" + texts.CAPABILITIES + "\n发送 /subscribe 开启政策提醒，/help 查看说明。"
HELP_TEXT = texts.HELP + "\n命令：/subscribe 开启政策提醒，/unsubscribe 停止所有提醒。"


def command_of(text: str) -> Optional[str]:
    """``/start@JiuyeBot arg`` → ``start``; None for ordinary text."""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "TelegramInput":
        return cls(TelegramConfig.from_env())

    def __init__(self, config: TelegramConfig, store: Optional[OutcomeStore] = None,
                 client: Optional[TelegramClient] = None, sink: Optional[SubscriptionSink] = None):
        if not config.token:
            raise ValueError("TELEGRAM_TOKEN is required for the Telegram channel")
        if not config.secret:
            logger.error("TELEGRAM_SECRET is not set: every Telegram update will be refused")
        self.config = config
        self._store, self._client, self._sink = store, client, sink
        self._tasks: Set[asyncio.Task] = set()

    @property
    def store(self) -> OutcomeStore:
        if self._store is None:
            c = self.config
            self._store = outcome_store(c.redis_url, c.redis_prefix, c.dedupe_ttl, c.data_dir)
        return self._store

    @property
    def client(self) -> TelegramClient:
        if self._client is None:
            self._client = TelegramClient(self.config.api_base, self.config.token, self.config.http_timeout)
        return self._client

    @property
    def sink(self) -> SubscriptionSink:
        if self._sink is None:
            self._sink = SqlSubscriptionSink.from_url(self.config.database_url)
        return self._sink

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("telegram_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.config.secret or not same(self.config.secret, request.headers.get(SECRET_HEADER)):
                logger.warning("telegram update refused: secret token missing or wrong")
                return response.text("forbidden", status=403)
            try:
                update = Update.de_json(request.json, None)
            except Exception as exc:
                logger.warning("telegram update unreadable: %s", type(exc).__name__)
                return response.text("bad request", status=400)
            if not await self.store.claim(f"tg:update:{update.update_id}"):
                logger.info("telegram update %s already taken", update.update_id)
                return response.json({})
            message = update.message
            if message is not None:
                task = asyncio.create_task(self._handle(message, update.update_id, on_new_message))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return response.json({})

        @hook.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            if self._client is not None:
                await self._client.close()
            if self._store is not None:
                await self._store.close()

        return hook

    async def _handle(self, message: Message, update_id: int, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        chat_id = message.chat.id
        try:
            text = await self._reply(message, on_new_message)
            for part in split(text, TELEGRAM_LIMIT_CHARS, len):
                await self.client.send_message(chat_id, part)
        except TelegramAPIError as exc:
            logger.error("telegram update %s: reply not sent: %s", update_id, exc)
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
            await self.sink.subscribe(CHANNEL, user)
            return texts.SUBSCRIBED
        if command == "unsubscribe":
            await self.sink.unsubscribe_all(CHANNEL, user)
            return texts.UNSUBSCRIBED
        if command is not None:
            return HELP_TEXT
        return await dialogue_reply(on_new_message, text, user, CHANNEL, f"tg:{message.message_id}")
