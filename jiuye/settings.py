"""Configuration from the environment, with the defaults documented in README.md.

Read when needed (``Settings.from_env()``), never at import time, so tests and subprocesses can
set the environment first.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from jiuye.log_privacy import log_level

PROJECT_DIR = Path(__file__).resolve().parent.parent


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
        env = os.environ if env is None else env
        data_dir = Path(env.get("JIUYE_DATA_DIR") or PROJECT_DIR / "var")
        return cls(
            port=int(env.get("PORT") or 5005),
            action_port=int(env.get("ACTION_PORT") or 5055),
            action_server_url=env.get("ACTION_SERVER_URL") or None,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'jiuye.db'}",
            redis_url=env.get("REDIS_URL") or None,
            data_dir=data_dir,
            model_path=Path(env.get("JIUYE_MODEL") or PROJECT_DIR / "models" / "jiuye.tar.gz"),
            kb_dir=Path(env.get("JIUYE_KB_DIR") or PROJECT_DIR / "policies_kb" / "data"),
            tracker_store=(env.get("JIUYE_TRACKER_STORE") or "sql").lower(),
            log_level=log_level(env),
            rest_token=env.get("JIUYE_REST_TOKEN") or None,
        )
