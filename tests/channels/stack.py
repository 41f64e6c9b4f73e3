"""The real assistant (action server + `rasa run` with the channels) started through
jiuye.runner on free ports, configured by environment to talk to the loopback fakes."""
from __future__ import annotations

import os
import sqlite3
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Dict, Optional

from bot.action_server import free_port
from jiuye import runner
from jiuye.settings import PROJECT_DIR, Settings

MODEL = Path(os.environ.get("JIUYE_MODEL") or PROJECT_DIR / "models" / "jiuye.tar.gz")
WECHAT_TOKEN = "e2e_wechat_token"
AES_KEY = "Jiuye0123456789abcdefghijklmnopqrstuvwxyzAB"  # 43 characters
TELEGRAM_SECRET = "e2e-telegram-secret"


@dataclass
class Stack:
    env: Dict[str, str]
    settings: Settings
    assistant: runner.Assistant
    log: IO

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    @property
    def wechat_url(self) -> str:
        return f"{self.base}/webhooks/wechat/webhook"

    @property
    def telegram_url(self) -> str:
        return f"{self.base}/webhooks/telegram/webhook"

    def user_turns(self, sender_id: str) -> int:
        """User messages the dialogue processed for ``sender_id`` (from the SQL tracker store)."""
        with sqlite3.connect(self.settings.data_dir / "tracker.db") as db:
            return db.execute(
                "SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (sender_id,)
            ).fetchone()[0]

    def stop(self) -> None:
        self.assistant.stop()
        self.log.close()


def channel_env(data_dir: Path, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "TELEGRAM_", "REDIS_URL"))}
    env.update(
        PORT=str(free_port()), ACTION_PORT=str(free_port()), JIUYE_DATA_DIR=str(data_dir), JIUYE_MODEL=str(MODEL),
        DATABASE_URL=f"sqlite:///{data_dir / 'jiuye.db'}", JIUYE_TRACKER_STORE="sql", WECHAT_TOKEN=WECHAT_TOKEN,
        JIUYE_CONSOLE="0",  # only the channels under test (and REST)
    )
    env.update(extra)
    return env


def start_stack(env: Dict[str, str]) -> Stack:
    settings = Settings.from_env(env)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = open(settings.data_dir / "assistant.log", "w", encoding="utf-8")
    assistant = runner.start(settings, env, log_to=log)
    return Stack(env, settings, assistant, log)


def wait_ready(stack: Stack, timeout: Optional[float] = None) -> None:
    """Loading the model takes ~30 s on an idle 2-core machine, minutes on a busy one
    (JIUYE_TEST_START_TIMEOUT, default 300 s)."""
    timeout = timeout or float(os.environ.get("JIUYE_TEST_START_TIMEOUT") or 300)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.assistant.rasa.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{stack.base}/webhooks/wechat/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    stack.stop()
    log = (stack.settings.data_dir / "assistant.log").read_text(encoding="utf-8")[-3000:]
    raise RuntimeError(f"assistant did not become ready:\n{log}")
