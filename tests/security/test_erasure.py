"""Withdrawal ("注销登记") deletes what the reply says it deletes (issue 11, item 5).

End to end (tests/security/registration_run.py, SQLite and PostgreSQL + Redis): after a real
registration over WeChat and its withdrawal, the graduate's name, phone, school and ID number are
in no file, table or Redis entry, while the other graduate's are still found (the search works);
the conversation goes on afresh. Then each part on its own: the tracker stores, the dedupe
stores and the WeChat channel with a scripted dialogue.
"""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import List

import pytest
from sqlalchemy import create_engine, text

from bot.dedupe import DEFERRED, PASSIVE, PROCESSING, RedisOutcomeStore, SqliteOutcomeStore
from bot.wechat.exchange import answer_once
from registry.identity import WECHAT, conversation_id
from tests.security import registration_run as rr
from workflows import erasure

W, K = rr.WITHDRAWS, rr.KEEPS


# -- end to end --------------------------------------------------------------------------------

@pytest.mark.e2e
def test_the_registration_held_personal_data_and_the_reply_says_what_was_deleted_and_kept(withdrawal_run):
    replies = withdrawal_run.replies["withdraws"]
    summary, saved, ask, withdrawn, after = replies[15], replies[16], replies[18], replies[19], replies[20]
    assert W.name in summary and W.phone in summary and W.school in summary, summary
    assert "登记成功" in saved
    reg_no = saved.split("登记号是", 1)[1][:16]
    assert reg_no in ask and "聊天记录" in ask and "确定要注销" in ask
    assert withdrawn.startswith(f"已注销登记号{reg_no}，并已删除")
    for deleted in ("姓名", "身份证号", "手机号", "毕业院校", "服务记录", "招聘会订阅", "聊天记录", "消息缓存"):
        assert deleted in withdrawn, deleted
    assert "只保留：同意及撤回记录（登记号、处理目的、同意和撤回时间）" in withdrawn and "第五十六条" in withdrawn
    assert rr.NOT_REGISTERED in after  # the conversation goes on, as a new one


@pytest.mark.e2e
def test_nothing_of_the_withdrawn_graduate_is_left_in_any_store(withdrawal_run):
    stores = withdrawal_run.at_rest
    assert any("events" in place or "tracker.db" in place for place in stores)
    for what, secret in W.secrets().items():
        assert rr.find(secret, stores) == [], f"{what} of the withdrawn graduate still in these stores"


@pytest.mark.e2e
def test_the_search_finds_the_graduate_who_stayed_in_every_store(withdrawal_run):
    stores = withdrawal_run.at_rest
    if withdrawal_run.backend == "sqlite":
        expected = {"file tracker.db", "file jiuye.db", "file channel_dedupe.db"}
    else:
        expected = {"table public.events", "table public.registrations"}
    for secret in (K.name, K.phone):
        places = set(rr.find(secret, stores))
        assert expected <= places, (secret, places)
        assert withdrawal_run.backend == "sqlite" or any(p.startswith("redis ") for p in places), places


@pytest.mark.e2e
def test_the_tracker_keeps_only_the_new_conversation_and_the_contact_is_gone(withdrawal_run):
    url = (withdrawal_run.database_url if withdrawal_run.backend == "postgresql"
           else f"sqlite:///{withdrawal_run.data_dir / 'tracker.db'}")
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            texts = connection.execute(text(
                "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": conversation_id(WECHAT, W.openid)},  # conversations are wechat:<openid> (registry/identity.py)
            ).scalars().all()
    finally:
        engine.dispose()
    assert len(texts) == 1 and "\\u6211\\u7684\\u767b\\u8bb0\\u72b6\\u6001" in texts[0]  # 我的登记状态 only
    assert withdrawal_run.contact_rows_after_withdrawal == 0


# -- the tracker stores ------------------------------------------------------------------------

DOMAIN_YAML = """\
version: "3.1"
intents: [inform, affirm]
slots:
  reg_name: {type: text, mappings: [{type: custom}]}
"""


def _turn(user_text: str, bot_text: str, custom=None) -> list:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    parse = {"intent": {"name": "inform", "confidence": 0.9}, "entities": [], "text": user_text}
    return [UserUttered(user_text, parse["intent"], [], parse_data=parse), ActionExecuted("registration_form"),
            SlotSet("reg_name", user_text), BotUttered(bot_text, {"custom": custom} if custom else {}),
            ActionExecuted("action_listen")]


def _session() -> list:
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


async def _converse(store, sender: str, turns: List[list]) -> None:
    """Save ``turns`` one by one as Rasa does (the whole tracker each time), a new session before the last."""
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, store.domain.slots)
    for number, events in enumerate(turns):
        if number == len(turns) - 1 and number:
            for event in _session():
                tracker.update(event)
        for event in events:
            tracker.update(event)
        await store.save(tracker)


def _stores(kind: str, tmp_path: Path):
    from rasa.shared.core.domain import Domain

    from jiuye.tracker_store import BatchedSQLTrackerStore, ErasingInMemoryTrackerStore

    domain = Domain.from_yaml(DOMAIN_YAML)
    if kind == "memory":
        return ErasingInMemoryTrackerStore(domain)
    return BatchedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))


@pytest.mark.parametrize("kind", ["sql", "memory"])
def test_a_withdrawal_turn_erases_its_conversation_in_every_session_and_only_that_one(kind, tmp_path):
    store = _stores(kind, tmp_path)
    mark = erasure.payload(kind="registration_withdrawn", reg_no="JY20240101ABCDEF")

    async def scenario():
        await _converse(store, "w", [_turn(W.name, f"姓名：{W.name}"), _turn(W.phone, f"手机号：{W.phone}")])
        await _converse(store, "k", [_turn(K.name, f"姓名：{K.name}")])
        await _converse(store, "w", [_turn("确定", "已注销", mark)])
        return await store.retrieve_full_tracker("w"), await store.retrieve_full_tracker("k")

    erased, kept = asyncio.run(scenario())
    assert erased is None
    assert kept is not None and kept.get_slot("reg_name") == K.name
    if kind == "sql":
        content = b"".join(p.read_bytes() for p in tmp_path.iterdir())
        for secret in (W.name, W.phone):
            assert not any(form in content for form in rr.forms(secret)), secret  # not even in free pages
        assert any(form in content for form in rr.forms(K.name))


def test_the_mark_counts_only_in_the_latest_turn():
    from rasa.shared.core.events import BotUttered, UserUttered

    marked = BotUttered("已注销", {"custom": erasure.payload()})
    assert erasure.requested_in_turn([UserUttered("确定"), marked])
    assert not erasure.requested_in_turn([UserUttered("确定"), marked, UserUttered("你好"), BotUttered("您好")])
    assert not erasure.requested_in_turn([UserUttered("确定"), BotUttered("已注销", {"custom": {"kind": "x"}})])


def test_the_memory_setting_builds_the_erasing_in_memory_store(tmp_path):
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from jiuye.endpoints import tracker_store_config
    from jiuye.tracker_store import ErasingInMemoryTrackerStore

    config = tracker_store_config("sqlite:///x.db", tmp_path, "memory")
    store = TrackerStore.create(EndpointConfig.from_dict(config), Domain.from_yaml(DOMAIN_YAML))
    assert isinstance(store, ErasingInMemoryTrackerStore)


# -- the dedupe stores -------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "redis"])
def dedupe(request, tmp_path):
    if request.param == "sqlite":
        return SqliteOutcomeStore(tmp_path / "dedupe.db", ttl=300)
    return RedisOutcomeStore(request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix"), ttl=300)


def test_forget_takes_the_users_reply_texts_out_and_keeps_retries_answered_once(dedupe, tmp_path):
    summary = f"请核对您的登记信息：姓名：{W.name}，手机号：{W.phone}"
    produced: List[str] = []

    async def produce() -> str:
        produced.append("turn")
        return "again"

    async def scenario():
        assert await dedupe.claim("wx:msg:1", "o_w") and await dedupe.settle("wx:msg:1", PASSIVE + summary)
        assert await dedupe.claim("wx:msg:2", "o_w")  # the withdrawal message itself, still processing
        assert await dedupe.claim("wx:msg:3", "o_k") and await dedupe.settle("wx:msg:3", PASSIVE + K.name)
        assert await dedupe.forget("o_w") == 2
        values = [await dedupe.get(f"wx:msg:{n}") for n in (1, 2, 3)]
        retry = await answer_once(dedupe, "wx:msg:1", produce, lambda text: asyncio.sleep(0), budget=0.2, user="o_w")
        await dedupe.close()
        return values, retry

    values, retry = asyncio.run(scenario())
    assert values == [DEFERRED, PROCESSING, PASSIVE + K.name]
    assert retry is None and produced == []  # WeChat's late retry: `success`, not a second turn
    if isinstance(dedupe, SqliteOutcomeStore):
        content = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("dedupe.db"))
        assert W.name.encode() not in content and W.phone.encode() not in content
        assert K.name.encode() in content


def test_a_dedupe_file_from_before_gets_the_user_column(tmp_path):
    path = tmp_path / "dedupe.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE outcomes (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)")
        db.execute("INSERT INTO outcomes VALUES ('wx:msg:old', 'deferred', 1e12)")
    store = SqliteOutcomeStore(path, ttl=300)

    async def scenario():
        return await store.claim("wx:msg:new", "o_w"), await store.claim("wx:msg:old", "o_w"), await store.forget("o_w")

    assert asyncio.run(scenario()) == (True, False, 1)


# -- the WeChat channel ------------------------------------------------------------------------

class WithdrawingDialogue:
    """Shows the summary, and withdraws (with the erasure mark) on 确定."""

    def __init__(self):
        self.turns = 0

    async def __call__(self, message) -> None:
        self.turns += 1
        if message.text == "确定":
            await message.output_channel.send_response(
                message.sender_id, {"text": "已注销", "custom": erasure.payload(kind="registration_withdrawn")})
        else:
            await message.output_channel.send_text_message(message.sender_id, f"姓名：{W.name}\n手机号：{W.phone}")


def test_the_wechat_channel_forgets_a_withdrawn_user(tmp_path):
    from bot.fakes.fake_wechat_api import FakeWeChatAPI
    from bot.fakes.wechat_simulator import WeChatSimulator
    from bot.wechat.channel import WeChatInput
    from registry.db import dispose_all, engine_for, session_factory
    from scheduler import contacts
    from tests.channels.sanic_harness import ChannelServer
    from tests.channels.test_wechat_channel import TOKEN, config_for

    dialogue = WithdrawingDialogue()
    dedupe_bytes = lambda: b"".join(p.read_bytes() for p in tmp_path.glob("channel_dedupe.db*"))  # noqa: E731
    sessions = session_factory(engine_for(f"sqlite:///{tmp_path / 'jiuye.db'}"))
    try:
        with FakeWeChatAPI() as api, ChannelServer(WeChatInput(config_for(api, tmp_path)), dialogue) as server:
            wechat = WeChatSimulator(server.url, TOKEN)
            summary = wechat.text("o_w", "无")
            assert W.phone in wechat.deliver(summary).text
            server.call(server.channel.reach.settle())
            with sessions() as session:
                assert contacts.get(session, "wechat", "o_w") is not None
            assert W.phone.encode() in dedupe_bytes()  # what a retry would be answered with
            assert wechat.deliver(wechat.text("o_w", "确定")).text == "已注销"
            server.call(server.channel.reach.settle())
            again = wechat.deliver(summary)  # WeChat retries the old message
        assert again.status == 200 and again.reply is None and dialogue.turns == 2
        assert W.phone.encode() not in dedupe_bytes() and W.name.encode() not in dedupe_bytes()
        with sessions() as session:
            assert contacts.get(session, "wechat", "o_w") is None
    finally:
        dispose_all()
