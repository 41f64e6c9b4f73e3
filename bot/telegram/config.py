"""Telegram channel configuration, read from the environment when the channel is created.

| variable | default | meaning |
|---|---|---|
| TELEGRAM_TOKEN | (required) | the bot token from @BotFather |
| TELEGRAM_SECRET | (required) | secret_token given to setWebhook; checked on every update |
| TELEGRAM_API_BASE | https://api.telegram.org | Bot API base URL (a fake in tests) |
| TELEGRAM_HTTP_TIMEOUT | 10 | seconds for each Bot API request |

Redis (REDIS_URL, CHANNEL_REDIS_PREFIX) and DATABASE_URL as for WeChat (``bot.wechat.config``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from jiuye.settings import Settings

DEFAULT_API_BASE = "https://api.telegram.org"


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    secret: str
    api_base: str
    http_timeout: float
    redis_url: Optional[str]
    redis_prefix: str
    data_dir: Path
    database_url: str
    dedupe_ttl: int = 3600

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "TelegramConfig":
        env = os.environ if env is None else env
        settings = Settings.from_env(env)
        return cls(
            token=env.get("TELEGRAM_TOKEN", ""),
            secret=env.get("TELEGRAM_SECRET", ""),
            api_base=(env.get("TELEGRAM_API_BASE") or DEFAULT_API_BASE).rstrip("/"),
            http_timeout=float(env.get("TELEGRAM_HTTP_TIMEOUT") or 10),
            redis_url=settings.redis_url,
            redis_prefix=env.get("CHANNEL_REDIS_PREFIX") or "jiuye:",
            data_dir=settings.data_dir,
            database_url=settings.database_url,
        )
