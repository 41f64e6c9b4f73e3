"""Safe mode (AES) over real loopback HTTP: pushes decrypted only when msg_signature covers the
encrypted body, replies encrypted and signed, plaintext refused — with a scripted dialogue."""
from __future__ import annotations

import time

import httpx
import pytest

from bot import texts
from bot.fakes.fake_wechat_api import FakeWeChatAPI
from bot.fakes.wechat_simulator import WeChatSimulator
from bot.wechat.channel import WeChatInput
from tests.channels.sanic_harness import ChannelServer
from tests.channels.test_wechat_channel import TOKEN, ScriptedDialogue, config_for, wait_for

AES_KEY = "Jiuye0123456789abcdefghijklmnopqrstuvwxyzAB"


@pytest.fixture
def api():
    with FakeWeChatAPI() as fake:
        yield fake


def simulator(server: ChannelServer, api: FakeWeChatAPI, **options) -> WeChatSimulator:
    return WeChatSimulator(server.url, TOKEN, api.appid, AES_KEY, **options)


def test_encrypted_text_gets_an_encrypted_signed_reply(api, tmp_path):
    dialogue = ScriptedDialogue("吉林省个人创业担保贷款最高20万元。")
    with ChannelServer(WeChatInput(config_for(api, tmp_path, aes_key=AES_KEY)), dialogue) as server:
        wechat = simulator(server, api)
        query, body = wechat.signed_request(wechat.text("o_safe", "吉林创业贷款"))
        assert "吉林" not in body.decode("utf-8")  # the push itself is encrypted
        response = httpx.post(server.url, params=query, content=body)
    assert response.status_code == 200 and "<Encrypt>" in response.text and "20万元" not in response.text
    reply = wechat.open_reply(response.text)  # checks MsgSignature, decrypts
    assert reply["Content"] == "吉林省个人创业担保贷款最高20万元。" and reply["ToUserName"] == "o_safe"
    assert dialogue.turns == 1


def test_events_and_voice_in_safe_mode(api, tmp_path):
    dialogue = ScriptedDialogue("语音的答复")
    with ChannelServer(WeChatInput(config_for(api, tmp_path, aes_key=AES_KEY)), dialogue) as server:
        wechat = simulator(server, api)
        assert wechat.deliver(wechat.event("o_s", "subscribe")).text == texts.WELCOME
        assert wechat.deliver(wechat.voice("o_s", "档案去哪托管")).text == "语音的答复"
        assert wechat.deliver(wechat.image("o_s")).text == texts.UNSUPPORTED


def test_bad_msg_signature_stale_timestamp_and_plaintext_are_refused(api, tmp_path):
    dialogue = ScriptedDialogue("x")
    with ChannelServer(WeChatInput(config_for(api, tmp_path, aes_key=AES_KEY)), dialogue) as server:
        wechat = simulator(server, api)
        message = wechat.text("o_bad", "问")
        query, body = wechat.signed_request(message)
        forged = httpx.post(server.url, params=dict(query, msg_signature="0" * 40), content=body)
        stale = wechat.deliver(message, timestamp=int(time.time()) - 400)
        other_key = WeChatSimulator(server.url, TOKEN, api.appid, "B" * 43).deliver(message)
        plain_query = {k: v for k, v in query.items() if k not in ("encrypt_type", "msg_signature")}
        plaintext = WeChatSimulator(server.url, TOKEN).signed_request(message)[1]
        downgraded = httpx.post(server.url, params=plain_query, content=plaintext)
    assert forged.status_code == 403 and stale.status == 403 and downgraded.status_code == 403
    assert other_key.status == 400  # signed correctly but not decryptable with our key
    assert dialogue.turns == 0


def test_slow_answer_in_safe_mode_goes_by_customer_service_message(api, tmp_path):
    dialogue = ScriptedDialogue("稍后的答复", delay=0.5)
    with ChannelServer(WeChatInput(config_for(api, tmp_path, aes_key=AES_KEY, passive_timeout=0.1)), dialogue) as server:
        wechat = simulator(server, api)
        delivery = wechat.deliver(wechat.text("o_safe_slow", "问"))
        wait_for(lambda: api.delivered("o_safe_slow"))
        time.sleep(0.3)
    assert delivery.attempts[-1].body == "success" and delivery.reply is None
    assert [m["text"]["content"] for m in api.delivered("o_safe_slow")] == ["稍后的答复"]
