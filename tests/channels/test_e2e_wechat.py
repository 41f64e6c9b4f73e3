"""The running assistant (`jiuye.runner.start`: action server + `rasa run` with the trained
model) driven by the simulated WeChat server over loopback HTTP."""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bot import texts
from bot.fakes.wechat_simulator import WeChatSimulator
from bot.wechat.signature import sign
from tests.channels.stack import WECHAT_TOKEN

pytestmark = pytest.mark.e2e

LOAN_QUESTION = "吉林大学生创业担保贷款最高多少"


def openid(slow: bool = False) -> str:
    """A new user; the action server answers ``o_slow_*`` users after 5.5 s (see slow_proxy)."""
    return f"o_{'slow_' if slow else 'e2e_'}{uuid.uuid4().hex[:10]}"


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def assert_cited_loan_answer(text: str) -> None:
    assert "20万元" in text and "吉就组〔2022〕2号" in text and "12333" in text, text


@pytest.fixture(scope="module")
def plain(e2e):
    return e2e["stack"], WeChatSimulator(e2e["stack"].wechat_url, WECHAT_TOKEN), e2e["wechat"]

def test_signed_text_gets_a_cited_passive_reply(plain):
    stack, wechat, api = plain
    user = openid()
    delivery = wechat.deliver(wechat.text(user, LOAN_QUESTION))
    assert delivery.status == 200 and len(delivery.attempts) == 1
    assert delivery.attempts[0].elapsed < 4.5
    assert delivery.reply["ToUserName"] == user and delivery.reply["FromUserName"] == wechat.account
    assert delivery.reply["MsgType"] == "text"
    assert_cited_loan_answer(delivery.text)
    assert stack.user_turns(f"wechat:{user}") == 1 and api.delivered(user) == []


def test_replayed_msgid_is_not_processed_twice(plain):
    stack, wechat, api = plain
    user = openid()
    message = wechat.text(user, LOAN_QUESTION)
    first = wechat.deliver(message)
    again = wechat.deliver(message)  # same MsgId, fresh signature: WeChat's retry
    assert first.text and again.text == first.text
    assert stack.user_turns(f"wechat:{user}") == 1 and api.delivered(user) == []


def test_concurrent_retry_is_processed_once(plain):
    stack, wechat, api = plain
    user = openid()
    message = wechat.text(user, "江西创业担保贷款能贷多少")
    with ThreadPoolExecutor(3) as pool:
        deliveries = list(pool.map(wechat.deliver, [message] * 3))
    replies = {d.text for d in deliveries}
    assert all(d.status == 200 for d in deliveries)
    assert len(replies - {None}) == 1  # every attempt that answers passively says the same thing
    time.sleep(0.5)
    assert stack.user_turns(f"wechat:{user}") == 1 and api.delivered(user) == []


@pytest.mark.parametrize("forgery", ["wrong_token", "stale", "future", "unsigned"])
def test_bad_or_stale_signature_is_refused_and_not_processed(plain, forgery):
    stack, wechat, _ = plain
    user = openid()
    message = wechat.text(user, LOAN_QUESTION)
    if forgery == "unsigned":
        query, body = wechat.signed_request(message)
        response = httpx.post(wechat.url, params={k: v for k, v in query.items() if k != "signature"}, content=body)
        status = response.status_code
    else:
        options = {"wrong_token": dict(token="not_the_token"), "stale": dict(timestamp=int(time.time()) - 301),
                   "future": dict(timestamp=int(time.time()) + 600)}[forgery]
        delivery = wechat.deliver(message, **options)
        status = delivery.status
        assert len(delivery.attempts) == 1
    assert status == 403
    time.sleep(0.3)
    assert stack.user_turns(f"wechat:{user}") == 0


def test_server_url_verification_echoes_only_when_signed(plain):
    _, wechat, _ = plain
    ts, nonce = str(int(time.time())), "n0nce"
    good = httpx.get(wechat.url, params={"signature": sign(WECHAT_TOKEN, ts, nonce), "timestamp": ts,
                                         "nonce": nonce, "echostr": "echo-1234"})
    bad = httpx.get(wechat.url, params={"signature": sign("x", ts, nonce), "timestamp": ts, "nonce": nonce,
                                        "echostr": "echo-1234"})
    assert (good.status_code, good.text) == (200, "echo-1234")
    assert bad.status_code == 403 and "echo" not in bad.text


def test_voice_uses_the_recognition_text(plain):
    stack, wechat, _ = plain
    user = openid()
    delivery = wechat.deliver(wechat.voice(user, "吉林大学生创业担保贷款最高多少？"))
    assert_cited_loan_answer(delivery.text)
    unheard = wechat.deliver(wechat.voice(user, ""))
    assert unheard.text == texts.VOICE_NOT_RECOGNISED
    assert stack.user_turns(f"wechat:{user}") == 1


def test_menu_click_asks_the_menu_question(plain):
    stack, wechat, _ = plain
    user = openid()
    delivery = wechat.deliver(wechat.event(user, "CLICK", key="JIUYE_LOAN"))
    assert "贷款" in delivery.text and stack.user_turns(f"wechat:{user}") == 1
    helped = wechat.deliver(wechat.event(user, "CLICK", key="JIUYE_HELP", create_time=int(time.time()) + 1))
    assert helped.text == texts.HELP


def test_subscribe_welcomes_and_unsubscribe_stops_broadcasts(plain):
    stack, wechat, _ = plain
    from registry.db import engine_for, session_factory
    from scheduler import contacts

    def contact():
        with session_factory(engine_for(stack.env["DATABASE_URL"]))() as session:
            return contacts.get(session, "wechat", user)

    user, now = openid(), int(time.time())
    welcome = wechat.deliver(wechat.event(user, "subscribe", create_time=now))
    assert welcome.text == texts.WELCOME and "创业担保贷款" in welcome.text
    wait_for(lambda: contact() is not None)
    assert contact().last_inbound_at is not None and contact().blocked_reason is None
    bye = wechat.deliver(wechat.event(user, "unsubscribe", create_time=now + 5))
    assert bye.attempts[-1].body == "success" and bye.reply is None
    wait_for(lambda: contact().blocked_reason == "unfollowed")
    again = wechat.deliver(wechat.event(user, "subscribe", create_time=now))  # replay of the first event
    time.sleep(0.5)
    assert again.text == texts.WELCOME and contact().blocked_reason == "unfollowed"


def test_other_message_types_get_a_polite_reply(plain):
    stack, wechat, _ = plain
    user = openid()
    delivery = wechat.deliver(wechat.image(user))
    assert delivery.text == texts.UNSUPPORTED and stack.user_turns(f"wechat:{user}") == 0


def test_plaintext_mode_rejects_garbage_body(plain):
    _, wechat, _ = plain
    query, _ = wechat.signed_request(wechat.text(openid(), "x"))
    for body in (b"<xml><broken", b"", b"<xml><MsgType>text</MsgType></xml>"):
        assert httpx.post(wechat.url, params=query, content=body).status_code == 400


# --- answers slower than the 4.5 s budget --------------------------------------------------------

def test_slow_answer_arrives_by_customer_service_message_exactly_once(plain):
    stack, wechat, api = plain
    user = openid(slow=True)
    delivery = wechat.deliver(wechat.text(user, LOAN_QUESTION))
    assert delivery.status == 200 and delivery.attempts[-1].body == "success"
    assert 4.0 < delivery.attempts[0].elapsed < 5.0 or len(delivery.attempts) > 1
    assert api.delivered(user) == []  # not yet: the answer is still being worked out
    wait_for(lambda: api.delivered(user))
    time.sleep(1.0)  # anything duplicated would arrive by now
    messages = api.delivered(user)
    assert len(messages) == 1 and messages[0]["msgtype"] == "text"
    assert_cited_loan_answer(messages[0]["text"]["content"])
    assert stack.user_turns(f"wechat:{user}") == 1


def test_retries_of_a_slow_answer_are_answered_once(plain):
    stack, wechat, api = plain
    user = openid(slow=True)
    message = wechat.text(user, "江西创业担保贷款能贷多少")
    with ThreadPoolExecutor(4) as pool:
        deliveries = list(pool.map(wechat.deliver, [message] * 4))
    assert all(d.status == 200 and d.reply is None for d in deliveries)
    wait_for(lambda: api.delivered(user))
    time.sleep(1.0)
    assert len(api.delivered(user)) == 1 and stack.user_turns(f"wechat:{user}") == 1


def test_revoked_token_is_refreshed_and_the_answer_still_arrives_once(plain):
    _, wechat, api = plain
    warm = openid(slow=True)
    wechat.deliver(wechat.text(warm, LOAN_QUESTION))
    wait_for(lambda: api.delivered(warm))  # a token exists now
    fetches = api.token_fetches
    api.revoke_tokens()
    user = openid(slow=True)
    wechat.deliver(wechat.text(user, LOAN_QUESTION))
    wait_for(lambda: api.delivered(user))
    time.sleep(0.5)
    assert len(api.delivered(user)) == 1 and api.token_fetches == fetches + 1
    assert [r.answer["errcode"] for r in api.received("custom/send") if r.json["touser"] == user] == [40001, 0]


def test_busy_platform_is_retried_and_window_closed_falls_back_to_template(plain):
    _, wechat, api = plain
    busy_user, closed_user = openid(slow=True), openid(slow=True)
    api.inject("custom/send", {"errcode": -1, "errmsg": "system error"})
    wechat.deliver(wechat.text(busy_user, LOAN_QUESTION))
    wait_for(lambda: api.delivered(busy_user))
    assert len(api.delivered(busy_user)) == 1
    assert [r.answer["errcode"] for r in api.received("custom/send") if r.json["touser"] == busy_user] == [-1, 0]
    api.inject("custom/send", {"errcode": 45015, "errmsg": "response out of time limit"})
    wechat.deliver(wechat.text(closed_user, LOAN_QUESTION))
    wait_for(lambda: api.delivered(closed_user, kind="template"))
    notices = api.delivered(closed_user, kind="template")
    assert len(notices) == 1 and notices[0]["template_id"] == "tpl_fake_notice"
    assert api.delivered(closed_user) == []


# --- a conversation of several turns, each answered ----------------------------------------------

WEDGE_CONVERSATION = ["嗯", LOAN_QUESTION, "好的", "那江西呢"]


def test_every_turn_of_a_short_chat_gets_a_reply(plain):
    """A user report: 嗯 → loan question → 好的 → 那江西呢 got no reply at all. Each turn must be
    answered (passively or by customer-service message) and the follow-up must be about Jiangxi."""
    stack, wechat, api = plain
    user = openid()
    answers = []
    for number, text in enumerate(WEDGE_CONVERSATION, start=1):
        pushed = len(api.delivered(user))
        delivery = wechat.deliver(wechat.text(user, text))
        assert delivery.status == 200, (text, delivery.status)
        if not delivery.text:  # answered later by customer-service message
            wait_for(lambda: len(api.delivered(user)) > pushed)
        later = [m["text"]["content"] for m in api.delivered(user)[pushed:]]
        answers.append(delivery.text or "".join(later))
        assert stack.user_turns(f"wechat:{user}") == number
        assert answers[-1].strip(), f"no reply to {text!r}"
    assert_cited_loan_answer(answers[1])
    assert "赣人社函〔2021〕55号" in answers[3] and "再见" not in answers[3], answers[3]
