"""WeChat channel configuration, read from the environment when the channel is created.

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
| CHANNEL_REDIS_PREFIX | jiuye: | prefix of every Redis key the channels write |
| REDIS_URL | unset | shared dedupe and access_token store; else local files / memory |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from jiuye.settings import Settings

DEFAULT_API_BASE = "https://api.weixin.qq.com"


@dataclass(frozen=True)
class WeChatConfig:
    token: str
    appid: str
    app_secret: str
    aes_key: Optional[str]
    api_base: str
    passive_timeout: float
    max_clock_skew: float
    dedupe_ttl: int
    http_timeout: float
    fallback_template_id: Optional[str]
    redis_url: Optional[str]
    redis_prefix: str
    data_dir: Path
    database_url: str

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_key)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "WeChatConfig":
        env = os.environ if env is None else env
        settings = Settings.from_env(env)
        return cls(
            token=env.get("WECHAT_TOKEN", ""),
            appid=env.get("WECHAT_APPID", ""),
            app_secret=env.get("WECHAT_APP_SECRET", ""),
            aes_key=env.get("WECHAT_AES_KEY") or None,
            api_base=(env.get("WECHAT_API_BASE") or DEFAULT_API_BASE).rstrip("/"),
            passive_timeout=float(env.get("WECHAT_PASSIVE_TIMEOUT") or 4.5),
            max_clock_skew=float(env.get("WECHAT_MAX_CLOCK_SKEW") or 300),
            dedupe_ttl=int(env.get("WECHAT_DEDUPE_TTL") or 300),
            http_timeout=float(env.get("WECHAT_HTTP_TIMEOUT") or 5),
            fallback_template_id=env.get("WECHAT_FALLBACK_TEMPLATE_ID") or None,
            redis_url=settings.redis_url,
            redis_prefix=env.get("CHANNEL_REDIS_PREFIX") or "jiuye:",
            data_dir=settings.data_dir,
            database_url=settings.database_url,
        )
