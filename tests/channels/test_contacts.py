"""The channels tell the scheduler who wrote and who left (bot/reachability.py → scheduler/contacts.py):
through the real channel classes over loopback HTTP, against a real SQLite ledger."""
from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import replace
from types import SimpleNamespace

import pytest
import requests
from sqlalchemy import select
from wechatpy import parse_message

from bot.fakes.fake_telegram_api import FakeTelegramAPI
from bot.fakes.fake_wechat_api import FakeWeChatAPI
from bot.fakes.wechat_simulator import WeChatSimulator
from bot.reachability import Reachability
from bot.telegram.channel import SECRET_HEADER, TelegramInput
from bot.wechat.channel import WeChatInput
from bot.wechat.inbound import read
from registry.db import dispose_all, engine_for, session_factory
from registry.models import utcnow
from scheduler import contacts, matching, outbox, sender
from scheduler.messages import Rendered
from scheduler.models import OutboxMessage
from settings.channels import TelegramConfig
from tests.channels.sanic_harness import ChannelServer
from tests.channels.test_wechat_channel import TOKEN, ScriptedDialogue, config_for, wait_for
from tests.scheduler.helpers import add_fair, add_subscriber, make_config

SECRET = "contacts-secret"
_updates = itertools.count(1000)


@pytest.fixture
def api():
    with FakeWeChatAPI() as fake:
        yield fake


@pytest.fixture
def sessions(tmp_path):
    """Sessions on the database the channels write to (DATABASE_URL default: JIUYE_DATA_DIR)."""
    yield session_factory(engine_for(f"sqlite:///{tmp_path / 'jiuye.db'}"))
    dispose_all()


def contact(sessions, channel: str, user: str):
    with sessions() as session:
        return contacts.get(session, channel, user)


def wechat_choice(contact_row) -> str:
    """How the scheduler's sender would deliver a fair notice to this contact now."""
    item = SimpleNamespace(channel="wechat")
    rendered = Rendered("招聘会通知", "fair", {})
    transports = {"wechat": SimpleNamespace(supports_templates=True)}
    return sender.choose(item, rendered, contact_row, make_config(), transports, utcnow()).via


def queue_notice(sessions, channel: str, user: str, campaign: str = "fair:1") -> None:
    with sessions.begin() as session:
        outbox.enqueue(session, [outbox.NewMessage(campaign=campaign, channel=channel, user_id=user, step="notice",
                                                   kind="fair_notice", not_before=utcnow())], utcnow())


def states(sessions, channel: str, user: str):
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.state).where(
            OutboxMessage.recipient == outbox.recipient_key(channel, user)))
        return [state for (state,) in rows]


def test_inbound_text_opens_the_customer_service_window(api, tmp_path, sessions):
    assert wechat_choice(contact(sessions, "wechat", "o_cs")) == "wechat_template"  # never wrote
    with ChannelServer(WeChatInput(config_for(api, tmp_path)), ScriptedDialogue("答复")) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        assert simulator.deliver(simulator.text("o_cs", "问")).text == "答复"
        wait_for(lambda: contact(sessions, "wechat", "o_cs") is not None)
    row = contact(sessions, "wechat", "o_cs")
    assert row is not None and abs(utcnow() - row.last_inbound_at) < dt.timedelta(minutes=1)
    assert wechat_choice(row) == "wechat_custom"


def test_unfollow_blocks_skips_queued_and_excludes_from_notices(api, tmp_path, sessions):
    with sessions.begin() as session:
        add_subscriber(session, "o_gone")
        fair = add_fair(session, utcnow() + dt.timedelta(days=3))
    queue_notice(sessions, "wechat", "o_gone")
    with ChannelServer(WeChatInput(config_for(api, tmp_path)), ScriptedDialogue("x")) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        now = int(time.time())
        follow = simulator.event("o_gone", "subscribe", create_time=now)
        simulator.deliver(follow)
        bye = simulator.deliver(simulator.event("o_gone", "unsubscribe", create_time=now + 1))
        simulator.deliver(follow)  # WeChat's retry of the follow: deduplicated, must not unblock
        server.call(server.channel.reach.settle())
    assert bye.attempts[-1].body == "success" and bye.reply is None
    row = contact(sessions, "wechat", "o_gone")
    assert row.blocked_reason == "unfollowed"
    assert states(sessions, "wechat", "o_gone") == ["skipped"]
    with sessions() as session:
        assert ("wechat", "o_gone") not in matching.fair_subscribers(session, session.merge(fair))


def test_view_and_platform_events_do_not_open_the_window():
    def event(name: str) -> str:
        return (f"<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
                f"<MsgType>event</MsgType><Event>{name}</Event><EventKey>k</EventKey></xml>")

    assert [read(parse_message(event(e))).reachable for e in ("VIEW", "LOCATION", "TEMPLATESENDJOBFINISH")] == \
        [None, None, None]
    assert [read(parse_message(event(e))).reachable for e in ("subscribe", "SCAN", "CLICK", "unsubscribe")] == \
        [True, True, True, False]


def test_database_down_never_breaks_or_delays_the_reply(api, tmp_path):
    down = Reachability("postgresql+psycopg2://nobody@127.0.0.1:9/none")  # nothing listens on port 9
    channel = WeChatInput(config_for(api, tmp_path), reach=down)
    with ChannelServer(channel, ScriptedDialogue("照常答复")) as server:
        simulator = WeChatSimulator(server.url, TOKEN)
        started = time.monotonic()
        delivery = simulator.deliver(simulator.text("o_db", "问"))
        elapsed = time.monotonic() - started
        server.call(channel.reach.settle())
    assert delivery.text == "照常答复" and elapsed < 2.0


# -- Telegram ---------------------------------------------------------------------------------

@pytest.fixture
def telegram(tmp_path):
    with FakeTelegramAPI() as fake:
        config = TelegramConfig.from_env({"TELEGRAM_TOKEN": fake.token, "TELEGRAM_SECRET": SECRET,
                                          "TELEGRAM_API_BASE": fake.url, "JIUYE_DATA_DIR": str(tmp_path)})
        with ChannelServer(TelegramInput(replace(config, http_timeout=2)), ScriptedDialogue("好的")) as server:
            yield server, fake


def post(server: ChannelServer, update: dict) -> None:
    response = requests.post(server.url, json={"update_id": next(_updates), **update},
                             headers={SECRET_HEADER: SECRET}, timeout=10)
    assert response.status_code == 200


def message(chat: int, text: str) -> dict:
    return {"message": {"message_id": next(_updates), "date": int(time.time()), "text": text,
                        "chat": {"id": chat, "type": "private"}, "from": {"id": chat, "is_bot": False, "first_name": "测"}}}


def membership(chat: int, status: str) -> dict:
    user = {"id": chat, "is_bot": False, "first_name": "测"}
    bot = {"id": 1, "is_bot": True, "first_name": "就业助手"}
    return {"my_chat_member": {"chat": {"id": chat, "type": "private"}, "from": user, "date": int(time.time()),
                               "old_chat_member": {"status": "member", "user": bot},
                               "new_chat_member": {"status": status, "user": bot, "until_date": 0}}}


@pytest.mark.parametrize("body, status", [
    (b"not json", 400), (b"[]", 400), (b"null", 400), (b'{"message": {"text": "hi"}}', 400),  # no update_id
    (b'{"update_id": "x1"}', 400),
    (b'{"update_id": 77001, "message": {"message_id": 1, "date": 0, "text": "hi"}}', 200),  # no chat: ignored
    (b'{"update_id": 77002, "message": {"message_id": 1, "date": 0, "text": "hi", '
     b'"chat": {"id": "abc", "type": "private"}}}', 200),  # chat id not a number: ignored
    (b'{"update_id": 77003, "message": {"message_id": 1, "date": 0, "text": 5, '
     b'"chat": {"id": 7, "type": "private"}}}', 200),  # text not text: ignored
    (b'{"update_id": 77004, "my_chat_member": {"date": 0, "new_chat_member": {"status": "kicked"}}}', 400),
])
def test_telegram_odd_updates_are_answered_politely_never_500(telegram, caplog, body, status):
    server, fake = telegram
    response = requests.post(server.url, data=body, timeout=10,
                             headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"})
    assert response.status_code == status
    time.sleep(0.2)
    assert fake.sent() == [] and "Traceback" not in caplog.text


def test_telegram_message_records_contact(telegram, sessions):
    server, fake = telegram
    post(server, message(501, "你好"))
    wait_for(lambda: len(fake.sent(501)) == 1)
    server.call(server.channel.reach.settle())
    row = contact(sessions, "telegram", "501")
    assert row is not None and row.last_inbound_at is not None and row.blocked_reason is None


def test_telegram_403_on_reply_blocks_and_skips_queued(telegram, sessions):
    server, fake = telegram
    fake.blocked.add(502)
    queue_notice(sessions, "telegram", "502")
    post(server, message(502, "你好"))
    wait_for(lambda: contact(sessions, "telegram", "502") is not None
             and contact(sessions, "telegram", "502").blocked_reason is not None)
    server.call(server.channel.reach.settle())
    assert contact(sessions, "telegram", "502").blocked_reason == "bot_blocked"
    assert states(sessions, "telegram", "502") == ["skipped"]


def test_telegram_block_and_unblock_updates(telegram, sessions):
    server, _ = telegram
    post(server, membership(503, "kicked"))
    wait_for(lambda: contact(sessions, "telegram", "503") is not None)
    server.call(server.channel.reach.settle())
    assert contact(sessions, "telegram", "503").blocked_reason == "bot_blocked"
    post(server, membership(503, "member"))
    wait_for(lambda: contact(sessions, "telegram", "503").blocked_reason is None)
    assert contact(sessions, "telegram", "503").blocked_reason is None


def test_telegram_subscribe_commands_reach_the_scheduler(telegram, sessions):
    server, fake = telegram
    with sessions.begin() as session:
        fair = add_fair(session, utcnow() + dt.timedelta(days=3), city="长春")
    post(server, message(504, "/subscribe"))
    wait_for(lambda: len(fake.sent(504)) == 1)
    with sessions() as session:
        assert ("telegram", "504") in matching.fair_subscribers(session, session.merge(fair))
    post(server, message(504, "/unsubscribe"))
    wait_for(lambda: len(fake.sent(504)) == 2)
    with sessions() as session:
        assert ("telegram", "504") not in matching.fair_subscribers(session, session.merge(fair))
        assert contacts.get(session, "telegram", "504").opted_out_at is not None


def test_repeated_messages_write_the_contact_once_per_refresh_but_follows_always(sessions):
    """An ordinary message within the refresh interval is not written again; a re-follow or a
    message after an unfollow is, so the stored state never says 'blocked' for a user who is back."""
    import asyncio

    start = dt.datetime(2026, 11, 23, 8, 0)
    now = [start]
    reach = Reachability("unused", sessions=sessions, clock=lambda: now[0], refresh_seconds=300)

    def stored():
        row = contact(sessions, "wechat", "u-refresh")
        return row.last_inbound_at, row.blocked_reason

    async def scenario():
        reach.inbound("wechat", "u-refresh")
        await reach.settle()
        assert stored() == (start, None)
        now[0] = start + dt.timedelta(seconds=120)
        reach.inbound("wechat", "u-refresh")  # within 300 s: not written
        await reach.settle()
        assert stored() == (start, None)
        reach.inbound("wechat", "u-refresh", resumed=True)  # a follow: always written
        await reach.settle()
        assert stored() == (now[0], None)
        reach.unreachable("wechat", "u-refresh", "unfollowed")
        await reach.settle()
        assert stored()[1] == "unfollowed"
        now[0] += dt.timedelta(seconds=10)
        reach.inbound("wechat", "u-refresh")  # after an unfollow the memory is gone: written
        await reach.settle()
        assert stored() == (now[0], None)
        now[0] += dt.timedelta(seconds=301)
        reach.inbound("wechat", "u-refresh")  # refresh interval passed: written
        await reach.settle()
        assert stored() == (now[0], None)

    asyncio.run(scenario())
