"""The sender's decisions, with a frozen clock and a recording transport: retries with backoff,
recipients that are gone, the 45015 fallback, the daily cap, the platform quota, in-doubt sends."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from platforms.errors import Outcome
from scheduler import contacts, outbox
from scheduler.models import Contact, OutboxMessage
from tests.scheduler.helpers import add_fair, add_subscriber, local


@pytest.fixture
def fair_with_queue(sessions, clock):
    """A fair and ``queue(n)`` notices for o_0 … o_{n-1}, due now."""
    clock.set(local(2030, 4, 12, 9, 0))
    with sessions.begin() as session:
        fair = add_fair(session, local(2030, 4, 15, 9, 0))
        fair_id, starts = fair.id, fair.starts_at

    def queue(n: int, prefix: str = "o_", campaign: str = "c1") -> None:
        with sessions.begin() as session:
            if campaign == "c1":
                for i in range(n):
                    add_subscriber(session, f"{prefix}{i}", "长春")
            outbox.enqueue(session, [outbox.NewMessage(
                campaign=campaign, channel="wechat", user_id=f"{prefix}{i}", step="notice", kind="fair_notice",
                not_before=clock.now(), expires_at=starts, fair_id=fair_id,
                payload={"starts_at": starts.isoformat()}) for i in range(n)], clock.now())
    return queue


def states(sessions):
    with sessions() as session:
        return dict(session.execute(select(OutboxMessage.user_id, OutboxMessage.state)).all())


def test_transient_errors_retry_with_backoff_then_send(sessions, sender, wechat, clock, config, fair_with_queue):
    fair_with_queue(1)
    wechat.fail("o_0", Outcome.RETRY, "wechat -1: system busy", times=2)
    stats = asyncio.run(sender.drain())
    assert stats.retried == 1 and wechat.sent == []
    with sessions() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
        assert row.not_before == clock.now() + config.backoff and row.attempts == 1
    clock.advance(seconds=29)
    asyncio.run(sender.drain())
    assert wechat.sent == []  # not before the backoff
    clock.advance(seconds=1)
    asyncio.run(sender.drain())  # second failure: the wait doubles
    with sessions() as session:
        assert session.execute(select(OutboxMessage.not_before)).scalar_one() == clock.now() + 2 * config.backoff
    clock.advance(seconds=60)
    asyncio.run(sender.drain())
    assert wechat.users() == ["o_0"] and states(sessions) == {"o_0": "sent"}


def test_retries_end_in_dead_after_max_attempts(sessions, sender, wechat, clock, config, fair_with_queue):
    fair_with_queue(1)
    wechat.fail("o_0", Outcome.RETRY, "busy", times=config.max_attempts)
    for _ in range(config.max_attempts):
        asyncio.run(sender.drain())
        clock.advance(hours=1)
    assert states(sessions) == {"o_0": "dead"} and wechat.sent == []


def test_unfollowed_recipient_is_marked_and_nothing_else_goes_to_them(sessions, sender, wechat, clock,
                                                                     fair_with_queue):
    fair_with_queue(3)
    fair_with_queue(3, campaign="c2")  # a second message queued for each
    wechat.fail("o_1", Outcome.RECIPIENT_GONE, "wechat 43004: require subscribe", block="unfollowed")
    stats = asyncio.run(sender.drain())
    assert sorted(wechat.users()) == ["o_0", "o_0", "o_2", "o_2"]
    assert stats.dead == 1
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.campaign, OutboxMessage.state)
                               .where(OutboxMessage.user_id == "o_1")).all()
        contact = session.get(Contact, ("wechat", "o_1"))
    assert sorted(state for _, state in rows) == ["dead", "skipped"]
    assert contact.blocked_reason == "unfollowed"


def test_outside_the_window_45015_falls_back_to_the_template(sessions, sender, wechat, clock, fair_with_queue):
    fair_with_queue(1)
    with sessions.begin() as session:  # we believe they wrote an hour ago; WeChat says otherwise
        contacts.record_inbound(session, "wechat", "o_0", clock.now() - dt.timedelta(hours=1))
    wechat.fail("o_0", Outcome.FALLBACK, "wechat 45015: response out of time limit")
    asyncio.run(sender.drain())
    assert [(s.via, s.template_id) for s in wechat.sent] == [("template", "TPL_FAIR")]
    with sessions() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
    assert (row.state, row.sent_via, row.attempts) == ("sent", "wechat_template", 2)


def test_within_48_hours_a_customer_service_message_is_used(sessions, sender, wechat, clock, fair_with_queue):
    fair_with_queue(2)
    with sessions.begin() as session:
        contacts.record_inbound(session, "wechat", "o_0", clock.now() - dt.timedelta(hours=47))
        contacts.record_inbound(session, "wechat", "o_1", clock.now() - dt.timedelta(hours=49))
    asyncio.run(sender.drain())
    assert {(s.user_id, s.via) for s in wechat.sent} == {("o_0", "text"), ("o_1", "template")}


def test_daily_cap_holds_the_rest_until_the_next_local_day(sessions, sender, wechat, clock, config, fair_with_queue):
    from dataclasses import replace

    sender.config = replace(config, daily_cap=5)
    fair_with_queue(8)
    stats = asyncio.run(sender.drain())
    assert len(wechat.sent) == 5 and stats.stopped_by == "daily_cap"
    clock.advance(hours=2)
    asyncio.run(sender.drain())
    assert len(wechat.sent) == 5
    clock.set(local(2030, 4, 13, 8, 0))  # next local day, after quiet hours
    asyncio.run(sender.drain())
    assert len(wechat.sent) == 8 and set(states(sessions).values()) == {"sent"}


def test_platform_quota_pauses_until_tomorrow(sessions, sender, wechat, clock, fair_with_queue):
    fair_with_queue(3)
    wechat.fail("o_0", Outcome.QUOTA, "wechat 45009: api freq out of limit")
    stats = asyncio.run(sender.drain())
    assert stats.stopped_by == "quota" or len(wechat.sent) <= 2
    sent_before = len(wechat.sent)
    clock.advance(hours=3)
    asyncio.run(sender.drain())
    assert len(wechat.sent) == sent_before  # still paused
    clock.set(local(2030, 4, 13, 8, 0))
    asyncio.run(sender.drain())
    assert sorted(wechat.users()) == ["o_0", "o_1", "o_2"]


def test_an_answer_that_never_came_is_in_doubt_and_not_resent(sessions, sender, wechat, clock, fair_with_queue):
    fair_with_queue(1)
    wechat.fail("o_0", Outcome.IN_DOUBT, "wechat -3: ReadTimeout")
    asyncio.run(sender.drain())
    clock.advance(hours=1)
    asyncio.run(sender.drain())
    assert wechat.sent == [] and states(sessions) == {"o_0": "in_doubt"}


def test_no_template_configured_outside_the_window_is_dead_with_the_reason(sessions, sender, wechat, config,
                                                                          fair_with_queue):
    from dataclasses import replace

    sender.config = replace(config, template_fair=None)
    fair_with_queue(1)
    asyncio.run(sender.drain())
    with sessions() as session:
        row = session.execute(select(OutboxMessage)).scalar_one()
    assert row.state == "dead" and "WECHAT_TEMPLATE_FAIR" in row.last_error
