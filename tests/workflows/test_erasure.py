"""workflows.erasure.withdraw: a person's data deleted across the registry's and the scheduler's
stores, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from typing import Callable, List

import pytest
from sqlalchemy import select

from registry.models import Consent, Registration, ServiceRecord, Subscription
from registry.store import RegistrationStore
from scheduler import contacts, followup, outbox
from scheduler.models import Contact, FollowUp, OutboxMessage
from tests.registry.test_store import ID_A, ID_B, data
from workflows import erasure

NOW = dt.datetime(2024, 7, 1, 9, 0)


@pytest.fixture
def subscribe(store: RegistrationStore) -> Callable[..., None]:
    """订阅招聘会 as the channels and actions record it (scheduler.followup.subscribe)."""
    def run(channel: str, user_id: str, region: str, majors: List[str] = ()) -> None:
        with store.sessions.begin() as session:
            followup.subscribe(session, channel, user_id, region, majors, NOW)
    return run


@pytest.fixture
def subscribed(store: RegistrationStore) -> Callable[[], List[str]]:
    """The user ids with an active subscription."""
    def run() -> List[str]:
        with store.sessions() as session:
            return [s.user_id for s in session.execute(
                select(Subscription).where(Subscription.active.is_(True)).order_by(Subscription.id)).scalars()]
    return run


def test_withdraw_deletes_personal_data_and_keeps_a_consent_audit(store, engine, subscribe, subscribed):
    reg_no = store.register(data(), ID_A, "cli", "s1").reg_no
    store.add_service(reg_no, "career_guidance", dt.date(2024, 7, 1), "长春市就业服务局 王老师")
    subscribe("cli", "s1", region="长春", majors=["计算机"])
    assert erasure.withdraw(store, reg_no) is True
    assert store.get(reg_no) is None and store.count() == 0
    with engine.connect() as connection:
        assert connection.execute(select(ServiceRecord.__table__)).all() == []
        consents = connection.execute(select(Consent.__table__)).mappings().all()
    assert len(consents) == 1 and consents[0]["reg_no"] == reg_no and consents[0]["withdrawn_at"] is not None
    assert subscribed() == []
    assert erasure.withdraw(store, reg_no) is False
    # the person may register again afterwards, as a new registration
    again = store.register(data(), ID_A, "cli", "s1")
    assert again.updated is False and again.reg_no != reg_no


def test_withdraw_removes_the_scheduler_state_naming_the_person(store, engine, subscribe, subscribed):
    """Contact row, subscription, follow-up, every outbox row to the person (queued or sent, by
    registration or by recipient), vault entries: gone. Another person's rows stay."""
    now = dt.datetime(2024, 7, 1, 9, 0)
    reg_no = store.register(data(), ID_A, "wechat", "o_person").reg_no
    store.register(data(name="李四"), ID_B, "wechat", "o_other")
    subscribe("wechat", "o_person", region="长春")
    subscribe("wechat", "o_other", region="长春")
    store.vault_put("wechat:o_person", ID_B)  # the vault is keyed by the conversation id
    store.vault_put("rest:o_person", ID_B)  # another channel's user of the same name
    sessions = store.sessions
    with sessions.begin() as session:
        reg_id = session.execute(select(Registration.id).where(Registration.reg_no == reg_no)).scalar_one()
        session.add(FollowUp(registration_id=reg_id, next_checkin_at=now))
        for user in ("o_person", "o_other"):
            contacts.record_inbound(session, "wechat", user, now)
            outbox.enqueue(session, [outbox.NewMessage(campaign="fair:1", step="notice", kind="fair_notice",
                                                       channel="wechat", user_id=user, not_before=now)], now)
        outbox.enqueue(session, [outbox.NewMessage(campaign="checkin:1", step="1", kind="checkin", channel="wechat",
                                                   user_id="o_person", registration_id=reg_id, not_before=now)], now)
        session.execute(OutboxMessage.__table__.update().where(OutboxMessage.campaign == "checkin:1")
                        .values(state="sent", body="您好张三"))
    assert erasure.withdraw(store, reg_no) is True
    with engine.connect() as connection:
        left = lambda column: {r[0] for r in connection.execute(select(column))}  # noqa: E731
        assert left(Contact.user_id) == {"o_other"}
        assert left(OutboxMessage.user_id) == {"o_other"}
        assert left(FollowUp.registration_id) == set()
    assert subscribed() == ["o_other"]
    assert store.vault_discard("wechat:o_person") == 0
    assert store.vault_discard("rest:o_person") == 1
