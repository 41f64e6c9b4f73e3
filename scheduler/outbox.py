"""The outbox: every scheduled send is a row with a unique key (campaign, recipient, step).

Exactly-once rests on three rules:
1. Enqueueing is ``INSERT … ON CONFLICT DO NOTHING`` on the key, so planning can run again
   (after a crash, or every minute) without queueing anyone twice.
2. A row is claimed under a lease (PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: its
   single writer plus a ``state = 'pending'`` guard on the UPDATE), then
   committed as ``sending`` immediately before the request leaves and ``sent`` right after.
3. Recovery: a ``claimed`` row whose claimer died goes back to ``pending`` (it never left); a
   ``sending`` row becomes ``in_doubt`` — the platform may have delivered it and neither WeChat
   nor Telegram can be asked, so it is never re-sent automatically (`jiuye scheduler status`
   counts them; staff decide). The window for such a row is the few milliseconds between the
   ``sending`` commit and the request write.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from registry.db import upsert_insert
from scheduler.models import OUTBOX_STATES, OutboxMessage

CHUNK = 1000


@dataclass(frozen=True)
class NewMessage:
    campaign: str
    channel: str
    user_id: str
    step: str
    kind: str
    not_before: dt.datetime
    expires_at: Optional[dt.datetime] = None
    registration_id: Optional[int] = None
    fair_id: Optional[int] = None
    service_kind: Optional[str] = None
    payload: Dict[str, Any] = field(default_factory=dict)

    @property
    def recipient(self) -> str:
        return recipient_key(self.channel, self.user_id)


def recipient_key(channel: str, user_id: str) -> str:
    return f"{channel}:{user_id}"


def new_owner() -> str:
    """A claimer id: host, pid and a random part (a restarted process never reuses one)."""
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _insert(session: Session):
    return upsert_insert(session, OutboxMessage).on_conflict_do_nothing(index_elements=["campaign", "recipient", "step"])


def enqueue(session: Session, messages: Iterable[NewMessage], now: dt.datetime) -> None:
    """Queue messages; those whose key is already queued (in any state) are left alone."""
    batch: List[Dict[str, Any]] = []
    for message in messages:
        batch.append({
            "campaign": message.campaign, "recipient": message.recipient, "step": message.step,
            "kind": message.kind, "channel": message.channel, "user_id": message.user_id,
            "registration_id": message.registration_id, "fair_id": message.fair_id,
            "service_kind": message.service_kind, "payload": json.dumps(message.payload, ensure_ascii=False),
            "state": "pending", "attempts": 0, "not_before": message.not_before, "expires_at": message.expires_at,
            "created_at": now, "updated_at": now,
        })
        if len(batch) >= CHUNK:
            session.execute(_insert(session), batch)
            batch = []
    if batch:
        session.execute(_insert(session), batch)


def claim(session: Session, owner: str, limit: int, now: dt.datetime, lease: dt.timedelta) -> List[OutboxMessage]:
    """Reserve up to ``limit`` due pending rows for ``owner``; commit before sending any.

    PostgreSQL locks the candidates with ``FOR UPDATE SKIP LOCKED``, so concurrent claimers take
    disjoint rows without waiting. SQLite has one writer at a time; the ``state = 'pending'``
    guard on the UPDATE makes a row another claimer took in between simply not ours."""
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.state == "pending", OutboxMessage.not_before <= now)
        .order_by(OutboxMessage.not_before, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    for _ in range(3):  # candidates all taken by a concurrent claimer: look again
        ids = list(session.execute(due).scalars())
        if not ids:
            return []
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.state == "pending")
            .values(state="claimed", lease_owner=owner, lease_until=now + lease, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        mine = list(session.execute(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.lease_owner == owner,
                                        OutboxMessage.state == "claimed")
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .execution_options(populate_existing=True)
        ).scalars())
        if mine:
            return mine
    return []


def _transition(session: Session, message_id: int, owner: str, from_states: Sequence[str], **values: Any) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.lease_owner == owner,
               OutboxMessage.state.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_sending(session: Session, message_id: int, owner: str, via: str, body: str, now: dt.datetime) -> bool:
    """False if the lease was lost (the row is no longer ours: do not send)."""
    return _transition(session, message_id, owner, ("claimed", "sending"), state="sending", sent_via=via, body=body,
                       attempts=OutboxMessage.attempts + 1, updated_at=now)


def mark_sent(session: Session, message_id: int, owner: str, now: dt.datetime) -> bool:
    return _transition(session, message_id, owner, ("sending",), state="sent", sent_at=now, last_error=None,
                       lease_owner=None, lease_until=None, updated_at=now)


def mark_retry(session: Session, message: OutboxMessage, owner: str, now: dt.datetime, error: str,
               backoff: dt.timedelta, max_attempts: int) -> str:
    """Back to pending after an exponential backoff, or dead after ``max_attempts``; the new state."""
    attempts = message.attempts  # a fresh row: mark_sending already counted this attempt
    if attempts >= max_attempts:
        mark_final(session, message.id, owner, "dead", error, now)
        return "dead"
    delay = min(backoff * (2 ** max(0, attempts - 1)), dt.timedelta(hours=1))
    _transition(session, message.id, owner, ("claimed", "sending"), state="pending", not_before=now + delay,
                last_error=error[:300], lease_owner=None, lease_until=None, updated_at=now)
    return "pending"


def release(session: Session, message_id: int, owner: str, not_before: dt.datetime, now: dt.datetime,
            reason: Optional[str] = None) -> None:
    """Back to pending until ``not_before``: a claimed row when quiet hours began or the cap was
    reached, or a row the platform refused outright (its daily quota)."""
    _transition(session, message_id, owner, ("claimed", "sending"), state="pending", not_before=not_before,
                last_error=reason[:300] if reason else None, lease_owner=None, lease_until=None, updated_at=now)


def mark_final(session: Session, message_id: int, owner: str, state: str, reason: str, now: dt.datetime) -> bool:
    """dead, skipped or in_doubt, with the reason."""
    assert state in ("dead", "skipped", "in_doubt")
    return _transition(session, message_id, owner, ("claimed", "sending"), state=state, last_error=reason[:300],
                       lease_owner=None, lease_until=None, updated_at=now)


def skip_recipient(session: Session, channel: str, user_id: str, reason: str, now: dt.datetime,
                   kinds: Optional[Sequence[str]] = None) -> int:
    """Everything still queued for a recipient (optionally only some kinds) → skipped."""
    query = update(OutboxMessage).where(
        OutboxMessage.recipient == recipient_key(channel, user_id), OutboxMessage.state == "pending"
    )
    if kinds:
        query = query.where(OutboxMessage.kind.in_(kinds))
    result = session.execute(
        query.values(state="skipped", last_error=reason[:300], updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def recover(session: Session, now: dt.datetime, keep_owner: Optional[str] = None, orphans_only: bool = False) -> Dict[str, int]:
    """Rows left by a dead claimer: claimed → pending, sending → in_doubt.

    With ``orphans_only`` every row not owned by ``keep_owner`` is an orphan (the caller holds the
    single-scheduler lock, so no other claimer is alive); otherwise only expired leases count.
    """
    def stale(state: str):
        query = update(OutboxMessage).where(OutboxMessage.state == state)
        if keep_owner is not None:
            query = query.where(OutboxMessage.lease_owner != keep_owner)
        if not orphans_only:
            query = query.where(OutboxMessage.lease_until < now)
        return query.execution_options(synchronize_session=False)

    returned = session.execute(stale("claimed").values(state="pending", lease_owner=None, lease_until=None,
                                                       updated_at=now)).rowcount
    doubtful = session.execute(stale("sending").values(
        state="in_doubt", lease_owner=None, lease_until=None, updated_at=now,
        last_error="interrupted while sending: may have been delivered; not re-sent automatically",
    )).rowcount
    return {"returned": returned, "in_doubt": doubtful}


def counts(session: Session) -> Dict[str, int]:
    """Rows per state (every state listed, zeros included)."""
    found = dict(session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    return {state: int(found.get(state, 0)) for state in OUTBOX_STATES}


def sent_since(session: Session, since: dt.datetime) -> int:
    """Messages that left since ``since`` (the daily cap counts in-doubt ones too: they may have)."""
    sent = session.execute(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.state == "sent", OutboxMessage.sent_at >= since)
    ).scalar_one()
    doubtful = session.execute(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.state.in_(("in_doubt", "sending")), OutboxMessage.updated_at >= since)
    ).scalar_one()
    return int(sent) + int(doubtful)


def delete_for(session: Session, registration_id: int, channel: str, user_id: str) -> None:
    """Every row to a person (their registration's or their chat identity's), sent ones included:
    withdrawal deletes the texts too (workflows.erasure.withdraw)."""
    session.execute(delete(OutboxMessage).where(or_(
        OutboxMessage.registration_id == registration_id,
        and_(OutboxMessage.channel == channel, OutboxMessage.user_id == user_id),
    )))


def payload_of(message: OutboxMessage) -> Dict[str, Any]:
    return json.loads(message.payload or "{}")
