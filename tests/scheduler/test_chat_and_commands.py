"""Chat actions (订阅招聘会 / 退订 / follow-up answers) through rasa_sdk trackers, the fair import,
configuration parsing, and the `jiuye scheduler status` / `jiuye broadcast preview` commands."""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from registry.db import session_factory
from registry.models import Registration, Subscription
from scheduler import outbox
from scheduler.fairs_import import load_fairs
from scheduler.models import Contact, FollowUp, JobFair, OutboxMessage
from settings.scheduler import QuietHours, SchedulerConfig, parse_offset
from tests.scheduler.helpers import add_registration, local

ROOT = Path(__file__).resolve().parents[2]


def tracker(sender: str, text: str, intent: str, entities=()) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": list(entities)}
    events = [{"event": "user", "text": text, "parse_data": message, "input_channel": "wechat"}]
    return Tracker(f"wechat:{sender}", {}, message, events, False, None, {}, "action_listen")  # registry/identity.py


@pytest.fixture
def chat(sqlite_engine, monkeypatch):
    from actions import subscription_actions

    monkeypatch.setattr(subscription_actions, "sessions", lambda: session_factory(sqlite_engine))
    return session_factory(sqlite_engine)


def run_action(action, sender: str, text: str, intent: str, entities=()) -> str:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker(sender, text, intent, entities), {}))
    return "\n".join(m["text"] or m["response"] for m in dispatcher.messages)


def test_subscribe_uses_the_named_region_and_the_registered_major(chat):
    from actions.subscription_actions import ActionSubscribeFairs, ActionUnsubscribe

    with chat.begin() as session:
        add_registration(session, "o_grad", local(2030, 4, 1), city="长春", major="软件工程")
    reply = run_action(ActionSubscribeFairs(), "o_grad", "订阅吉林市的招聘会", "subscribe_fairs",
                       [{"entity": "region", "value": "吉林市"}])
    assert "已为您订阅" in reply and "吉林市" in reply and "软件工程" in reply
    with chat() as session:
        row = session.execute(select(Subscription)).scalar_one()
        assert (row.region, row.majors, row.active) == ("吉林市", "软件工程", True)
        assert session.get(Contact, ("wechat", "o_grad")).last_inbound_at is not None
    with chat.begin() as session:
        outbox.enqueue(session, [outbox.NewMessage(campaign="c", channel="wechat", user_id="o_grad", step="notice",
                                                   kind="fair_notice", not_before=local(2030, 4, 2))],
                       local(2030, 4, 1))
    assert "已退订" in run_action(ActionUnsubscribe(), "o_grad", "退订", "unsubscribe")
    with chat() as session:
        assert session.execute(select(Subscription.active)).scalar_one() is False
        assert session.execute(select(OutboxMessage.state)).scalar_one() == "skipped"
        assert session.get(Contact, ("wechat", "o_grad")).opted_out_at is not None
    run_action(ActionSubscribeFairs(), "o_grad", "订阅招聘会", "subscribe_fairs")  # subscribing again undoes 退订
    with chat() as session:
        assert session.get(Contact, ("wechat", "o_grad")).opted_out_at is None
        assert session.execute(select(Subscription.region)).scalar_one() == "长春"  # back to the registered city


def test_followup_answers_update_the_registration(chat):
    from actions.subscription_actions import ActionFollowupAnswer

    with chat.begin() as session:
        reg_id = add_registration(session, "o_grad", local(2030, 4, 1)).id
    assert "创业" in run_action(ActionFollowupAnswer(), "o_grad", "想创业", "followup_start_business")
    assert "12333" in run_action(ActionFollowupAnswer(), "o_grad", "需要帮助", "followup_need_help")
    with chat() as session:
        assert session.get(Registration, reg_id).intention == "创业"
        follow = session.get(FollowUp, reg_id)
        assert follow.needs_help and follow.last_answer == "需要帮助" and follow.stopped_reason is None
    assert "恭喜" in run_action(ActionFollowupAnswer(), "o_grad", "找到工作了", "followup_found_job")
    with chat() as session:
        assert session.get(FollowUp, reg_id).stopped_reason == "employed"
    assert "还没有在本渠道登记" in run_action(ActionFollowupAnswer(), "o_other", "找到工作了", "followup_found_job")
    # someone not registered who is still out of work and asks what to do gets the services that
    # exist for them and is offered registration (issues 12 and 14)
    offered = run_action(ActionFollowupAnswer(), "o_other", "还没找到工作，我该怎么办", "followup_still_looking")
    assert offered.endswith("utter_offer_registration") and "1311" in offered, offered
    # saying it without asking is only offered registration
    assert run_action(ActionFollowupAnswer(), "o_other", "还没找到工作", "followup_still_looking") == "utter_offer_registration"


def test_sample_fairs_import_and_bad_rows_are_reported(tmp_path):
    tz = ZoneInfo("Asia/Shanghai")
    fairs, problems = load_fairs(ROOT / "scheduler" / "sample_fairs.yml", tz)
    assert problems == [] and len(fairs) == 3
    cc = fairs[0]
    assert cc.province == "吉林" and cc.starts_at == dt.datetime(2030, 4, 12, 1, 0)  # 09:00 Shanghai
    bad = tmp_path / "fairs.csv"
    bad.write_text("code,name,starts_at,ends_at,organiser,online,address,link\n"
                   "a,甲,2030-04-12 09:00,2030-04-12 08:00,主办,false,地址,\n"
                   "b,乙,2030-04-12 09:00,2030-04-12 10:00,主办,true,,\n"
                   "c,丙,2030-04-12 09:00,2030-04-12 10:00,主办,false,某地,\n", encoding="utf-8")
    fairs, problems = load_fairs(bad, tz)
    assert [f.code for f in fairs] == ["c"]
    assert "ends_at is before starts_at" in problems[0] and "needs a link" in problems[1]


def test_configuration_from_the_environment():
    config = SchedulerConfig.from_env({"JIUYE_QUIET_HOURS": "23:00-07:30", "JIUYE_FAIR_OFFSETS": "1d,7d,2h",
                                       "JIUYE_DAILY_CAP": "100", "WECHAT_TEMPLATE_FAIR": "T1"})
    assert config.fair_offsets == (dt.timedelta(days=7), dt.timedelta(days=1), dt.timedelta(hours=2))
    assert config.daily_cap == 100 and config.template_fair == "T1" and config.template_followup is None
    quiet = config.quiet
    assert quiet.is_quiet(local(2030, 1, 1, 23, 0)) and quiet.is_quiet(local(2030, 1, 2, 7, 29))
    assert not quiet.is_quiet(local(2030, 1, 2, 7, 30))
    assert quiet.next_allowed(local(2030, 1, 1, 23, 30)) == local(2030, 1, 2, 7, 30)
    assert not QuietHours.parse("off", config.tz).is_quiet(local(2030, 1, 1, 3, 0))
    with pytest.raises(ValueError):
        parse_offset("3 weeks")


def test_status_and_preview_commands(tmp_path, monkeypatch, capsys):
    from jiuye.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jiuye.db'}")
    monkeypatch.setenv("WECHAT_TEMPLATE_FAIR", "TPL_FAIR")
    assert main(["scheduler", "import-fairs", str(ROOT / "scheduler" / "sample_fairs.yml")]) == 0
    from registry.db import engine_for

    sessions = session_factory(engine_for(f"sqlite:///{tmp_path / 'jiuye.db'}"))
    with sessions.begin() as session:
        session.add(Subscription(channel="wechat", user_id="o_cc", region="长春", majors="软件工程", active=True))
        session.add(Subscription(channel="wechat", user_id="o_nc", region="南昌", active=True))
    capsys.readouterr()
    assert main(["broadcast", "preview", "sample-cc-spring-it"]) == 0
    out = capsys.readouterr().out
    assert "wechat:o_cc" in out and "o_nc" not in out and "recipients now: 1" in out
    assert "示例：长春市高校毕业生春季信息技术专场招聘会" in out and "TPL_FAIR" in out
    assert main(["broadcast", "preview", "no-such-fair"]) == 1
    assert main(["scheduler", "status"]) == 0
    out = capsys.readouterr().out
    assert "outbox: pending 0" in out and "sample-cc-spring-it (3d)" in out
    with sessions() as session:
        assert len(session.execute(select(JobFair)).all()) == 3
