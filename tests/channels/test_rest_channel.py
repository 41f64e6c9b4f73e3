"""The REST channel (bot/rest_channel.py) over loopback HTTP with a recording stand-in for the
dialogue: the conversation is always rest:<sender> whatever the body claims, the input guard runs
first, a token is required when configured, and only this machine is served without one."""
from __future__ import annotations

import time
from typing import Any, ClassVar, List, Optional

import httpx
import pytest

from bot.input_guard import MAX_CHARS, TOO_LONG_REPLY
from bot.rest_channel import LOCAL_ONLY, RestConfig, RestInput
from jiuye import http_guard
from tests.channels.sanic_harness import ChannelServer


class Recorder:
    """Answers every message with "答复", remembering what reached the dialogue."""

    def __init__(self) -> None:
        self.messages: List[Any] = []

    async def __call__(self, message) -> None:
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, "答复")


@pytest.fixture
def dialogue() -> Recorder:
    return Recorder()


def serve(dialogue: Recorder, token: Optional[str] = None) -> ChannelServer:
    server = ChannelServer(RestInput(RestConfig(token=token)), dialogue)
    http_guard.limit(server.app)  # as every Rasa server is (jiuye.rasa_main)
    return server


def test_sender_is_namespaced_and_input_channel_from_the_body_ignored(dialogue):
    with serve(dialogue) as server:
        for sender in ("o_wechat_user", "wechat:o_wechat_user", 42):
            reply = httpx.post(server.url, json={"sender": sender, "input_channel": "wechat", "message": "我的登记状态"})
            assert reply.status_code == 200 and reply.json() == [{"recipient_id": str(sender), "text": "答复"}]
    assert [(m.sender_id, m.input_channel) for m in dialogue.messages] == [
        ("rest:o_wechat_user", "rest"), ("rest:wechat:o_wechat_user", "rest"), ("rest:42", "rest")]


def test_only_the_region_is_taken_from_the_metadata(dialogue):
    with serve(dialogue) as server:
        httpx.post(server.url, json={"sender": "m", "message": "档案", "metadata": {"region": "南昌", "x": "y" * 99}})
    assert dialogue.messages[0].metadata == {"region": "南昌"}


def test_input_guard_runs_before_the_dialogue(dialogue):
    with serve(dialogue) as server:
        too_long = httpx.post(server.url, json={"sender": "g", "message": "吉" * (MAX_CHARS + 1)})
        empty = httpx.post(server.url, json={"sender": "g", "message": "  \u0000 "})
        not_text = httpx.post(server.url, json={"sender": "g", "message": {"text": "hi"}})
    assert too_long.json() == [{"recipient_id": "g", "text": TOO_LONG_REPLY}]
    assert "没有输入文字" in empty.json()[0]["text"] and "没有输入文字" in not_text.json()[0]["text"]
    assert dialogue.messages == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": "hi"}', b'{"sender": "", "message": "hi"}',
                                  b'{"sender": "a\\nb", "message": "hi"}', b'{"sender": true, "message": "hi"}',
                                  ('{"sender": "%s", "message": "hi"}' % ("x" * 65)).encode()])
def test_malformed_bodies_get_400_with_a_reason(dialogue, body):
    with serve(dialogue) as server:
        reply = httpx.post(server.url, content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400 and reply.json()["error"]
    assert dialogue.messages == []


def test_token_required_when_configured(dialogue):
    with serve(dialogue, token="s3cret-token") as server:
        missing = httpx.post(server.url, json={"sender": "t", "message": "你好"})
        wrong = httpx.post(server.url, json={"sender": "t", "message": "你好"}, headers={"Authorization": "Bearer nope"})
        right = httpx.post(server.url, json={"sender": "t", "message": "你好"},
                           headers={"Authorization": "Bearer s3cret-token"})
    assert missing.status_code == wrong.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert right.status_code == 200 and len(dialogue.messages) == 1


def test_without_a_token_only_loopback_clients_are_served(dialogue):
    channel = RestInput(RestConfig(token=None))

    class Request:
        headers: ClassVar[dict] = {}

        def __init__(self, ip: str):
            self.ip = ip

    assert channel.refusal(Request("127.0.0.1")) is None and channel.refusal(Request("::1")) is None
    refused = channel.refusal(Request("203.0.113.9"))
    assert refused.status == 403 and LOCAL_ONLY in refused.body.decode()


def test_oversized_body_refused_before_it_is_read(dialogue):
    with serve(dialogue) as server:
        started = time.monotonic()
        reply = httpx.post(server.url, json={"sender": "big", "message": "吉" * 400_000}, timeout=10)
        elapsed = time.monotonic() - started
    assert reply.status_code == 413 and "过大" in reply.json()["error"]
    assert elapsed < 1.0 and dialogue.messages == []
