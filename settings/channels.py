"""Configuration of the chat channels (WeChat, Telegram) and of their outbound API clients, which
the scheduler uses too. Read when a channel or the scheduler starts (never at import).

Both channels:

| variable | default | meaning |
|---|---|---|
| CHANNEL_REDIS_PREFIX | jiuye: | prefix of every Redis key the channels write |
| REDIS_URL | unset | shared dedupe and access_token store; else local files / memory |
| DATABASE_URL | sqlite in JIUYE_DATA_DIR | contacts and subscriptions (``bot.reachability``) |
| JIUYE_CONTACT_REFRESH_SECONDS | 300 | an ordinary message re-records the user's contact time at most this often per process |

WeChat:

| variable | default | meaning |
|---|---|---|
| WECHAT_TOKEN | (required) | the Token set in the 公众号 server configuration |
| WECHAT_APPID | "" | AppID (needed for safe mode and the API) |
| WECHAT_APP_SECRET | "" | AppSecret (needed for customer-service messages) |
| WECHAT_AES_KEY | unset | EncodingAESKey (43 chars); when set, safe mode (AES) is required |
| WECHAT_API_BASE | https://api.weixin.qq.com | API base URL (a fake in tests) |
| WECHAT_PASSIVE_TIMEOUT | 4.5 | seconds to wait for an answer before replying `success` |
| WECHAT_MAX_CLOCK_SKEW | 300 | seconds a request timestamp may differ from now |
| WECHAT_DEDUPE_TTL | 300 | seconds a MsgId is remembered |
| WECHAT_HTTP_TIMEOUT | 5 | seconds for each API request |
| WECHAT_FALLBACK_TEMPLATE_ID | unset | template message used when outside the 48 h window |

Telegram:

| variable | default | meaning |
|---|---|---|
| TELEGRAM_TOKEN | (required) | the bot token from @BotFather |
| TELEGRAM_SECRET | (required) | secret_token given to setWebhook; checked on every update |
| TELEGRAM_API_BASE | https://api.telegram.org | Bot API base URL (a fake in tests) |
| TELEGRAM_HTTP_TIMEOUT | 10 | seconds for each Bot API request |
| TELEGRAM_DEDUPE_TTL | 3600 | seconds an update_id is remembered |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from settings import parse
from settings.core import Settings

REFRESH_SECONDS = 300.0  # JIUYE_CONTACT_REFRESH_SECONDS default
WECHAT_API_BASE = "https://api.weixin.qq.com"
TELEGRAM_API_BASE = "https://api.telegram.org"


@dataclass(frozen=True)
class ChannelConfig:
    token: str
    api_base: str
    http_timeout: float
    dedupe_ttl: int
    redis_url: Optional[str]
    redis_prefix: str
    data_dir: Path
    database_url: str
    contact_refresh: float


def shared_fields(env: Mapping[str, str], prefix: str, default_api_base: str, http_timeout: float,
                  dedupe_ttl: int) -> Dict[str, Any]:
    """The ``ChannelConfig`` fields from ``<prefix>TOKEN``, ``<prefix>API_BASE``,
    ``<prefix>HTTP_TIMEOUT``, ``<prefix>DEDUPE_TTL`` and the shared settings."""
    settings = Settings.from_env(env)
    return dict(
        token=env.get(f"{prefix}TOKEN", ""),
        api_base=(parse.url(env, f"{prefix}API_BASE", ("http", "https")) or default_api_base).rstrip("/"),
        http_timeout=parse.number(env, f"{prefix}HTTP_TIMEOUT", http_timeout, exclusive=True),
        dedupe_ttl=parse.integer(env, f"{prefix}DEDUPE_TTL", dedupe_ttl, minimum=1),
        redis_url=settings.redis_url,
        redis_prefix=env.get("CHANNEL_REDIS_PREFIX") or "jiuye:",
        data_dir=settings.data_dir,
        database_url=settings.database_url,
        contact_refresh=parse.number(env, "JIUYE_CONTACT_REFRESH_SECONDS", REFRESH_SECONDS),
    )


@dataclass(frozen=True)
class WeChatConfig(ChannelConfig):
    appid: str
    app_secret: str
    aes_key: Optional[str]
    passive_timeout: float
    max_clock_skew: float
    fallback_template_id: Optional[str]

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_key)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "WeChatConfig":
        env = os.environ if env is None else env
        return cls(
            **shared_fields(env, "WECHAT_", WECHAT_API_BASE, http_timeout=5, dedupe_ttl=300),
            appid=env.get("WECHAT_APPID", ""),
            app_secret=env.get("WECHAT_APP_SECRET", ""),
            aes_key=env.get("WECHAT_AES_KEY") or None,
            passive_timeout=parse.number(env, "WECHAT_PASSIVE_TIMEOUT", 4.5, exclusive=True),
            max_clock_skew=parse.number(env, "WECHAT_MAX_CLOCK_SKEW", 300, exclusive=True),
            fallback_template_id=env.get("WECHAT_FALLBACK_TEMPLATE_ID") or None,
        )


@dataclass(frozen=True)
class TelegramConfig(ChannelConfig):
    secret: str

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "TelegramConfig":
        env = os.environ if env is None else env
        return cls(**shared_fields(env, "TELEGRAM_", TELEGRAM_API_BASE, http_timeout=10, dedupe_ttl=3600),
                   secret=env.get("TELEGRAM_SECRET", ""))
