"""Configuration both chat channels share, read from the environment.

| variable | default | meaning |
|---|---|---|
| CHANNEL_REDIS_PREFIX | jiuye: | prefix of every Redis key the channels write |
| REDIS_URL | unset | shared dedupe and access_token store; else local files / memory |
| DATABASE_URL | sqlite in JIUYE_DATA_DIR | contacts and subscriptions (``bot.reachability``) |
| JIUYE_CONTACT_REFRESH_SECONDS | 300 | an ordinary message re-records the user's contact time at most this often per process |
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from bot.reachability import REFRESH_SECONDS
from jiuye.settings import Settings


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
        api_base=(env.get(f"{prefix}API_BASE") or default_api_base).rstrip("/"),
        http_timeout=float(env.get(f"{prefix}HTTP_TIMEOUT") or http_timeout),
        dedupe_ttl=int(env.get(f"{prefix}DEDUPE_TTL") or dedupe_ttl),
        redis_url=settings.redis_url,
        redis_prefix=env.get("CHANNEL_REDIS_PREFIX") or "jiuye:",
        data_dir=settings.data_dir,
        database_url=settings.database_url,
        contact_refresh=float(env.get("JIUYE_CONTACT_REFRESH_SECONDS") or REFRESH_SECONDS),
    )
