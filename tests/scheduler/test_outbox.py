"""The outbox on SQLite and PostgreSQL: idempotent enqueue, claims that never overlap (SKIP LOCKED
on PostgreSQL), recovery after a dead claimer."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from scheduler import outbox
from scheduler.models import OutboxMessage

NOW = dt.datetime(2030, 4, 1, 2, 0)
LEASE = dt.timedelta(minutes=2)


def messages(n: int, campaign: str = "fair:1:3d:x"):
    return [outbox.NewMessage(campaign=campaign, channel="wechat", user_id=f"o_{i}", step="notice",
                              kind="fair_notice", not_before=NOW) for i in range(n)]


def test_enqueue_is_idempotent_on_the_unique_key(sessions):
    with sessions.begin() as session:
        outbox.enqueue(session, messages(50), NOW)
    with sessions.begin() as session:
        outbox.enqueue(session, messages(60), NOW)  # 50 again (ignored) and 10 new
        outbox.enqueue(session, messages(5, campaign="fair:1:1d:x"), NOW)  # another campaign: new rows
    with sessions() as session:
        assert outbox.counts(session)["pending"] == 65
        keys = session.execute(select(OutboxMessage.campaign, OutboxMessage.recipient, OutboxMessage.step)).all()
    assert len(keys) == len(set(keys))


def test_concurrent_claims_never_overlap(sessions):
    with sessions.begin() as session:
        outbox.enqueue(session, messages(300), NOW)
    claimed = {}
    errors = []

    def claimer(name: str) -> None:
        try:
            mine = []
            while True:
                with sessions.begin() as session:
                    batch = outbox.claim(session, name, 7, NOW, LEASE)
                if not batch:
                    break
                mine += [row.id for row in batch]
            claimed[name] = mine
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    everything = [i for ids in claimed.values() for i in ids]
    assert len(everything) == 300 and len(set(everything)) == 300


def test_recovery_returns_claimed_rows_and_marks_sending_rows_in_doubt(sessions):
    with sessions.begin() as session:
        outbox.enqueue(session, messages(10), NOW)
        rows = outbox.claim(session, "dead-owner", 10, NOW, LEASE)
        for row in rows[:3]:
            assert outbox.mark_sending(session, row.id, "dead-owner", "wechat_template", "{}", NOW)
    with sessions.begin() as session:
        assert outbox.recover(session, NOW, keep_owner="me") == {"returned": 0, "in_doubt": 0}  # lease alive
        assert outbox.recover(session, NOW, keep_owner="me", orphans_only=True) == {"returned": 7, "in_doubt": 3}
    with sessions() as session:
        counts = outbox.counts(session)
    assert counts["pending"] == 7 and counts["in_doubt"] == 3
    with sessions.begin() as session:  # in-doubt rows are never claimed again
        assert len(outbox.claim(session, "me", 100, NOW, LEASE)) == 7


def test_lost_lease_means_no_send(sessions):
    with sessions.begin() as session:
        outbox.enqueue(session, messages(1), NOW)
        row = outbox.claim(session, "slow", 1, NOW, LEASE)[0]
    with sessions.begin() as session:
        outbox.recover(session, NOW + LEASE * 2)  # the lease expired; someone recovered it
        assert outbox.claim(session, "other", 1, NOW + LEASE * 2, LEASE)[0].id == row.id
    with sessions.begin() as session:
        assert outbox.mark_sending(session, row.id, "slow", "wechat_template", "{}", NOW) is False
