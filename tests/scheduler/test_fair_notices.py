"""Fair notices with a frozen clock: the right notices, to exactly the matching subscribers, at the
configured offsets, never in quiet hours, never to the unsubscribed — on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from scheduler import contacts, planner
from scheduler.models import Campaign, OutboxMessage
from tests.scheduler.helpers import add_fair, add_subscriber, local, to_local


def plan_and_drain(sessions, sender, config, clock):
    with sessions.begin() as session:
        result = planner.plan(session, clock.now(), config)
    stats = asyncio.run(sender.drain())
    return result, stats


def populate(session):
    """A 长春 IT fair and subscribers who should and should not hear about it."""
    fair = add_fair(session, local(2030, 4, 15, 9, 0), city="长春", province="吉林", majors="计算机,软件工程")
    add_subscriber(session, "o_cc_software", "长春", ["软件工程"])               # match: city and major
    add_subscriber(session, "o_cc_nomajor", "长春")                             # match: no major filter
    add_subscriber(session, "o_jl_province", "吉林省", ["计算机科学与技术"])     # match: province, major contains
    add_subscriber(session, "o_noregion", None, ["计算机"])                      # match: no region filter
    add_subscriber(session, "12345", "长春", ["软件工程"], channel="telegram")   # match on Telegram
    add_subscriber(session, "o_nc", "南昌", ["软件工程"])                        # other province
    add_subscriber(session, "o_jilin_city", "吉林市", ["软件工程"])               # other city, on-site fair
    add_subscriber(session, "o_cc_nursing", "长春", ["护理"])                    # other major
    add_subscriber(session, "o_cc_unsub", "长春", ["软件工程"], active=False)    # unsubscribed
    add_subscriber(session, "o_cc_optout", "长春", ["软件工程"])                  # said 退订 (contact opted out)
    contacts.set_opted_out(session, "wechat", "o_cc_optout", True, local(2030, 4, 1))
    add_subscriber(session, "rest-user", "长春", channel="rest")                 # unreachable channel
    return fair


MATCHING_WECHAT = {"o_cc_software", "o_cc_nomajor", "o_jl_province", "o_noregion"}


def test_three_days_out_notifies_exactly_the_matching_subscribers(sessions, sender, config, clock, wechat, telegram):
    with sessions.begin() as session:
        populate(session)
    clock.set(local(2030, 4, 12, 8, 59))  # 3 days before minus a minute: nothing yet
    result, _ = plan_and_drain(sessions, sender, config, clock)
    assert result.campaigns == [] and wechat.sent == [] and telegram.sent == []

    clock.set(local(2030, 4, 12, 9, 0))
    result, stats = plan_and_drain(sessions, sender, config, clock)
    assert len(result.campaigns) == 1 and result.campaigns[0].split(":")[2] == "3d"
    assert sorted(wechat.users()) == sorted(MATCHING_WECHAT)
    assert telegram.users() == ["12345"]
    assert stats.sent == 5
    # No graduate has written in 48 h: every WeChat notice is the configured fair template.
    assert {(s.via, s.template_id) for s in wechat.sent} == {("template", "TPL_FAIR")}
    assert wechat.sent[0].data["keyword1"]["value"].startswith("测试招聘会")
    assert "2030年4月15日 09:00" in telegram.sent[0].text and "回复“退订”" in telegram.sent[0].text

    # Planning and draining again (the next tick, or after a restart) sends nothing more.
    clock.advance(minutes=5)
    plan_and_drain(sessions, sender, config, clock)
    assert len(wechat.sent) == 4 and len(telegram.sent) == 1

    # One day before: the second notice, to the same people.
    clock.set(local(2030, 4, 14, 9, 0))
    result, _ = plan_and_drain(sessions, sender, config, clock)
    assert [key.split(":")[2] for key in result.campaigns] == ["1d"]
    assert sorted(wechat.users()) == sorted(list(MATCHING_WECHAT) * 2)
    with sessions() as session:
        assert session.execute(select(Campaign.recipients).order_by(Campaign.id)).scalars().all() == [5, 5]


def test_no_sends_in_quiet_hours(sessions, sender, config, clock, wechat):
    with sessions.begin() as session:
        add_fair(session, local(2030, 4, 15, 23, 0), hours=1)  # 3 days before: 04-12 23:00, quiet
        for n in range(5):
            add_subscriber(session, f"o_user_{n}", "长春")
    clock.set(local(2030, 4, 12, 23, 0))  # due now, but 23:00 is quiet
    result, stats = plan_and_drain(sessions, sender, config, clock)
    assert len(result.campaigns) == 1 and wechat.sent == [] and stats.stopped_by == "quiet_hours"
    with sessions() as session:
        not_before = session.execute(select(OutboxMessage.not_before)).scalars().all()
    assert {to_local(t).strftime("%m-%d %H:%M") for t in not_before} == {"04-13 08:00"}

    for minutes in range(0, 9 * 60 + 1, 30):  # walk through the night to 08:00
        clock.set(local(2030, 4, 12, 23, 0) + dt.timedelta(minutes=minutes))
        plan_and_drain(sessions, sender, config, clock)
    assert len(wechat.sent) == 5
    assert all(not config.quiet.is_quiet(s.at) for s in wechat.sent)
    assert {to_local(s.at).strftime("%m-%d %H:%M") for s in wechat.sent} == {"04-13 08:00"}


def test_unsubscribing_after_planning_stops_the_queued_notice(sessions, sender, config, clock, wechat):
    from registry.models import Subscription

    with sessions.begin() as session:
        add_fair(session, local(2030, 4, 15, 9, 0))
        add_subscriber(session, "o_stays", "长春")
        add_subscriber(session, "o_leaves", "长春")
    clock.set(local(2030, 4, 12, 9, 0))
    with sessions.begin() as session:
        planner.plan(session, clock.now(), config)
        session.execute(select(Subscription).where(Subscription.user_id == "o_leaves")).scalar_one().active = False
    stats = asyncio.run(sender.drain())
    assert wechat.users() == ["o_stays"] and stats.skipped == 1


def test_cancelled_and_rescheduled_fairs(sessions, sender, config, clock, wechat):
    with sessions.begin() as session:
        fair = add_fair(session, local(2030, 4, 15, 9, 0))
        add_subscriber(session, "o_a", "长春")
    clock.set(local(2030, 4, 12, 9, 0))
    with sessions.begin() as session:
        planner.plan(session, clock.now(), config)
        moved = session.get(type(fair), fair.id)  # moved before the notice went out
        moved.starts_at, moved.ends_at = local(2030, 4, 20, 9, 0), local(2030, 4, 20, 15, 0)
    asyncio.run(sender.drain())
    assert wechat.sent == []  # the old notice is dropped…
    clock.set(local(2030, 4, 17, 9, 0))
    plan_and_drain(sessions, sender, config, clock)
    assert wechat.users() == ["o_a"]  # …and the new date is announced at its own offset
    assert "2030年4月20日" in wechat.sent[0].data["keyword2"]["value"]
    with sessions.begin() as session:
        session.get(type(fair), fair.id).cancelled = True
    clock.set(local(2030, 4, 19, 9, 0))
    plan_and_drain(sessions, sender, config, clock)
    assert len(wechat.sent) == 1


def test_fair_imported_late_sends_one_notice_not_a_burst(sessions, sender, config, clock, wechat):
    with sessions.begin() as session:
        add_fair(session, local(2030, 4, 15, 9, 0))
        add_subscriber(session, "o_a", "长春")
    clock.set(local(2030, 4, 14, 12, 0))  # both the 3d and the 1d notice are overdue
    result, _ = plan_and_drain(sessions, sender, config, clock)
    assert [key.split(":")[2] for key in result.campaigns] == ["1d"]
    assert wechat.users() == ["o_a"]
