"""The Bot API calls this project makes (sendMessage, setWebhook), with explicit timeouts and a
configurable base URL. The token is part of every URL, so URLs are never logged."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

import httpx

from platforms.errors import TelegramAPIError
from platforms.wechat import quiet_http_logs

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER = 5.0


class TelegramClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0, attempts: int = 3):
        self._base = f"{base_url.rstrip('/')}/bot{token}"
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 3.0))
        self.attempts = attempts
        self._http: Optional[httpx.AsyncClient] = None
        quiet_http_logs()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def call(self, method: str, payload: Dict[str, Any]) -> Any:
        """Retries on 429 (waiting ``retry_after`` up to a few seconds), 5xx and connect errors."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self._timeout)
        for attempt in range(1, self.attempts + 1):
            try:
                response = await self._http.post(f"{self._base}/{method}", json=payload)
                data = response.json()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error, wait = TelegramAPIError(-1, type(exc).__name__), 0.3 * attempt
            except (httpx.HTTPError, ValueError) as exc:  # sent but no answer: may have been delivered
                raise TelegramAPIError(-2, type(exc).__name__) from None
            else:
                if data.get("ok"):
                    return data.get("result")
                code = int(data.get("error_code") or response.status_code)
                error = TelegramAPIError(code, str(data.get("description", "")))
                retry_after = float((data.get("parameters") or {}).get("retry_after") or 0)
                if code == 429 and retry_after <= MAX_RETRY_AFTER:
                    wait = retry_after
                elif code >= 500:
                    wait = 0.3 * attempt
                else:
                    raise error
            logger.warning("telegram %s attempt %d/%d: %s", method, attempt, self.attempts, error)
            if attempt < self.attempts:
                await asyncio.sleep(wait)
        raise error

    async def send_message(self, chat_id: int, text: str) -> None:
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def set_webhook(self, url: str, secret: str) -> None:
        """``my_chat_member`` tells us when a user blocks (or unblocks) the bot."""
        await self.call("setWebhook", {"url": url, "secret_token": secret,
                                       "allowed_updates": ["message", "my_chat_member"]})
