"""Telegram channel configuration, read from the environment when the channel is created.

| variable | default | meaning |
|---|---|---|
| TELEGRAM_TOKEN | (required) | the bot token from @BotFather |
| TELEGRAM_SECRET | (required) | secret_token given to setWebhook; checked on every update |
| TELEGRAM_API_BASE | https://api.telegram.org | Bot API base URL (a fake in tests) |
| TELEGRAM_HTTP_TIMEOUT | 10 | seconds for each Bot API request |
| TELEGRAM_DEDUPE_TTL | 3600 | seconds an update_id is remembered |

Redis, the key prefix and DATABASE_URL: ``bot.channel_config``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.channel_config import ChannelConfig, shared_fields

DEFAULT_API_BASE = "https://api.telegram.org"


@dataclass(frozen=True)
class TelegramConfig(ChannelConfig):
    secret: str

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "TelegramConfig":
        env = os.environ if env is None else env
        return cls(**shared_fields(env, "TELEGRAM_", DEFAULT_API_BASE, http_timeout=10, dedupe_ttl=3600),
                   secret=env.get("TELEGRAM_SECRET", ""))
