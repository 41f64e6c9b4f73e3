"""Finding 4, size: Rasa's REST channel had no input guard (a 120 KB message pushed the server to
~5 GB, a 1.2 MB one ran TensorFlow out of memory, blocked everyone for ~12 s and wrote the text,
phone included, to the log). Now every route refuses bodies over 256 KiB at the HTTP layer and
the REST channel applies the 1,000-character limit before anything reaches NLU or a log line."""
from __future__ import annotations

import time
import uuid
from typing import Callable

import httpx
import pytest

from bot.fakes.wechat_simulator import to_xml
from tests.channels.stack import TELEGRAM_SECRET
from tests.security.target import TELEGRAM_SECRET_HEADER

pytestmark = pytest.mark.e2e

PHONE = "13912345678"
SECOND = 1.0
FEW_MB = 8 * 1024  # kB


def big_message(size_bytes: int) -> str:
    """A Chinese message of about ``size_bytes`` UTF-8 bytes with a phone number in it."""
    return f"我的手机号是{PHONE}，" + "吉" * (size_bytes // 3)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def warm(target):
    """First requests load code paths; measure memory only after them."""
    target.rest_text("warm-up", "你好")
    target.rest_text("warm-up", "吉" * 1200)
    return target


def test_1001_characters_on_rest_are_refused_before_nlu(warm):
    sender = f"long-{uuid.uuid4().hex[:8]}"
    reply = warm.rest_text(sender, "吉" * 1001)
    assert "太长" in reply
    assert warm.user_texts(sender) == []  # never reached the dialogue


def test_120_kb_message_answered_at_once_without_memory_growth(warm):
    sender = f"k120-{uuid.uuid4().hex[:8]}"
    before = warm.rss_kb()
    for _ in range(3):
        response, elapsed = timed(lambda: warm.rest({"sender": sender, "message": big_message(120_000)}, timeout=5))
        assert elapsed < SECOND and response.status_code == 200
        assert "太长" in response.json()[0]["text"]
    assert warm.rss_kb() - before < FEW_MB
    assert warm.user_texts(sender) == [] and PHONE not in warm.log()


def request_for(target, route: str, sender: str, text: str) -> Callable[[], httpx.Response]:
    """The POST that carries ``text`` to ``route``, authenticated as that route's clients are."""
    if route == "rest":
        return lambda: target.rest({"sender": sender, "message": text}, timeout=5)
    if route == "wechat":
        simulator = target.wechat_simulator
        query, _ = simulator.signed_request(simulator.text(sender, "问"))  # plaintext mode signs the query
        body = to_xml(simulator.text(sender, text)).encode("utf-8")
        return lambda: httpx.post(simulator.url, params=query, content=body, timeout=5)
    if route == "telegram":
        update = {"update_id": 990001, "message": {"message_id": 1, "date": 0, "text": text,
                                                   "chat": {"id": 990001, "type": "private"}}}
        return lambda: httpx.post(target.stack.base + "/webhooks/telegram/webhook", json=update, timeout=5,
                                  headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET})
    return lambda: httpx.post(target.stack.base + "/console/api/answer", json={"question": text}, timeout=5)


@pytest.mark.parametrize("route", ["rest", "wechat", "telegram", "console"])
def test_1_2_mb_body_refused_at_once_on_every_route(warm, route):
    sender = f"m12-{route}-{uuid.uuid4().hex[:8]}"
    call = request_for(warm, route, sender, big_message(1_200_000))
    before = warm.rss_kb()
    response, elapsed = timed(call)
    assert response.status_code == 413 and elapsed < SECOND, (response.status_code, elapsed)
    assert warm.rss_kb() - before < FEW_MB
    assert warm.user_texts(sender) == [] and PHONE not in warm.log()


def test_others_are_served_meanwhile(warm):
    assert warm.alive()
    reply, elapsed = timed(lambda: warm.rest_text(f"other-{uuid.uuid4().hex[:8]}", "江西毕业生档案去哪托管"))
    assert "档案" in reply and elapsed < 10
