"""Sits between Rasa and the real action server and holds back the calls for chosen senders,
so that a real answer is slow for real (a slow action server is what makes answers late in
production) without any test hook in the assistant itself."""
from __future__ import annotations

import json
import time

import httpx

from bot.fakes.loopback import Answer, LoopbackServer, Recorded
from registry.identity import split


class SlowActionProxy(LoopbackServer):
    def __init__(self, action_url: str, slow_prefix: str = "o_slow_", delay: float = 5.5):
        super().__init__()
        self.action_url, self.slow_prefix, self.delay = action_url, slow_prefix, delay

    def handle(self, request: Recorded) -> Answer:
        body = request.json or {}
        if split(str(body.get("sender_id", ""))).user.startswith(self.slow_prefix):  # wechat:o_slow_…
            time.sleep(self.delay)
        response = httpx.post(self.action_url, content=request.body, timeout=60,
                              headers={"Content-Type": "application/json"})
        return response.status_code, json.loads(response.text or "{}")
