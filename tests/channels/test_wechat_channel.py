"""The WeChat channel over real loopback HTTP with a scripted dialogue: long replies, the
5-second fallback with a dialogue that is slow on purpose, and WeChat's retries."""
from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot import texts
from bot.fakes.fake_wechat_api import FakeWeChatAPI
from bot.fakes.wechat_simulator import WeChatSimulator
from bot.reply_split import WECHAT_LIMIT_BYTES, utf8_size
from bot.wechat.channel import WeChatInput
from settings.channels import WeChatConfig
from tests.channels.sanic_harness import ChannelServer

TOKEN = "harness_token"
LONG = "\n".join(f"第{i}条：高校毕业生创业担保贷款由财政贴息，具体额度以当地人社部门公布为准。" * 6 for i in range(8))


class ScriptedDialogue:
    """Answers every message with ``reply`` after ``delay`` seconds, counting the turns."""

    def __init__(self, reply: str, delay: float = 0.0):
        self.reply, self.delay, self.turns = reply, delay, 0

    async def __call__(self, message) -> None:
        self.turns += 1
        await asyncio.sleep(self.delay)
        await message.output_channel.send_text_message(message.sender_id, self.reply)


@pytest.fixture
def api():
    with FakeWeChatAPI() as fake:
        yield fake


def config_for(api: FakeWeChatAPI, tmp_path: Path, **changes) -> WeChatConfig:
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APPID": api.appid, "WECHAT_APP_SECRET": api.secret,
           "WECHAT_API_BASE": api.url, "JIUYE_DATA_DIR": str(tmp_path)}
    return replace(WeChatConfig.from_env(env), **changes)


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_long_reply_goes_out_as_ordered_customer_service_parts(api, tmp_path):
    dialogue = ScriptedDialogue(LONG)
    with ChannelServer(WeChatInput(config_for(api, tmp_path)), dialogue) as server:
        delivery = WeChatSimulator(server.url, TOKEN).deliver(WeChatSimulator(server.url, TOKEN).text("o_long", "问"))
        wait_for(lambda: len("".join(m["text"]["content"] for m in api.delivered("o_long"))) >= len(LONG) - 20)
    assert delivery.status == 200 and delivery.attempts[-1].body == "success"
    parts = [m["text"]["content"] for m in api.delivered("o_long")]
    assert len(parts) >= 2 and all(utf8_size(p) <= WECHAT_LIMIT_BYTES for p in parts)
    assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", LONG)
    assert dialogue.turns == 1


def test_reply_of_exactly_the_limit_is_passive(api, tmp_path):
    text = "答" * (WECHAT_LIMIT_BYTES // 3)
    with ChannelServer(WeChatInput(config_for(api, tmp_path)), ScriptedDialogue(text)) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        delivery = simulator.deliver(simulator.text("o_edge", "问"))
    assert delivery.text == text and api.delivered() == []


def test_slow_dialogue_success_then_one_customer_service_message(api, tmp_path):
    dialogue = ScriptedDialogue("慢慢的答复", delay=0.6)
    with ChannelServer(WeChatInput(config_for(api, tmp_path, passive_timeout=0.2)), dialogue) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        started = time.monotonic()
        delivery = simulator.deliver(simulator.text("o_slow", "问"))
        answered_in = time.monotonic() - started
        wait_for(lambda: api.delivered("o_slow"))
        time.sleep(0.3)
    assert delivery.attempts[-1].body == "success" and len(delivery.attempts) == 1 and answered_in < 0.5
    assert [m["text"]["content"] for m in api.delivered("o_slow")] == ["慢慢的答复"]


def test_wechat_timeout_and_retries_are_answered_once(api, tmp_path):
    """The channel's budget is longer than the simulator's patience: WeChat gives up and retries
    while the first attempt is still running; the dialogue runs once and one answer arrives."""
    dialogue = ScriptedDialogue("答复一次", delay=1.2)
    with ChannelServer(WeChatInput(config_for(api, tmp_path, passive_timeout=2.0)), dialogue) as server:
        simulator = WeChatSimulator(server.url, TOKEN, timeout=0.5, retries=3)
        delivery = simulator.deliver(simulator.text("o_retry", "问"))
        wait_for(lambda: delivery.text or api.delivered("o_retry"), timeout=4)
        time.sleep(0.8)  # a second answer, if there were one, would be out by now
    statuses = [a.status for a in delivery.attempts]
    assert statuses[0] is None and len(statuses) >= 2  # WeChat's first attempt timed out
    passive = delivery.text
    cs = [m["text"]["content"] for m in api.delivered("o_retry")]
    assert dialogue.turns == 1
    assert (passive, cs) in ((None, ["答复一次"]), ("答复一次", []))  # exactly one of the two ways


def test_dialogue_failure_gets_a_polite_answer(api, tmp_path):
    async def broken(message) -> None:
        raise RuntimeError("tracker store down")

    with ChannelServer(WeChatInput(config_for(api, tmp_path)), broken) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        delivery = simulator.deliver(simulator.text("o_broken", "问"))
    assert delivery.text == texts.BUSY


def test_empty_and_overlong_text_answered_by_the_input_guard(api, tmp_path):
    dialogue = ScriptedDialogue("x")
    with ChannelServer(WeChatInput(config_for(api, tmp_path)), dialogue) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        empty = simulator.deliver(simulator.text("o_g", "   "))
        long = simulator.deliver(simulator.text("o_g", "问" * 1500))
    assert "没有输入文字" in empty.text and "太长" in long.text and dialogue.turns == 0


def _push(openid: str, msg_type: str, msg_id: str = "6100000000000000001", content: str = "问") -> str:
    return (f"<xml><ToUserName><![CDATA[gh_jiuye_fake]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime>{msg_type}<Content>{content}</Content>"
            f"<MsgId>{msg_id}</MsgId></xml>")


ODD_PUSHES = {  # signed correctly (plaintext mode signs the query only): what the body holds
    "empty MsgType": (_push("o_odd1", "<MsgType/>"), 200),
    "no MsgType": (_push("o_odd2", ""), 200),
    "non-numeric MsgId": (_push("o_odd3", "<MsgType>text</MsgType>", msg_id="abc"), 400),
    "Content with elements": (_push("o_odd4", "<MsgType>text</MsgType>", content="<a>1</a><b>2</b>"), 400),
    "no sender": (_push("", "<MsgType>text</MsgType>"), 400),
    "sender id of 200 characters": (_push("o" * 200, "<MsgType>text</MsgType>"), 400),
    "root is text": ("<xml>hello</xml>", 400),
    "not XML": ("{\"MsgType\": \"text\"}", 400),
}


@pytest.mark.parametrize("kind", list(ODD_PUSHES))
def test_signed_but_odd_pushes_are_answered_politely_never_500(api, tmp_path, caplog, kind):
    body, status = ODD_PUSHES[kind]
    dialogue = ScriptedDialogue("x")
    with ChannelServer(WeChatInput(config_for(api, tmp_path)), dialogue) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        query, _ = simulator.signed_request(simulator.text("o_any", "问"))
        attempt = simulator.post_once(query, body.encode("utf-8"))
    assert attempt.status == status, attempt.body
    if status == 200:  # a kind of message we do not know: the polite "text or voice only" reply
        assert texts.UNSUPPORTED in attempt.body
    assert dialogue.turns == 0
    assert "Traceback" not in caplog.text and query["signature"] not in caplog.text
