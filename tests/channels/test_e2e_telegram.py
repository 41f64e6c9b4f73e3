"""The running assistant's Telegram webhook: secret-token check, commands, the same dialogue."""
from __future__ import annotations

import itertools
import time

import httpx
import pytest

from bot import texts
from bot.telegram.channel import HELP_TEXT, SECRET_HEADER, START_TEXT
from tests.channels.stack import TELEGRAM_SECRET

pytestmark = pytest.mark.e2e

_ids = itertools.count(int(time.time()) % 100000 * 1000)


def update(chat_id: int, text: str, update_id: int = 0) -> dict:
    message_id = next(_ids)
    return {"update_id": update_id or message_id, "message": {
        "message_id": message_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id, "is_bot": False, "first_name": "同学"},
    }}


def post(stack, body: dict, secret: str = TELEGRAM_SECRET) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret else {}
    return httpx.post(stack.telegram_url, json=body, headers=headers, timeout=10)


def replies(api, chat_id: int, count: int, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while len(api.sent(chat_id)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return [m["text"] for m in api.sent(chat_id)]


@pytest.fixture(scope="module")
def tg(e2e):
    return e2e["stack"], e2e["telegram"]


@pytest.mark.parametrize("secret", ["", "wrong-secret"])
def test_wrong_or_missing_secret_is_refused(tg, secret):
    stack, api = tg
    chat = next(_ids)
    assert post(stack, update(chat, "吉林大学生创业担保贷款最高多少"), secret).status_code == 403
    time.sleep(0.5)
    assert api.sent(chat) == [] and stack.user_turns(f"telegram:{chat}") == 0


def test_text_goes_through_the_dialogue(tg):
    stack, api = tg
    chat = next(_ids)
    assert post(stack, update(chat, "吉林大学生创业担保贷款最高多少")).status_code == 200
    [answer] = replies(api, chat, 1)
    assert "20万元" in answer and "吉就组〔2022〕2号" in answer
    assert stack.user_turns(f"telegram:{chat}") == 1


def test_redelivered_update_is_answered_once(tg):
    stack, api = tg
    chat = next(_ids)
    body = update(chat, "江西创业担保贷款能贷多少")
    assert post(stack, body).status_code == 200 and post(stack, body).status_code == 200
    replies(api, chat, 1)
    time.sleep(1.0)
    assert len(api.sent(chat)) == 1 and stack.user_turns(f"telegram:{chat}") == 1


def test_commands(tg):
    stack, api = tg
    from registry.db import engine_for, session_factory
    from registry.models import Subscription
    from scheduler import contacts

    def state():
        with session_factory(engine_for(stack.env["DATABASE_URL"]))() as session:
            row = session.query(Subscription).filter_by(channel="telegram", user_id=str(chat)).one_or_none()
            contact = contacts.get(session, "telegram", str(chat))
            return (row.active if row else None), contact is not None and contact.opted_out_at is not None

    chat = next(_ids)
    for number, command in enumerate(["/start", "/help@jiuye_bot", "/subscribe"], 1):
        post(stack, update(chat, command))
        replies(api, chat, number)
    assert state() == (True, False)
    post(stack, update(chat, "/unsubscribe"))
    sent = replies(api, chat, 4)
    assert sent == [START_TEXT, HELP_TEXT, texts.SUBSCRIBED, texts.UNSUBSCRIBED]
    assert state() == (False, True)
    assert stack.user_turns(f"telegram:{chat}") == 0  # commands never reach the dialogue


def test_non_text_message_gets_a_polite_reply(tg):
    stack, api = tg
    chat = next(_ids)
    body = update(chat, "")
    del body["message"]["text"]
    body["message"]["sticker"] = {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1,
                                  "is_animated": False, "is_video": False, "type": "regular"}
    assert post(stack, body).status_code == 200
    assert replies(api, chat, 1) == [texts.UNSUPPORTED]


def test_every_turn_of_a_short_chat_gets_a_reply(tg):
    """嗯 → loan question → 好的 → 那江西呢: one non-empty answer per turn, the last about Jiangxi."""
    stack, api = tg
    chat = next(_ids)
    turns = ["嗯", "吉林大学生创业担保贷款最高多少", "好的", "那江西呢"]
    for number, text in enumerate(turns, start=1):
        assert post(stack, update(chat, text)).status_code == 200
        answers = replies(api, chat, number)
        assert len(answers) >= number and answers[-1].strip(), (text, answers)
    assert "20万元" in answers[1] and "赣人社函〔2021〕55号" in answers[-1], answers
