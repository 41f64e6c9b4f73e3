"""Thin adapters from the channel API clients (bot/wechat, bot/telegram) to what the sender
needs: send a text or a template message, and classify every failure into one ``Outcome``."""
from __future__ import annotations

import enum
from typing import Dict, Optional, Protocol

from bot.telegram.api_client import TelegramAPIError, TelegramClient
from bot.wechat.api_client import WeChatClient
from bot.wechat.errors import WeChatAPIError


class Outcome(enum.Enum):
    RETRY = "retry"                # transient: try again after a backoff
    FALLBACK = "fallback"          # outside the 48 h window: send as a template message
    RECIPIENT_GONE = "recipient_gone"  # unfollowed / invalid user / bot blocked: stop everything to them
    QUOTA = "quota"                # the platform's daily quota: stop sending until tomorrow
    DEAD = "dead"                  # this message cannot be sent (bad template, bad request)
    IN_DOUBT = "in_doubt"          # the request left and no answer came: may have been delivered


class SendError(Exception):
    def __init__(self, outcome: Outcome, reason: str, block_reason: Optional[str] = None):
        super().__init__(reason)
        self.outcome, self.reason, self.block_reason = outcome, reason, block_reason


class Transport(Protocol):
    channel: str
    supports_templates: bool

    async def send_text(self, user_id: str, text: str) -> None:
        """Raises SendError."""

    async def send_template(self, user_id: str, template_id: str, data: Dict[str, Dict[str, str]]) -> None:
        """Raises SendError."""

    async def close(self) -> None:
        ...


# errcode → (outcome, recipient block reason). Codes not listed are DEAD.
WECHAT_OUTCOMES: Dict[int, tuple] = {
    -1: (Outcome.RETRY, None),          # system busy
    -2: (Outcome.RETRY, None),          # could not connect: the request never left
    45011: (Outcome.RETRY, None),       # API called too often
    40001: (Outcome.RETRY, None),       # token trouble the client could not fix at once
    40014: (Outcome.RETRY, None),
    42001: (Outcome.RETRY, None),
    -3: (Outcome.IN_DOUBT, None),       # timed out waiting for the answer
    -4: (Outcome.IN_DOUBT, None),       # connection broke after sending
    45015: (Outcome.FALLBACK, None),    # outside the 48 h customer-service window
    45047: (Outcome.FALLBACK, None),    # customer-service message limit in this window
    45009: (Outcome.QUOTA, None),       # daily API quota reached
    43004: (Outcome.RECIPIENT_GONE, "unfollowed"),
    40003: (Outcome.RECIPIENT_GONE, "invalid_user"),
}


def classify_wechat(exc: WeChatAPIError) -> SendError:
    if exc.errcode <= -500:  # HTTP 5xx from WeChat
        return SendError(Outcome.RETRY, str(exc))
    outcome, block = WECHAT_OUTCOMES.get(exc.errcode, (Outcome.DEAD, None))
    return SendError(outcome, f"wechat {exc.errcode}: {exc.errmsg}", block)


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


def classify_telegram(exc: TelegramAPIError) -> SendError:
    reason = f"telegram {exc.code}: {exc.description}"
    if exc.code == -2:
        return SendError(Outcome.IN_DOUBT, reason)
    if exc.code == -1 or exc.code == 429 or exc.code >= 500:
        return SendError(Outcome.RETRY, reason)
    if exc.code == 403:
        return SendError(Outcome.RECIPIENT_GONE, reason, "bot_blocked")
    if exc.code == 400 and "chat not found" in exc.description.lower():
        return SendError(Outcome.RECIPIENT_GONE, reason, "invalid_user")
    return SendError(Outcome.DEAD, reason)


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
        except TelegramAPIError as exc:
            raise classify_telegram(exc) from None

    async def send_template(self, user_id: str, template_id: str, data: Dict[str, Dict[str, str]]) -> None:
        raise SendError(Outcome.DEAD, "Telegram has no template messages")

    async def close(self) -> None:
        await self.client.close()


def from_env(env=None) -> Dict[str, Transport]:
    """The channels configured in the environment (WECHAT_APPID/SECRET, TELEGRAM_TOKEN)."""
    from settings.channels import TelegramConfig
    from settings.channels import WeChatConfig
    from bot.wechat.token_store import token_store

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
