"""The running assistant as an attacker and its real users see it: REST requests with whatever
body the attacker likes, signed WeChat pushes and Telegram updates from real users, the ledger
the action server writes, the Rasa server's memory and its log."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, List

import httpx

from bot.fakes.fake_telegram_api import FakeTelegramAPI
from bot.fakes.fake_wechat_api import FakeWeChatAPI
from bot.fakes.wechat_simulator import WeChatSimulator
from registry.crypto import IdCipher
from registry.db import make_engine
from registry.store import RegistrationStore
from tests.channels.stack import TELEGRAM_SECRET, WECHAT_TOKEN, Stack

REST_PATH = "/webhooks/rest/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Target:
    stack: Stack
    wechat_api: FakeWeChatAPI
    telegram_api: FakeTelegramAPI

    # -- the attacker ----------------------------------------------------------------------------
    def rest(self, body: Any, timeout: float = 60.0, **kwargs: Any) -> httpx.Response:
        """POST ``body`` (a JSON object, or raw bytes as ``content``) to the REST channel."""
        if isinstance(body, (bytes, str)):
            return httpx.post(self.stack.base + REST_PATH, content=body, timeout=timeout,
                              headers={"Content-Type": "application/json"}, **kwargs)
        return httpx.post(self.stack.base + REST_PATH, json=body, timeout=timeout, **kwargs)

    def rest_text(self, sender: str, message: str, **extra: Any) -> str:
        """The bot's texts for one REST message (``extra``: more body fields, e.g. input_channel)."""
        response = self.rest({"sender": sender, "message": message, **extra})
        assert response.status_code == 200, response.text[:300]
        return "\n".join(m.get("text") or "" for m in response.json())

    # -- the real users ----------------------------------------------------------------------------
    @property
    def wechat_simulator(self) -> WeChatSimulator:
        return WeChatSimulator(self.stack.base + "/webhooks/wechat/webhook", WECHAT_TOKEN)

    def wechat(self, openid: str, text: str, wait: float = 60.0) -> str:
        """What a WeChat user sees for one message: the passive reply, or the customer-service
        message(s) that follow when the answer took longer than WeChat's 5 seconds."""
        before = len(self.wechat_api.delivered(openid))
        simulator = self.wechat_simulator
        delivery = simulator.deliver(simulator.text(openid, text))
        assert delivery.status == 200, delivery.attempts
        if delivery.text is not None:
            return delivery.text
        deadline = time.monotonic() + wait
        while len(self.wechat_api.delivered(openid)) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        return "\n".join(m["text"]["content"] for m in self.wechat_api.delivered(openid)[before:])

    def telegram(self, chat: int, text: str, update_id: int, wait: float = 60.0) -> str:
        """What a Telegram user sees for one message (sent back through the fake Bot API)."""
        before = len(self.telegram_api.sent(chat))
        update = {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()), "text": text,
                                                      "chat": {"id": chat, "type": "private"}}}
        response = httpx.post(self.stack.base + "/webhooks/telegram/webhook", json=update, timeout=30,
                              headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET})
        assert response.status_code == 200, response.text
        deadline = time.monotonic() + wait
        while len(self.telegram_api.sent(chat)) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        return "\n".join(m.get("text", "") for m in self.telegram_api.sent(chat)[before:])

    # -- what the server keeps -----------------------------------------------------------------
    def ledger(self) -> RegistrationStore:
        env = self.stack.env
        return RegistrationStore(make_engine(env["DATABASE_URL"]), IdCipher.from_env(env))

    def user_texts(self, sender_part: str) -> List[str]:
        """Every user message the tracker store holds in any conversation whose id contains
        ``sender_part`` (old and new id formats alike)."""
        import json
        import sqlite3

        with sqlite3.connect(self.stack.settings.data_dir / "tracker.db") as db:
            rows = db.execute("SELECT data FROM events WHERE type_name = 'user' AND instr(sender_id, ?) > 0",
                              (sender_part,)).fetchall()
        return [json.loads(data).get("text") or "" for (data,) in rows]

    def rss_kb(self) -> int:
        """Resident memory of the Rasa server process (the one `rasa run` that serves every channel)."""
        status = open(f"/proc/{self.stack.assistant.rasa.pid}/status", encoding="ascii").read()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))

    def log(self) -> str:
        return (self.stack.settings.data_dir / "assistant.log").read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.stack.assistant.rasa.poll() is None

