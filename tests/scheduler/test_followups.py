"""Follow-ups: check-ins at the configured interval, the 1311×N steps recorded in the service
ledger, job recommendations matched from fair data, the 48 h rule deciding the message kind."""
from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

from sqlalchemy import select

from bot.fakes.fake_wechat_api import FakeWeChatAPI
from platforms.wechat import WeChatClient
from platforms.wechat_token import MemoryTokenStore
from registry.models import ServiceRecord
from scheduler import contacts, planner
from scheduler.models import FollowUp, OutboxMessage
from scheduler.sender import Sender
from scheduler.transports import WeChatTransport
from tests.scheduler.helpers import add_fair, add_registration, local


def run_days(sessions, sender, config, clock, days: int, hour: int = 10) -> None:
    start = clock.now()
    for day in range(days + 1):
        clock.set(start + dt.timedelta(days=day))
        with sessions.begin() as session:
            planner.plan(session, clock.now(), config)
        asyncio.run(sender.drain())


def test_followup_after_48h_of_silence_goes_as_template_message(sessions, config, clock):
    """Through the real WeChat client against the fake WeChat API."""
    created = local(2030, 4, 1, 10, 0)
    with sessions.begin() as session:
        quiet_reg = add_registration(session, "o_silent", created)
        talk_reg = add_registration(session, "o_talking", created)
        contacts.record_inbound(session, "wechat", "o_silent", created + dt.timedelta(days=12))  # 50 h before
        contacts.record_inbound(session, "wechat", "o_talking", created + dt.timedelta(days=14, hours=-3))
    clock.set(created + dt.timedelta(days=14, hours=2))
    with sessions.begin() as session:
        planner.plan(session, clock.now(), config)
        steps = dict(session.execute(select(OutboxMessage.step, OutboxMessage.kind)
                                     .where(OutboxMessage.registration_id == quiet_reg.id)).all())
    assert steps["checkin:1"] == "checkin"
    with FakeWeChatAPI() as fake:
        client = WeChatClient(fake.url, fake.appid, fake.secret, MemoryTokenStore(), attempts=1)
        sender = Sender(sessions, {"wechat": WeChatTransport(client)}, config, clock)

        async def drain_and_close():
            try:
                return await sender.drain()
            finally:
                await client.close()

        stats = asyncio.run(drain_and_close())
        silent = fake.delivered("o_silent", kind="template")
        talking = fake.delivered("o_talking", kind="custom")
        assert fake.delivered("o_silent", kind="custom") == []
        assert fake.delivered("o_talking", kind="template") == []
    assert stats.dead == 0
    checkin = [m for m in silent if m["data"]["keyword1"]["value"] == "求职进展回访"]
    assert len(checkin) == 1 and checkin[0]["template_id"] == "TPL_FOLLOWUP"
    assert "找到工作了" in checkin[0]["data"]["remark"]["value"]
    assert any("【就业服务回访】" in m["text"]["content"] and "还在找" in m["text"]["content"] for m in talking)
    with sessions() as session:
        via = dict(session.execute(select(OutboxMessage.user_id, OutboxMessage.sent_via)
                                   .where(OutboxMessage.kind == "checkin")).all())
    assert via == {"o_silent": "wechat_template", "o_talking": "wechat_custom"}
    assert talk_reg.id != quiet_reg.id


def test_1311n_steps_are_delivered_and_recorded_in_the_ledger(sessions, sender, config, clock, wechat):
    created = local(2030, 4, 1, 10, 0)
    clock.set(created)
    with sessions.begin() as session:
        reg = add_registration(session, "o_grad", created, city="长春", major="软件工程")
        add_registration(session, "o_none", created, intention="暂无就业意愿")
        add_registration(session, "web-user", created, channel="rest")
        for n in range(4):  # matching fairs: 长春, software; one in 南昌 that must never be recommended
            add_fair(session, local(2030, 4, 20 + n, 9, 0), majors="计算机,软件工程")
        add_fair(session, local(2030, 4, 21, 9, 0), city="南昌", province="江西")
        add_fair(session, local(2030, 4, 22, 9, 0), majors="护理")
    run_days(sessions, sender, config, clock, 18)
    with sessions() as session:
        ledger = Counter(session.execute(select(ServiceRecord.kind).where(ServiceRecord.registration_id == reg.id))
                         .scalars())
        recommended = [r.note for r in session.execute(
            select(ServiceRecord).where(ServiceRecord.kind == "job_recommendation")).scalars()]
        follow = session.get(FollowUp, reg.id)
    assert ledger == {"career_guidance": 1, "job_recommendation": 3, "skills_training": 1, "internship_offer": 1}
    assert all("南昌" not in note and "测试招聘会" in note for note in recommended)
    assert set(wechat.users()) == {"o_grad"}  # no intention / unreachable channel: nothing
    checkins = [s for s in wechat.sent if s.data.get("keyword1", {}).get("value") == "求职进展回访"]
    assert len(checkins) == 1 and follow.checkins_planned == 1  # day 14 only (interval 14 days)
    # The same steps are never delivered twice, however often planning runs.
    run_days(sessions, sender, config, clock, 2)
    with sessions() as session:
        assert session.execute(select(ServiceRecord).where(ServiceRecord.registration_id == reg.id)).scalars() \
            .all().__len__() == 6


def test_staff_deliveries_count_towards_1311n(sessions, sender, config, clock, wechat):
    created = local(2030, 4, 1, 10, 0)
    clock.set(created)
    with sessions.begin() as session:
        reg = add_registration(session, "o_grad", created)
        session.add(ServiceRecord(registration_id=reg.id, kind="career_guidance", delivered_at=dt.date(2030, 4, 1),
                                  delivered_by="长春市就业服务局"))
    run_days(sessions, sender, config, clock, 8)
    with sessions() as session:
        kinds = Counter(session.execute(select(ServiceRecord.kind)).scalars())
    assert kinds == {"career_guidance": 1, "skills_training": 1}  # no fair yet: no recommendation invented


def test_followups_stop_when_employed_or_opted_out(sessions, sender, config, clock, wechat):
    from scheduler.followup import record_answer

    created = local(2030, 4, 1, 10, 0)
    clock.set(created)
    with sessions.begin() as session:
        add_registration(session, "o_employed", created)
        add_registration(session, "o_optout", created)
        add_registration(session, "o_searching", created)
    run_days(sessions, sender, config, clock, 14)
    with sessions.begin() as session:
        assert record_answer(session, "wechat", "o_employed", "找到工作了", clock.now()).stopped
        assert record_answer(session, "wechat", "o_searching", "还在找", clock.now()).stopped is False
        contacts.set_opted_out(session, "wechat", "o_optout", True, clock.now())
    before = Counter(wechat.users())
    run_days(sessions, sender, config, clock, 15)
    after = Counter(wechat.users())
    assert after["o_employed"] == before["o_employed"]
    assert after["o_optout"] == before["o_optout"]
    assert after["o_searching"] == before["o_searching"] + 1  # the day-28 check-in
