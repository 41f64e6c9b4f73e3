"""The Bot API methods the channel uses: sendMessage, setWebhook, getMe (token in the path)."""
from __future__ import annotations

import itertools
import re
import time
from typing import Any, Dict, List, Optional, Set

from bot.fakes.loopback import Answer, LoopbackServer, Recorded

PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


class FakeTelegramAPI(LoopbackServer):
    def __init__(self, token: str = "123456:FAKE-TOKEN", port: int = 0):
        super().__init__(port)
        self.token = token
        self._message_ids = itertools.count(1)
        self.webhook: Dict[str, Any] = {}
        self.blocked: Set[int] = set()  # chats whose user blocked the bot: sendMessage answers 403

    def handle(self, request: Recorded) -> Answer:
        with self._lock:
            return self._handle(request)

    def _handle(self, request: Recorded) -> Answer:
        match = PATH.match(request.path)
        if not match or match["token"] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        payload = request.json or {}
        method = match["method"]
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "就业助手", "username": "jiuye_bot"}}
        if method == "setWebhook":
            self.webhook = payload
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "sendMessage":
            if not payload.get("chat_id") or not payload.get("text"):
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}
            if payload["chat_id"] in self.blocked:
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return 200, {"ok": True, "result": {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": payload["chat_id"], "type": "private"}, "text": payload["text"],
            }}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def sent(self, chat_id: Optional[int] = None) -> List[Dict[str, Any]]:
        return [
            r.json for r in self.received(r"/sendMessage$")
            if r.status == 200 and (chat_id is None or r.json.get("chat_id") == chat_id)
        ]
