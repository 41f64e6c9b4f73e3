"""Telegram's Bot API through python-telegram-bot's ``ExtBot``: its HTTPX request with our
timeouts, its ``AIORateLimiter`` for the overall limit (30 messages/s), a per-chat pace of one
message a second (the limiter has none for private chats) and its typed errors, classified in
platforms/errors.py. ``base_url`` points at the loopback fake in tests (bot/fakes). The token is
part of every URL, so neither URLs nor PTB's own request logs are written at INFO.

Retries: a call is tried up to ``attempts`` times when its error is transient and nothing can
have been delivered (no connection, a 5xx, 429 with ``retry_after`` of a few seconds); a request
that may have reached Telegram is never repeated. The scheduler passes ``attempts=1``: its outbox
retries with backoff, across restarts.
"""
from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any, Dict

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from platforms.errors import Outcome, classify_telegram

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER = 5.0  # seconds: a longer flood wait is not sat out inside one call
OVERALL_PER_SECOND = 30  # Telegram: about 30 messages a second to different chats
PER_CHAT_PER_SECOND = 1  # ... and about one a second to one chat
_CHAT_LIMITERS = 10_000  # per-chat limiters kept (least recently used dropped)


def quiet_telegram_logs() -> None:
    """PTB and httpx log request URLs (which carry the token) at DEBUG/INFO."""
    for name in ("telegram", "telegram.ext", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))


def _seconds(period: Any) -> float:
    """PTB gives ``retry_after`` as seconds or a timedelta, depending on its settings."""
    return float(period.total_seconds() if hasattr(period, "total_seconds") else period)


class TelegramClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0, attempts: int = 3):
        self._request = HTTPXRequest(connection_pool_size=16, read_timeout=timeout, write_timeout=timeout,
                                     connect_timeout=min(timeout, 3.0), pool_timeout=timeout)
        self.bot: ExtBot[Any] = ExtBot(
            token, base_url=f"{base_url.rstrip('/')}/bot", request=self._request, get_updates_request=self._request,
            rate_limiter=AIORateLimiter(overall_max_rate=OVERALL_PER_SECOND, overall_time_period=1),
        )
        self.attempts = attempts
        self._chats: "collections.OrderedDict[int, AsyncLimiter]" = collections.OrderedDict()
        quiet_telegram_logs()

    async def close(self) -> None:
        await self._request.shutdown()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(PER_CHAT_PER_SECOND, 1)
        self._chats[chat_id] = limiter
        while len(self._chats) > _CHAT_LIMITERS:
            self._chats.popitem(last=False)
        return limiter

    async def _call(self, what: str, call: Any) -> Any:
        """``await call()`` with the retries described above; raises PTB's ``TelegramError``."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await call()
            except TelegramError as exc:
                retryable = classify_telegram(exc).outcome is Outcome.RETRY
                wait = _seconds(exc.retry_after) if isinstance(exc, RetryAfter) else 0.3 * attempt
                if not retryable or attempt == self.attempts or wait > MAX_RETRY_AFTER:
                    raise
                logger.warning("telegram %s attempt %d/%d: %s", what, attempt, self.attempts, type(exc).__name__)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def send_message(self, chat_id: int, text: str) -> None:
        async with self._chat_limiter(chat_id):
            await self._call("sendMessage", lambda: self.bot.send_message(chat_id, text))

    async def set_webhook(self, url: str, secret: str) -> bool:
        """``my_chat_member`` tells us when a user blocks (or unblocks) the bot."""
        return bool(await self._call("setWebhook", lambda: self.bot.set_webhook(
            url, secret_token=secret, allowed_updates=["message", "my_chat_member"])))

    async def webhook_info(self) -> Dict[str, Any]:
        info = await self._call("getWebhookInfo", self.bot.get_webhook_info)
        return {"url": info.url, "allowed_updates": list(info.allowed_updates or ()),
                "pending_update_count": info.pending_update_count, "last_error_message": info.last_error_message}

