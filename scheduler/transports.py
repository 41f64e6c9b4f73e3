"""Thin adapters from the platforms' API clients (platforms/) to what the sender needs: send a
text or a template message, every failure classified into one ``Outcome`` (platforms/errors.py)."""
from __future__ import annotations

from typing import Dict, Mapping, Optional, Protocol

from telegram.error import TelegramError

from platforms.errors import Outcome, SendError, WeChatAPIError, classify_telegram, classify_wechat
from platforms.telegram import TelegramClient
from platforms.wechat import WeChatClient
from platforms.wechat_token import token_store
from settings.channels import TelegramConfig, WeChatConfig


class Transport(Protocol):
    channel: str
    supports_templates: bool

    async def send_text(self, user_id: str, text: str) -> None:
        """Raises SendError."""

    async def send_template(self, user_id: str, template_id: str, data: Dict[str, Dict[str, str]]) -> None:
        """Raises SendError."""

    async def close(self) -> None:
        ...


class WeChatTransport:
    channel = "wechat"
    supports_templates = True

    def __init__(self, client: WeChatClient):
        self.client = client

    async def send_text(self, user_id: str, text: str) -> None:
        try:
            await self.client.send_text(user_id, text)
        except WeChatAPIError as exc:
            raise classify_wechat(exc) from None

    async def send_template(self, user_id: str, template_id: str, data: Dict[str, Dict[str, str]]) -> None:
        try:
            await self.client.send_template(user_id, template_id, data)
        except WeChatAPIError as exc:
            raise classify_wechat(exc) from None

    async def close(self) -> None:
        await self.client.close()


class TelegramTransport:
    channel = "telegram"
    supports_templates = False

    def __init__(self, client: TelegramClient):
        self.client = client

    async def send_text(self, user_id: str, text: str) -> None:
        try:
            chat_id = int(user_id)
        except ValueError:
            raise SendError(Outcome.RECIPIENT_GONE, f"not a Telegram chat id: {user_id!r}", "invalid_user") from None
        try:
            await self.client.send_message(chat_id, text)
        except TelegramError as exc:
            raise classify_telegram(exc) from None

    async def send_template(self, user_id: str, template_id: str, data: Dict[str, Dict[str, str]]) -> None:
        raise SendError(Outcome.DEAD, "Telegram has no template messages")

    async def close(self) -> None:
        await self.client.close()


def from_env(env: Optional[Mapping[str, str]] = None) -> Dict[str, Transport]:
    """The channels configured in the environment (WECHAT_APPID/SECRET, TELEGRAM_TOKEN)."""
    transports: Dict[str, Transport] = {}
    wechat = WeChatConfig.from_env(env)
    if wechat.appid and wechat.app_secret:
        tokens = token_store(wechat.redis_url, wechat.redis_prefix, wechat.appid)
        # One attempt per send inside the client (connect errors aside, it would not retry a
        # send anyway); the outbox does the retrying, with backoff, across restarts.
        client = WeChatClient(wechat.api_base, wechat.appid, wechat.app_secret, tokens, wechat.http_timeout,
                              attempts=1)
        transports["wechat"] = WeChatTransport(client)
    telegram = TelegramConfig.from_env(env)
    if telegram.token:
        transports["telegram"] = TelegramTransport(TelegramClient(telegram.api_base, telegram.token,
                                                                  telegram.http_timeout, attempts=1))
    return transports
