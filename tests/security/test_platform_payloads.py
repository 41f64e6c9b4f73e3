"""Finding 4, odd payloads: a correctly signed WeChat push with an empty <MsgType/> or a
non-numeric MsgId, and a Telegram update without ``chat``, got 500 with a traceback that logged
the signed URL. Now they are answered as the platform expects (400 for what cannot be a message,
200 for what we acknowledge and ignore or answer politely), and nothing about them is logged
but their kind."""
from __future__ import annotations

import time
import uuid

import httpx
import pytest

from bot import texts
from tests.channels.stack import TELEGRAM_SECRET
from tests.security.target import TELEGRAM_SECRET_HEADER

pytestmark = pytest.mark.e2e


def wechat_push(target, body: str) -> httpx.Response:
    simulator = target.wechat_simulator
    query, _ = simulator.signed_request(simulator.text("o_any", "问"))  # plaintext mode signs the query only
    response = httpx.post(simulator.url, params=query, content=body.encode("utf-8"), timeout=30)
    time.sleep(0.3)  # let a server-side error reach the log
    assert query["signature"] not in target.log()
    return response


def push_xml(openid: str, msg_type: str, msg_id: str) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_jiuye_fake]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{int(time.time())}</CreateTime>{msg_type}"
            f"<Content><![CDATA[吉林创业担保贷款能贷多少]]></Content><MsgId>{msg_id}</MsgId></xml>")


def assert_no_traceback(target) -> None:
    log = target.log()
    assert "Traceback" not in log and "Exception occurred while handling uri" not in log


def test_signed_push_with_empty_msgtype_gets_the_polite_reply(target):
    response = wechat_push(target, push_xml(f"o_odd_{uuid.uuid4().hex[:8]}", "<MsgType/>", "6100000000000000101"))
    assert response.status_code == 200 and texts.UNSUPPORTED in response.text
    assert_no_traceback(target)


def test_signed_push_with_non_numeric_msgid_is_refused_as_unreadable(target):
    response = wechat_push(target, push_xml(f"o_odd_{uuid.uuid4().hex[:8]}", "<MsgType>text</MsgType>", "abc"))
    assert response.status_code == 400
    assert_no_traceback(target)


@pytest.mark.parametrize("message, status", [
    ({"message_id": 1, "date": 0, "text": "吉林创业担保贷款能贷多少"}, 200),  # no chat: acknowledged, ignored
    ({"message_id": 1, "date": 0, "text": "你好", "chat": {"id": "abc", "type": "private"}}, 200),
])
def test_telegram_update_without_a_usable_chat_is_acknowledged_and_ignored(target, message, status):
    update_id = int(time.time() * 1000) % 10**9
    response = httpx.post(target.stack.base + "/webhooks/telegram/webhook", timeout=30,
                          json={"update_id": update_id, "message": message},
                          headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status_code == status
    time.sleep(0.3)
    assert_no_traceback(target)


def test_telegram_body_that_is_not_an_update_is_refused(target):
    response = httpx.post(target.stack.base + "/webhooks/telegram/webhook", content=b'{"message": "x"}', timeout=30,
                          headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert_no_traceback(target)
