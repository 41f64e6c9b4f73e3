"""The Bot API methods we use: sendMessage, setWebhook, getWebhookInfo, getMe (token in the path).
Parameters arrive as JSON or, as python-telegram-bot sends them, form-encoded with each non-string
value JSON-encoded."""
from __future__ import annotations

import itertools
import json
import re
import time
from typing import Any, Dict, List, Optional, Set
from urllib.parse import parse_qsl

from bot.fakes.loopback import Answer, LoopbackServer, Recorded

PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


def params(request: Recorded) -> Dict[str, Any]:
    """A Bot API call's parameters, JSON or form-encoded (PTB)."""
    if not request.body:
        return {}
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        decoded: Dict[str, Any] = {}
        for key, value in parse_qsl(request.body.decode("utf-8"), keep_blank_values=True):
            try:
                decoded[key] = value if key == "text" else json.loads(value)
            except ValueError:  # a plain string parameter
                decoded[key] = value
        return decoded
    return request.json or {}


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
        payload = params(request)
        method = match["method"]
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "就业助手", "username": "jiuye_bot"}}
        if method == "setWebhook":
            self.webhook = payload
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {
                "url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0,
                "allowed_updates": self.webhook.get("allowed_updates") or [],
            }}
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
            params(r) for r in self.received(r"/sendMessage$")
            if r.status == 200 and (chat_id is None or params(r).get("chat_id") == chat_id)
        ]
