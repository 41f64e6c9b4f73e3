"""The real assistant (action server + `rasa run` with the channels) started through
jiuye.runner on free ports, configured by environment to talk to the loopback fakes."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Dict, Optional

from tests.support.live import MODEL, LiveAssistant, assistant_env, launch

__all__ = ["MODEL", "Stack", "channel_env", "start_stack", "wait_ready"]

WECHAT_TOKEN = "e2e_wechat_token"
AES_KEY = "Jiuye0123456789abcdefghijklmnopqrstuvwxyzAB"  # 43 characters
TELEGRAM_SECRET = "e2e-telegram-secret"


class Stack(LiveAssistant):
    @property
    def wechat_url(self) -> str:
        return f"{self.base}/webhooks/wechat/webhook"

    @property
    def telegram_url(self) -> str:
        return f"{self.base}/webhooks/telegram/webhook"

    def user_turns(self, sender_id: str) -> int:
        """User messages the dialogue processed in conversation ``sender_id`` (``wechat:<openid>``,
        ``telegram:<chat id>``…: registry/identity.py), from the SQL tracker store."""
        with sqlite3.connect(self.settings.data_dir / "tracker.db") as db:
            return db.execute(
                "SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (sender_id,)
            ).fetchone()[0]


def channel_env(data_dir: Path, **extra: str) -> Dict[str, str]:
    # JIUYE_CONSOLE=0: only the channels under test (and REST)
    return assistant_env(data_dir, **{"JIUYE_TRACKER_STORE": "sql", "WECHAT_TOKEN": WECHAT_TOKEN,
                                      "JIUYE_CONSOLE": "0", **extra})


def start_stack(env: Dict[str, str]) -> Stack:
    return launch(env, Stack)


def wait_ready(stack: Stack, timeout: Optional[float] = None) -> None:
    """Loading the model takes ~30 s on an idle 2-core machine, minutes on a busy one
    (JIUYE_TEST_START_TIMEOUT, default 300 s)."""
    stack.wait_serving("/webhooks/wechat/", timeout or float(os.environ.get("JIUYE_TEST_START_TIMEOUT") or 300))
