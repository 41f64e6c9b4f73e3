"""The settings every process shares (README.md, Configuration)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from settings import parse

PROJECT_DIR = Path(__file__).resolve().parent.parent
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TRACKER_STORES = ("sql", "memory")


def log_level(env: Optional[Mapping[str, str]] = None, default: str = "INFO") -> str:
    """``JIUYE_LOG_LEVEL`` (case-insensitive), or ``default``."""
    env = os.environ if env is None else env
    return parse.choice(env, "JIUYE_LOG_LEVEL", default, LEVELS, upper=True)


@dataclass(frozen=True)
class Settings:
    port: int
    action_port: int
    action_server_url: Optional[str]
    database_url: str
    redis_url: Optional[str]
    data_dir: Path
    model_path: Path
    kb_dir: Path
    tracker_store: str
    log_level: str
    rest_token: Optional[str] = None  # JIUYE_REST_TOKEN: bearer token of the REST channel (bot/rest_channel.py)

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Parse and validate ``env`` (default ``os.environ``); a bad value raises
        ``parse.SettingsError``. A process reads its own once, through ``settings.load_settings()``."""
        env = os.environ if env is None else env
        data_dir = Path(parse.text(env, "JIUYE_DATA_DIR") or PROJECT_DIR / "var")
        return cls(
            port=parse.port(env, "PORT", 5005),
            action_port=parse.port(env, "ACTION_PORT", 5055),
            action_server_url=parse.url(env, "ACTION_SERVER_URL", ("http", "https")),
            database_url=parse.url(env, "DATABASE_URL") or f"sqlite:///{data_dir / 'jiuye.db'}",
            redis_url=parse.url(env, "REDIS_URL", ("redis", "rediss", "unix")),
            data_dir=data_dir,
            model_path=Path(parse.text(env, "JIUYE_MODEL") or PROJECT_DIR / "models" / "jiuye.tar.gz"),
            kb_dir=Path(parse.text(env, "JIUYE_KB_DIR") or PROJECT_DIR / "policies_kb" / "data"),
            tracker_store=parse.choice(env, "JIUYE_TRACKER_STORE", "sql", TRACKER_STORES),
            log_level=log_level(env),
            rest_token=parse.text(env, "JIUYE_REST_TOKEN"),
        )
