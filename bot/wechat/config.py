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

Redis, the key prefix and DATABASE_URL: ``bot.channel_config``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

from bot.channel_config import ChannelConfig, shared_fields

DEFAULT_API_BASE = "https://api.weixin.qq.com"


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
            **shared_fields(env, "WECHAT_", DEFAULT_API_BASE, http_timeout=5, dedupe_ttl=300),
            appid=env.get("WECHAT_APPID", ""),
            app_secret=env.get("WECHAT_APP_SECRET", ""),
            aes_key=env.get("WECHAT_AES_KEY") or None,
            passive_timeout=float(env.get("WECHAT_PASSIVE_TIMEOUT") or 4.5),
            max_clock_skew=float(env.get("WECHAT_MAX_CLOCK_SKEW") or 300),
            fallback_template_id=env.get("WECHAT_FALLBACK_TEMPLATE_ID") or None,
        )
